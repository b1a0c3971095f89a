"""livetranslate: a typed asyncio SDK for Alibaba's Qwen LiveTranslate models.

- [`RealtimeSession`][livetranslate.RealtimeSession]: live interpretation over the realtime
  WebSocket API (qwen3, qwen3.5 and qwen3.8 realtime models, one API).
- [`FileTranslator`][livetranslate.FileTranslator]: streamed translation of recorded audio and
  video files, one or thousands, over the OpenAI-compatible endpoint.
- Registry: [`get_model`][livetranslate.get_model],
  [`list_languages`][livetranslate.list_languages], [`get_voice`][livetranslate.get_voice], ...
- Pricing: [`estimate_cost`][livetranslate.estimate_cost] and [`cost_of`][livetranslate.cost_of].
- Errors: every exception derives from [`LiveTranslateError`][livetranslate.LiveTranslateError].

Wire models live in [`livetranslate.events`][], the sans-I/O core in [`livetranslate.protocol`][],
and the local emulator in [`livetranslate.testing`][].
"""

from typing import TYPE_CHECKING, Any

from livetranslate._version import __version__
from livetranslate.config import SessionConfig
from livetranslate.exceptions import (
    APIError,
    APIStatusError,
    AudioError,
    AuthenticationError,
    ConfigurationError,
    ConnectError,
    LiveTranslateError,
    LocalProtocolError,
    MediaError,
    NotFoundError,
    PermissionDeniedError,
    ProtocolError,
    RateLimitError,
    RemoteProtocolError,
    ServerError,
    SessionClosed,
    SessionClosedError,
    SessionClosedOK,
    SessionError,
    StreamInterrupted,
    TransportError,
    TransportTimeout,
    UsageError,
)
from livetranslate.pricing import CostEstimate, cost_of, estimate_cost
from livetranslate.registry import (
    Language,
    ModelInfo,
    Voice,
    get_language,
    get_model,
    get_voice,
    list_languages,
    list_models,
    list_voices,
)
from livetranslate.usage import Usage

if TYPE_CHECKING:  # pragma: no cover - typing only; loaded lazily at run time
    from livetranslate.files import FileTranslator, TranslationResult
    from livetranslate.protocol import Segment
    from livetranslate.protocol.reconnect import ReconnectPolicy
    from livetranslate.protocol.tokens import TemporaryKey
    from livetranslate.realtime import RealtimeSession, SessionSummary, connect
    from livetranslate.tokens import create_temporary_key

# The transports (and the event models behind ``Segment``) load on first use: importing a pure
# layer (``livetranslate.registry``, ...) runs this file, and must not pull in asyncio or
# websockets (tests/test_import_isolation.py); ``import livetranslate`` stays light.
_LAZY = {
    "Segment": "livetranslate.protocol",
    "FileTranslator": "livetranslate.files",
    "TranslationResult": "livetranslate.files",
    "RealtimeSession": "livetranslate.realtime",
    "SessionSummary": "livetranslate.realtime",
    "connect": "livetranslate.realtime",
    "ReconnectPolicy": "livetranslate.protocol.reconnect",
    "TemporaryKey": "livetranslate.protocol.tokens",
    "create_temporary_key": "livetranslate.tokens",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'livetranslate' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "APIError",
    "APIStatusError",
    "AudioError",
    "AuthenticationError",
    "ConfigurationError",
    "ConnectError",
    "CostEstimate",
    "FileTranslator",
    "Language",
    "LiveTranslateError",
    "LocalProtocolError",
    "MediaError",
    "ModelInfo",
    "NotFoundError",
    "PermissionDeniedError",
    "ProtocolError",
    "RateLimitError",
    "RealtimeSession",
    "ReconnectPolicy",
    "RemoteProtocolError",
    "Segment",
    "ServerError",
    "SessionClosed",
    "SessionClosedError",
    "SessionClosedOK",
    "SessionConfig",
    "SessionError",
    "SessionSummary",
    "StreamInterrupted",
    "TemporaryKey",
    "TranslationResult",
    "TransportError",
    "TransportTimeout",
    "Usage",
    "UsageError",
    "Voice",
    "__version__",
    "connect",
    "cost_of",
    "create_temporary_key",
    "estimate_cost",
    "get_language",
    "get_model",
    "get_voice",
    "list_languages",
    "list_models",
    "list_voices",
]
