"""A live RealtimeSession fed arbitrary frames over a real socket raises only documented errors.

Each example runs a tiny server: the normal handshake, then a Hypothesis-drawn list of frames
(valid server events of every type in any order, arbitrary JSON, arbitrary text, binary frames,
invalid base64 audio, deeply nested JSON), then a clean close, an error close or a dropped TCP
connection. Whatever arrives, the session yields typed events and then ends normally or with one
of the documented exceptions; nothing else escapes, nothing hangs, and the reader never logs an
internal error.
"""

from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

from hypothesis import HealthCheck, event, given, settings, strategies as st
from websockets.asyncio.server import ServerConnection, serve
from websockets.exceptions import ConnectionClosed

from livetranslate import RealtimeSession, ReconnectPolicy
from livetranslate.events import ServerModel, SessionReconnected
from livetranslate.exceptions import (
    PermissionDeniedError,
    RemoteProtocolError,
    SessionClosed,
    SessionError,
    TransportTimeout,
)
from livetranslate.protocol.backoff import Backoff
from tests.factories import server_event_dicts

DOCUMENTED = (
    RemoteProtocolError,
    SessionClosed,
    PermissionDeniedError,
    SessionError,
    TransportTimeout,
)

scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=12)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
frames = st.one_of(
    server_event_dicts().map(json.dumps),
    json_values.map(json.dumps),
    st.dictionaries(st.just("type"), st.text(max_size=30)).map(json.dumps),
    st.text(max_size=60),
    st.binary(max_size=60),
    st.just('{"type":"response.audio.delta","response_id":"r","item_id":"i","delta":"@@@@"}'),
    st.just("[" * 5000 + "]" * 5000),
    st.just('{"type":"session.finished"}'),
)
endings = st.sampled_from(["close", "error", "drop", "finish"])


class _Internal(logging.Handler):
    """Collects ERROR records: the reader logs one only for a bug."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


async def _scenario(sent: list[str | bytes], ending: str, reconnect: Any) -> list[Any]:
    async def handler(ws: ServerConnection) -> None:
        try:
            await ws.send(json.dumps({"type": "session.created", "session": {"id": "s"}}))
            while json.loads(await ws.recv()).get("type") != "session.update":
                pass
            await ws.send(json.dumps({"type": "session.updated", "session": {"id": "s"}}))
            for frame in sent:
                await ws.send(frame)
            if ending == "finish":
                await ws.send(json.dumps({"type": "session.finished"}))
                await ws.close()
            elif ending == "drop":
                ws.transport.abort()
            else:
                await ws.close(1000 if ending == "close" else 1011)
        except ConnectionClosed:
            pass

    seen: list[Any] = []
    async with serve(handler, "127.0.0.1", 0, max_size=None) as server:
        port = server.sockets[0].getsockname()[1]
        session = RealtimeSession(
            base_url=f"ws://127.0.0.1:{port}/api-ws/v1/realtime",
            api_key="sk-fuzz",
            reconnect=reconnect,
            finish_timeout=2.0,
            ping_interval=None,
        )
        async with asyncio.timeout(20):
            try:
                async with session:
                    async for event in session:
                        assert isinstance(event, ServerModel | SessionReconnected)
                        seen.append(event)
            except DOCUMENTED as exc:
                seen.append(exc)
    return seen


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(frames, max_size=8), endings)
def test_arbitrary_frames_raise_only_documented_errors(
    sent: list[str | bytes], ending: str
) -> None:
    handler = _Internal()
    logger = logging.getLogger("livetranslate")
    logger.addHandler(handler)
    try:
        seen = asyncio.run(_scenario(sent, ending, reconnect=False))
    finally:
        logger.removeHandler(handler)
    assert not handler.records, [r.getMessage() for r in handler.records]
    event(type(seen[-1]).__name__ if seen else "nothing")


@settings(deadline=None, max_examples=15, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(frames, min_size=1, max_size=4), endings)
def test_with_reconnect_bad_frames_end_after_bounded_attempts(
    sent: list[str | bytes], ending: str
) -> None:
    policy = ReconnectPolicy(attempts=2, backoff=Backoff(initial=0.001, maximum=0.01))
    seen = asyncio.run(_scenario(sent, ending, reconnect=policy))
    reconnects = [e for e in seen if isinstance(e, SessionReconnected)]
    assert len(reconnects) <= 2
