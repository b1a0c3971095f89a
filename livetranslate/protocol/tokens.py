"""Temporary API keys, without I/O: the request to send and the answer to read.

The service issues short-lived ``st-...`` keys (1 to 1800 seconds, 60 by default) for clients
that must not hold the main key, such as a browser or a mobile app: ``POST /api/v1/tokens?
expire_in_seconds=N`` with ``Authorization: Bearer <main key>`` answers
``{"token": "st-...", "expires_at": <Unix seconds>}`` (protocol.md §1.5). A temporary key has the
main key's permissions and works wherever the main key does (the realtime WebSocket included)
until it expires.

[`create_temporary_key`][livetranslate.tokens.create_temporary_key] does the I/O; this module
builds the request and reads the answer, so other transports can reuse it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from livetranslate import registry
from livetranslate._secret import Secret
from livetranslate._urls import split_base_url
from livetranslate.exceptions import ConfigurationError, RemoteProtocolError
from livetranslate.protocol.http import error_from_response

__all__ = [
    "DEFAULT_TTL",
    "MAX_TTL",
    "TOKENS_PATH",
    "TemporaryKey",
    "TokenRequest",
    "build_token_request",
    "parse_token_response",
]

TOKENS_PATH: Final = "/api/v1/tokens"
"""The path of the temporary-key endpoint on the service's HTTP host."""

DEFAULT_TTL: Final = 60
"""The service's default lifetime of a temporary key, in seconds."""

MAX_TTL: Final = 1800
"""The longest lifetime the service grants, in seconds."""

_MAX_BODY: Final = 64 * 1024  # a token answer is tiny; anything bigger is not one


@dataclass(frozen=True, slots=True)
class TemporaryKey:
    """A short-lived API key for a client that must not hold the main key.

    Hand ``token.reveal()`` to that client (for example a browser, which sends it as
    ``Authorization: Bearer st-...``), or pass it as ``RealtimeSession(api_key=...)``. The key is
    checked when a connection opens: a session that outlives the key keeps its connection, but a
    reconnect after ``expires_at`` is refused (``AuthenticationError``), so give it a lifetime that
    covers the session, or create a new session with a fresh key.

    Attributes:
        token: The key; it never shows itself in a ``repr`` or ``str`` (``reveal()`` returns it).
        expires_at: When it expires, in Unix seconds.
    """

    token: Secret
    expires_at: float

    def expires_in(self, now: float) -> float:
        """Seconds left before the key expires (negative once expired).

        Args:
            now: The current Unix time (``time.time()``).

        Returns:
            ``expires_at - now``.
        """
        return self.expires_at - now


@dataclass(frozen=True, slots=True)
class TokenRequest:
    """The HTTP request that creates a temporary key.

    Attributes:
        url: The full URL, query included.
        key: The main API key (masked in ``repr``).
        workspace: The workspace id sent as ``X-DashScope-WorkSpace``, if any.
        method: Always ``"POST"``.
    """

    url: str
    key: Secret
    workspace: str | None = None
    method: str = "POST"

    def headers(self) -> dict[str, str]:
        """Return the request headers, ``Authorization`` included (do not log them).

        Returns:
            Header names to values.
        """
        headers = {"Authorization": f"Bearer {self.key.reveal()}", "Accept": "application/json"}
        if self.workspace is not None:
            headers["X-DashScope-WorkSpace"] = self.workspace
        return headers


def build_token_request(
    key: Secret,
    *,
    region: str = "intl",
    workspace: str | None = None,
    expire_in_seconds: int = DEFAULT_TTL,
    base_url: str | None = None,
) -> TokenRequest:
    """Build the request for a temporary key.

    Args:
        key: The main API key.
        region: ``"intl"`` or ``"cn"`` (or an alias); picks the host unless ``base_url`` is given.
        workspace: A Model Studio workspace id: the workspace host, and the header.
        expire_in_seconds: The key's lifetime, 1 to 1800 seconds.
        base_url: An ``http(s)://host[:port]`` origin (an emulator, a proxy); the path is added.

    Returns:
        The request.

    Raises:
        ConfigurationError: The lifetime is out of range, the region or workspace is unknown or
            malformed, or ``base_url`` is not an http(s) URL without a query.
    """
    ttl: object = expire_in_seconds
    if isinstance(ttl, bool) or not isinstance(ttl, int) or not 1 <= ttl <= MAX_TTL:
        raise ConfigurationError(
            f"expire_in_seconds must be an int from 1 to {MAX_TTL}, got {expire_in_seconds!r}."
        )
    if base_url is None:
        origin = f"https://{registry.get_region(region).host(workspace)}"
    else:
        split_base_url(
            base_url,
            schemes=("http", "https"),
            example="https://dashscope-intl.aliyuncs.com",
            no_query=f"the key request adds {TOKENS_PATH}?expire_in_seconds=N itself.",
        )
        origin = base_url.rstrip("/")
    url = f"{origin}{TOKENS_PATH}?expire_in_seconds={expire_in_seconds}"
    header = None if workspace is None else workspace.strip()
    return TokenRequest(url=url, key=key, workspace=header)


def parse_token_response(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    key: Secret | None = None,
    region: str | None = None,
) -> TemporaryKey:
    """Read the answer to a token request.

    Args:
        status: The HTTP status.
        headers: The response headers.
        body: The response body.
        key: The main key, removed from any text the server echoed.
        region: The region name, named in authentication errors.

    Returns:
        The temporary key.

    Raises:
        AuthenticationError: HTTP 401 (a wrong, revoked or other-region key).
        PermissionDeniedError: HTTP 403, or arrears.
        RateLimitError: HTTP 429.
        ServerError: HTTP 5xx.
        APIStatusError: Any other error status.
        RemoteProtocolError: A success whose body is not ``{"token": "st-...", "expires_at": N}``,
            or is larger than 64 KiB.
    """
    if status >= 400:
        raise error_from_response(status, headers, body[:_MAX_BODY], key=key, region=region)
    if len(body) > _MAX_BODY:
        raise RemoteProtocolError("The token endpoint sent an answer over 64 KiB; not a token.")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        raise RemoteProtocolError("The token endpoint sent an answer that is not JSON.") from None
    token = data.get("token") if isinstance(data, dict) else None
    expires = data.get("expires_at") if isinstance(data, dict) else None
    if not isinstance(token, str) or not token.strip() or any(c.isspace() for c in token):
        raise RemoteProtocolError("The token endpoint's answer has no valid 'token'.")
    if (
        isinstance(expires, bool)
        or not isinstance(expires, int | float)
        or not math.isfinite(expires)
    ):
        raise RemoteProtocolError("The token endpoint's answer has no numeric 'expires_at'.")
    return TemporaryKey(token=Secret(token), expires_at=float(expires))
