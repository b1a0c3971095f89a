"""The emulator's ASGI app and its uvicorn runner (private; see ``livetranslate.testing``).

The app is deliberately small: a WebSocket route for the realtime API
(``/api-ws/v1/realtime?model=...``) and a table of HTTP routes that answers every other request
with a JSON 404. The file-translation endpoint (``POST /compatible-mode/v1/chat/completions``,
in ``_http.py``) plugs in with
[`EmulatorApp.add_route`][livetranslate.testing._server.EmulatorApp.add_route].

Handshake rules (protocol.md §1.2, §8): a missing or wrong ``Authorization: Bearer`` key fails the
handshake with HTTP 401 and ``{"code":"InvalidApiKey",...}``; an unknown model (or a file model)
fails it with HTTP 404 and ``{"code":"ModelNotFound","message":"Model not exist.",...}``; a denied
key is accepted and then closed with 1007 "Access denied". The key is compared by digest and never
stored, logged or recorded.

Time: each connection's engine runs on audio time. ``now`` is the audio received so far, and when
the client goes quiet it keeps moving with the wall clock from the last audio received. An unpaced
client therefore runs at full speed, and a paced or idle one still sees the configured latency.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import json
import logging
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

from livetranslate import registry
from livetranslate.exceptions import ConfigurationError
from livetranslate.testing._engine import EmulatedSession, Engine
from livetranslate.testing._faults import FaultLog, FaultPlan, Injector
from livetranslate.testing._responses import TextMode
from livetranslate.testing._script import Script

__all__ = ["REALTIME_PATH", "EmulatorApp", "Settings", "UvicornRunner", "key_digest"]

REALTIME_PATH = "/api-ws/v1/realtime"

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
Handler = Callable[[Scope, Receive, Send], Awaitable[None]]


def key_digest(key: str) -> bytes:
    """Return the digest the emulator keeps instead of an API key."""
    return hashlib.sha256(key.encode("utf-8")).digest()


@dataclass(eq=False)
class Settings:
    """Everything a connection needs from its [`Emulator`][livetranslate.testing.Emulator]."""

    api_key_digest: bytes | None = None
    denied_digests: frozenset[bytes] = frozenset()
    script: Script | None = None
    latency_ms: float = 2800.0
    text_mode: TextMode = "cumulative"
    record_audio: bool = False
    finish_close_timeout: float = 10.0
    sessions: list[EmulatedSession] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    faults: FaultPlan | None = None
    fault_log: FaultLog = field(default_factory=FaultLog)
    temporary_keys: dict[bytes, float] = field(default_factory=dict)  # digest -> expiry (Unix)
    stopping: bool = False


class _Clock:
    """Audio time, moving on with the wall clock while no audio arrives."""

    def __init__(self) -> None:
        self._audio_ms = 0.0
        self._anchor_ms = 0.0
        self._anchor_wall: float | None = None

    def now(self, wall: float) -> float:
        if self._anchor_wall is None:
            return self._audio_ms
        return max(self._audio_ms, self._anchor_ms + (wall - self._anchor_wall) * 1000.0)

    def audio(self, audio_ms: float, wall: float) -> None:
        """Note the audio time after a message; the wall clock counts from the first audio."""
        if audio_ms == self._audio_ms:
            return
        current = self.now(wall)
        self._audio_ms = audio_ms
        self._anchor_ms = max(audio_ms, current)
        self._anchor_wall = wall


def _json_body(data: object) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class EmulatorApp:
    """The emulator as an ASGI 3 application.

    Args:
        settings: Shared emulator settings and the list connections are recorded in.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._routes: dict[tuple[str, str], Handler] = {}

    def add_route(self, method: str, path: str, handler: Handler) -> None:
        """Serve ``method path`` (HTTP) with an ASGI handler ``handler(scope, receive, send)``."""
        self._routes[(method.upper(), path)] = handler

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Dispatch one ASGI connection."""
        if scope["type"] == "http":
            handler = self._routes.get((scope["method"], scope["path"]))
            if handler is None:
                await self._http_404(scope, send)
            else:
                await handler(scope, receive, send)
        elif scope["type"] == "websocket":
            await receive()  # websocket.connect
            if scope["path"] != REALTIME_PATH:
                body = {"code": "NotFound", "message": "Not found.", "request_id": _request_id()}
                await _deny(scope, send, 404, body)
            else:
                await self._realtime(scope, receive, send)

    @staticmethod
    async def _http_404(scope: Scope, send: Send) -> None:
        request_id = _request_id()
        path = str(scope.get("path", ""))
        if path.startswith("/compatible-mode/"):
            body: dict[str, Any] = {
                "error": {
                    "message": f"Not found: {scope['method']} {path}.",
                    "type": "invalid_request_error",
                    "param": None,
                    "code": "not_found",
                },
                "request_id": request_id,
            }
        else:
            body = {"code": "NotFound", "message": "Not found.", "request_id": request_id}
        data = _json_body(body)
        headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(data))]
        await send({"type": "http.response.start", "status": 404, "headers": headers})
        await send({"type": "http.response.body", "body": data})

    # -------------------------------------------------------------------------- realtime

    def authorize(self, scope: Scope) -> tuple[bool, bool]:
        """Return ``(accepted, denied)`` for the connection's ``Authorization`` header."""
        value = ""
        for name, raw in scope.get("headers", []):
            if name.lower() == b"authorization":
                value = raw.decode("latin-1")
                break
        scheme, _, key = value.strip().partition(" ")
        key = key.strip()
        if scheme.lower() != "bearer" or not key:
            return False, False
        digest = key_digest(key)
        expected = self.settings.api_key_digest
        expires = self.settings.temporary_keys.get(digest)
        if expires is not None:  # a temporary key the emulator issued (POST /api/v1/tokens)
            return time.time() < expires, False
        if expected is not None and not hmac.compare_digest(digest, expected):
            return False, False
        return True, digest in self.settings.denied_digests

    @staticmethod
    def _model(scope: Scope) -> str | None:
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        names = query.get("model", [])
        if len(names) != 1:
            return None
        try:
            info = registry.get_model(names[0])
        except ConfigurationError:
            return None
        name: str = names[0]
        if info.kind != "realtime" or name not in (info.id, *info.snapshots):
            return None
        return name

    def _new_record(self, model: str) -> EmulatedSession:
        with self.settings.lock:
            record = EmulatedSession(len(self.settings.sessions), model)
            self.settings.sessions.append(record)
        return record

    async def _realtime(self, scope: Scope, receive: Receive, send: Send) -> None:
        plan = self.settings.faults
        handshake = self.settings.fault_log.next_handshake()
        refused = None if plan is None else plan.refusal(handshake)
        if refused is not None and plan is not None:
            with self.settings.fault_log._lock:
                self.settings.fault_log.refused += 1
            body = {"code": "ServiceUnavailable", "message": "Injected refusal."}
            extra = {}
            if refused == 429:
                body["code"] = "Throttling.RateQuota"
                if plan.retry_after is not None:
                    extra["retry-after"] = f"{plan.retry_after:g}"
            await _deny(scope, send, refused, {**body, "request_id": _request_id()}, extra)
            return
        accepted, denied = self.authorize(scope)
        if not accepted:
            body = {
                "code": "InvalidApiKey",
                "message": "Invalid API-key provided.",
                "request_id": _request_id(),
            }
            await _deny(scope, send, 401, body)
            return
        model = self._model(scope)
        if model is None:
            body = {
                "code": "ModelNotFound",
                "message": "Model not exist.",
                "request_id": _request_id(),
            }
            await _deny(scope, send, 404, body)
            return
        record = self._new_record(model)
        await send({"type": "websocket.accept"})
        if denied:
            await send({"type": "websocket.close", "code": 1007, "reason": "Access denied"})
            record._mark_closed(1007, "Access denied")
            return
        s = self.settings
        engine = Engine(
            model,
            record,
            script=s.script,
            latency_ms=s.latency_ms,
            text_mode=s.text_mode,
            record_audio=s.record_audio,
        )
        injector = None
        if plan is not None:
            cap = plan.max_session_seconds
            injector = Injector(
                plan.faults_for(record.index),
                record,
                self.settings.fault_log,
                cap_ms=None if cap is None else cap * 1000.0,
                cap_code=plan.cap_code,
            )
        inbox: asyncio.Queue[Message] = asyncio.Queue()
        reader = asyncio.create_task(_pump(receive, inbox))
        try:
            if await self._serve(engine, record, inbox, send, injector) == "silent":
                assert injector is not None
                reader.cancel()  # stop reading: uvicorn pauses the socket, pings go unanswered
                await self._silent(record, injector.silent_seconds)
        except OSError:  # the client vanished mid-send (uvicorn's ClientDisconnected)
            record._mark_closed(1006)
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader
            record._mark_closed(1006)  # no-op when the close was recorded

    async def _serve(
        self,
        engine: Engine,
        record: EmulatedSession,
        inbox: asyncio.Queue[Message],
        send: Send,
        injector: Injector | None = None,
    ) -> str | None:
        loop = asyncio.get_running_loop()
        clock = _Clock()
        close_at: float | None = None
        while True:
            now = clock.now(loop.time())
            if injector is not None:
                finishing = record.client_events[-1:] == ["session.finish"]
                outcome = await injector.step(now, engine.audio_ms, send, finishing=finishing)
                if outcome is not None:
                    return outcome
                for text in engine.pop_due(now):
                    await injector.send(send, text)
                    outcome = await injector.step(now, engine.audio_ms, send, finishing=finishing)
                    if outcome is not None:
                        return outcome
            else:
                for text in engine.pop_due(now):
                    await send({"type": "websocket.send", "text": text})
            if engine.finished and close_at is None:
                close_at = loop.time() + self.settings.finish_close_timeout
            timeout: float | None = None
            due = engine.next_due_ms()
            if due is not None:
                timeout = max(0.0, (due - now) / 1000.0)
            if close_at is not None:
                left = max(0.0, close_at - loop.time())
                timeout = left if timeout is None else min(timeout, left)
            cap = None if injector is None else injector.wait_ms(now)
            if cap is not None:
                timeout = cap / 1000.0 if timeout is None else min(timeout, cap / 1000.0)
            try:
                async with asyncio.timeout(timeout):
                    message = await inbox.get()
            except TimeoutError:
                if close_at is not None and loop.time() >= close_at:
                    await send({"type": "websocket.close", "code": 1000, "reason": ""})
                    record._mark_closed(1000)
                    return None
                continue
            if message["type"] == "websocket.disconnect":
                record._mark_closed(
                    int(message.get("code", 1005)), str(message.get("reason") or "")
                )
                return None
            data = message.get("text")
            if data is None:
                data = message.get("bytes") or b""
            wall = loop.time()
            engine.receive(data, clock.now(wall))
            clock.audio(engine.audio_ms, wall)

    async def _silent(self, record: EmulatedSession, seconds: float) -> None:
        """Stay connected and mute for ``seconds``, until the client reconnects, or shutdown."""
        loop = asyncio.get_running_loop()
        until = loop.time() + seconds
        while loop.time() < until and not self.settings.stopping:
            if len(self.settings.sessions) > record.index + 1:
                break  # the client has given up on this connection
            await asyncio.sleep(0.05)
        record._mark_closed(1006, "silent")


