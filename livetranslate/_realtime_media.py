"""Input media for realtime sessions: PCM16 from bytes, arrays, files and iterators; JPEG frames.

This is the small, strict part of input handling the session needs today: it checks and converts,
but never resamples or downmixes (a later media layer adds that). numpy and soundfile are imported
on first use, so ``import livetranslate`` stays fast.
"""

from __future__ import annotations

import asyncio
import math
import os
import sys
from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from livetranslate.exceptions import AudioError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    AudioArray: TypeAlias = NDArray[np.int16] | NDArray[np.float32] | NDArray[np.float64]
    """A 1-D (or ``(n, 1)``) numpy array of mono samples: int16 PCM, or floats in [-1, 1]."""

__all__ = [
    "FLOAT_CLIP_LIMIT",
    "MAX_IMAGE_BYTES",
    "AudioChunk",
    "AudioSource",
    "chunk_size",
    "load_jpeg",
    "paced_chunks",
    "pcm16_from",
    "pcm_pieces",
]

FLOAT_CLIP_LIMIT = 2.0
"""Float samples up to this magnitude are clipped to [-1, 1]; beyond it they are an error."""

MAX_IMAGE_BYTES = 500_000
"""The service's image limit: 500 KB of JPEG before base64."""

AudioChunk: TypeAlias = "bytes | bytearray | memoryview | AudioArray"
"""One piece of audio: PCM16 little-endian mono bytes, or a numpy array of mono samples."""

AudioSource: TypeAlias = (
    "str | os.PathLike[str] | AudioChunk | Iterable[AudioChunk] | AsyncIterable[AudioChunk]"
)
"""What ``stream()`` takes: a file path, one chunk, or a (sync or async) iterable of chunks."""

_JPEG_MAGIC = b"\xff\xd8\xff"
_FILE_BLOCK_SECONDS = 10


