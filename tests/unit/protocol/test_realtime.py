"""RealtimeProtocol driven with wire JSON only (style.md §10.1, §16.1)."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from typing import Any

import pytest

from livetranslate.config import SessionConfig
from livetranslate.events import (
    ErrorEvent,
    InputAudioBufferAppendEvent,
    InputAudioBufferClearEvent,
    InputAudioBufferCommitEvent,
    InputImageBufferAppendEvent,
    SessionFinishEvent,
    UnknownServerEvent,
)
from livetranslate.exceptions import (
    AudioError,
    ConfigurationError,
    LocalProtocolError,
    RemoteProtocolError,
)
from livetranslate.protocol import (
    COMMANDS,
    MAX_IMAGE_BYTES,
    TRANSITIONS,
    RealtimeProtocol,
    SessionState,
)
from livetranslate.protocol.dialects import dialect_for
from livetranslate.usage import Usage
from tests.unit.protocol import (
    JPEG,
    M3,
    M35,
    M38,
    MINIMAL,
    asr_completed,
    assert_sent,
    created,
    drive_to,
    error,
    feed,
    finished,
    make,
    pcm,
    pending,
    ready,
    response_created,
    response_done,
    sent,
    state_of,
    transcript_done,
    updated,
    usage,
)

S = SessionState
LIVE = [S.CONNECTING, S.CONFIGURING, S.READY, S.RESPONDING, S.CLOSING]
MANUAL: dict[str, Any] = {"turn_detection": "manual"}


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


# ------------------------------------------------------------------ the transition table


def _table_order(key: tuple[SessionState, str]) -> tuple[str, str]:
    return (key[0].value, key[1])


LEGAL_SERVER = sorted(TRANSITIONS, key=_table_order)


@pytest.mark.parametrize(("state", "event_type"), LEGAL_SERVER, ids=str)
def test_every_legal_transition(state: SessionState, event_type: str) -> None:
    protocol = drive_to(state)
    feed(protocol, MINIMAL[event_type])
    expected = TRANSITIONS[(state, event_type)]
    assert state_of(protocol) is expected
    [event] = protocol.events_received()
    assert event.type == event_type
    if expected is S.FAILED:
        assert protocol.data_to_send() == []


ILLEGAL_SERVER = [
    (state, event_type)
    for state in LIVE
    for event_type in sorted(MINIMAL)
    if (state, event_type) not in TRANSITIONS
]


@pytest.mark.parametrize(("state", "event_type"), ILLEGAL_SERVER, ids=str)
def test_every_illegal_server_event_fails_the_session(state: SessionState, event_type: str) -> None:
    protocol = drive_to(state)
    if state is S.CONFIGURING:
        protocol.append_audio(pcm(2))  # held: must be dropped too
    with pytest.raises(RemoteProtocolError, match=re.escape(repr(event_type))) as info:
        feed(protocol, MINIMAL[event_type])
    assert info.value.event_type == event_type
    assert state_of(protocol) is S.FAILED
    assert protocol.events_received() == []
    assert protocol.data_to_send() == []
    assert protocol.failure_reason is not None


def _commands() -> dict[str, list[Callable[[RealtimeProtocol], None]]]:
    config = SessionConfig(model=M35, **MANUAL).validated()
    return {
        "session.update": [
            lambda p: p.update_session(config),
            lambda p: p.send(dialect_for(M35).session_update(config)),
        ],
        "input_audio_buffer.append": [
            lambda p: p.append_audio(pcm(4)),
            lambda p: p.send(InputAudioBufferAppendEvent.from_pcm(pcm(4))),
        ],
        "input_image_buffer.append": [
            lambda p: p.append_image(JPEG),
            lambda p: p.send(InputImageBufferAppendEvent.from_jpeg(JPEG)),
        ],
        "input_audio_buffer.commit": [
            lambda p: p.commit_audio(),
            lambda p: p.send(InputAudioBufferCommitEvent()),
        ],
        "input_audio_buffer.clear": [
            lambda p: p.clear_audio(),
            lambda p: p.send(InputAudioBufferClearEvent()),
        ],
        "session.finish": [lambda p: p.finish(), lambda p: p.send(SessionFinishEvent())],
    }


COMMAND_CASES = [
    (state, name, way) for state in SessionState for name in _commands() for way in (0, 1)
]


@pytest.mark.parametrize(("state", "command", "way"), COMMAND_CASES, ids=str)
def test_every_command_in_every_state(state: SessionState, command: str, way: int) -> None:
    protocol = drive_to(state, **MANUAL)
    run = _commands()[command][way]
    target = COMMANDS.get((state, command))
    if target is None:
        with pytest.raises(LocalProtocolError, match=f"Cannot send {command}") as info:
            run(protocol)
        if state is S.CLOSING:
            assert "the session is finishing; open a new session" in str(info.value)
        assert state_of(protocol) is state
        assert protocol.data_to_send() == []
    else:
        run(protocol)
        assert state_of(protocol) is target
        frames = sent(protocol)
        if state in (S.CONNECTING, S.CONFIGURING):
            assert frames == []  # held until session.updated
        else:
            [frame] = frames
            assert frame["type"] == command
            assert frame["event_id"].startswith("event_")


@pytest.mark.parametrize(
    ("state", "hint"),
    [
        (S.CONNECTING, "wait for session.updated"),
        (S.CONFIGURING, "wait for session.updated"),
        (S.CLOSED, "the session is closed; open a new session"),
        (S.FAILED, "the session failed; open a new session"),
    ],
)
def test_illegal_command_messages_say_what_to_do(state: SessionState, hint: str) -> None:
    protocol = drive_to(state)
    with pytest.raises(LocalProtocolError, match=hint):
        protocol.finish()


# ------------------------------------------------------------------ handshake


SESSION_UPDATES = {
    M3: {
        "modalities": ["text", "audio"],
        "input_audio_format": "pcm16",
        "output_audio_format": "pcm24",
        "input_audio_transcription": {"model": "qwen3-asr-flash-realtime"},
        "translation": {"language": "en"},
    },
    M35: {
        "modalities": ["text", "audio"],
        "sample_rate": 16000,
        "input_audio_format": "pcm",
        "output_audio_format": "pcm",
        "input_audio_transcription": {"model": "qwen3-asr-flash-realtime"},
        "translation": {"language": "en"},
    },
    M38: {
        "output_modalities": ["text", "audio"],
        "audio": {"input": {"format": {"type": "pcm", "sample_rate": 16000}}},
        "translation": {"language": "en"},
    },
}


@pytest.mark.parametrize("model", [M3, M35, M38])
def test_session_update_is_sent_only_after_session_created(model: str) -> None:
    protocol = make(model)
    assert state_of(protocol) is S.CONNECTING
    assert protocol.data_to_send() == []
    feed(protocol, created(model=model))
    assert state_of(protocol) is S.CONFIGURING
    assert_sent(
        protocol,
        [{"event_id": "event_1", "type": "session.update", "session": SESSION_UPDATES[model]}],
    )
    assert protocol.server_session is not None
    assert protocol.server_session.model == model
    feed(protocol, updated(model=model, voice="Tina"))
    assert state_of(protocol) is S.READY
    assert protocol.server_session.voice == "Tina"
    assert [e.type for e in protocol.events_received()] == ["session.created", "session.updated"]
    assert protocol.data_to_send() == []


def test_held_input_is_flushed_in_order_after_session_updated() -> None:
    protocol = make(M35, **MANUAL)
    protocol.append_audio(pcm(1600, 1))
    protocol.append_image(JPEG)
    protocol.append_audio(pcm(800, 2))
    protocol.commit_audio()
    assert protocol.audio_bytes_sent == 0
    feed(protocol, created())
    [update] = sent(protocol)
    assert update["type"] == "session.update"
    assert protocol.audio_bytes_sent == 0
    protocol.clear_audio()  # still held while CONFIGURING
    assert protocol.data_to_send() == []
    feed(protocol, updated())
    assert_sent(
        protocol,
        [
            {
                "event_id": "event_1",
                "type": "input_audio_buffer.append",
                "audio": b64(pcm(1600, 1)),
            },
            {"event_id": "event_2", "type": "input_image_buffer.append", "image": b64(JPEG)},
            {"event_id": "event_3", "type": "input_audio_buffer.append", "audio": b64(pcm(800, 2))},
            {"event_id": "event_4", "type": "input_audio_buffer.commit"},
            {"event_id": "event_6", "type": "input_audio_buffer.clear"},
        ],
    )
    assert protocol.audio_bytes_sent == 4800
    assert protocol.audio_ms_sent == pytest.approx(150.0)
    protocol.append_audio(pcm(160))
    assert_sent(
        protocol,
        [{"event_id": "event_7", "type": "input_audio_buffer.append", "audio": b64(pcm(160))}],
    )
    assert protocol.audio_ms_sent == pytest.approx(160.0)


def test_audio_ms_uses_the_configured_sample_rate() -> None:
    protocol = ready(make(M35, sample_rate=8000))
    protocol.append_audio(pcm(800))
    assert protocol.audio_ms_sent == pytest.approx(100.0)
    assert protocol.audio_bytes_sent == 1600


def test_raw_append_events_are_counted_and_get_ids() -> None:
    protocol = ready(make(M35))
    protocol.send(InputAudioBufferAppendEvent.from_pcm(pcm(3)))  # 6 bytes, base64 padded
    protocol.send(InputAudioBufferAppendEvent.from_pcm(pcm(4), event_id="mine"))
    frames = sent(protocol)
    assert [f["event_id"] for f in frames] == ["event_2", "mine"]
    assert protocol.audio_bytes_sent == 14


def test_default_ids_are_event_uuid_hex() -> None:
    protocol = RealtimeProtocol(SessionConfig(model=M35).validated())
    feed(protocol, created())
    [update] = sent(protocol)
    assert re.fullmatch(r"event_[0-9a-f]{32}", update["event_id"])


# ------------------------------------------------------------------ input validation


def test_odd_audio_is_an_audio_error_and_empty_audio_is_ignored() -> None:
    protocol = ready(make())
    with pytest.raises(AudioError, match="3 bytes"):
        protocol.append_audio(b"\x00\x01\x02")
    protocol.append_audio(b"")
    assert protocol.data_to_send() == []
    with pytest.raises(LocalProtocolError, match="send audio before the first image"):
        protocol.append_image(JPEG)  # neither call counted as audio


def test_image_rules() -> None:
    protocol = make()
    with pytest.raises(LocalProtocolError, match="send audio before the first image"):
        protocol.send(InputImageBufferAppendEvent.from_jpeg(JPEG))
    protocol.append_audio(pcm(2))
    with pytest.raises(ConfigurationError, match="not a JPEG"):
        protocol.append_image(b"\x89PNG\r\n\x1a\n")
    too_big = JPEG + b"\x00" * (MAX_IMAGE_BYTES - len(JPEG) + 1)
    with pytest.raises(ConfigurationError, match=f"{len(too_big)} bytes.*500 KB"):
        protocol.append_image(too_big)
    protocol.append_image(too_big[:MAX_IMAGE_BYTES])
    ready(protocol)


def test_commit_needs_manual_turn_detection() -> None:
    protocol = ready(make(M35))
    with pytest.raises(LocalProtocolError, match="turn_detection='manual'"):
        protocol.commit_audio()


def test_update_session_cannot_change_the_model() -> None:
    protocol = ready(make(M35))
    with pytest.raises(ConfigurationError, match="cannot change mid-session"):
        protocol.update_session(SessionConfig(model=M38).validated())
    assert not pending(protocol)


# ------------------------------------------------------------------ configuration errors


def test_configuration_error_fails_the_session_and_is_delivered() -> None:
    protocol = make()
    protocol.append_audio(pcm(2))
    feed(protocol, created())
    protocol.data_to_send()
    feed(protocol, error())
    assert state_of(protocol) is S.FAILED
    assert isinstance(protocol.configuration_error, ErrorEvent)
    assert protocol.configuration_error.error.code == "invalid_value"
    assert [e.type for e in protocol.events_received()] == ["session.created", "error"]
    assert protocol.data_to_send() == []  # the held audio is dropped
    feed(protocol, updated())  # absorbed
    assert protocol.events_received() == []
    with pytest.raises(LocalProtocolError):
        protocol.append_audio(pcm(2))


def test_error_before_session_created_is_delivered_and_changes_nothing() -> None:
    protocol = make()
    feed(protocol, error(code="AccessDenied"))
    assert state_of(protocol) is S.CONNECTING
    assert protocol.configuration_error is None
    assert [e.type for e in protocol.events_received()] == ["error"]


def test_mid_session_update_is_applied_when_confirmed() -> None:
    protocol = ready(make(M35))
    new = SessionConfig(model=M35, target_language="ja", modalities=("text",)).validated()
    protocol.update_session(new)
    [frame] = sent(protocol)
    assert frame["type"] == "session.update"
    assert frame["session"]["translation"] == {"language": "ja"}
    assert pending(protocol)
    assert protocol.config.target_language == "en"
    feed(protocol, updated(translation={"language": "ja"}))
    assert not pending(protocol)
    assert protocol.config is new
    assert protocol.server_session is not None
    assert protocol.server_session.target_language == "ja"


def test_mid_session_update_error_keeps_the_previous_config() -> None:
    protocol = ready(make(M35))
    before = protocol.config
    feed(protocol, response_created("r1"))
    protocol.update_session(SessionConfig(model=M35, target_language="ja").validated())
    feed(protocol, error())
    assert state_of(protocol) is S.RESPONDING
    assert not pending(protocol)
    assert protocol.config is before
    assert protocol.configuration_error is None
    assert [e.type for e in protocol.events_received()] == ["response.created", "error"]


def test_errors_are_matched_to_updates_by_event_id() -> None:
    protocol = ready(make(M35))
    protocol.update_session(SessionConfig(model=M35, target_language="ja").validated())
    protocol.update_session(SessionConfig(model=M35, target_language="fr").validated())
    first, second = (f["event_id"] for f in sent(protocol))
    feed(protocol, error(event_id="event_unrelated"))
    assert pending(protocol)
    feed(protocol, error(event_id=first))
    feed(protocol, updated())
    assert protocol.config.target_language == "fr"
    assert not pending(protocol)
    assert second != first


def test_raw_session_update_leaves_the_config_alone() -> None:
    protocol = ready(make(M35))
    before = protocol.config
    protocol.send(dialect_for(M35).session_update(before))
    assert pending(protocol)
    feed(protocol, updated())
    assert protocol.config is before
    assert not pending(protocol)
    feed(protocol, error())  # an error with no update pending: just an event
    assert state_of(protocol) is S.READY


# ------------------------------------------------------------------ responses and usage


def test_overlapping_responses_keep_responding_until_the_last_is_done() -> None:
    protocol = ready(make())
    feed(protocol, response_created("r1"), response_created("r2"))
    assert state_of(protocol) is S.RESPONDING
    assert protocol.pending_response_ids == {"r1", "r2"}
    feed(protocol, response_done("r1", usage_=usage(10, 5)))
    assert state_of(protocol) is S.RESPONDING
    assert protocol.pending_response_ids == {"r2"}
    feed(protocol, response_done("r2", usage_=usage(20, 6)))
    assert state_of(protocol) is S.READY
    assert protocol.pending_response_ids == frozenset()
    assert protocol.usage == Usage(
        input_text_tokens=16,
        input_audio_tokens=14,
        output_text_tokens=5,
        output_audio_tokens=6,
    )


def test_usage_is_folded_once_per_response() -> None:
    protocol = ready(make())
    feed(protocol, response_created("r1"), response_done("r1", usage_=usage(10, 5)))
    once = protocol.usage
    feed(protocol, response_done("r1", usage_=usage(10, 5)))  # duplicate
    feed(protocol, response_done("r2"))  # no usage at all
    assert protocol.usage == once
    assert once.total_tokens == 15
    assert [e.type for e in protocol.events_received()][-2:] == ["response.done", "response.done"]


def test_unknown_events_pass_through_in_every_live_state() -> None:
    for state in LIVE:
        protocol = drive_to(state)
        feed(protocol, {"type": "response.brand_new", "x": 1})
        [event] = protocol.events_received()
        assert isinstance(event, UnknownServerEvent)
        assert event.raw == {"type": "response.brand_new", "x": 1}
        assert state_of(protocol) is state


def test_events_keep_wire_order_and_duplicates() -> None:
    protocol = ready(make())
    frames = [
        response_created("r1"),
        transcript_done("r1", "t1", "a"),
        transcript_done("r1", "t1", "a"),
    ]
    feed(protocol, *frames)
    assert [e.type for e in protocol.events_received()] == [f["type"] for f in frames]


# ------------------------------------------------------------------ finishing and closing


def test_finish_then_finished_closes_and_flushes_segments() -> None:
    protocol = ready(make())
    feed(protocol, asr_completed("s1", "你好"), response_created("r1"))
    protocol.segments_received()
    protocol.finish()
    assert state_of(protocol) is S.CLOSING
    [frame] = sent(protocol)
    assert frame == {"event_id": "event_2", "type": "session.finish"}
    with pytest.raises(LocalProtocolError, match="the session is finishing; open a new session"):
        protocol.append_audio(pcm(2))
    feed(protocol, transcript_done("r1", "t1", "Hello"))
    protocol.segments_received()
    feed(protocol, finished())
    assert state_of(protocol) is S.CLOSED
    [segment] = protocol.segments_received()
    assert segment.final
    assert (segment.source_text, segment.translated_text) == ("你好", "Hello")
    assert segment.status == "in_progress"
    protocol.receive_close(1000, "bye")
    assert state_of(protocol) is S.CLOSED


@pytest.mark.parametrize(
    ("state", "code", "expected"),
    [
        (S.READY, 1000, S.CLOSED),
        (S.RESPONDING, 1001, S.CLOSED),
        (S.CONNECTING, 1000, S.CLOSED),
        (S.READY, 1006, S.FAILED),
        (S.CONFIGURING, None, S.FAILED),
        (S.CLOSING, 1006, S.CLOSED),
        (S.CLOSING, None, S.CLOSED),
        (S.FAILED, 1000, S.FAILED),
        (S.CLOSED, 1011, S.CLOSED),
    ],
)
def test_receive_close(state: SessionState, code: int | None, expected: SessionState) -> None:
    protocol = drive_to(state)
    protocol.receive_close(code, "reason")
    assert state_of(protocol) is expected
    protocol.receive_close(code, "reason")  # idempotent
    assert state_of(protocol) is expected
    assert protocol.data_to_send() == []
    if state is S.READY and expected is S.FAILED:
        assert protocol.failure_reason == "The connection closed unexpectedly (code 1006)."


def test_close_flushes_in_flight_segments() -> None:
    protocol = ready(make())
    feed(protocol, asr_completed("s1", "hi"), response_created("r1"))
    protocol.segments_received()
    protocol.receive_close(1000, "")
    [segment] = protocol.segments_received()
    assert segment.final
    assert segment.source_text == "hi"


def test_fail_drops_queued_data_and_absorbs_everything() -> None:
    protocol = make()
    feed(protocol, created())
    protocol.fail("no session.updated within 10 s")
    assert state_of(protocol) is S.FAILED
    assert protocol.failure_reason == "no session.updated within 10 s"
    assert protocol.data_to_send() == []
    protocol.fail("again")
    assert protocol.failure_reason == "no session.updated within 10 s"
    feed(protocol, updated())
    protocol.receive_close(1000, "")
    assert [e.type for e in protocol.events_received()] == ["session.created"]
    assert state_of(protocol) is S.FAILED


def test_fail_is_ignored_once_closed() -> None:
    protocol = drive_to(S.CLOSED)
    protocol.fail("late")
    assert state_of(protocol) is S.CLOSED
    assert protocol.failure_reason is None


# ------------------------------------------------------------------ bad data


@pytest.mark.parametrize(
    "data",
    [
        "{not json",
        b"\xff\xfe",
        "[1, 2]",
        '{"no_type": 1}',
        '{"type": "response.created"}',
        json.dumps(
            {"type": "response.audio.delta", "response_id": "r", "item_id": "i", "delta": "abc"}
        ),
    ],
)
def test_malformed_messages_fail_the_session(data: str | bytes) -> None:
    protocol = ready(make())
    protocol.append_audio(pcm(2))  # queued but not drained: dropped on failure
    with pytest.raises(RemoteProtocolError):
        protocol.receive_message(data)
    assert state_of(protocol) is S.FAILED
    assert protocol.data_to_send() == []
    assert protocol.events_received() == []
    protocol.receive_message(json.dumps(response_created("r1")))  # absorbed
    assert protocol.events_received() == []
    with pytest.raises(LocalProtocolError):
        protocol.append_audio(pcm(2))
    assert protocol.data_to_send() == []


def test_bytes_messages_are_accepted() -> None:
    protocol = make()
    protocol.receive_message(json.dumps(created()).encode())
    assert state_of(protocol) is S.CONFIGURING


def test_queries_on_a_fresh_protocol() -> None:
    protocol = make(M38)
    assert protocol.dialect.generation == "3.8"
    assert protocol.usage == Usage()
    assert protocol.server_session is None
    assert protocol.configuration_error is None
    assert protocol.failure_reason is None
    assert not pending(protocol)
    assert protocol.pending_response_ids == frozenset()
    assert (protocol.audio_bytes_sent, protocol.audio_ms_sent, protocol.segments_completed) == (
        0,
        0.0,
        0,
    )
    assert protocol.segments_received() == []


def test_segment_counters_follow_the_assembler() -> None:
    protocol = ready(make(M35, transcribe_source=False))
    feed(protocol, response_created("r1"), response_done("r1", output="Hello"))
    [segment] = protocol.segments_received()
    assert segment.final
    assert segment.translated_text == "Hello"
    assert protocol.segments_completed == 1


def test_malformed_base64_audio_fails_the_session_with_a_clear_error() -> None:
    protocol = ready(make())
    feed(protocol, response_created("resp_1"))
    bad = {
        "type": "response.audio.delta",
        "response_id": "resp_1",
        "item_id": "item_1",
        "output_index": 0,
        "content_index": 0,
        "delta": "not base64 at all!!",
    }
    with pytest.raises(RemoteProtocolError, match=r"response\.audio\.delta.*not valid base64"):
        protocol.receive_message(json.dumps(bad))
    assert protocol.state is SessionState.FAILED
    assert protocol.data_to_send() == []
