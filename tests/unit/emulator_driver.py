"""Helpers for the emulator engine tests: a driver that feeds an Engine like an unpaced client."""

from __future__ import annotations

import base64
import json
from typing import Any

import numpy as np

from livetranslate.testing import EmulatedSession
from livetranslate.testing._engine import Engine

M3 = "qwen3-livetranslate-flash-realtime"
M35 = "qwen3.5-livetranslate-flash-realtime"
M38 = "qwen3.8-livetranslate-flash-realtime"
MODELS = [M3, M35, M38]
RATE = 16000
MODALITIES_MSG = (
    "Invalid modalities: ['audio']. Supported combinations are: ['text'] and ['audio', 'text']."
)
SDK_SESSION = {
    "modalities": ["text", "audio"],
    "voice": None,
    "input_audio_format": "pcm16",
    "output_audio_format": "pcm16",
    "input_audio_transcription": {"model": None},
    "turn_detection": {
        "type": "server_vad",
        "threshold": 0.2,
        "prefix_padding_ms": 300,
        "silence_duration_ms": 800,
    },
    "translation": {"language": "en"},
}
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 100 + b"\xff\xd9"


def tone(ms: int, freq: float = 440.0, rate: int = RATE) -> bytes:
    t = np.arange(rate * ms // 1000) / rate
    return (0.3 * 32767 * np.sin(2 * np.pi * freq * t)).astype("<i2").tobytes()


def silence(ms: int, rate: int = RATE) -> bytes:
    return b"\x00\x00" * (rate * ms // 1000)


class Driver:
    """Feeds an Engine and collects what it sends, with now = audio time (an unpaced client)."""

    def __init__(self, model: str, *, latency_ms: float = 0.0, **kwargs: Any) -> None:
        self.record = EmulatedSession(0, model)
        self.engine = Engine(model, self.record, latency_ms=latency_ms, **kwargs)
        self.sent: list[dict[str, Any]] = []
        self.drain()

    def drain(self, now: float | None = None) -> list[dict[str, Any]]:
        out = [
            json.loads(t) for t in self.engine.pop_due(self.engine.audio_ms if now is None else now)
        ]
        self.sent.extend(out)
        return out

    def send(self, event: dict[str, Any] | str, now: float | None = None) -> list[dict[str, Any]]:
        text = event if isinstance(event, str) else json.dumps(event)
        self.engine.receive(text, self.engine.audio_ms if now is None else now)
        return self.drain(now)

    def update(self, **session: Any) -> list[dict[str, Any]]:
        return self.send({"type": "session.update", "session": session})

    def append(self, pcm: bytes, chunk: int = 3200) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for i in range(0, len(pcm), chunk):
            b64 = base64.b64encode(pcm[i : i + chunk]).decode()
            out += self.send({"type": "input_audio_buffer.append", "audio": b64})
        return out

    def finish(self) -> list[dict[str, Any]]:
        return self.send({"type": "session.finish"})

    def types(self) -> list[str]:
        return [e["type"] for e in self.sent]


def compact(types: list[str]) -> list[str]:
    """Collapse runs of streaming events (deltas, text snapshots) into one entry each."""
    out: list[str] = []
    for t in types:
        if not out or out[-1] != t:
            out.append(t)
    return out


def only(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e for e in events if e["type"] == kind]


def error_of(events: list[dict[str, Any]]) -> dict[str, Any]:
    (err,) = only(events, "error")
    return dict(err["error"])
