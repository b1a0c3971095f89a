"""Pure helpers for the plain HTTP calls: error mapping and the retry policy.

- [`error_from_response`][livetranslate.protocol.http.error_from_response] turns an HTTP error
  (status, headers, body bytes) into the package's exception tree: 401
  `AuthenticationError`, 403 `PermissionDeniedError`, 404 `NotFoundError`, 429 `RateLimitError`
  (with ``retry_after``), 5xx `ServerError`, anything else `APIStatusError`.
- [`should_retry`][livetranslate.protocol.http.should_retry] and
  [`retry_delay`][livetranslate.protocol.http.retry_delay] decide whether and when to retry;
  the transport only sleeps. ``Retry-After`` (seconds or an HTTP date) and ``retry-after-ms`` are
  honoured, capped at ``MAX_RETRY_AFTER``.

The service's OpenAI-compatible error body is
``{"error": {"message", "type", "param", "code"}, "request_id"}``; the DashScope-native form
``{"code", "message", "request_id"}`` is read too. Messages say what to do; they carry the
service's own message (with the API key removed if it was echoed) but never request payloads.
"""

from __future__ import annotations

import email.utils
import json
import math
import random
import re
from collections.abc import Callable, Mapping
from typing import Final, Literal

from livetranslate import registry
from livetranslate._secret import Secret, redact
from livetranslate.exceptions import (
    APIStatusError,
    AuthenticationError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
)
from livetranslate.protocol.backoff import Backoff

__all__ = [
    "DEFAULT_BACKOFF",
    "FATAL_ERROR_CODES",
    "MAX_RETRY_AFTER",
    "RETRY_STATUSES",
    "error_from_response",
    "retry_after",
    "retry_delay",
    "should_retry",
]

RETRY_STATUSES = frozenset({408, 409, 429, 500, 502, 503, 504})
"""Statuses worth retrying: timeouts, conflicts, throttling and transient server failures."""

MAX_RETRY_AFTER = 60.0
"""The longest ``Retry-After`` honoured, in seconds; longer waits fall back to the backoff."""

DEFAULT_BACKOFF = Backoff()
"""The default retry backoff: 0.5 s doubling to at most 8 s, with 25 % jitter."""

FATAL_ERROR_CODES: Final = frozenset(
    {
        "invalidapikey",
        "invalidauthorization",
        "authenticationerror",
        "accessdenied",
        "modelnotfound",
        "invalidmodel",
        "arrearage",
        "insufficientquota",
        "accessdeniedunpurchased",
        "unpurchased",
        "prepaidbilloverdue",
        "postpaidbilloverdue",
        "billoverdue",
    }
)
"""Service error codes that no retry can fix (protocol.md §8), lower-cased with everything but
letters and digits dropped (``InvalidApiKey`` and ``invalid_api_key`` both read
``invalidapikey``). HTTP retries and realtime reconnects both consult it."""
_NOT_ALNUM = re.compile(r"[^a-z0-9]")
_MAX_SERVER_TEXT = 300


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


def _norm_code(code: str | None) -> str:
    return _NOT_ALNUM.sub("", (code or "").lower())


