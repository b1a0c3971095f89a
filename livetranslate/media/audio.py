"""Audio in: any readable file or array to mono PCM16 at the model's input rate.

Input may be a file in any format libsndfile reads (WAV, FLAC, OGG/Vorbis, OGG/Opus, MP3, AIFF,
...; with the ``video`` extra, also AAC/M4A and the audio track of a video through FFmpeg), or a
numpy array at any rate, with any number of channels, in any integer or float dtype. Conversion
averages the channels, resamples with [soxr](https://github.com/dofuuz/python-soxr) (the SoX
resampler: a linear-phase anti-aliasing filter, "HQ" quality, more than 120 dB of stopband
attenuation) and quantises to int16. [`AudioConverter`][livetranslate.media.AudioConverter] does
the same for a live stream of chunks and keeps the filter state between them, so chunk
boundaries leave no trace: its output equals the one-shot result.

Validation comes first: a missing or unreadable file, an empty one, NaN or infinite samples and
float samples far outside [-1, 1] raise [`AudioError`][livetranslate.exceptions.AudioError]
before anything is converted or sent.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TypeAlias

import numpy as np
import soundfile
import soxr
from numpy.typing import NDArray

from livetranslate.exceptions import AudioError, ConfigurationError
from livetranslate.media._samples import (
    FLOAT_CLIP_LIMIT,
    as_float as _as_float,
    check_float_range as _check_float_range,
    check_rate as _check_rate,
    downmix as _downmix,
    exact_int16 as _exact_int16,
    is_exact as _is_exact,
    quantize as _quantize,
)

__all__ = [
    "FLOAT_CLIP_LIMIT",
    "INPUT_SAMPLE_RATE",
    "OUTPUT_SAMPLE_RATE",
    "AudioConverter",
    "AudioInfo",
    "AudioInput",
    "PathLike",
    "convert_audio",
    "iter_audio",
    "load_audio",
    "probe_audio",
    "resample",
]

INPUT_SAMPLE_RATE: Final = 16000
"""The realtime models' input rate (PCM16 mono); qwen3.5 also takes 8000."""

OUTPUT_SAMPLE_RATE: Final = 24000
"""The rate of translated speech (PCM16 mono) on every model."""

PathLike: TypeAlias = "str | os.PathLike[str]"
"""A file path."""

AudioInput: TypeAlias = "bytes | bytearray | memoryview | NDArray[np.generic]"
"""Audio in memory: PCM16 little-endian mono bytes, or an array of shape ``(frames,)`` or
``(frames, channels)`` in any integer dtype or float32/float64 in [-1, 1]."""

_QUALITY: Final = "HQ"  # soxr: 20-bit precision, passband to 91% of Nyquist
_BLOCK_SECONDS: Final = 10.0


def resample(
    samples: NDArray[np.floating[Any]], from_rate: int, to_rate: int
) -> NDArray[np.float32]:
    """Resample float samples with soxr's HQ anti-aliasing filter (one shot).

    Args:
        samples: Shape ``(frames,)`` or ``(frames, channels)``.
        from_rate: The input rate in Hz.
        to_rate: The output rate in Hz.

    Returns:
        float32 samples at ``to_rate``; the length is ``frames * to_rate / from_rate`` rounded
        (within one sample).

    Raises:
        ConfigurationError: A rate is not an int from 1000 to 768000.
    """
    src, dst = _check_rate(from_rate, "from_rate"), _check_rate(to_rate, "to_rate")
    data = np.asarray(samples, dtype=np.float32)
    if src == dst or data.shape[0] == 0:
        return data.copy()
    out: NDArray[np.float32] = soxr.resample(data, src, dst, quality=_QUALITY)
    return out


def convert_audio(
    audio: AudioInput, *, sample_rate: int, target_rate: int = INPUT_SAMPLE_RATE
) -> NDArray[np.int16]:
    """Convert audio in memory to mono int16 at ``target_rate``.

    Channels are averaged, the rate is converted with [`resample`][livetranslate.media.resample],
    and float samples are scaled by 32768 and clipped to int16 (floats up to ±2, such as
    resampler overshoot, are clipped; larger ones are an error). Mono int16 at the target rate
    passes through unchanged.

    Args:
        audio: PCM16 mono bytes, or an array ``(frames,)`` / ``(frames, channels)`` of any
            integer dtype or float in [-1, 1].
        sample_rate: The rate of ``audio`` in Hz.
        target_rate: The rate to convert to (16000 for the realtime models).

    Returns:
        Mono int16 samples (little endian).

    Raises:
        AudioError: Odd byte count, unsupported dtype or shape, NaN/infinite samples, or floats
            far outside [-1, 1].
        ConfigurationError: A rate is out of range.
    """
    src = _check_rate(sample_rate, "sample_rate")
    dst = _check_rate(target_rate, "target_rate")
    if src == dst and _is_exact(audio):
        return _exact_int16(audio)
    mono = _downmix(_as_float(audio))
    return _quantize(resample(mono, src, dst))


