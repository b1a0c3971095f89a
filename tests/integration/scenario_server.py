"""A tiny scripted realtime server for the failure paths the emulator does not cover.

A scenario is JSONL (or a list of dicts), one step per line, run in order for each connection:

- ``{"http": 429, "body": {...}, "headers": {"Retry-After": "3"}}`` (first step only): reject the
  WebSocket handshake with this HTTP status and JSON body.
- ``{"send": {...}}``: send this object as one text frame.
- ``{"send_raw": "..."}``: send this text as is (e.g. invalid JSON).
- ``{"expect": "session.update"}``: wait for a client event of this type; events of other types
  that arrive first are recorded and skipped.
- ``{"close": 1011, "reason": "..."}``: close with this code.
- ``{"abort": true}``: drop the TCP connection without a close frame (the client sees 1006).
- ``{"hang": true}``: send nothing more; record client events until the client closes.

After the last step the server behaves as for ``hang``. Everything the client sent is in
``received`` (parsed JSON objects), the handshake requests in ``headers`` and ``paths``, and
``closed`` is set when a connection has ended.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import Iterable
from http import HTTPStatus
from types import TracebackType
from typing import Any, Self

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

Step = dict[str, Any]

PATH = "/api-ws/v1/realtime"


def created(**session: Any) -> Step:
    """A ``send`` step with a ``session.created`` event."""
    return {"send": {"type": "session.created", "event_id": "ev_created", "session": session}}


def updated(**session: Any) -> Step:
    """A ``send`` step with a ``session.updated`` event."""
    return {"send": {"type": "session.updated", "event_id": "ev_updated", "session": session}}


def error(code: str, message: str, param: str | None = None) -> Step:
    """A ``send`` step with an ``error`` event."""
    detail = {"type": "invalid_request_error", "code": code, "message": message, "param": param}
    return {"send": {"type": "error", "event_id": "ev_error", "error": detail}}


def handshake() -> list[Step]:
    """The normal opening: created, wait for the update, updated."""
    return [created(), {"expect": "session.update"}, updated()]


def parse(scenario: str | Iterable[Step]) -> list[Step]:
    """Return the steps of a JSONL text or a list of dicts."""
    if isinstance(scenario, str):
        return [json.loads(line) for line in scenario.splitlines() if line.strip()]
    return list(scenario)


class ScenarioServer:
    """Serve one scenario on ``127.0.0.1`` (any free port) for every connection.

    Args:
        scenario: The steps (JSONL text or dicts).
    """

    def __init__(self, scenario: str | Iterable[Step]) -> None:
        self.steps = parse(scenario)
        self.received: list[dict[str, Any]] = []
        self.headers: list[Headers] = []
        self.paths: list[str] = []
        self.closed = asyncio.Event()
        self._server: Server | None = None

    @property
    def url(self) -> str:
        """The endpoint without a query, for ``base_url``."""
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        return f"ws://127.0.0.1:{port}{PATH}"

    async def __aenter__(self) -> Self:
        self._server = await serve(
            self._handle, "127.0.0.1", 0, process_request=self._process_request, compression=None
        )
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    def types(self) -> list[str]:
        """The ``type`` of every client event received, in order."""
        return [str(event.get("type")) for event in self.received]

    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        self.headers.append(request.headers)
        self.paths.append(request.path)
        first = self.steps[0] if self.steps else {}
        if "http" not in first:
            return None
        status = HTTPStatus(first["http"])
        body = json.dumps(first.get("body", {}))
        response = connection.respond(status, body)
        response.headers["Content-Type"] = "application/json"
        for name, value in first.get("headers", {}).items():
            response.headers[name] = value
        return response

    async def _recv(self, ws: ServerConnection) -> dict[str, Any]:
        message = await ws.recv()
        event: dict[str, Any] = json.loads(message)
        self.received.append(event)
        return event

    async def _handle(self, ws: ServerConnection) -> None:
        try:
            for step in self.steps:
                if "send" in step:
                    await ws.send(json.dumps(step["send"]))
                elif "send_raw" in step:
                    await ws.send(step["send_raw"])
                elif "expect" in step:
                    while (await self._recv(ws)).get("type") != step["expect"]:
                        pass
                elif "close" in step:
                    await ws.close(step["close"], step.get("reason", ""))
                    return
                elif "abort" in step:
                    ws.transport.abort()
                    return
                elif "hang" in step:
                    break
            with contextlib.suppress(ConnectionClosed):
                while True:
                    await self._recv(ws)
        except ConnectionClosed:
            pass
        finally:
            self.closed.set()