def retry_after(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Return the wait the server asked for, in seconds, or None when it did not say.

    Reads ``retry-after-ms`` (milliseconds), then ``Retry-After`` as seconds (a float is
    accepted) or as an HTTP date (only when ``now`` is given, as Unix seconds).

    Args:
        headers: The response headers (any case).
        now: The current Unix time, needed to read an HTTP-date value.

    Returns:
        Seconds to wait (never negative), or None.
    """
    millis = _header(headers, "retry-after-ms")
    if millis is not None:
        try:
            value = float(millis) / 1000.0
        except ValueError:
            value = math.nan
        if math.isfinite(value) and value >= 0:
            return value
    raw = _header(headers, "retry-after")
    if raw is None:
        return None
    try:
        seconds = float(raw)
    except ValueError:
        if now is None:
            return None
        try:
            when = email.utils.parsedate_to_datetime(raw)
        except (TypeError, ValueError, IndexError):
            return None
        return max(0.0, when.timestamp() - now)
    return seconds if math.isfinite(seconds) and seconds >= 0 else None


def should_retry(status: int, headers: Mapping[str, str], *, code: str | None = None) -> bool:
    """Decide whether a failed request is worth retrying.

    ``x-should-retry: true|false`` from the server wins. Otherwise 408, 409, 429 and 500/502/503/
    504 are retried, unless the error code says no retry can help (invalid key, access denied,
    arrears, exhausted quota).

    Args:
        status: The HTTP status.
        headers: The response headers.
        code: The service's error code, when known.

    Returns:
        True to retry.
    """
    explicit = (_header(headers, "x-should-retry") or "").strip().lower()
    if explicit in ("true", "false"):
        return explicit == "true"
    if _norm_code(code) in FATAL_ERROR_CODES:
        return False
    return status in RETRY_STATUSES


def retry_delay(
    attempt: int,
    headers: Mapping[str, str] | None = None,
    *,
    backoff: Backoff = DEFAULT_BACKOFF,
    rand: Callable[[], float] = random.random,
    now: float | None = None,
) -> float:
    """Return how long to wait before retry ``attempt`` (0-based).

    The server's ``Retry-After`` wins when it is at most ``MAX_RETRY_AFTER``; otherwise the
    backoff's delay for this attempt.

    Args:
        attempt: How many retries came before this one.
        headers: The failed response's headers, if there was a response.
        backoff: The backoff policy.
        rand: Source of uniform floats in ``[0, 1)`` for the jitter.
        now: The current Unix time, to read an HTTP-date ``Retry-After``.

    Returns:
        Seconds to wait.
    """
    asked = retry_after(headers, now=now) if headers else None
    if asked is not None and asked <= MAX_RETRY_AFTER:
        return asked
    return backoff.delay(attempt, rand)


_PATHS: Final = {"chat": "/compatible-mode/v1", "realtime": "/api-ws/v1/realtime"}
_ACTIONS: Final = {"chat": "answer the request", "realtime": "open the session"}
_LIMITS: Final = {
    "chat": "too many requests or tokens this minute (the file model allows 100 requests and "
    "100k tokens per minute by default)",
    "realtime": "the account opened too many sessions or used too many tokens this minute "
    "(10 sessions and 100k tokens per minute by default)",
}


def _server_text(value: object, key: Secret | None) -> str | None:
    """Return text the server sent, safe to show: key removed, trimmed, or None if empty."""
    if value is None or isinstance(value, dict | list):
        return None
    text = redact(str(value), key).strip()
    if len(text) > _MAX_SERVER_TEXT:
        text = text[:_MAX_SERVER_TEXT] + "..."
    return text or None


def _parse(
    body: bytes | str, key: Secret | None
) -> tuple[object, str | None, str | None, str | None]:
    """Return (decoded body, code, message, request id) from an error body."""
    raw = body.decode("utf-8", "replace") if isinstance(body, bytes | bytearray) else str(body)
    text = redact(raw, key)
    if not text.strip():
        return None, None, None, None
    try:
        data = json.loads(text)
    except ValueError:
        return _server_text(text, key), None, None, None
    if not isinstance(data, dict):
        return data, None, None, None
    nested = data.get("error")
    inner: dict[str, object] = nested if isinstance(nested, dict) else data
    code = _server_text(inner.get("code"), key)
    message = _server_text(inner.get("message"), key)
    request_id = _server_text(data.get("request_id") or inner.get("request_id"), key)
    return data, code, message, request_id


def error_from_response(
    status: int,
    headers: Mapping[str, str],
    body: bytes | str,
    *,
    model: str | None = None,
    region: str | None = None,
    key: Secret | None = None,
    now: float | None = None,
    endpoint: Literal["chat", "realtime"] = "chat",
) -> APIStatusError:
    """Map an HTTP error response (or a refused WebSocket handshake) to the package's exception.

    Args:
        status: The HTTP status (400 or more).
        headers: The response headers (credentials are dropped from the exception).
        body: The response body: JSON (either error shape) or text.
        model: The model id, named in the message when given.
        region: The region name, named in authentication messages when given.
        key: The API key, removed from anything the server echoed.
        now: The current Unix time, to read an HTTP-date ``Retry-After``.
        endpoint: ``"chat"`` for the file API, ``"realtime"`` for a refused WebSocket handshake
            (the messages name what to check for each).

    Returns:
        AuthenticationError (401), PermissionDeniedError (403, or the ``Arrearage`` code),
        NotFoundError (404), RateLimitError (429), ServerError (5xx), else APIStatusError.
    """
    parsed, code, message, request_id = _parse(body, key)
    said = f' The service said: "{message}".' if message else ""
    what = model or "the model"
    request_id = request_id or _server_text(_header(headers, "x-request-id"), key)
    cls: type[APIStatusError] = APIStatusError
    wait: float | None = None
    if status == 401:
        cls = AuthenticationError
        where = ""
        if region:
            info = registry.get_region(region)
            where = f" in region '{info.name}' ({info.label})"
        text = (
            f"The service rejected the API key (HTTP 401){where}: the key is wrong or revoked, or "
            "it belongs to another region (Beijing keys work only with region='cn', Singapore "
            "keys only with region='intl')."
        )
    elif status == 403 or _norm_code(code) == "arrearage":
        cls = PermissionDeniedError
        text = (
            f"Access denied (HTTP {status}) to {what}: activate the model in the Model Studio "
            "console, check that the workspace matches the key, and that the account is not in "
            "arrears."
        )
    elif status == 404:
        cls = NotFoundError
        text = (
            f"Not found (HTTP 404): the endpoint does not serve {what}; check the model id, the "
            f"region, the workspace and base_url (it should end in {_PATHS[endpoint]})."
        )
    elif status == 429:
        wait = retry_after(headers, now=now)
        hint = f" Retry after {wait:g} s." if wait is not None else ""
        text = f"Rate limited (HTTP 429): {_LIMITS[endpoint]}.{hint}"
        return RateLimitError(
            text + said,
            retry_after=wait,
            status_code=status,
            request_id=request_id,
            code=code,
            body=parsed,
            headers=dict(headers),
        )
    elif 500 <= status < 600:
        cls = ServerError
        text = f"The service failed to {_ACTIONS[endpoint]} (HTTP {status}); retry later."
    else:
        text = f"The service refused to {_ACTIONS[endpoint]} (HTTP {status})."
    return cls(
        text + said,
        status_code=status,
        request_id=request_id,
        code=code,
        body=parsed,
        headers=dict(headers),
    )
