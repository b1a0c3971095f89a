"""RealtimeProtocol as a Hypothesis state machine (style.md §16.3).

Rules are protocol commands and inbound server frames. Invariants: the state only moves along the
tables; CLOSED and FAILED absorb every input; nothing is sent after FAILED; usage never decreases.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import fields

import pytest
from hypothesis import event, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule

from livetranslate.config import SessionConfig
from livetranslate.exceptions import LocalProtocolError, RemoteProtocolError
from livetranslate.protocol import (
    COMMANDS,
    LOCAL_TRANSITIONS,
    RealtimeProtocol,
    SessionState,
    next_states,
)
from tests.unit.protocol import (
    JPEG,
    M35,
    MINIMAL,
    Event,
    created,
    ids,
    response_created,
    response_done,
    updated,
    usage,
)

S = SessionState
TERMINAL = (S.CLOSED, S.FAILED)
CONFIG = SessionConfig(model=M35, turn_detection="manual").validated()
OTHER_CONFIG = SessionConfig(model=M35, turn_detection="manual", target_language="ja").validated()

COMMAND_CALLS: dict[str, Callable[[RealtimeProtocol], None]] = {
    "input_audio_buffer.append": lambda p: p.append_audio(b"\x00\x00" * 160),
    "input_image_buffer.append": lambda p: p.append_image(JPEG),
    "input_audio_buffer.commit": lambda p: p.commit_audio(),
    "input_audio_buffer.clear": lambda p: p.clear_audio(),
    "session.update": lambda p: p.update_session(OTHER_CONFIG),
    "session.finish": lambda p: p.finish(),
}

response_ids = st.sampled_from(["r1", "r2", "r3"])
UNKNOWN: Event = {"type": "session.brand_new", "x": 1}


def frames_of(event_type: str) -> st.SearchStrategy[Event]:
    if event_type == "response.created":
        return st.builds(response_created, response_ids)
    if event_type == "response.done":
        return st.builds(
            response_done,
            response_ids,
            usage_=st.none() | st.builds(usage, st.integers(7, 50), st.integers(3, 50)),
        )
    return st.just(MINIMAL[event_type])


class RealtimeMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.protocol = RealtimeProtocol(CONFIG, id_factory=ids())
        self.audio_seen = False
        self.last_usage = self.protocol.usage
        self.terminal_since: S | None = None

    # ------------------------------------------------------------------ inputs

    @precondition(lambda self: self.protocol.state in (S.CONNECTING, S.CONFIGURING))
    @rule()
    def handshake(self) -> None:
        """Steer towards the configured states, where most of the table lives."""
        frame = created() if self.protocol.state is S.CONNECTING else updated()
        self._receive(frame)

    @rule(data=st.data())
    def receive(self, data: st.DataObject) -> None:
        """A server frame: mostly one the table allows now, sometimes any (or an unknown one)."""
        state = self.protocol.state
        legal = sorted(t for t in MINIMAL if next_states(state, t) - {S.FAILED})
        mostly_legal = data.draw(st.integers(0, 29)) != 0
        if legal and mostly_legal:
            event_type = data.draw(st.sampled_from(legal))
        else:
            event_type = data.draw(st.sampled_from([*sorted(MINIMAL), UNKNOWN["type"]]))
        frame = UNKNOWN if event_type == UNKNOWN["type"] else data.draw(frames_of(event_type))
        self._receive(frame)

    def _receive(self, frame: Event) -> None:
        before = self.protocol.state
        allowed = next_states(before, frame["type"])
        try:
            self.protocol.receive_message(json.dumps(frame))
        except RemoteProtocolError:
            assert not allowed, (before, frame["type"])
            assert self.protocol.state is S.FAILED
            return
        if frame is UNKNOWN:
            assert self.protocol.state is before
        else:
            assert self.protocol.state in allowed, (before, frame["type"], self.protocol.state)

    @rule(
        data=st.sampled_from(["{", "[]", '{"type": 3}', '{"type": "error"}']),
        now=st.integers(0, 29),
    )
    def receive_garbage(self, data: str, now: int) -> None:
        if now:
            return  # end sessions rarely, so that long runs explore the live states
        before = self.protocol.state
        if before in TERMINAL:
            self.protocol.receive_message(data)
            assert self.protocol.state is before
            return
        with pytest.raises(RemoteProtocolError):
            self.protocol.receive_message(data)
        assert self.protocol.state is LOCAL_TRANSITIONS[(before, "invalid message")]

    @rule(code=st.sampled_from([None, 1000, 1001, 1006, 1011]), now=st.integers(0, 29))
    def receive_close(self, code: int | None, now: int) -> None:
        if now:
            return
        before = self.protocol.state
        self.protocol.receive_close(code, "")
        if before in TERMINAL:
            assert self.protocol.state is before
        else:
            kind = "clean close" if code in (1000, 1001) else "abnormal close"
            assert self.protocol.state is LOCAL_TRANSITIONS[(before, kind)]

    @rule(now=st.integers(0, 29))
    def fail(self, now: int) -> None:
        if now:
            return
        before = self.protocol.state
        self.protocol.fail("deadline")
        expected = before if before in TERMINAL else LOCAL_TRANSITIONS[(before, "fail()")]
        assert self.protocol.state is expected

    # ------------------------------------------------------------------ commands

    @rule(command=st.sampled_from(sorted(COMMAND_CALLS)))
    def command(self, command: str) -> None:
        before = self.protocol.state
        target = COMMANDS.get((before, command))
        if command == "input_image_buffer.append" and not self.audio_seen:
            target = None
        if target is None:
            with pytest.raises(LocalProtocolError):
                COMMAND_CALLS[command](self.protocol)
            assert self.protocol.state is before
            return
        COMMAND_CALLS[command](self.protocol)
        assert self.protocol.state is target
        self.audio_seen |= command == "input_audio_buffer.append"

    @rule()
    def drain(self) -> None:
        self.protocol.events_received()
        self.protocol.segments_received()
        self.protocol.data_to_send()

    # ------------------------------------------------------------------ invariants

    @invariant()
    def record_state(self) -> None:
        event(f"state={self.protocol.state.name}")

    @invariant()
    def nothing_is_sent_after_failure(self) -> None:
        if self.protocol.state is S.FAILED:
            assert self.protocol.data_to_send() == []

    @invariant()
    def usage_never_decreases(self) -> None:
        now = self.protocol.usage
        for f in fields(now):
            assert getattr(now, f.name) >= getattr(self.last_usage, f.name)
        self.last_usage = now

    @invariant()
    def terminal_states_absorb(self) -> None:
        state = self.protocol.state
        if self.terminal_since is not None:
            assert state is self.terminal_since
        elif state in TERMINAL:
            self.terminal_since = state

    @invariant()
    def responding_means_pending_responses(self) -> None:
        state = self.protocol.state
        if state is S.RESPONDING:
            assert self.protocol.pending_response_ids
        elif state is S.READY:
            assert not self.protocol.pending_response_ids


TestRealtimeMachine = RealtimeMachine.TestCase
