"""The one error tree of the package.

Every exception the SDK raises derives from
[`LiveTranslateError`][livetranslate.exceptions.LiveTranslateError], so
``except LiveTranslateError`` catches everything. Third-party exceptions (websockets, httpx,
openai) are translated in exactly one place per transport and chained with ``raise ... from``.

```
LiveTranslateError                          root; never raised directly
├── ConfigurationError(ValueError)          bad options, missing API key, unknown language/voice
├── UsageError(RuntimeError)                misuse: closed, reused, concurrent recv
├── ProtocolError                           abstract
│   ├── LocalProtocolError                  you asked for something illegal in this state
│   └── RemoteProtocolError                 the server sent something unparseable / out of order
├── TransportError                          could not talk to the server
│   ├── ConnectError
│   ├── TransportTimeout(TimeoutError)      open/read/close deadline passed
│   ├── SessionClosed                       realtime socket closed: .code, .reason
│   │   ├── SessionClosedOK                 clean close (1000/1001)
│   │   └── SessionClosedError              anything else, including 1006 (no close frame)
│   └── StreamInterrupted                   HTTP body broke mid-stream: .events_received
├── APIError                                the server answered with an error
│   ├── APIStatusError                      .status_code, .request_id, .body, .headers
│   │   ├── AuthenticationError (401)
│   │   ├── PermissionDeniedError (403)
│   │   ├── NotFoundError (404)
│   │   ├── RateLimitError (429, .retry_after)
│   │   └── ServerError (5xx)
│   └── SessionError                        a realtime ``error`` event raised as an exception
└── MediaError(ValueError)                  media input or output cannot be used: unreadable file,
    │                                       no decoder, image over 500 KB, missing optional extra
    └── AudioError                          audio: unreadable, empty, NaN, unnormalised, no track
```

Messages are one sentence that says what went wrong and what to do. They never contain the API
key or payloads (audio, transcripts).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - typing only
    from livetranslate.events.realtime_server import ErrorEvent

__all__ = [
    "APIError",
    "APIStatusError",
    "AudioError",
    "AuthenticationError",
    "ConfigurationError",
    "ConnectError",
    "LiveTranslateError",
    "LocalProtocolError",
    "MediaError",
    "NotFoundError",
    "PermissionDeniedError",
    "ProtocolError",
    "RateLimitError",
    "RemoteProtocolError",
    "ServerError",
    "SessionClosed",
    "SessionClosedError",
    "SessionClosedOK",
    "SessionError",
    "StreamInterrupted",
    "TransportError",
    "TransportTimeout",
    "UsageError",
]

_SECRET_HEADERS = frozenset({"authorization", "x-api-key", "api-key", "cookie", "set-cookie"})


class LiveTranslateError(Exception):
    """Root of every exception raised by livetranslate."""


class ConfigurationError(LiveTranslateError, ValueError):
    """An option is invalid: unknown language or voice, missing API key, impossible combination.

    Raised before anything reaches the wire. The message names what was wrong and what to change;
    ``suggestions`` lists close valid values where there are some.

    Attributes:
        suggestions: Valid values close to what was given (may be empty).
    """

    def __init__(self, message: str, *, suggestions: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.suggestions: tuple[str, ...] = suggestions


class UsageError(LiveTranslateError, RuntimeError):
    """A client object was misused: used after close, entered twice, read concurrently."""


class ProtocolError(LiveTranslateError):
    """The wire protocol was violated (abstract: raised as one of its two subclasses)."""

    def __new__(cls, *args: Any, **kwargs: Any) -> ProtocolError:
        """Refuse to build the abstract base directly."""
        if cls is ProtocolError:
            raise TypeError(
                "ProtocolError is abstract; raise LocalProtocolError or RemoteProtocolError"
            )
        return super().__new__(cls, *args, **kwargs)


class LocalProtocolError(ProtocolError):
    """You asked for something that is illegal in the session's current state."""


class RemoteProtocolError(ProtocolError):
    """The server sent something unparseable, invalid or out of order.

    Attributes:
        event_type: The wire ``type`` of the offending event, when it could be read.
    """

    def __init__(self, message: str, *, event_type: str | None = None) -> None:
        super().__init__(message)
        self.event_type: str | None = event_type


class TransportError(LiveTranslateError):
    """The SDK could not talk to the server."""


class ConnectError(TransportError):
    """Opening the connection failed (DNS, TCP, TLS or the WebSocket handshake)."""


