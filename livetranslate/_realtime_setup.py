"""Pure helpers for opening a realtime session: key, URL, headers, and error mapping.

Nothing here touches a socket or an event loop, so the unit tests call these directly; the
transport's single exception boundary (``_map_ws_errors`` in ``_realtime_io``) uses them.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping

from livetranslate import registry
from livetranslate._secret import Secret, redact
from livetranslate._urls import split_base_url
from livetranslate._version import __version__
from livetranslate.events import ErrorEvent
from livetranslate.exceptions import (
    APIStatusError,
    ConfigurationError,
    LiveTranslateError,
    PermissionDeniedError,
    SessionClosedError,
    SessionClosedOK,
    SessionError,
)
from livetranslate.protocol.http import _server_text, error_from_response

__all__ = [
    "API_KEY_ENV",
    "USER_AGENT",
    "build_headers",
    "build_url",
    "error_from_close",
    "error_from_handshake",
    "resolve_api_key",
    "session_error",
    "wire_type",
]

API_KEY_ENV = "DASHSCOPE_API_KEY"
"""The environment variable read when no ``api_key`` is passed."""

USER_AGENT = f"livetranslate/{__version__} python/{sys.version_info.major}.{sys.version_info.minor}"
"""The ``user-agent`` header sent with the WebSocket handshake."""

_HEADER_SAFE = re.compile(r"^[\x21-\x7e]+$")
_TYPE_RE = re.compile(r'"type"\s*:\s*"([^"\\]{1,80})"')


# ------------------------------------------------------------------------ key, URL, headers


def resolve_api_key(api_key: str | None, environ: Mapping[str, str] = os.environ) -> Secret:
    """Return the API key to use: the argument, else ``DASHSCOPE_API_KEY``.

    Args:
        api_key: The key passed by the app, or None.
        environ: Where to look up the environment variable (tests pass a dict).

    Returns:
        The key, wrapped so that it never prints.

    Raises:
        ConfigurationError: Neither is set, or the key cannot go into an HTTP header.
    """
    raw: object = api_key if api_key is not None else environ.get(API_KEY_ENV)
    value = raw.strip() if isinstance(raw, str) else ""
    if not value:
        raise ConfigurationError(
            f"No API key: pass api_key='sk-...' or set the {API_KEY_ENV} environment variable "
            "(the key comes from the Model Studio console of the region you connect to)."
        )
    if not _HEADER_SAFE.match(value):
        raise ConfigurationError(
            "The API key contains spaces or control characters that cannot go in an HTTP header; "
            "copy it again from the Model Studio console."
        )
    return Secret(value)


def build_url(
    model: str, *, region: str = "intl", workspace: str | None = None, base_url: str | None = None
) -> str:
    """Return the realtime WebSocket URL, ``<endpoint>?model=<id>``.

    Args:
        model: The model id (or snapshot id) to put in the query string.
        region: ``"intl"`` or ``"cn"`` (or an alias); picks the host when ``base_url`` is None.
        workspace: A Model Studio workspace id, for the workspace host.
        base_url: A full ``ws://`` or ``wss://`` endpoint without a query (an emulator, a proxy);
            overrides ``region`` and ``workspace`` for the host.

    Returns:
        The URL.

    Raises:
        ConfigurationError: Unknown model or region, malformed workspace id, or a ``base_url``
            that is not a ``ws``/``wss`` URL without a query.
    """
    url = registry.realtime_url(model, region=region, workspace=workspace)
    if base_url is None:
        return url
    split_base_url(
        base_url,
        schemes=("ws", "wss"),
        example="wss://dashscope-intl.aliyuncs.com/api-ws/v1/realtime",
        no_query="the session adds ?model=<id> itself.",
    )
    return f"{base_url}?{url.partition('?')[2]}"


def build_headers(key: Secret, workspace: str | None = None) -> list[tuple[str, str]]:
    """Return the handshake headers (the ``user-agent`` is passed to websockets separately).

    Args:
        key: The API key.
        workspace: The workspace id, sent as ``X-DashScope-WorkSpace`` when given.

    Returns:
        Header name/value pairs.
    """
    headers = [("Authorization", f"Bearer {key.reveal()}")]
    if workspace is not None:
        headers.append(("X-DashScope-WorkSpace", workspace.strip()))
    return headers


# ----------------------------------------------------------------------------- error mapping


def error_from_handshake(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    region: str,
    model: str,
    key: Secret | None = None,
) -> APIStatusError:
    """Map a refused WebSocket handshake (an HTTP error response) to an exception.

    The same mapping as the file API's, worded for a realtime session (see
    [`error_from_response`][livetranslate.protocol.http.error_from_response]).
    """
    return error_from_response(
        status, headers, body, model=model, region=region, key=key, endpoint="realtime"
    )


def error_from_close(
    code: int | None, reason: str, *, model: str, region: str, key: Secret | None = None
) -> LiveTranslateError:
    """Map a close of the realtime socket (not after ``session.finished``) to an exception.

    Args:
        code: The close code (None or 1006 when no close frame arrived).
        reason: The close reason from the server.
        model: The model id, named in access errors.
        region: The region name, named in access errors.
        key: The API key, removed from the reason if the server echoed it.

    Returns:
        PermissionDeniedError for an "Access denied" close (model not activated, workspace
        mismatch, arrears), SessionClosedOK for 1000/1001, else SessionClosedError.
    """
    clean = _server_text(reason, key) or ""
    shown = f": {clean}" if clean else ""
    if code != 1000 and "access denied" in clean.lower():
        return PermissionDeniedError(
            f"Access denied to {model} in region '{region}' (close code {code}{shown}): activate "
            "the model in the Model Studio console, check the workspace, and that the account is "
            "not in arrears.",
            status_code=403,
            code="AccessDenied",
        )
    if code in (1000, 1001):
        return SessionClosedOK(
            f"The server closed the session before session.finished (code {code}{shown}).",
            code=code,
            reason=clean,
        )
    if code is None or code == 1006:
        return SessionClosedError(
            "The connection dropped without a close frame (code 1006).", code=1006, reason=clean
        )
    return SessionClosedError(
        f"The server closed the session abnormally (code {code}{shown}).", code=code, reason=clean
    )


def wire_type(message: str | bytes) -> str:
    """Return the ``type`` of a serialized event for DEBUG logs (never the payload)."""
    head = message[:200] if isinstance(message, str) else message[:200].decode("utf-8", "replace")
    found = _TYPE_RE.search(head)
    return found.group(1) if found else "?"


def session_error(event: ErrorEvent, key: Secret | None = None) -> SessionError:
    """Turn a server ``error`` event into a `SessionError` (the key removed from its text).

    Args:
        event: The ``error`` event.
        key: The API key, removed if the server echoed it.

    Returns:
        The exception, carrying the code, param, type, event id and the event.
    """
    detail = event.error
    return SessionError(
        redact(detail.message or "The service rejected the request.", key),
        code=detail.code,
        param=detail.param,
        error_type=detail.type,
        event_id=event.event_id,
        event=event,
    )
