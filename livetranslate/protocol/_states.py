"""The realtime session's states and the tables that move between them.

[`RealtimeProtocol`][livetranslate.protocol.RealtimeProtocol] drives its state from three tables:

- ``TRANSITIONS``: ``(state, server event type) -> state``. A known server event type that is not
  in the table for the current state is a `RemoteProtocolError`. Event types this SDK does not
  know (``UnknownServerEvent``) are never in the table and never change the state.
- ``COMMANDS``: ``(state, client event type) -> state``. A command whose client event type is not
  in the table for the current state is a `LocalProtocolError`.
- ``LOCAL_TRANSITIONS``: ``(state, local input) -> state`` for what the transport reports:
  ``fail()``, a clean or abnormal close, and a message that cannot be parsed.

Special cases, the only moves the tables do not give on their own:

1. ``response.done`` in RESPONDING moves to READY only when no other response is still pending;
   otherwise the state stays RESPONDING (``pending_response_ids`` is not empty).
2. ``error`` in CONFIGURING answers the initial ``session.update``: the move to FAILED is in the
   table, and the protocol also records the event as ``configuration_error``.
3. ``error`` answering a mid-session ``session.update`` keeps the previous configuration and
   clears ``update_pending``; the state follows the table (it does not change).
4. CLOSED and FAILED absorb every input: ``receive_*`` and ``fail()`` do nothing there, and every
   command raises `LocalProtocolError`.

The Mermaid state diagram in the docs is generated from these tables by `mermaid_diagram`.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from types import MappingProxyType

__all__ = [
    "COMMANDS",
    "LOCAL_TRANSITIONS",
    "STREAM_EVENT_TYPES",
    "TRANSITIONS",
    "SessionState",
    "mermaid_diagram",
    "next_states",
]


class SessionState(enum.Enum):
    """Where a realtime session is in its life.

    ``CONNECTING`` → ``CONFIGURING`` → ``READY`` ⇄ ``RESPONDING`` → ``CLOSING`` → ``CLOSED``,
    plus ``FAILED`` from anywhere. ``CLOSED`` and ``FAILED`` are final.
    """

    CONNECTING = "connecting"
    """The socket is open; waiting for ``session.created``."""
    CONFIGURING = "configuring"
    """``session.update`` was sent; waiting for ``session.updated`` (audio is held)."""
    READY = "ready"
    """Configured, and no response is in flight."""
    RESPONDING = "responding"
    """Configured, and at least one response is in flight."""
    CLOSING = "closing"
    """``session.finish`` was sent; waiting for ``session.finished``."""
    CLOSED = "closed"
    """The session ended normally."""
    FAILED = "failed"
    """The session ended in an error (configuration rejected, bad data, abnormal close)."""


_S = SessionState

STREAM_EVENT_TYPES: frozenset[str] = frozenset(
    {
        "input_audio_buffer.speech_started",
        "input_audio_buffer.speech_stopped",
        "input_audio_buffer.committed",
        "input_audio_buffer.cleared",
        "conversation.item.created",
        "conversation.item.input_audio_transcription.text",
        "conversation.item.input_audio_transcription.delta",
        "conversation.item.input_audio_transcription.completed",
        "conversation.item.input_audio_transcription.failed",
        "response.output_item.added",
        "response.output_item.done",
        "response.content_part.added",
        "response.content_part.done",
        "response.text.text",
        "response.text.delta",
        "response.text.done",
        "response.audio_transcript.text",
        "response.audio_transcript.delta",
        "response.audio_transcript.done",
        "response.audio.delta",
        "response.audio.done",
    }
)
"""Server events inside a configured session that never change the state on their own."""

_CONFIGURED = (_S.READY, _S.RESPONDING, _S.CLOSING)


def _build_transitions() -> dict[tuple[SessionState, str], SessionState]:
    table: dict[tuple[SessionState, str], SessionState] = {
        (_S.CONNECTING, "session.created"): _S.CONFIGURING,
        (_S.CONNECTING, "error"): _S.CONNECTING,
        (_S.CONFIGURING, "session.updated"): _S.READY,
        (_S.CONFIGURING, "error"): _S.FAILED,
        (_S.READY, "response.created"): _S.RESPONDING,
        (_S.READY, "response.done"): _S.READY,
        (_S.RESPONDING, "response.created"): _S.RESPONDING,
        (_S.RESPONDING, "response.done"): _S.READY,
        (_S.CLOSING, "response.created"): _S.CLOSING,
        (_S.CLOSING, "response.done"): _S.CLOSING,
    }
    for state in _CONFIGURED:
        table[(state, "session.updated")] = state
        table[(state, "error")] = state
        table[(state, "session.finished")] = _S.CLOSED
        for event_type in STREAM_EVENT_TYPES:
            table[(state, event_type)] = state
    return table


TRANSITIONS: Mapping[tuple[SessionState, str], SessionState] = MappingProxyType(
    _build_transitions()
)
"""``(state, server event type) -> next state``; see the module docstring for special cases."""

_INPUT_COMMANDS = (
    "input_audio_buffer.append",
    "input_image_buffer.append",
    "input_audio_buffer.commit",
    "input_audio_buffer.clear",
)


def _build_commands() -> dict[tuple[SessionState, str], SessionState]:
    table: dict[tuple[SessionState, str], SessionState] = {}
    for state in (_S.CONNECTING, _S.CONFIGURING, _S.READY, _S.RESPONDING):
        for command in _INPUT_COMMANDS:
            # Before session.updated, input is held and flushed right after it.
            table[(state, command)] = state
    for state in (_S.READY, _S.RESPONDING):
        table[(state, "session.update")] = state
        table[(state, "session.finish")] = _S.CLOSING
    return table


COMMANDS: Mapping[tuple[SessionState, str], SessionState] = MappingProxyType(_build_commands())
"""``(state, client event type) -> next state`` for every command that is legal."""

_LIVE = (_S.CONNECTING, _S.CONFIGURING, _S.READY, _S.RESPONDING, _S.CLOSING)


def _build_local() -> dict[tuple[SessionState, str], SessionState]:
    table: dict[tuple[SessionState, str], SessionState] = {}
    for state in _LIVE:
        table[(state, "fail()")] = _S.FAILED
        table[(state, "invalid message")] = _S.FAILED
        table[(state, "clean close")] = _S.CLOSED
        table[(state, "abnormal close")] = _S.CLOSED if state is _S.CLOSING else _S.FAILED
    return table


LOCAL_TRANSITIONS: Mapping[tuple[SessionState, str], SessionState] = MappingProxyType(
    _build_local()
)
"""``(state, local input) -> next state`` for ``fail()``, closes and unparseable messages.