class TransportTimeout(TransportError, TimeoutError):
    """An open, read, send or close deadline passed."""


class SessionClosed(TransportError):
    """The realtime WebSocket is closed.

    Attributes:
        code: The close code (1006 when the connection dropped without a close frame).
        reason: The close reason sent by the peer (may be empty).
    """

    def __init__(self, message: str, *, code: int | None = None, reason: str = "") -> None:
        super().__init__(message)
        self.code: int | None = code
        self.reason: str = reason


class SessionClosedOK(SessionClosed):
    """The realtime WebSocket was closed cleanly (1000 or 1001)."""


class SessionClosedError(SessionClosed):
    """The realtime WebSocket was closed abnormally (any code but 1000/1001, including 1006)."""


class StreamInterrupted(TransportError):
    """A streamed HTTP response broke off before it was complete.

    Attributes:
        events_received: How many stream events arrived before the break.
        text_received: How many characters of translated text arrived before the break.
        audio_bytes_received: How many bytes of translated audio arrived before the break.
    """

    def __init__(
        self,
        message: str,
        *,
        events_received: int = 0,
        text_received: int = 0,
        audio_bytes_received: int = 0,
    ) -> None:
        super().__init__(message)
        self.events_received: int = events_received
        self.text_received: int = text_received
        self.audio_bytes_received: int = audio_bytes_received


class APIError(LiveTranslateError):
    """The server answered with an error."""


class APIStatusError(APIError):
    """The server answered an HTTP request (or a WebSocket handshake) with an error status.

    Attributes:
        status_code: The HTTP status.
        request_id: The service's request id, when it sent one.
        code: The service's error code (for example ``InvalidApiKey``), when it sent one.
        body: The decoded error body (JSON object or text), never containing the API key.
        headers: Response headers, with credentials removed.
    """

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        request_id: str | None = None,
        code: str | None = None,
        body: object = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code: int = status_code
        self.request_id: str | None = request_id
        self.code: str | None = code
        self.body: object = body
        self.headers: dict[str, str] = {
            k: v for k, v in (headers or {}).items() if k.lower() not in _SECRET_HEADERS
        }


class AuthenticationError(APIStatusError):
    """HTTP 401: the API key is missing, wrong, revoked, or belongs to another region."""


class PermissionDeniedError(APIStatusError):
    """HTTP 403: the key is valid but may not use this model, workspace or region (or arrears)."""


class NotFoundError(APIStatusError):
    """HTTP 404: the model or endpoint does not exist."""


class RateLimitError(APIStatusError):
    """HTTP 429: too many requests or tokens per minute.

    Attributes:
        retry_after: Seconds the server asked to wait, when it said.
    """

    def __init__(self, message: str, *, retry_after: float | None = None, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after: float | None = retry_after


class ServerError(APIStatusError):
    """HTTP 5xx: the service failed; usually worth retrying later."""


class SessionError(APIError):
    """A realtime ``error`` event, raised as an exception.

    Raised when the service rejects the session configuration (the ``error`` that answers
    ``session.update``) or, when the app asks for it, for later ``error`` events.

    Attributes:
        code: The service's error code, e.g. ``invalid_value``.
        message: The service's message.
        param: The offending field, e.g. ``session.modalities``.
        error_type: The service's error type, e.g. ``invalid_request_error``.
        event_id: The id of the ``error`` event.
        event: The parsed ``error`` event.
    """

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        param: str | None = None,
        error_type: str | None = None,
        event_id: str | None = None,
        event: ErrorEvent | None = None,
    ) -> None:
        text = message
        if code:
            text = f"{text} (code={code}"
            text += f", param={param})" if param else ")"
        super().__init__(text)
        self.message: str = message
        self.code: str | None = code
        self.param: str | None = param
        self.error_type: str | None = error_type
        self.event_id: str | None = event_id
        self.event: ErrorEvent | None = event


class MediaError(LiveTranslateError, ValueError):
    """Media cannot be used: unreadable file, no decoder, oversized frame, missing extra.

    Covers video files, images, cameras, microphones and speakers; audio problems raise the
    subclass [`AudioError`][livetranslate.exceptions.AudioError]. Raised before anything is
    sent. The message names the file and what to do (for a missing optional extra, the
    ``pip install`` command).
    """


class AudioError(MediaError):
    """Audio input cannot be used: unreadable, empty, NaN, not normalised, or no audio track."""
