"""Input media for realtime sessions: PCM16 from bytes, arrays, files, videos and iterators.

Audio at the session's rate passes through a strict check (``pcm16_from``). Audio at another
rate, with several channels or from a file, is converted by [`livetranslate.media`][] on the way;
a video file adds JPEG frames, interleaved with the audio at their own timestamps. numpy,
soundfile and the media package are imported on first use, so ``import livetranslate`` stays
fast.
"""

from __future__ import annotations

import asyncio
import collections
import math
import os
import sys
from collections.abc import (
    AsyncGenerator,
    AsyncIterable,
    AsyncIterator,
    Callable,
    Iterable,
    Iterator,
)
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from livetranslate.exceptions import AudioError, ConfigurationError, MediaError

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from livetranslate.media import AudioConverter, Frame, VideoSource
    from livetranslate.protocol import RealtimeProtocol

    AudioArray: TypeAlias = NDArray[np.int16] | NDArray[np.float32] | NDArray[np.float64]
    """A 1-D (or ``(n, 1)``) numpy array of mono samples: int16 PCM, or floats in [-1, 1]."""

__all__ = [
    "FLOAT_CLIP_LIMIT",
    "MAX_IMAGE_BYTES",
    "AudioChunk",
    "AudioSource",
    "InputConverter",
    "append_pcm",
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

AudioChunk: TypeAlias = "bytes | bytearray | memoryview | AudioArray | NDArray[np.generic]"
"""One piece of audio: PCM16 little-endian mono bytes, or a numpy array of samples."""

AudioSource: TypeAlias = (
    "str | os.PathLike[str] | VideoSource | AudioChunk | Iterable[AudioChunk] "
    "| AsyncIterable[AudioChunk]"
)
"""What ``stream()`` takes: a file (audio or video), a ``VideoSource``, one chunk, or a (sync or
async) iterable of chunks."""

_APPEND_MS = 100  # the service's advice: about 100 ms of audio per append
_JPEG_MAGIC = b"\xff\xd8\xff"
_FILE_BLOCK_SECONDS = 10
_BATCH_SECONDS = 1.0  # audio gathered per worker-thread hop when decoding a file
_FRAME_INTERVAL = 0.5  # the service takes at most 2 frames per second of audio
_VIDEO_SUFFIXES = frozenset(
    {".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".flv", ".wmv", ".mpg", ".mpeg", ".ts"}
    | {".mts", ".3gp", ".ogv"}
)


def chunk_size(sample_rate: int, chunk_ms: int) -> int:
    """Return the PCM16 byte count of ``chunk_ms`` of mono audio at ``sample_rate`` (even)."""
    return max(1, sample_rate * chunk_ms // 1000) * 2


def append_pcm(protocol: RealtimeProtocol, pcm: bytes) -> bool:
    """Queue ``pcm`` on the protocol in appends of at most 100 ms; return whether any was queued."""
    size = chunk_size(protocol.config.sample_rate, _APPEND_MS)
    for start in range(0, len(pcm), size):
        protocol.append_audio(pcm[start : start + size])
    return bool(pcm)


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
        MediaError: The file cannot be read, is not a JPEG, or is over 500 KB.
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
            raise MediaError(f"Cannot read image {name}: {exc.strerror or exc}.") from exc
    else:
        raise MediaError(f"Images must be JPEG bytes or a file path, not {type(image).__name__}.")
    if not data.startswith(_JPEG_MAGIC):
        raise MediaError(
            f"{name} is not a JPEG; the service takes JPEG frames only (convert PNG/WebP first)."
        )
    if len(data) > MAX_IMAGE_BYTES:
        raise MediaError(
            f"{name} is {len(data) // 1000} KB; the service takes at most 500 KB per frame "
            "(scale to 480p-720p or lower the JPEG quality)."
        )
    return data


class InputConverter:
    """The session's input conversion, shared by ``send_audio()`` and ``stream()``.

    Without a source rate, audio must already be mono PCM16 at the session's rate and passes
    through ``pcm16_from``. With one, it goes through a stateful
    [`AudioConverter`][livetranslate.media.AudioConverter], kept between calls while the rate
    stays the same, so consecutive chunks join without clicks. Whatever the filter still holds
    is returned ahead of the next audio that does not continue the stream, or by ``flush()``.
    The new audio is converted (validated) before anything held is released.
    """

    def __init__(self) -> None:
        self._converter: AudioConverter | None = None

    def convert(self, audio: object, *, sample_rate: int | None, target_rate: int) -> bytes:
        """Convert one chunk to PCM16 at ``target_rate``; see the class docstring.

        Raises:
            AudioError: The audio cannot be used (the message says what to do).
            ConfigurationError: ``sample_rate`` is not a valid rate.
        """
        if sample_rate is None:
            pcm = pcm16_from(audio, sample_rate=target_rate)
            return self.flush() + pcm
        from livetranslate.media import AudioConverter

        current = self._converter
        if current is not None and (current.sample_rate, current.target_rate) == (
            sample_rate,
            target_rate,
        ):
            return current.convert(audio)  # type: ignore[arg-type]  # checked inside
        fresh = AudioConverter(sample_rate, target_rate=target_rate)
        pcm = fresh.convert(audio)  # type: ignore[arg-type]  # checked inside
        head = self.flush()
        self._converter = fresh
        return head + pcm

    def flush(self) -> bytes:
        """Return what the resampler still holds (a few ms), ending the converted stream."""
        converter, self._converter = self._converter, None
        return b"" if converter is None else converter.flush()


class _ThreadIterator:
    """Drive a blocking iterator from async code, a batch per worker-thread hop."""

    def __init__(self, factory: Callable[[], Iterator[bytes | Frame]], batch_bytes: int) -> None:
        self._factory = factory
        self._iterator: Iterator[bytes | Frame] | None = None
        self._batch_bytes = batch_bytes
        self._inflight: asyncio.Future[list[bytes | Frame]] | None = None

    def _batch(self) -> list[bytes | Frame]:
        if self._iterator is None:
            self._iterator = self._factory()
        items: list[bytes | Frame] = []
        size = 0
        for item in self._iterator:
            items.append(item)
            if isinstance(item, bytes):
                size += len(item)
            if size >= self._batch_bytes or len(items) >= 64:
                break
        return items

    async def batches(self) -> AsyncIterator[list[bytes | Frame]]:
        loop = asyncio.get_running_loop()
        try:
            while True:
                self._inflight = loop.run_in_executor(None, self._batch)
                items = await asyncio.shield(self._inflight)
                self._inflight = None
                if not items:
                    return
                yield items
        finally:
            if self._inflight is not None:  # cancelled mid-read: let the thread finish first
                await asyncio.wait({self._inflight})
            iterator, self._iterator = self._iterator, None
            close = getattr(iterator, "close", None)
            if close is not None:
                await asyncio.to_thread(close)


def _is_video_source(value: object) -> bool:
    video = sys.modules.get("livetranslate.media.video")  # loaded if the app built one
    return video is not None and isinstance(value, video.VideoSource)


def _file_items(path: Path, sample_rate: int) -> Callable[[], Iterator[bytes | Frame]]:
    from livetranslate.media import VideoSource, iter_audio

    if path.suffix.lower() in _VIDEO_SUFFIXES:
        video = VideoSource(path)
        return lambda: video.iter_media(target_rate=sample_rate)
    return lambda: iter_audio(path, target_rate=sample_rate, block_seconds=_FILE_BLOCK_SECONDS)


def _piece(item: object, sample_rate: int, source_rate: int | None, conv: InputConverter) -> bytes:
    if source_rate is None and isinstance(item, (bytes, bytearray, memoryview)):
        # Iterators may cut anywhere: an odd byte is carried over by the caller.
        return item.cast("B").tobytes() if isinstance(item, memoryview) else bytes(item)
    return conv.convert(item, sample_rate=source_rate, target_rate=sample_rate)


async def pcm_pieces(
    source: object,
    *,
    sample_rate: int,
    source_rate: int | None = None,
    converter: InputConverter | None = None,
) -> AsyncIterator[bytes | Frame]:
    """Yield PCM16 pieces of any length (and, from a video, frames) from a ``stream()`` source.

    Files (any format, rate and channel count) and videos are decoded and converted to
    ``sample_rate`` in a worker thread; in-memory audio is converted when ``source_rate`` is
    given, and must already match otherwise. Pieces of raw bytes may have odd lengths; the
    caller re-joins samples.

    Args:
        source: A path, a ``VideoSource``, bytes, an array, or a (sync or async) iterable of
            bytes or arrays.
        sample_rate: The session's input rate.
        source_rate: The rate of in-memory audio, when it differs or has several channels.
        converter: The session's converter (its held tail goes out first); None uses a new one.

    Yields:
        PCM16 little-endian bytes, and ``Frame``s from a video.

    Raises:
        AudioError: Unreadable, empty or undecodable file, or an unsupported source or chunk.
        MediaError: A video that cannot be decoded, or a missing optional extra.
    """
    conv = converter if converter is not None else InputConverter()
    from_file: Callable[[], Iterator[bytes | Frame]] | None = None
    if isinstance(source, (str, os.PathLike)):
        from_file = _file_items(Path(source), sample_rate)
    elif _is_video_source(source):
        video: VideoSource = source  # type: ignore[assignment]  # checked just above
        from_file = lambda: video.iter_media(target_rate=sample_rate)  # noqa: E731
    if from_file is not None:
        batches = _ThreadIterator(from_file, batch_bytes=int(2 * sample_rate * _BATCH_SECONDS))
        first = True
        async for items in batches.batches():
            if first:  # the file opened and checked out: what the resampler held goes first
                first = False
                yield conv.flush()
            for item in items:
                yield item
        return
    if isinstance(source, (bytes, bytearray, memoryview)) or _is_array(source):
        yield _piece(source, sample_rate, source_rate, conv)
    elif isinstance(source, AsyncIterable):
        async for item in source:
            yield _piece(item, sample_rate, source_rate, conv)
    elif isinstance(source, Iterable):
        for item in source:
            yield _piece(item, sample_rate, source_rate, conv)
    else:
        raise AudioError(
            "stream() takes a file path, a VideoSource, PCM16 bytes, a numpy array, or an "
            f"(async) iterator of bytes or arrays, not {type(source).__name__}."
        )
    if source_rate is not None:
        yield conv.flush()


def _check_chunk_ms(chunk_ms: object) -> int:
    if isinstance(chunk_ms, bool) or not isinstance(chunk_ms, int) or not 10 <= chunk_ms <= 100:
        raise ConfigurationError(f"chunk_ms must be an int from 10 to 100, got {chunk_ms!r}.")
    return chunk_ms


async def paced_chunks(
    source: object,
    *,
    sample_rate: int,
    chunk_ms: int,
    realtime: bool,
    source_rate: int | None = None,
    converter: InputConverter | None = None,
) -> AsyncGenerator[bytes | Frame, None]:
    """Yield ``chunk_ms`` pieces of PCM16 (and video frames) from a ``stream()`` source, when due.

    Paced, chunk *k* is yielded at ``start + offset_k`` on the loop's monotonic clock (absolute
    deadlines, so waiting for the consumer never accumulates drift), and the generator ends once
    the whole duration has elapsed. Unpaced, it still yields to the event loop between chunks so
    the session's reader keeps running. Samples split across byte chunks are re-joined.

    A video's frames follow the audio chunk that reaches their timestamp, never sooner than 0.5 s
    of audio after the previous frame (the service's limit of 2 per second) and never before the
    first audio (the service rejects that). Frames past the end of the audio are not sent.

    Args:
        source: What ``stream()`` takes (see ``pcm_pieces``).
        sample_rate: The session's input rate.
        chunk_ms: Milliseconds per chunk (the last one may be shorter), 10 to 100.
        realtime: Pace at real time.
        source_rate: The rate of in-memory audio, when it is not ``sample_rate``.
        converter: The session's converter.

    Yields:
        PCM16 chunks with whole samples, and ``Frame``s.

    Raises:
        ConfigurationError: ``chunk_ms`` is out of range.
        AudioError: As for ``pcm_pieces``, or the source ended with half a sample.
    """
    size = chunk_size(sample_rate, _check_chunk_ms(chunk_ms))
    loop = asyncio.get_running_loop()
    start = loop.time()
    sent = 0
    frames: collections.deque[Frame] = collections.deque()
    last_frame: float | None = None

    async def due() -> None:
        delay = start + sent / (2 * sample_rate) - loop.time()
        await asyncio.sleep(delay if realtime and delay > 0 else 0)

    def ready_frame() -> Frame | None:
        heard = sent / (2 * sample_rate)
        if not frames or not sent or frames[0].timestamp > heard:
            return None
        if last_frame is not None and heard < last_frame + _FRAME_INTERVAL:
            return None
        return frames.popleft()

    carry = b""
    pieces = pcm_pieces(
        source, sample_rate=sample_rate, source_rate=source_rate, converter=converter
    )
    async for piece in pieces:
        if not isinstance(piece, bytes):
            frames.append(piece)
            continue
        if not sent and not carry:
            start = loop.time()
        buffer = carry + piece if carry else piece
        whole = len(buffer) - len(buffer) % size
        for offset in range(0, whole, size):
            await due()
            yield buffer[offset : offset + size]
            sent += size
            while (frame := ready_frame()) is not None:
                last_frame = sent / (2 * sample_rate)
                yield frame
        carry = buffer[whole:]
    if len(carry) % 2:
        raise AudioError("The audio ended with half a sample (an odd number of bytes).")
    if carry:
        await due()
        yield carry
        sent += len(carry)
        while (frame := ready_frame()) is not None:
            last_frame = sent / (2 * sample_rate)
            yield frame
    if realtime and sent:
        await due()
