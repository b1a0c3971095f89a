"""Temporary API keys for clients that must not hold the main key (browsers, mobile apps).

```python
import livetranslate

key = await livetranslate.create_temporary_key(expire_in_seconds=300)
send_to_browser(key.token.reveal(), key.expires_at)  # the main key stays on the server
```

The request building and answer parsing are pure (see
[`livetranslate.protocol.tokens`][livetranslate.protocol.tokens]); this module only does the
HTTP call, over httpx, and translates its exceptions in one place.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import httpx

from livetranslate._realtime_setup import resolve_api_key
from livetranslate._secret import redact
from livetranslate.exceptions import ConnectError, LiveTranslateError, TransportTimeout
from livetranslate.protocol.tokens import (
    DEFAULT_TTL,
    TemporaryKey,
    build_token_request,
    parse_token_response,
)

__all__ = ["TemporaryKey", "create_temporary_key"]

_TIMEOUT = 10.0


@contextlib.contextmanager
def _map_http_errors(host: str, limit: float) -> Iterator[None]:
    """The one place where httpx exceptions become livetranslate exceptions."""
    try:
        yield
    except LiveTranslateError:
        raise
    except httpx.TimeoutException as exc:
        raise TransportTimeout(f"The token request to {host} took over {limit:g} s.") from exc
    except httpx.HTTPError as exc:
        raise ConnectError(f"The token request to {host} failed: {type(exc).__name__}.") from exc


async def create_temporary_key(
    *,
    api_key: str | None = None,
    region: str = "intl",
    workspace: str | None = None,
    expire_in_seconds: int = DEFAULT_TTL,
    base_url: str | None = None,
    http_client: httpx.AsyncClient | None = None,
) -> TemporaryKey:
    """Create a temporary ``st-...`` key (``POST /api/v1/tokens``) from the main key.

    The temporary key has the main key's permissions until it expires; give it to a browser or a
    mobile app instead of the main key. It is checked when a connection opens, so a realtime
    session's reconnects fail once it has expired (see
    [`TemporaryKey`][livetranslate.protocol.tokens.TemporaryKey]).

    The request is bounded by 10 seconds; wrap the call in ``asyncio.timeout`` for a shorter
    bound. Cancellation-safe: nothing is left behind (an issued key simply expires).

    Args:
        api_key: The main key; defaults to the ``DASHSCOPE_API_KEY`` environment variable.
        region: ``"intl"`` (Singapore) or ``"cn"`` (Beijing): keys work only in their region.
        workspace: A Model Studio workspace id, for the workspace host and header.
        expire_in_seconds: Lifetime of the key, 1 to 1800 seconds (the service's default is 60).
        base_url: An ``http(s)://host[:port]`` origin instead of the region's host (an emulator's
            ``emu.origin``, a proxy).
        http_client: An ``httpx.AsyncClient`` to use (it is not closed); None uses a new one.

    Returns:
        The key and its expiry time.

    Raises:
        ConfigurationError: No API key, or an invalid option (nothing was sent).
        AuthenticationError: The service rejected the main key (HTTP 401).
        PermissionDeniedError: Access denied or arrears (HTTP 403).
        RateLimitError: Too many requests (HTTP 429).
        ServerError: The service failed (HTTP 5xx).
        APIStatusError: Another error status.
        RemoteProtocolError: The answer is not a token.
        ConnectError: The service could not be reached.
        TransportTimeout: The request took longer than 10 seconds.
    """
    key = resolve_api_key(api_key)
    request = build_token_request(
        key,
        region=region,
        workspace=workspace,
        expire_in_seconds=expire_in_seconds,
        base_url=base_url,
    )
    host = httpx.URL(request.url).host
    own = http_client is None
    client = httpx.AsyncClient(timeout=_TIMEOUT) if http_client is None else http_client
    try:
        with _map_http_errors(host, _TIMEOUT):
            response = await client.request(
                request.method, request.url, headers=request.headers(), timeout=_TIMEOUT
            )
            body = await response.aread()
    finally:
        if own:
            await client.aclose()
    headers = {name: redact(value, key) for name, value in response.headers.items()}
    return parse_token_response(response.status_code, headers, body, key=key, region=region)
