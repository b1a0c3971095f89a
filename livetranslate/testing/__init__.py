"""A local emulator of the realtime LiveTranslate service, for tests and offline development.

[`Emulator`][livetranslate.testing.Emulator] runs a real server on ``127.0.0.1`` that speaks the
service's realtime WebSocket protocol for all three model generations, each in its own dialect
(qwen3 and qwen3.5 ``text``/``stash`` events, qwen3.8 nested session and append-only ``delta``
events), with the service's URL path, handshake errors, event order, validation errors and usage.
Point any client at ``emu.realtime_url``:

```python
from livetranslate.testing import Emulator, Script

async with Emulator(script=Script.sample(), latency=0) as emu:
    url = f"{emu.realtime_url}?model=qwen3.5-livetranslate-flash-realtime"
    ...  # connect with "Authorization: Bearer <any key>"
    assert emu.sessions[0].segments
```

It finds speech in the audio it receives by energy (no recognition): the k-th speech segment of a
connection is "heard" as the k-th sentence of the [`Script`][livetranslate.testing.Script] and
"translated" to that sentence's translation, or to ``"[emulated en translation k]"`` when the
script has none. Translated speech is deterministic speech-like babble (24 kHz PCM16).

Time runs on the audio received: a client that sends audio faster than real time gets its results
as fast, so tests are quick and, with ``latency=0``, deterministic. The pytest plugin (installed
with the package) provides the ``livetranslate_emulator`` fixture.

Needs the ``emulator`` extra (``pip install "livetranslate[emulator]"``) for uvicorn.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - typing only; at runtime the names load on first use
    from livetranslate.testing._emulator import Emulator
    from livetranslate.testing._engine import EmulatedSession
    from livetranslate.testing._faults import Fault, FaultLog, FaultPlan
    from livetranslate.testing._responses import TextMode
    from livetranslate.testing._script import Script, Utterance

__all__ = [
    "EmulatedSession",
    "Emulator",
    "Fault",
    "FaultLog",
    "FaultPlan",
    "Script",
    "TextMode",
    "Utterance",
]

# Loaded lazily so that importing this package (the pytest plugin does, for every test run) costs
# nothing: numpy and uvicorn load only when an emulator is built.
_LAZY = {
    "EmulatedSession": "livetranslate.testing._engine",
    "Emulator": "livetranslate.testing._emulator",
    "Fault": "livetranslate.testing._faults",
    "FaultLog": "livetranslate.testing._faults",
    "FaultPlan": "livetranslate.testing._faults",
    "Script": "livetranslate.testing._script",
    "TextMode": "livetranslate.testing._responses",
    "Utterance": "livetranslate.testing._script",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
