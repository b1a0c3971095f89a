"""Events the SDK itself adds to a realtime session's event stream (never on the wire).

They arrive through ``async for event in session`` and ``session.recv()`` between the server's
events, in order. Their ``type`` starts with ``livetranslate.``, so it can never collide with a
service event type; narrow on ``event.type`` as for server events.
"""

from __future__ import annotations

import json
from typing import Any, Literal, TypeAlias

from pydantic import BaseModel, ConfigDict

from livetranslate.events.realtime_server import ServerEvent

__all__ = ["SessionEvent", "SessionReconnected"]


class SessionReconnected(BaseModel):
    """The session lost its connection (or rotated it) and continues on a new one.

    Yielded right after the new connection's ``session.updated``: the configuration (glossary and
    voice included) was sent again and the audio the service had not finished with has been
    replayed. Segments stay continuous: their ``start_ms``/``end_ms`` count from the start of the
    whole input stream, and an utterance finished before the drop is never emitted again. (The
    raw ``speech_started``/``speech_stopped`` events of the new connection count from its first
    replayed byte, as the service sends them; add ``offset_ms`` to compare.)

    Attributes:
        type: Always ``"livetranslate.reconnected"``.
        attempt: Attempts this reconnect took (1 when the first one succeeded).
        reconnects: Reconnects so far in this session, this one included.
        gap_ms: Wall-clock milliseconds from losing the old connection to the new one being ready.
        replayed_ms: Milliseconds of input audio sent again on the new connection.
        dropped_ms: Milliseconds of input audio that could not be replayed because the replay
            buffer overflowed (0 unless the outage or an utterance outlasted ``replay_seconds``).
        offset_ms: Where the new connection's audio starts, in milliseconds of the input stream.
        cause: ``"connection_lost"`` (a drop, a close, a dead or stalled connection) or
            ``"rotation"`` (a planned move before the service's session-length cap).
        code: The close code of the old connection (1006 for a drop), or None for a rotation or a
            local deadline.
        session_id: The service's id of the new session (from ``session.created``), if it sent one.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    type: Literal["livetranslate.reconnected"] = "livetranslate.reconnected"
    attempt: int
    reconnects: int
    gap_ms: int
    replayed_ms: int
    dropped_ms: int = 0
    offset_ms: int = 0
    cause: Literal["connection_lost", "rotation"] = "connection_lost"
    code: int | None = None
    session_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the event as a JSON-compatible dict (``type`` first)."""
        return self.model_dump(mode="json")

    def to_json(self) -> str:
        """Return the event as compact JSON text."""
        return json.dumps(self.to_dict(), separators=(",", ":"))


SessionEvent: TypeAlias = ServerEvent | SessionReconnected
"""What a realtime session's event stream yields: any server event, or a `SessionReconnected`."""