class AudioConverter:
    """Convert a stream of audio chunks to mono PCM16 at ``target_rate``, keeping state.

    The resampler keeps its filter state across chunks, so the joined output equals
    [`convert_audio`][livetranslate.media.convert_audio] on the joined input (within float
    rounding) and chunk boundaries leave no clicks. The filter holds back a few milliseconds:
    call [`flush`][livetranslate.media.AudioConverter.flush] at the end of the stream to get
    them. Byte chunks may split a sample; the odd byte is carried to the next chunk.

    Args:
        sample_rate: The rate of the chunks, in Hz.
        target_rate: The rate to produce (16000 for the realtime models).

    Raises:
        ConfigurationError: A rate is out of range.
    """

    def __init__(self, sample_rate: int, *, target_rate: int = INPUT_SAMPLE_RATE) -> None:
        self.sample_rate: int = _check_rate(sample_rate, "sample_rate")
        self.target_rate: int = _check_rate(target_rate, "target_rate")
        self._stream: Any = None
        self._carry = b""

    def __repr__(self) -> str:
        return f"<AudioConverter {self.sample_rate} Hz -> {self.target_rate} Hz mono PCM16>"

    def convert(self, chunk: AudioInput) -> bytes:
        """Convert one chunk; returns the PCM16 that is ready (possibly empty).

        Args:
            chunk: PCM16 mono bytes (may split a sample), or an array as for
                [`convert_audio`][livetranslate.media.convert_audio]. Channel counts may differ
                between chunks.

        Returns:
            PCM16 little-endian mono bytes at ``target_rate``.

        Raises:
            AudioError: As for ``convert_audio``.
        """
        if isinstance(chunk, (bytes, bytearray, memoryview)):
            data = self._carry + (
                chunk.cast("B").tobytes() if isinstance(chunk, memoryview) else bytes(chunk)
            )
            whole = len(data) - len(data) % 2
            self._carry = data[whole:]
            chunk = data[:whole]
        if self.sample_rate == self.target_rate:
            if _is_exact(chunk):
                return _exact_int16(chunk).tobytes()
            return _quantize(_downmix(_as_float(chunk))).tobytes()
        mono = _downmix(_as_float(chunk))
        if mono.size == 0:
            return b""
        if self._stream is None:
            self._stream = soxr.ResampleStream(
                self.sample_rate, self.target_rate, 1, dtype="float32", quality=_QUALITY
            )
        out: NDArray[np.float32] = self._stream.resample_chunk(mono, last=False)
        return _quantize(out).tobytes()

    def flush(self) -> bytes:
        """End the stream: return the samples the filter still holds, and reset.

        The converter can then start a new, independent stream.

        Returns:
            The last PCM16 bytes (a few milliseconds; empty if nothing is held).

        Raises:
            AudioError: The byte stream ended with half a sample.
        """
        carry, self._carry = self._carry, b""
        stream, self._stream = self._stream, None
        if carry:
            raise AudioError("The audio ended with half a sample (an odd number of bytes).")
        if stream is None:
            return b""
        tail: NDArray[np.float32] = stream.resample_chunk(np.zeros(0, np.float32), last=True)
        return _quantize(tail).tobytes()


# ------------------------------------------------------------------------------- files


@dataclass(frozen=True, slots=True)
class AudioInfo:
    """What a readable audio file holds.

    Attributes:
        name: The file name (without folders).
        format: The container, lower case: ``wav``, ``flac``, ``ogg``, ``mp3``, ... (for files
            decoded through FFmpeg, FFmpeg's name, e.g. ``mov,mp4,m4a,3gp,3g2,mj2``).
        codec: The encoding, lower case: ``pcm_16``, ``vorbis``, ``opus``, ``mpeg_layer_iii``,
            ``aac``, ...
        sample_rate: Samples per second per channel.
        channels: Channel count.
        frames: Samples per channel.
    """

    name: str
    format: str
    codec: str
    sample_rate: int
    channels: int
    frames: int

    @property
    def duration_seconds(self) -> float:
        """The duration in seconds."""
        return self.frames / self.sample_rate


def _missing(path: Path) -> AudioError | None:
    if not path.exists():
        return AudioError(f"No such audio file: {path}; check the path.")
    if path.is_dir():
        return AudioError(f"{path} is a folder, not an audio file.")
    return None


def _open_soundfile(path: Path) -> Any:
    """Open ``path`` with libsndfile, or return None when libsndfile cannot decode it."""
    error = _missing(path)
    if error is not None:
        raise error
    try:
        return soundfile.SoundFile(path)
    except soundfile.LibsndfileError:
        return None
    except OSError as exc:
        raise AudioError(f"Cannot read audio file {path.name}: {exc.strerror or exc}.") from exc


