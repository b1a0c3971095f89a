"""Audio out: translated speech into arrays and WAV files (re-exported by the package)."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import soundfile
from numpy.typing import NDArray

from livetranslate.exceptions import AudioError, ConfigurationError
from livetranslate.media._samples import check_rate as _check_rate
from livetranslate.media.audio import (
    OUTPUT_SAMPLE_RATE,
    AudioInput,
    PathLike,
    convert_audio,
)

__all__ = ["AudioCollector", "encode_wav", "write_wav"]


def _pcm16(audio: AudioInput, sample_rate: int) -> NDArray[np.int16]:
    return convert_audio(audio, sample_rate=sample_rate, target_rate=sample_rate)


def encode_wav(audio: AudioInput, *, sample_rate: int = OUTPUT_SAMPLE_RATE) -> bytes:
    """Encode audio as a PCM16 mono WAV file in memory.

    Args:
        audio: PCM16 mono bytes, or an array as for
            [`convert_audio`][livetranslate.media.convert_audio] (channels are averaged).
        sample_rate: The rate of ``audio`` (24000 for translated speech).

    Returns:
        The bytes of a WAV file.

    Raises:
        AudioError: The audio cannot be converted (odd byte count, NaN, ...).
        ConfigurationError: ``sample_rate`` is out of range.
    """
    rate = _check_rate(sample_rate, "sample_rate")
    out = io.BytesIO()
    soundfile.write(out, _pcm16(audio, rate), rate, format="WAV", subtype="PCM_16")
    return out.getvalue()


def write_wav(path: PathLike, audio: AudioInput, *, sample_rate: int = OUTPUT_SAMPLE_RATE) -> None:
    """Write audio to a PCM16 mono WAV file.

    Args:
        path: Where to write (replaced if it exists).
        audio: PCM16 mono bytes, or an array (channels are averaged).
        sample_rate: The rate of ``audio`` (24000 for translated speech).

    Raises:
        AudioError: The audio cannot be converted, or the file cannot be written.
        ConfigurationError: ``sample_rate`` is out of range.
    """
    data = encode_wav(audio, sample_rate=sample_rate)
    target = Path(path)
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise AudioError(
            f"Cannot write {target}: {exc.strerror or exc}; check the folder exists and is "
            "writable."
        ) from exc


class AudioCollector:
    """Collect translated speech (PCM16 mono, 24 kHz deltas or segments) into one track.

    ```python
    speech = AudioCollector()
    async for segment in session.segments():
        speech.add(segment.audio, gap=0.3)
    speech.write_wav("talk.en.wav")
    ```

    Args:
        sample_rate: The rate of the audio added (24000: translated speech on every model).

    Raises:
        ConfigurationError: ``sample_rate`` is out of range.
    """

    def __init__(self, *, sample_rate: int = OUTPUT_SAMPLE_RATE) -> None:
        self.sample_rate: int = _check_rate(sample_rate, "sample_rate")
        self._pcm = bytearray()

    def __repr__(self) -> str:
        return f"<AudioCollector {self.seconds:.2f} s at {self.sample_rate} Hz>"

    def __len__(self) -> int:
        """The number of samples collected."""
        return len(self._pcm) // 2

    @property
    def seconds(self) -> float:
        """Seconds of audio collected."""
        return len(self) / self.sample_rate

    def add(self, pcm: bytes, *, at: float | None = None, gap: float = 0.0) -> None:
        """Append PCM16 mono audio (a ``response.audio.delta`` or a segment's ``audio``).

        Nothing is ever overwritten or dropped: ``at`` and ``gap`` only insert silence.

        Args:
            pcm: PCM16 little-endian mono bytes at ``sample_rate`` (empty is fine).
            at: Place the audio at this many seconds into the track (for example the segment's
                ``start_ms / 1000``, to line speech up with the source); if the track is
                already longer, the audio follows it.
            gap: Seconds of silence before the audio when the track is not empty (ignored when
                ``at`` is given).

        Raises:
            AudioError: ``pcm`` has an odd byte count.
            ConfigurationError: ``at`` or ``gap`` is negative.
        """
        if len(pcm) % 2:
            raise AudioError(f"PCM16 audio needs whole 2-byte samples, got {len(pcm)} bytes.")
        for name, value in (("at", at), ("gap", gap)):
            if value is not None and not value >= 0:
                raise ConfigurationError(f"{name} must be 0 or more seconds, got {value!r}.")
        if not pcm:
            return
        if at is not None:
            self.add_silence(max(0.0, at - self.seconds))
        elif self._pcm and gap:
            self.add_silence(gap)
        self._pcm += pcm

    def add_silence(self, seconds: float) -> None:
        """Append ``seconds`` of silence.

        Args:
            seconds: Seconds of silence (rounded to whole samples).

        Raises:
            ConfigurationError: ``seconds`` is negative.
        """
        if not seconds >= 0:
            raise ConfigurationError(f"seconds must be 0 or more, got {seconds!r}.")
        self._pcm += bytes(2 * round(seconds * self.sample_rate))

    def to_bytes(self) -> bytes:
        """Return the track as PCM16 little-endian mono bytes."""
        return bytes(self._pcm)

    def to_array(self) -> NDArray[np.int16]:
        """Return the track as a mono int16 array."""
        return np.frombuffer(bytes(self._pcm), dtype="<i2").copy()

    def write_wav(self, path: PathLike) -> None:
        """Write the track to a PCM16 mono WAV file.

        Args:
            path: Where to write (replaced if it exists).

        Raises:
            AudioError: The file cannot be written.
        """
        write_wav(path, bytes(self._pcm), sample_rate=self.sample_rate)