def chunk_size(sample_rate: int, chunk_ms: int) -> int:
    """Return the PCM16 byte count of ``chunk_ms`` of mono audio at ``sample_rate`` (even)."""
    return max(1, sample_rate * chunk_ms // 1000) * 2


def _is_array(value: object) -> bool:
    numpy = sys.modules.get("numpy")
    return numpy is not None and isinstance(value, numpy.ndarray)


def pcm16_from(audio: object, *, sample_rate: int) -> bytes:
    """Check and convert one chunk of audio to PCM16 little-endian mono bytes.

    Bytes pass through (they must hold whole 2-byte samples). int16 arrays are reordered to little
    endian if needed. Float arrays must be finite and within [-1, 1]; samples up to
    ``FLOAT_CLIP_LIMIT`` in magnitude (resampler or mixing overshoot) are clipped, anything larger
    means the array is not normalised and is an error.

    Args:
        audio: Bytes-like PCM16, or a numpy int16/float32/float64 array of shape ``(n,)`` or
            ``(n, 1)``.
        sample_rate: The session's input rate, named in error messages.

    Returns:
        PCM16 little-endian bytes.

    Raises:
        AudioError: Odd byte count, wrong type or dtype, more than one channel, NaN or infinity,
            or floats far outside [-1, 1]. The message says what to do.
    """
    if isinstance(audio, (bytes, bytearray, memoryview)):
        data = audio.cast("B").tobytes() if isinstance(audio, memoryview) else bytes(audio)
        if len(data) % 2:
            raise AudioError(
                f"PCM16 audio needs whole 2-byte samples, got {len(data)} bytes; do not split a "
                "sample between chunks (stream() re-joins split samples for you)."
            )
        return data
    if not _is_array(audio):
        raise AudioError(
            f"Audio must be PCM16 bytes or a numpy array of mono samples at {sample_rate} Hz, "
            f"not {type(audio).__name__}."
        )
    import numpy as np

    array: Any = audio
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1:
        raise AudioError(
            f"Audio array has shape {array.shape}; resample/downmix to mono {sample_rate} Hz and "
            "pass a 1-D array (or shape (n, 1))."
        )
    kind, width = array.dtype.kind, array.dtype.itemsize
    if kind == "i" and width == 2:  # int16 in either byte order
        return bytes(array.astype("<i2", copy=False).tobytes())
    if kind != "f" or width not in (4, 8):
        raise AudioError(
            f"Audio array has dtype {array.dtype}; pass int16 PCM or float32/float64 samples in "
            f"[-1, 1] (mono {sample_rate} Hz)."
        )
    if array.size == 0:
        return b""
    peak = float(np.max(np.abs(array)))
    if not math.isfinite(peak):
        raise AudioError("Audio array contains NaN or infinite samples; clean it before sending.")
    if peak > FLOAT_CLIP_LIMIT:
        raise AudioError(
            f"Float audio must be in [-1, 1] but peaks at {peak:g}; if these are int16-scaled "
            "samples, divide by 32768 or pass an int16 array."
        )
    scaled = np.rint(np.clip(array, -1.0, 1.0) * 32767.0).astype("<i2")
    return bytes(scaled.tobytes())


def load_jpeg(image: bytes | bytearray | memoryview | str | os.PathLike[str]) -> bytes:
    """Return JPEG bytes from bytes or a file path, checked against the service's limits.

    Blocking when given a path (it reads the file); the session calls it in a worker thread.

    Args:
        image: JPEG bytes, or the path of a JPEG file.

    Returns:
        The JPEG bytes.

    Raises:
        AudioError: The file cannot be read, is not a JPEG, or is over 500 KB.
    """
    if isinstance(image, (bytes, bytearray, memoryview)):
        data = bytes(image)
        name = "image"
    elif isinstance(image, (str, os.PathLike)):
        path = Path(image)
        name = path.name
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise AudioError(f"Cannot read image {name}: {exc.strerror or exc}.") from exc
    else:
        raise AudioError(f"Images must be JPEG bytes or a file path, not {type(image).__name__}.")
    if not data.startswith(_JPEG_MAGIC):
        raise AudioError(
            f"{name} is not a JPEG; the service takes JPEG frames only (convert PNG/WebP first)."
        )
    if len(data) > MAX_IMAGE_BYTES:
        raise AudioError(
            f"{name} is {len(data) // 1000} KB; the service takes at most 500 KB per frame "
            "(scale to 480p-720p or lower the JPEG quality)."
        )
    return data


def _open_sound_file(path: Path, sample_rate: int) -> Any:
    import soundfile

    try:
        handle = soundfile.SoundFile(path)
    except (OSError, RuntimeError) as exc:
        raise AudioError(f"Cannot read audio file {path.name}: {exc}.") from exc
    if handle.samplerate != sample_rate or handle.channels != 1:
        found = f"{handle.samplerate} Hz, {handle.channels} channel(s)"
        handle.close()
        raise AudioError(
            f"{path.name} is {found}; resample/downmix to mono {sample_rate} Hz first "
            f"(e.g. ffmpeg -i in.wav -ac 1 -ar {sample_rate} out.wav), or open the session with "
            "a matching sample_rate."
        )
    return handle


def _read_block(handle: Any, frames: int) -> bytes:
    block = handle.read(frames, dtype="int16")
    return bytes(block.astype("<i2", copy=False).tobytes())


async def _file_pieces(path: Path, sample_rate: int) -> AsyncIterator[bytes]:
    handle = await asyncio.to_thread(_open_sound_file, path, sample_rate)
    try:
        while True:
            block = await asyncio.to_thread(_read_block, handle, sample_rate * _FILE_BLOCK_SECONDS)
            if not block:
                return
            yield block
    finally:
        handle.close()


def _piece(item: object, sample_rate: int) -> bytes:
    if isinstance(item, (bytes, bytearray, memoryview)):
        # Iterators may cut anywhere: an odd byte is carried over by the caller.
        return item.cast("B").tobytes() if isinstance(item, memoryview) else bytes(item)
    return pcm16_from(item, sample_rate=sample_rate)


async def pcm_pieces(source: object, *, sample_rate: int) -> AsyncIterator[bytes]:
    """Yield PCM16 pieces of any length from a ``stream()`` source.

    Pieces from an iterator of bytes may have odd lengths; the caller re-joins samples.

    Args:
        source: A path, bytes, an array, or a (sync or async) iterable of bytes or arrays.
        sample_rate: The session's input rate (files must match it).

    Yields:
        PCM16 little-endian bytes.

    Raises:
        AudioError: Unreadable or mismatched file, or an unsupported source or chunk.
    """
    if isinstance(source, (str, os.PathLike)):
        async for block in _file_pieces(Path(source), sample_rate):
            yield block
    elif isinstance(source, (bytes, bytearray, memoryview)) or _is_array(source):
        yield pcm16_from(source, sample_rate=sample_rate)
    elif isinstance(source, AsyncIterable):
        async for item in source:
            yield _piece(item, sample_rate)
    elif isinstance(source, Iterable):
        for item in source:
            yield _piece(item, sample_rate)
    else:
        raise AudioError(
            "stream() takes a file path, PCM16 bytes, a numpy array, or an (async) iterator of "
            f"bytes or arrays, not {type(source).__name__}."
        )


async def paced_chunks(
    source: object, *, sample_rate: int, chunk_ms: int, realtime: bool
) -> AsyncGenerator[bytes, None]:
    """Yield ``chunk_ms`` pieces of PCM16 from a ``stream()`` source, each when it is due.

    Paced, chunk *k* is yielded at ``start + offset_k`` on the loop's monotonic clock (absolute
    deadlines, so waiting for the consumer never accumulates drift), and the generator ends once
    the whole duration has elapsed. Unpaced, it still yields to the event loop between chunks so
    the session's reader keeps running. Samples split across byte chunks are re-joined.

    Args:
        source: What ``stream()`` takes (see ``pcm_pieces``).
        sample_rate: The session's input rate.
        chunk_ms: Milliseconds per chunk (the last one may be shorter).
        realtime: Pace at real time.

    Yields:
        PCM16 chunks with whole samples.

    Raises:
        AudioError: As for ``pcm_pieces``, or the source ended with half a sample.
    """
    size = chunk_size(sample_rate, chunk_ms)
    loop = asyncio.get_running_loop()
    start = loop.time()
    sent = 0

    async def due() -> None:
        delay = start + sent / (2 * sample_rate) - loop.time()
        await asyncio.sleep(delay if realtime and delay > 0 else 0)

    carry = b""
    async for piece in pcm_pieces(source, sample_rate=sample_rate):
        if not sent and not carry:
            start = loop.time()
        buffer = carry + piece if carry else piece
        whole = len(buffer) - len(buffer) % size
        for offset in range(0, whole, size):
            await due()
            yield buffer[offset : offset + size]
            sent += size
        carry = buffer[whole:]
    if len(carry) % 2:
        raise AudioError("The audio ended with half a sample (an odd number of bytes).")
    if carry:
        await due()
        yield carry
        sent += len(carry)
    if realtime and sent:
        await due()
