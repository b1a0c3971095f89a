"""PyAV (FFmpeg) plumbing shared by the media modules: opening, decoding, audio tracks.

PyAV is imported inside the functions, so importing this module does not need it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from numpy.typing import NDArray

from livetranslate.exceptions import AudioError, MediaError
from livetranslate.media.audio import AudioConverter, AudioInfo

if TYPE_CHECKING:
    import av
    import av.container

__all__ = [
    "PIP",
    "Track",
    "audio_samples",
    "decode",
    "iter_audio_track",
    "no_audio",
    "open_media",
    "probe_audio_track",
    "require_av",
]

PIP: Final = "pip install 'livetranslate[video]'"


def require_av() -> None:
    """Raise `MediaError` naming the pip command unless PyAV can be imported."""
    try:
        import av  # noqa: F401
    except ImportError as exc:
        raise MediaError(f"Video, camera and AAC/M4A input need PyAV (FFmpeg): {PIP}.") from exc


def open_media(path: Path, *, what: str = "media file") -> av.container.InputContainer:
    """Open ``path`` for reading with FFmpeg, or raise `MediaError` saying what to do."""
    require_av()
    import av

    if not path.exists():
        raise MediaError(f"No such {what}: {path}; check the path.")
    try:
        return av.open(str(path), mode="r")
    except (av.error.FFmpegError, OSError) as exc:
        raise MediaError(
            f"Cannot decode {path.name}: FFmpeg does not recognise it ({exc}); convert it to "
            "MP4 (H.264/AAC), WAV or FLAC."
        ) from exc


def audio_samples(frame: av.AudioFrame) -> NDArray[Any]:
    """Return an audio frame as (samples, channels)."""
    array = frame.to_ndarray()
    channels = len(frame.layout.channels)
    if frame.format.is_planar:
        return array.T
    return array.reshape(-1, channels)


class Track:
    """Decode one audio stream to PCM16 at a target rate, trimmed to the declared duration."""

    def __init__(self, stream: av.AudioStream, name: str, target_rate: int) -> None:
        self.name = name
        self.target_rate = target_rate
        self.converter: AudioConverter | None = None
        self.limit: int | None = None
        if stream.duration is not None and stream.time_base is not None and stream.rate:
            self.limit = round(stream.duration * stream.time_base * stream.rate)
        self.decoded = 0
        self.emitted = 0

    def feed(self, frame: av.AudioFrame) -> bytes:
        samples = audio_samples(frame)
        if self.limit is not None:
            samples = samples[: max(0, self.limit - self.decoded)]
        self.decoded += len(samples)
        out = b""
        if self.converter is None or self.converter.sample_rate != frame.sample_rate:
            out = self.converter.flush() if self.converter is not None else b""
            self.converter = AudioConverter(frame.sample_rate, target_rate=self.target_rate)
        out += self.converter.convert(samples)
        self.emitted += len(out) // 2
        return out

    def finish(self) -> bytes:
        tail = self.converter.flush() if self.converter is not None else b""
        self.emitted += len(tail) // 2
        if not self.emitted:
            raise AudioError(f"{self.name} has an audio track with no samples; nothing to send.")
        return tail


def decode(container: av.container.InputContainer, streams: list[Any], name: str) -> Iterator[Any]:
    import av

    try:
        for packet in container.demux(*streams):
            yield from packet.decode()
    except av.error.FFmpegError as exc:
        raise MediaError(f"{name} is damaged or uses an unsupported codec: {exc}.") from exc


def no_audio(name: str) -> AudioError:
    return AudioError(
        f"{name} has no audio track; the service translates speech, so add one (or send the "
        "audio separately and its frames with send_image())."
    )


def probe_audio_track(path: Path) -> AudioInfo:
    """Probe the audio track of any file FFmpeg reads (used by ``probe_audio``)."""
    with open_media(path) as container:
        if not container.streams.audio:
            raise no_audio(path.name)
        stream = container.streams.audio[0]
        rate = stream.rate or 0
        frames = 0
        if stream.duration is not None and stream.time_base is not None:
            frames = round(stream.duration * stream.time_base * rate)
        elif container.duration:
            frames = round(container.duration / 1_000_000 * rate)
        return AudioInfo(
            name=path.name,
            format=container.format.name,
            codec=stream.codec_context.name,
            sample_rate=rate,
            channels=stream.channels,
            frames=frames,
        )


def iter_audio_track(path: Path, *, target_rate: int, block_seconds: float) -> Iterator[bytes]:
    """Decode the audio track of any file FFmpeg reads (used by ``iter_audio``)."""
    with open_media(path) as container:
        if not container.streams.audio:
            raise no_audio(path.name)
        stream = container.streams.audio[0]
        track = Track(stream, path.name, target_rate)
        block = bytearray()
        size = 2 * max(1, int(target_rate * block_seconds))
        for frame in decode(container, [stream], path.name):
            block += track.feed(frame)
            if len(block) >= size:
                yield bytes(block)
                block.clear()
        block += track.finish()
        if block:
            yield bytes(block)