async def _pump(receive: Receive, inbox: asyncio.Queue[Message]) -> None:
    while True:
        message = await receive()
        inbox.put_nowait(message)
        if message["type"] == "websocket.disconnect":
            return


async def _deny(
    scope: Scope,
    send: Send,
    status: int,
    body: dict[str, Any],
    extra_headers: dict[str, str] | None = None,
) -> None:
    """Refuse a WebSocket handshake with an HTTP response (the denial-response extension)."""
    if "websocket.http.response" not in scope.get("extensions", {}):
        await send({"type": "websocket.close", "code": 1008})  # the server answers 403
        return
    data = _json_body(body)
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(data))]
    for name, value in (extra_headers or {}).items():
        headers.append((name.encode("latin-1"), value.encode("latin-1")))
    await send({"type": "websocket.http.response.start", "status": status, "headers": headers})
    await send({"type": "websocket.http.response.body", "body": data})


def _request_id() -> str:
    return str(uuid.uuid4())


class _MaskAuthorization(logging.Filter):
    """Keep the key out of uvicorn's DEBUG log of handshake headers (websockets logs them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 2 and str(args[0]).lower() == "authorization":
            record.args = (args[0], "Bearer ***")
        return True


_MASK = _MaskAuthorization()


class UvicornRunner:
    """Runs an ASGI app with uvicorn inside the current event loop (no signal handlers)."""

    def __init__(self, app: EmulatorApp, host: str, port: int) -> None:
        import uvicorn  # the `emulator` extra; imported only when an emulator starts

        server_logger = logging.getLogger("uvicorn.error")
        if _MASK not in server_logger.filters:
            server_logger.addFilter(_MASK)

        config = uvicorn.Config(
            app,
            host=host,
            port=port,
            ws="websockets-sansio",
            lifespan="off",
            log_config=None,
            timeout_graceful_shutdown=2,
        )
        self._server = uvicorn.Server(config)
        self.port = 0

    async def start(self) -> int:
        """Bind and start serving; return the port (useful with port 0)."""
        # What Server.serve() does, minus capture_signals(), which would take over SIGINT/SIGTERM
        # from the application, and minus the 0.1 s polling main loop.
        server = self._server
        if not server.config.loaded:
            server.config.load()
        server.lifespan = server.config.lifespan_class(server.config)
        try:
            await server.startup()
        except SystemExit as exc:  # uvicorn exits when it cannot bind
            raise OSError("The emulator could not bind its port.") from exc
        if not self._server.started:
            raise OSError("The emulator could not start its server.")
        sockets = self._server.servers[0].sockets
        self.port = int(sockets[0].getsockname()[1])
        return self.port

    async def stop(self) -> None:
        """Close open connections (1012) and stop serving."""
        self._server.should_exit = True
        await self._server.shutdown()
