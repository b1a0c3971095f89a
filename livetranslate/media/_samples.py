"""Sample-level helpers shared by the media modules: checks, downmix, quantisation."""

from __future__ import annotations

import math
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray

from livetranslate.exceptions import AudioError, ConfigurationError

__all__ = [
    "FLOAT_CLIP_LIMIT",
    "as_float",
    "check_float_range",
    "check_rate",
    "downmix",
    "exact_int16",
    "is_exact",
    "quantize",
]

FLOAT_CLIP_LIMIT: Final = 2.0
"""Float samples up to this magnitude are clipped to [-1, 1]; larger ones are an error."""

_MAX_CHANNELS: Final = 16


def check_rate(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1000 <= value <= 768_000:
        raise ConfigurationError(f"{name} must be an int in Hz (1000 to 768000), got {value!r}.")
    return value


def as_float(audio: object, *, name: str = "audio") -> NDArray[np.float32]:
    """Return ``audio`` as float32 of shape (frames, channels), checked."""
    if isinstance(audio, (bytes, bytearray, memoryview)):
        data = audio.cast("B") if isinstance(audio, memoryview) else audio
        if len(data) % 2:
            raise AudioError(
                f"{name}: PCM16 bytes need whole 2-byte samples, got {len(data)} bytes; do not "
                "split a sample (an AudioConverter re-joins split samples)."
            )
        ints = np.frombuffer(data, dtype="<i2")
        return (ints.astype(np.float32) / 32768.0).reshape(-1, 1)
    if not isinstance(audio, np.ndarray):
        raise AudioError(
            f"{name} must be PCM16 bytes or a numpy array, not {type(audio).__name__}."
        )
    array: NDArray[Any] = audio
    if array.ndim == 1:
        array = array.reshape(-1, 1)
    if array.ndim != 2:
        raise AudioError(f"{name} has shape {array.shape}; pass (frames,) or (frames, channels).")
    if array.shape[1] == 0 or array.shape[1] > _MAX_CHANNELS:
        raise AudioError(
            f"{name} has shape {array.shape}: {array.shape[1]} channels; arrays are "
            "(frames, channels), so pass array.T if yours is (channels, frames)."
        )
    kind, bits = array.dtype.kind, array.dtype.itemsize * 8
    if kind == "i":
        return (array.astype(np.float32) / float(2 ** (bits - 1))).astype(np.float32)
    if kind == "u":
        half = float(2 ** (bits - 1))
        return ((array.astype(np.float64) - half) / half).astype(np.float32)
    if kind != "f":
        raise AudioError(
            f"{name} has dtype {array.dtype}; pass integer PCM (int16, int32, uint8, ...) or "
            "float samples in [-1, 1]."
        )
    floats = array.astype(np.float32, copy=False)
    check_float_range(floats, name)
    return floats


def check_float_range(floats: NDArray[np.floating[Any]], name: str) -> None:
    if floats.size == 0:
        return
    peak = float(np.max(np.abs(floats)))
    if not math.isfinite(peak):
        raise AudioError(f"{name} contains NaN or infinite samples; clean it before sending.")
    if peak > FLOAT_CLIP_LIMIT:
        raise AudioError(
            f"{name}: float samples must be in [-1, 1] but peak at {peak:g} and would clip; "
            "if they are int16-scaled, divide by 32768 (or pass an int16 array)."
        )


def downmix(frames: NDArray[np.float32]) -> NDArray[np.float32]:
    if frames.shape[1] == 1:
        return np.ascontiguousarray(frames[:, 0])
    # Column by column: many times faster than mean(axis=1) on (frames, channels).
    mixed: NDArray[np.float32] = frames[:, 0].astype(np.float32, copy=True)
    for channel in range(1, frames.shape[1]):
        mixed += frames[:, channel]
    mixed *= np.float32(1.0 / frames.shape[1])
    return mixed


def quantize(mono: NDArray[np.float32]) -> NDArray[np.int16]:
    # x * 32768 inverts the int16 -> float scaling exactly; +1.0 clips to 32767.
    scaled = np.rint(mono * np.float32(32768.0))
    quantized: NDArray[np.int16] = np.clip(scaled, -32768, 32767).astype("<i2")
    return quantized


def is_exact(audio: object) -> bool:
    """Whether ``audio`` is already mono int16 (so it passes through bit for bit)."""
    if isinstance(audio, (bytes, bytearray, memoryview)):
        return True
    return (
        isinstance(audio, np.ndarray)
        and audio.dtype.kind == "i"
        and audio.dtype.itemsize == 2
        and (audio.ndim == 1 or (audio.ndim == 2 and audio.shape[1] == 1))
    )


def exact_int16(audio: object) -> NDArray[np.int16]:
    if isinstance(audio, (bytes, bytearray, memoryview)):
        data = audio.cast("B") if isinstance(audio, memoryview) else audio
        if len(data) % 2:
            as_float(audio)  # raises the whole-sample error
        return np.frombuffer(data, dtype="<i2").copy()
    return np.asarray(audio).reshape(-1).astype("<i2")