A close is clean with code 1000 or 1001; after ``finish()`` every close counts as the end.
"""

_SPECIAL: Mapping[tuple[SessionState, str], frozenset[SessionState]] = MappingProxyType(
    {(_S.RESPONDING, "response.done"): frozenset({_S.RESPONDING})}
)


def next_states(state: SessionState, event_type: str) -> frozenset[SessionState]:
    """Return every state a server event of ``event_type`` may lead to from ``state``.

    Args:
        state: The current state.
        event_type: A server event ``type``.

    Returns:
        The table's target plus any special-case alternative; empty when the event is illegal
        in ``state``. For ``CLOSED``/``FAILED`` (which absorb everything) it is ``{state}``.
    """
    if state in (_S.CLOSED, _S.FAILED):
        return frozenset({state})
    target = TRANSITIONS.get((state, event_type))
    if target is None:
        return frozenset()
    return frozenset({target}) | _SPECIAL.get((state, event_type), frozenset())


def mermaid_diagram() -> str:
    """Render the state tables as a Mermaid ``stateDiagram-v2`` (self-loops left out).

    Returns:
        The diagram source, without the surrounding code fence.
    """
    edges: dict[tuple[SessionState, SessionState], list[str]] = {}
    labelled = (
        (TRANSITIONS, "{}"),
        (COMMANDS, "send {}"),
        (LOCAL_TRANSITIONS, "{}"),
    )
    for table, template in labelled:
        for (source, label), target in table.items():
            names = edges.setdefault((source, target), [])
            if source is not target and template.format(label) not in names:
                names.append(template.format(label))
    lines = ["stateDiagram-v2", f"    [*] --> {_S.CONNECTING.name}"]
    order = {state: i for i, state in enumerate(SessionState)}
    for (source, target), labels in sorted(
        edges.items(), key=lambda e: (order[e[0][0]], order[e[0][1]])
    ):
        if labels:
            lines.append(f"    {source.name} --> {target.name}: {' / '.join(sorted(labels))}")
    lines.append(f"    {_S.CLOSED.name} --> [*]")
    lines.append(f"    {_S.FAILED.name} --> [*]")
    return "\n".join(lines) + "\n"
