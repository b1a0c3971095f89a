"""Audio for the file-translation API (re-exported by ``livetranslate.media``).

The OpenAI-compatible endpoint decodes WAV, MP3, FLAC, AAC, OGG, OPUS, M4A, WMA and AMR at 8 to
48 kHz itself, so such files go up unchanged; anything else (other rates or formats, arrays) is
converted to a 16 kHz mono WAV first.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np

from livetranslate.exceptions import AudioError, MediaError
from livetranslate.media._output import encode_wav
from livetranslate.media._samples import check_rate as _check_rate
from livetranslate.media.audio import (
    INPUT_SAMPLE_RATE,
    AudioInput,
    PathLike,
    convert_audio,
    load_audio,
    probe_audio,
)

__all__ = ["UploadAudio", "prepare_upload"]

_SERVICE_RATES: Final = range(8000, 48001)
# libsndfile's (format, codec) -> the service's format name
_PASS_THROUGH: Final = {
    ("wav", "pcm_16"): "wav",
    ("wav", "pcm_24"): "wav",
    ("wav", "pcm_u8"): "wav",
    ("mp3", "mpeg_layer_iii"): "mp3",
    ("flac", "pcm_16"): "flac",
    ("flac", "pcm_24"): "flac",
    ("ogg", "vorbis"): "ogg",
    ("ogg", "opus"): "opus",
}
# Formats the service decodes but libsndfile does not: sent as they are, by file extension.
_FFMPEG_ONLY: Final = {".aac": "aac", ".m4a": "m4a", ".wma": "wma", ".amr": "amr"}


@dataclass(frozen=True, slots=True)
class UploadAudio:
    """Audio ready for the file API's ``input_audio`` (``data`` + ``format``).

    Attributes:
        data: The file bytes.
        format: The service's format name: ``wav``, ``mp3``, ``flac``, ``ogg``, ``opus``,
            ``aac``, ``m4a``, ``wma`` or ``amr``.
        duration_seconds: The duration, or None when it cannot be read without FFmpeg.
        converted: Whether the SDK converted the input (False: the original file's bytes).
    """

    data: bytes
    format: str
    duration_seconds: float | None
    converted: bool

    def __repr__(self) -> str:
        return (
            f"UploadAudio(format={self.format!r}, {len(self.data)} bytes, "
            f"duration_seconds={self.duration_seconds}, converted={self.converted})"
        )


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise AudioError(f"Cannot read {path.name}: {exc.strerror or exc}.") from exc


def prepare_upload(source: PathLike | AudioInput, *, sample_rate: int | None = None) -> UploadAudio:
    """Make a file or array acceptable to the file-translation API.

    Files in a format and rate the service decodes go unchanged; other files and all arrays
    become a 16 kHz mono PCM16 WAV (arrays already at 8 to 48 kHz keep their rate).

    Args:
        source: A file path, PCM16 mono bytes, or an array ``(frames,)`` /
            ``(frames, channels)``.
        sample_rate: The rate of bytes or an array (required for them; ignored for files).

    Returns:
        The [`UploadAudio`][livetranslate.media.UploadAudio].

    Raises:
        AudioError: The file is missing, unreadable, empty or undecodable, the samples are
            bad (NaN, unnormalised), or ``sample_rate`` is missing for in-memory audio.
        MediaError: The file needs FFmpeg and the ``video`` extra is not installed.
    """
    if isinstance(source, (str, os.PathLike)):
        path = Path(source)
        fallback = _FFMPEG_ONLY.get(path.suffix.lower())
        if fallback is not None and path.is_file():
            try:
                seconds: float | None = probe_audio(path).duration_seconds
            except AudioError:
                raise
            except MediaError:  # no FFmpeg here: the service decodes the file anyway
                seconds = None
            return UploadAudio(_read(path), fallback, seconds, converted=False)
        info = probe_audio(path)
        if info.frames <= 0:
            raise AudioError(f"{info.name} contains no audio (0 samples); export it again.")
        name = _PASS_THROUGH.get((info.format, info.codec))
        if name is not None and info.sample_rate in _SERVICE_RATES:
            return UploadAudio(_read(path), name, info.duration_seconds, converted=False)
        pcm = load_audio(path, target_rate=INPUT_SAMPLE_RATE)
        wav = encode_wav(pcm, sample_rate=INPUT_SAMPLE_RATE)
        return UploadAudio(wav, "wav", len(pcm) / INPUT_SAMPLE_RATE, converted=True)
    if sample_rate is None:
        raise AudioError(
            "In-memory audio needs its rate: prepare_upload(array, sample_rate=48000)."
        )
    rate = _check_rate(sample_rate, "sample_rate")
    target = rate if rate in _SERVICE_RATES else INPUT_SAMPLE_RATE
    samples = convert_audio(source, sample_rate=rate, target_rate=target)
    if samples.size == 0:
        raise AudioError("The audio is empty (0 samples); there is nothing to translate.")
    data = encode_wav(np.asarray(samples), sample_rate=target)
    return UploadAudio(data, "wav", samples.size / target, converted=True)
