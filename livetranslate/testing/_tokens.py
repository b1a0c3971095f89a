"""The emulator's temporary-key endpoint (private; installed by every ``Emulator``).

``POST /api/v1/tokens?expire_in_seconds=N`` behaves like the service (protocol.md §1.5): with
``Authorization: Bearer <permanent key>`` (checked like the realtime endpoint; a temporary key
cannot mint another) it answers ``{"token": "st-...", "expires_at": <Unix seconds>}``. The TTL
defaults to 60 s and must be within 1..1800, else HTTP 400 ``InvalidParameter``; a bad key gets
401 ``InvalidApiKey``. The realtime endpoint then accepts the token until it expires, and
rejects it afterwards with 401, as it rejects any unknown key.

Issued tokens are kept only as digests, with their expiry; nothing records a key or a token.
"""

from __future__ import annotations

import json
import secrets
import time
from typing import Any
from urllib.parse import parse_qs

from livetranslate.testing._server import EmulatorApp, Receive, Scope, Send, key_digest

__all__ = ["MAX_TTL", "TOKENS_PATH", "TemporaryKeys"]

TOKENS_PATH = "/api/v1/tokens"
MAX_TTL = 1800
_DEFAULT_TTL = 60


class TemporaryKeys:
    """Serves ``POST /api/v1/tokens`` on an emulator app.

    Args:
        app: The emulator's ASGI app; the route is added to it.
        clock: Returns the current Unix time (tests may pass a fake one).
    """

    def __init__(self, app: EmulatorApp, clock: Any = time.time) -> None:
        self._app = app
        self._clock = clock
        self.issued = 0
        app.add_route("POST", TOKENS_PATH, self)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one token request."""
        while (await receive()).get("more_body", False):
            pass  # the body is empty; drain whatever came
        settings = self._app.settings
        value = ""
        for name, raw in scope.get("headers", []):
            if name.lower() == b"authorization":
                value = raw.decode("latin-1")
        _, _, key = value.strip().partition(" ")
        key = key.strip()
        accepted, denied = self._app.authorize(scope)
        if not accepted or key_digest(key) in settings.temporary_keys:
            await _reply(send, 401, _error("InvalidApiKey", "Invalid API-key provided."))
            return
        if denied:
            await _reply(send, 403, _error("AccessDenied", "Access denied."))
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        raw_ttl = query.get("expire_in_seconds", [str(_DEFAULT_TTL)])[-1]
        try:
            ttl = int(raw_ttl)
        except ValueError:
            ttl = -1
        if not 1 <= ttl <= MAX_TTL:
            message = f"expire_in_seconds must be an integer within [1, {MAX_TTL}]."
            await _reply(send, 400, _error("InvalidParameter", message))
            return
        token = "st-" + secrets.token_hex(16)
        expires_at = int(self._clock()) + ttl
        with settings.lock:
            now = self._clock()
            for digest in [d for d, t in settings.temporary_keys.items() if t <= now]:
                del settings.temporary_keys[digest]  # forget expired tokens: bounded memory
            settings.temporary_keys[key_digest(token)] = float(expires_at)
            self.issued += 1
        await _reply(send, 200, {"token": token, "expires_at": expires_at})


def _error(code: str, message: str) -> dict[str, Any]:
    return {"code": code, "message": message, "request_id": secrets.token_hex(8)}


async def _reply(send: Send, status: int, body: dict[str, Any]) -> None:
    data = json.dumps(body, separators=(",", ":")).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(data))]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})
