"""Microphone in, speaker out (sounddevice/PortAudio, optional).

Needs the ``mic`` extra (``pip install 'livetranslate[mic]'``, which installs
[sounddevice](https://python-sounddevice.readthedocs.io/)); on Linux, also the PortAudio library
(``apt install libportaudio2``). sounddevice is imported only when a device is opened, and a
missing extra raises [`MediaError`][livetranslate.exceptions.MediaError] naming the pip command.

The microphone records at the device's own rate and channel count and converts on the way (with
the same stateful resampler as [`AudioConverter`][livetranslate.media.AudioConverter]), so a
48 kHz stereo headset works as is:

```python
async with Microphone() as mic, RealtimeSession(target_language="en") as session:
    await session.stream(mic, realtime=False)  # a microphone is real time already
```

Both classes take a ``backend``: any object with sounddevice's ``query_devices``,
``InputStream`` and ``OutputStream``. Tests pass a fake one; apps never need to.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Mapping
from types import TracebackType
from typing import Final, Protocol, Self, cast

import numpy as np
from numpy.typing import NDArray

from livetranslate.exceptions import AudioError, ConfigurationError, MediaError
from livetranslate.media._pacing import chunk_bytes
from livetranslate.media._samples import check_rate as _check_rate
from livetranslate.media.audio import (
    INPUT_SAMPLE_RATE,
    OUTPUT_SAMPLE_RATE,
    AudioConverter,
)

__all__ = ["Microphone", "SoundBackend", "SoundStream", "Speaker"]

logger = logging.getLogger("livetranslate.media")

_PIP: Final = "pip install 'livetranslate[mic]'"


class SoundStream(Protocol):
    """The part of a sounddevice stream the classes here use."""

    def start(self) -> None:
        """Start the stream (callbacks begin)."""

    def stop(self) -> None:
        """Stop the stream (callbacks end)."""

    def close(self) -> None:
        """Release the device."""


class SoundBackend(Protocol):
    """The part of the sounddevice module the classes here use."""

    def query_devices(self, device: int | str | None, kind: str) -> Mapping[str, object]:
        """Describe ``device`` (None: the default) of ``kind`` ``"input"`` or ``"output"``."""

    def InputStream(self, **options: object) -> SoundStream:
        """Open a recording stream whose ``callback`` gets float32 ``(frames, channels)``."""

    def OutputStream(self, **options: object) -> SoundStream:
        """Open a playback stream whose ``callback`` fills int16 ``(frames, channels)``."""


def _load_backend() -> SoundBackend:
    try:
        import sounddevice
    except ImportError as exc:
        raise MediaError(f"The microphone and speaker need sounddevice: {_PIP}.") from exc
    except OSError as exc:  # sounddevice is there, the PortAudio library is not
        raise MediaError(
            f"sounddevice cannot load PortAudio ({exc}); install it (Debian/Ubuntu: apt install "
            "libportaudio2; macOS: brew install portaudio)."
        ) from exc
    return cast(SoundBackend, sounddevice)


def _device_rate(backend: SoundBackend, device: int | str | None, kind: str) -> int:
    info = backend.query_devices(device, kind)
    rate = info.get("default_samplerate")
    if not isinstance(rate, (int, float)) or rate <= 0:
        raise MediaError(f"The {kind} device {device!r} reports no sample rate; name another one.")
    return int(rate)


class Microphone:
    """Record from a microphone as an async iterator of PCM16 mono chunks at ``sample_rate``.

    Use it with ``async with``; iterate it (or pass it to ``session.stream(mic,
    realtime=False)``) until [`stop`][livetranslate.media.Microphone.stop] is called, which ends
    the iteration after the audio already recorded. Audio is never dropped silently: if the
    consumer falls more than ``max_buffered_seconds`` behind, the iterator raises
    [`AudioError`][livetranslate.exceptions.AudioError]; an overflow inside the device (PortAudio
    lost input) is logged as a warning and counted in ``overflows``.

    Args:
        sample_rate: The rate to produce (the session's: 16000, or 8000 where allowed).
        chunk_ms: Milliseconds per chunk.
        device: A sounddevice device index or name; None for the default input.
        channels: Channels to record (averaged to mono).
        capture_rate: The rate to record at; None uses the device's default rate.
        max_buffered_seconds: How far the consumer may fall behind before it is an error.
        backend: A sounddevice-compatible object (tests); None imports sounddevice.

    Raises:
        ConfigurationError: A value is out of range.
    """

    def __init__(
        self,
        *,
        sample_rate: int = INPUT_SAMPLE_RATE,
        chunk_ms: int = 100,
        device: int | str | None = None,
        channels: int = 1,
        capture_rate: int | None = None,
        max_buffered_seconds: float = 10.0,
        backend: SoundBackend | None = None,
    ) -> None:
        self.sample_rate: int = _check_rate(sample_rate, "sample_rate")
        self.chunk_ms: int = chunk_ms
        chunk_bytes(self.sample_rate, chunk_ms)  # validates chunk_ms
        count: object = channels
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= 16:
            raise ConfigurationError(f"channels must be an int from 1 to 16, got {channels!r}.")
        if not max_buffered_seconds > 0:
            raise ConfigurationError(
                f"max_buffered_seconds must be positive, got {max_buffered_seconds!r}."
            )
        self.device = device
        self.channels = channels
        self.capture_rate: int | None = (
            None if capture_rate is None else _check_rate(capture_rate, "capture_rate")
        )
        self.overflows: int = 0
        self._max_frames = 0.0
        self._max_seconds = float(max_buffered_seconds)
        self._backend = backend
        self._stream: SoundStream | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._blocks: collections.deque[NDArray[np.float32]] = collections.deque()
        self._buffered = 0
        self._wake = asyncio.Event()
        self._stopped = False
        self._error: AudioError | None = None
        self._converter: AudioConverter | None = None
        self._pending = bytearray()

    def __repr__(self) -> str:
        return (
            f"<Microphone device={self.device!r} {self.capture_rate} Hz -> {self.sample_rate} Hz>"
        )

    async def __aenter__(self) -> Self:
        self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def open(self) -> None:
        """Start recording (``async with`` calls it). Call from the event loop's thread.

        Raises:
            MediaError: sounddevice or PortAudio is missing (the message names the pip
                command), or the device cannot be opened.
        """
        if self._stream is not None:
            return
        backend = self._backend or _load_backend()
        self._loop = asyncio.get_running_loop()
        try:
            rate = self.capture_rate or _device_rate(backend, self.device, "input")
            stream = backend.InputStream(
                samplerate=rate,
                channels=self.channels,
                dtype="float32",
                blocksize=max(1, rate * self.chunk_ms // 1000),
                device=self.device,
                callback=self._callback,
            )
            stream.start()
        except MediaError:
            raise
        except Exception as exc:  # PortAudioError and friends: the one translation point
            raise MediaError(
                f"Cannot open the microphone {self.device!r}: {exc}; check it is connected, "
                "or name another device (python -m sounddevice lists them)."
            ) from exc
        self.capture_rate = rate
        self._max_frames = self._max_seconds * rate
        self._converter = AudioConverter(rate, target_rate=self.sample_rate)
        self._stream = stream

    def _callback(
        self, indata: NDArray[np.float32], frames: int, time: object, status: object
    ) -> None:
        """PortAudio's thread: hand a copy of the block to the event loop."""
        loop = self._loop
        if loop is None:
            return
        with contextlib.suppress(RuntimeError):  # the loop is closed: nobody is listening
            loop.call_soon_threadsafe(
                self._deliver, np.array(indata, dtype=np.float32), bool(status)
            )

    def _deliver(self, block: NDArray[np.float32], overflow: bool) -> None:
        if self._stopped or self._error is not None:
            return  # stopped, or already failing: the error, not more memory
        if overflow:
            self.overflows += 1
            logger.warning(
                "microphone: the device reported lost input (overflow %d)", self.overflows
            )
        self._blocks.append(block)
        self._buffered += len(block)
        if self._buffered > self._max_frames and self._error is None:
            self._error = AudioError(
                f"The microphone's reader fell more than {self._max_seconds:g} s behind; read "
                "it continuously (the session's stream() does)."
            )
        self._wake.set()

    def stop(self) -> None:
        """Stop recording; the iterator ends after the audio already recorded. Idempotent."""
        self._stopped = True
        self._wake.set()
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.stop()
            stream.close()

    def close(self) -> None:
        """Stop recording and release the device. Idempotent."""
        self.stop()

    def __aiter__(self) -> AsyncIterator[bytes]:
        """Iterate PCM16 mono chunks of ``chunk_ms`` at ``sample_rate`` until stopped.

        Raises:
            MediaError: The microphone is not open.
            AudioError: The consumer fell too far behind.
        """
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[bytes]:
        if self._converter is None:
            raise MediaError("Open the microphone first: async with Microphone() as mic.")
        converter = self._converter
        size = chunk_bytes(self.sample_rate, self.chunk_ms)
        pending = self._pending  # shared: a new iterator continues where the last one stopped
        while True:
            if self._error is not None:
                raise self._error
            if self._blocks:
                block = self._blocks.popleft()
                self._buffered -= len(block)
                pending += converter.convert(block)
            elif self._stopped:
                pending += converter.flush()
                if pending:
                    last = bytes(pending)
                    pending.clear()
                    yield last
                return
            else:
                self._wake.clear()
                await self._wake.wait()
                continue
            while len(pending) >= size:
                chunk = bytes(pending[:size])
                del pending[:size]  # before the yield: an abandoned iterator loses nothing
                yield chunk


class Speaker:
    """Play PCM16 mono audio (translated speech) on an output device, without blocking.

    ``play()`` queues audio and returns at once; PortAudio's thread plays it and fills gaps
    with silence. ``drain()`` waits until everything queued has been played. The queue holds
    whatever has not been played yet (48 KB per second of speech).

    ```python
    async with Speaker() as speaker:
        async for segment in session.segments():
            speaker.play(segment.audio)
        await speaker.drain()
    ```

    Args:
        sample_rate: The rate of the audio (24000: translated speech).
        device: A sounddevice device index or name; None for the default output.
        backend: A sounddevice-compatible object (tests); None imports sounddevice.

    Raises:
        ConfigurationError: ``sample_rate`` is out of range.
    """

    def __init__(
        self,
        *,
        sample_rate: int = OUTPUT_SAMPLE_RATE,
        device: int | str | None = None,
        backend: SoundBackend | None = None,
    ) -> None:
        self.sample_rate: int = _check_rate(sample_rate, "sample_rate")
        self.device = device
        self._backend = backend
        self._stream: SoundStream | None = None
        self._lock = threading.Lock()
        self._queue = bytearray()
        self._played = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._empty = asyncio.Event()
        self._empty.set()

    def __repr__(self) -> str:
        return f"<Speaker device={self.device!r} {self.sample_rate} Hz>"

    @property
    def played_seconds(self) -> float:
        """Seconds of queued audio played so far."""
        return self._played / 2 / self.sample_rate

    async def __aenter__(self) -> Self:
        self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def open(self) -> None:
        """Open the output device (``async with`` calls it). Call from the event loop's thread.

        Raises:
            MediaError: sounddevice or PortAudio is missing, or the device cannot be opened.
        """
        if self._stream is not None:
            return
        backend = self._backend or _load_backend()
        self._loop = asyncio.get_running_loop()
        try:
            stream = backend.OutputStream(
                samplerate=self.sample_rate,
                channels=1,
                dtype="int16",
                device=self.device,
                callback=self._callback,
            )
            stream.start()
        except Exception as exc:  # PortAudioError and friends: the one translation point
            raise MediaError(
                f"Cannot open the speaker {self.device!r}: {exc}; name another device "
                "(python -m sounddevice lists them)."
            ) from exc
        self._stream = stream

    def play(self, pcm: bytes) -> None:
        """Queue PCM16 mono audio for playback; returns at once.

        Args:
            pcm: PCM16 little-endian mono bytes at ``sample_rate``.

        Raises:
            AudioError: Odd byte count.
            MediaError: The speaker is not open.
        """
        if len(pcm) % 2:
            raise AudioError(f"PCM16 audio needs whole 2-byte samples, got {len(pcm)} bytes.")
        if self._stream is None:
            raise MediaError("Open the speaker first: async with Speaker() as speaker.")
        if pcm:
            with self._lock:
                self._queue += pcm
            self._empty.clear()

    def _callback(
        self, outdata: NDArray[np.int16], frames: int, time: object, status: object
    ) -> None:
        """PortAudio's thread: copy queued audio out, silence after it."""
        wanted = frames * 2
        with self._lock:
            data = bytes(self._queue[:wanted])
            del self._queue[:wanted]
            empty = not self._queue
            self._played += len(data)
        samples = np.frombuffer(data, dtype="<i2")
        outdata[: len(samples), 0] = samples
        outdata[len(samples) :, 0] = 0
        if empty and self._loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop is closed
                self._loop.call_soon_threadsafe(self._set_empty)

    def _set_empty(self) -> None:
        with self._lock:
            if not self._queue:
                self._empty.set()

    async def drain(self) -> None:
        """Wait until all queued audio has been played (returns at once if closed)."""
        if self._stream is not None:
            await self._empty.wait()

    def close(self) -> None:
        """Stop playback (queued audio not yet played is discarded) and release the device."""
        stream, self._stream = self._stream, None
        if stream is not None:
            stream.stop()
            stream.close()
        with self._lock:
            self._queue.clear()
        self._empty.set()