def _info(handle: Any, path: Path) -> AudioInfo:
    return AudioInfo(
        name=path.name,
        format=str(handle.format).lower(),
        codec=str(handle.subtype).lower(),
        sample_rate=int(handle.samplerate),
        channels=int(handle.channels),
        frames=int(handle.frames),
    )


def probe_audio(path: PathLike) -> AudioInfo:
    """Read an audio file's format, rate, channels and length without decoding it.

    Files libsndfile cannot read are probed through FFmpeg when the ``video`` extra is installed.

    Args:
        path: The file.

    Returns:
        The file's [`AudioInfo`][livetranslate.media.AudioInfo].

    Raises:
        AudioError: The file is missing, unreadable, has no audio, or nothing can decode it.
        MediaError: It needs FFmpeg and the ``video`` extra is not installed (the message names
            the pip command).
    """
    file = Path(path)
    handle = _open_soundfile(file)
    if handle is None:
        from livetranslate.media import _av

        return _av.probe_audio_track(file)
    with handle:
        return _info(handle, file)


def _check_length(info: AudioInfo) -> None:
    if info.frames <= 0:
        raise AudioError(f"{info.name} contains no audio (0 samples); record or export it again.")


def _prescan_floats(handle: Any, name: str) -> None:
    """Float files can hold NaN or unnormalised samples: find them before anything is sent."""
    if "float" not in str(handle.subtype).lower() and "double" not in str(handle.subtype).lower():
        return
    frames = int(handle.samplerate * _BLOCK_SECONDS)
    for block in handle.blocks(blocksize=frames, dtype="float32", always_2d=True):
        _check_float_range(block, name)
    handle.seek(0)


def iter_audio(
    path: PathLike, *, target_rate: int = INPUT_SAMPLE_RATE, block_seconds: float = _BLOCK_SECONDS
) -> Iterator[bytes]:
    """Decode a file block by block to mono PCM16 at ``target_rate`` (for long files).

    The file is opened and validated before the first block is returned: a missing,
    unreadable, empty or undecodable file, or a float file with NaN or unnormalised samples,
    raises at the first ``next()``. Blocking: run it in a worker thread from async code.

    Args:
        path: Any file libsndfile reads (or FFmpeg, with the ``video`` extra).
        target_rate: The rate to produce.
        block_seconds: Seconds of input per block.

    Yields:
        PCM16 little-endian mono bytes; joined, they equal ``load_audio(path)``.

    Raises:
        AudioError: The file is missing, unreadable, empty or has bad samples.
        MediaError: It needs FFmpeg and the ``video`` extra is not installed.
        ConfigurationError: ``target_rate`` or ``block_seconds`` is out of range.
    """
    dst = _check_rate(target_rate, "target_rate")
    seconds: object = block_seconds
    if not (isinstance(seconds, (int, float)) and 0.01 <= seconds <= 3600):
        raise ConfigurationError(f"block_seconds must be 0.01 to 3600, got {block_seconds!r}.")
    file = Path(path)
    handle = _open_soundfile(file)
    if handle is None:
        from livetranslate.media import _av

        yield from _av.iter_audio_track(file, target_rate=dst, block_seconds=block_seconds)
        return
    with handle:
        info = _info(handle, file)
        _check_length(info)
        _prescan_floats(handle, file.name)
        converter = AudioConverter(info.sample_rate, target_rate=dst)
        # Only 16-bit PCM is read as int16 (bit-exact); libsndfile would truncate floats.
        exact = info.codec == "pcm_16" and info.sample_rate == dst and info.channels == 1
        frames = max(1, int(info.sample_rate * block_seconds))
        for block in handle.blocks(
            blocksize=frames, dtype="int16" if exact else "float32", always_2d=True
        ):
            data = converter.convert(block)
            if data:
                yield data
        tail = converter.flush()
        if tail:
            yield tail


def load_audio(path: PathLike, *, target_rate: int = INPUT_SAMPLE_RATE) -> NDArray[np.int16]:
    """Decode a whole file to mono int16 at ``target_rate``.

    Args:
        path: Any file libsndfile reads: WAV, FLAC, OGG/Vorbis, OGG/Opus, MP3, AIFF, ... With
            the ``video`` extra, also AAC/M4A and the audio track of a video.
        target_rate: The rate to produce (16000 for the realtime models, 8000 where allowed).

    Returns:
        Mono int16 samples; the length is the file's duration times ``target_rate`` (within one
        sample).

    Raises:
        AudioError: The file is missing, unreadable, empty or has bad samples.
        MediaError: It needs FFmpeg and the ``video`` extra is not installed.
        ConfigurationError: ``target_rate`` is out of range.
    """
    data = b"".join(iter_audio(path, target_rate=target_rate))
    return np.frombuffer(data, dtype="<i2").copy()
