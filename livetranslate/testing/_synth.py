"""Deterministic, speech-like 24 kHz PCM16 for the emulator's translated audio (private).

Not speech: each character becomes a short voiced "syllable" (a harmonic tone with a pitch
contour and a smooth envelope), spaces and punctuation become pauses. The result sounds like
babble, has the rhythm and level of speech, and depends only on the text and the voice name, so
tests can compare bytes.
"""

from __future__ import annotations

import unicodedata
import zlib

import numpy as np
from numpy.typing import NDArray

__all__ = ["OUTPUT_SAMPLE_RATE", "duration_ms", "synthesize"]

OUTPUT_SAMPLE_RATE = 24000
"""Sample rate of the service's output audio (and of everything made here)."""

_LATIN_MS = 70  # one character of alphabetic text (about 14 characters per second)
_CJK_MS = 200  # one CJK character is one syllable
_SPACE_MS = 40
_PUNCT_MS = 150
_AMPLITUDE = 0.25 * 32767


def _unit_ms(char: str) -> tuple[int, bool]:
    """Return the length of one character and whether it is voiced."""
    if char.isspace():
        return _SPACE_MS, False
    category = unicodedata.category(char)
    if category.startswith(("P", "S")):
        return _PUNCT_MS, False
    if unicodedata.east_asian_width(char) in ("W", "F"):
        return _CJK_MS, True
    return _LATIN_MS, True


def duration_ms(text: str) -> int:
    """Length in milliseconds of what [`synthesize`][] makes for ``text``."""
    return sum(_unit_ms(c)[0] for c in text)


def _syllable(char: str, voice: str, n: int, rate: int) -> NDArray[np.float64]:
    seed = zlib.crc32(f"{voice}\x00{char}".encode())
    base = 100.0 + (zlib.crc32(voice.encode()) % 120)  # the voice's pitch: 100-220 Hz
    f0 = base * (0.85 + 0.3 * ((seed & 0xFF) / 255.0))
    glide = ((seed >> 8) & 0xFF) / 255.0 - 0.5  # rising or falling contour
    t = np.arange(n, dtype=np.float64) / rate
    dur = n / rate
    freq = f0 * (1.0 + 0.15 * glide * t / max(dur, 1e-9))
    phase = 2.0 * np.pi * np.cumsum(freq) / rate
    formant = 2.0 + ((seed >> 16) & 0x3)  # which harmonic is strongest
    wave = np.zeros(n, dtype=np.float64)
    for harmonic in range(1, 6):
        weight = 1.0 / (1.0 + abs(harmonic - formant))
        wave += weight * np.sin(harmonic * phase)
    envelope = np.sin(np.pi * np.arange(n, dtype=np.float64) / max(n - 1, 1)) ** 1.5
    peak = float(np.max(np.abs(wave))) or 1.0
    return wave / peak * envelope


def synthesize(text: str, *, voice: str = "", sample_rate: int = OUTPUT_SAMPLE_RATE) -> bytes:
    """Return mono PCM16 little-endian audio for ``text`` (deterministic).

    Args:
        text: What to "say".
        voice: Voice name; changes the pitch and timbre.
        sample_rate: Output rate (the service always sends 24 kHz).
    """
    parts: list[NDArray[np.float64]] = []
    for char in text:
        ms, voiced = _unit_ms(char)
        n = sample_rate * ms // 1000
        if voiced:
            parts.append(_syllable(char, voice, n, sample_rate))
        else:
            parts.append(np.zeros(n, dtype=np.float64))
    if not parts:
        return b""
    signal = np.concatenate(parts) * _AMPLITUDE
    return np.clip(np.round(signal), -32768, 32767).astype("<i2").tobytes()
