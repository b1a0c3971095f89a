"""Video in: a file's audio track plus sampled JPEG frames, and camera frames (PyAV, optional).

Needs the ``video`` extra (``pip install 'livetranslate[video]'``, which installs
[PyAV](https://pyav.basswood-io.com/), FFmpeg's Python binding). PyAV is imported only when a
function here runs, so this module imports without it; a missing extra raises
[`MediaError`][livetranslate.exceptions.MediaError] naming the pip command.

Frames follow the service's rules for visual context: JPEG, at most 500 KB, at most 2 per
second, scaled down to 640 px wide by default (the vendor demo's choice; 480p to 720p is the
recommended range).
"""

from __future__ import annotations

import asyncio
import mimetypes
import sys
from collections.abc import AsyncIterator, Iterator, Mapping
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Self

import numpy as np
from numpy.typing import NDArray

from livetranslate.exceptions import ConfigurationError, MediaError
from livetranslate.media._av import Track, decode, no_audio, open_media, require_av
from livetranslate.media.audio import INPUT_SAMPLE_RATE, PathLike

if TYPE_CHECKING:
    import av
    import av.container

__all__ = [
    "MAX_IMAGE_BYTES",
    "Camera",
    "Frame",
    "VideoInfo",
    "VideoSource",
    "encode_jpeg",
    "probe_video",
]

MAX_IMAGE_BYTES: Final = 500_000
"""The service's limit for one frame: 500 KB of JPEG before base64."""

_QUALITIES: Final = (4, 8, 16, 31)  # FFmpeg mjpeg qscale: 2 (best) to 31 (smallest)
_MIN_WIDTH: Final = 80


def _check_fps(fps: object, limit: float) -> float:
    if isinstance(fps, bool) or not isinstance(fps, (int, float)) or not 0 < fps <= limit:
        raise ConfigurationError(
            f"fps must be above 0 and at most {limit:g} (the service takes at most 2 frames per "
            f"second), got {fps!r}."
        )
    return float(fps)


def _check_width(width: object) -> int:
    if isinstance(width, bool) or not isinstance(width, int) or not 32 <= width <= 1920:
        raise ConfigurationError(f"width must be an int from 32 to 1920 pixels, got {width!r}.")
    return width


# ------------------------------------------------------------------------------ frames


@dataclass(frozen=True, slots=True)
class Frame:
    """One JPEG frame, ready for ``input_image_buffer.append``.

    Attributes:
        timestamp: Seconds from the start of the audio (for a camera: from its first frame).
        jpeg: The JPEG bytes (at most 500 KB).
        width: Width in pixels.
        height: Height in pixels.
    """

    timestamp: float
    jpeg: bytes
    width: int
    height: int

    def __repr__(self) -> str:
        return (
            f"Frame(timestamp={self.timestamp:.3f}, {self.width}x{self.height}, "
            f"{len(self.jpeg)} bytes)"
        )


def _scaled(width: int, height: int, max_width: int) -> tuple[int, int]:
    w = min(max_width, width)
    w -= w % 2
    h = max(2, round(height * w / width))
    return max(2, w), h - h % 2


def _mjpeg(frame: av.VideoFrame, width: int, height: int, quality: int) -> bytes:
    import av

    small = frame.reformat(width=width, height=height, format="yuvj420p")
    small.pts = 0
    codec = av.CodecContext.create("mjpeg", "w")
    assert isinstance(codec, av.VideoCodecContext)
    codec.width, codec.height, codec.pix_fmt = width, height, "yuvj420p"
    codec.time_base = Fraction(1, 1)
    codec.options = {"qmin": str(quality), "qmax": str(quality)}
    packets = [*codec.encode(small), *codec.encode(None)]
    return b"".join(bytes(packet) for packet in packets)


def encode_jpeg(
    image: NDArray[np.uint8] | av.VideoFrame,
    *,
    width: int = 640,
    max_bytes: int = MAX_IMAGE_BYTES,
    name: str = "frame",
) -> bytes:
    """Scale an image down to ``width`` and encode it as a JPEG of at most ``max_bytes``.

    The image is never scaled up. If the first encoding is too large, the JPEG quality is
    lowered step by step, then the width halved, until it fits.

    Args:
        image: An RGB array of shape ``(height, width, 3)`` (uint8), a gray array
            ``(height, width)``, or a PyAV ``VideoFrame``.
        width: The widest frame to send, in pixels (640 by default; 480p to 720p is the
            recommended range).
        max_bytes: The size limit (the service's is 500 KB).
        name: What to call the image in error messages (a file name).

    Returns:
        The JPEG bytes.

    Raises:
        MediaError: The image cannot be brought under ``max_bytes``, or PyAV is missing.
        ConfigurationError: ``width`` is out of range.
    """
    require_av()
    import av

    max_width = _check_width(width)
    if isinstance(image, np.ndarray):
        if image.dtype != np.uint8 or image.ndim not in (2, 3):
            raise MediaError(
                f"{name}: pass an RGB uint8 array (height, width, 3) or a gray one (height, "
                f"width), not {image.dtype} {image.shape}."
            )
        fmt = "gray" if image.ndim == 2 else "rgb24"
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(image), format=fmt)
    else:
        frame = image
    w, h = _scaled(frame.width, frame.height, max_width)
    size = 0
    while True:
        for quality in _QUALITIES:
            data = _mjpeg(frame, w, h, quality)
            size = len(data)
            if size <= max_bytes:
                return data
        if w // 2 < _MIN_WIDTH:
            raise MediaError(
                f"{name} cannot be brought under {max_bytes // 1000} KB (still {size // 1000} KB "
                f"at {w}x{h} and the lowest JPEG quality); send a smaller or simpler image."
            )
        w, h = _scaled(w, h, w // 2)


# ---------------------------------------------------------------------------- probing


@dataclass(frozen=True, slots=True)
class VideoInfo:
    """What a video file holds (for cost estimates and upload checks).

    Attributes:
        name: The file name.
        mime_type: The MIME type for a data URL, e.g. ``video/mp4``.
        size_bytes: The file size.
        width: Frame width in pixels.
        height: Frame height in pixels.
        frames: The number of video frames (estimated from duration and rate when the
            container does not say).
        fps: The average frame rate.
        duration_seconds: The video stream's duration.
        has_audio: Whether the file has an audio track (the service translates its speech).
    """

    name: str
    mime_type: str
    size_bytes: int
    width: int
    height: int
    frames: int
    fps: float
    duration_seconds: float
    has_audio: bool


def _mime(path: Path) -> str:
    guessed, _ = mimetypes.guess_type(path.name)
    if guessed and guessed.startswith("video/"):
        return guessed
    return {".mkv": "video/x-matroska", ".webm": "video/webm"}.get(path.suffix.lower(), "video/mp4")


def probe_video(path: PathLike) -> VideoInfo:
    """Read a video file's size, frame count, rate and tracks without decoding it.

    Args:
        path: The video file.

    Returns:
        Its [`VideoInfo`][livetranslate.media.VideoInfo].

    Raises:
        MediaError: The file is missing, FFmpeg cannot read it, it has no video stream, or PyAV
            is not installed.
    """
    file = Path(path)
    with open_media(file, what="video file") as container:
        if not container.streams.video:
            raise MediaError(
                f"{file.name} has no video stream; send it as audio (stream() or load_audio())."
            )
        stream = container.streams.video[0]
        fps = float(stream.average_rate or stream.guessed_rate or 0)
        if stream.duration is not None and stream.time_base is not None:
            duration = float(stream.duration * stream.time_base)
        else:
            duration = (container.duration or 0) / 1_000_000
        frames = stream.frames or round(duration * fps)
        return VideoInfo(
            name=file.name,
            mime_type=_mime(file),
            size_bytes=file.stat().st_size,
            width=stream.codec_context.width,
            height=stream.codec_context.height,
            frames=int(frames),
            fps=fps,
            duration_seconds=duration,
            has_audio=bool(container.streams.audio),
        )


# -------------------------------------------------------------------------- sources


class VideoSource:
    """A video file as a [`stream()`][livetranslate.realtime.RealtimeSession.stream] source.

    Its audio track is converted to the session's rate and streamed; frames are sampled at no
    more than ``fps`` per second, scaled to ``width`` and sent as JPEG, each once the audio up
    to its timestamp has been sent. ``session.stream("talk.mp4")`` uses the defaults.

    Args:
        path: The video file (any container and codecs FFmpeg decodes).
        fps: Frames per second to send, above 0 and at most 2.
        width: The widest frame to send, in pixels.
        frames: Send frames at all (False streams only the audio track).

    Raises:
        ConfigurationError: ``fps`` or ``width`` is out of range.
    """

    def __init__(
        self, path: PathLike, *, fps: float = 2.0, width: int = 640, frames: bool = True
    ) -> None:
        self.path: Path = Path(path)
        self.fps: float = _check_fps(fps, 2.0)
        self.width: int = _check_width(width)
        self.frames: bool = frames

    def __repr__(self) -> str:
        return f"VideoSource({str(self.path)!r}, fps={self.fps:g}, width={self.width})"

    def iter_media(self, *, target_rate: int = INPUT_SAMPLE_RATE) -> Iterator[bytes | Frame]:
        """Decode the file: PCM16 audio pieces and sampled frames, in file order.

        Blocking (run it in a worker thread from async code). The file is opened and checked
        (readable, has an audio track) before the first item is returned.

        Args:
            target_rate: The rate of the PCM16 pieces.

        Yields:
            PCM16 mono bytes at ``target_rate``, and [`Frame`][livetranslate.media.Frame]s
            whose timestamps count from the start of the audio track.

        Raises:
            AudioError: The file has no audio track, or an empty one.
            MediaError: The file is missing, cannot be decoded, or PyAV is missing.
        """
        require_av()
        import av

        interval = 1.0 / self.fps
        with open_media(self.path, what="video file") as container:
            if not container.streams.audio:
                raise no_audio(self.path.name)
            audio = container.streams.audio[0]
            video = container.streams.video[0] if container.streams.video else None
            origin = 0.0
            if audio.start_time is not None and audio.time_base is not None:
                origin = float(audio.start_time * audio.time_base)
            track = Track(audio, self.path.name, target_rate)
            streams: list[Any] = [audio]
            if video is not None and self.frames:
                video.thread_type = "AUTO"
                streams.append(video)
            last: float | None = None
            for frame in decode(container, streams, self.path.name):
                if isinstance(frame, av.AudioFrame):
                    pcm = track.feed(frame)
                    if pcm:
                        yield pcm
                    continue
                if frame.time is None:
                    continue
                at = max(0.0, frame.time - origin)
                if last is not None and at < last + interval - 1e-6:
                    continue
                last = at
                jpeg = encode_jpeg(frame, width=self.width, name=self.path.name)
                w, h = _scaled(frame.width, frame.height, self.width)
                yield Frame(timestamp=at, jpeg=jpeg, width=w, height=h)
            tail = track.finish()
            if tail:
                yield tail


def _default_camera() -> tuple[str, str, dict[str, str]]:
    system: str = sys.platform  # a variable: mypy would prune the other platforms' branches
    if system.startswith("linux"):
        return "/dev/video0", "v4l2", {}
    if system == "darwin":
        return "0", "avfoundation", {"framerate": "30"}
    raise MediaError(
        "Name the camera on this platform, e.g. Camera('video=Integrated Camera') (DirectShow); "
        "`ffmpeg -list_devices true -f dshow -i dummy` lists them."
    )


class Camera:
    """Frames from a camera (or any live video FFmpeg opens), sampled and JPEG-encoded.

    ```python
    async with Camera(fps=1) as camera:
        async for frame in camera:
            await session.send_image(frame.jpeg)
    ```

    Reading happens in a worker thread, one frame at a time. Frames arrive at the camera's
    pace; those that come sooner than ``1 / fps`` after the last one kept are skipped.

    Args:
        device: The device: ``/dev/video0`` (Linux, the default), ``0`` (macOS, the default),
            ``video=<name>`` (Windows); or any URL or file FFmpeg opens.
        fps: Frames per second to keep, above 0 and at most 2.
        width: The widest frame to produce, in pixels.
        input_format: FFmpeg's input format (``v4l2``, ``avfoundation``, ``dshow``); None picks
            the platform's for the default device, or lets FFmpeg guess for a named one.
        options: FFmpeg input options, e.g. ``{"video_size": "1280x720"}``.

    Raises:
        ConfigurationError: ``fps`` or ``width`` is out of range.
    """

    def __init__(
        self,
        device: str | None = None,
        *,
        fps: float = 1.0,
        width: int = 640,
        input_format: str | None = None,
        options: Mapping[str, str] | None = None,
    ) -> None:
        self.fps: float = _check_fps(fps, 2.0)
        self.width: int = _check_width(width)
        self.device = device
        self._format = input_format
        self._options = dict(options or {})
        self._container: av.container.InputContainer | None = None
        self._frames: Iterator[Any] | None = None
        self._inflight: asyncio.Future[Frame | None] | None = None
        self._first: float | None = None
        self._last: float | None = None

    def __repr__(self) -> str:
        return f"Camera({self.device!r}, fps={self.fps:g}, width={self.width})"

    def _open(self) -> None:
        require_av()
        import av

        device, fmt, options = self.device, self._format, self._options
        if device is None:
            device, default_format, defaults = _default_camera()
            fmt = fmt or default_format
            options = {**defaults, **options}
        try:
            container = av.open(device, mode="r", format=fmt, options=options)
        except (av.error.FFmpegError, OSError) as exc:
            raise MediaError(
                f"Cannot open camera {device!r}: {exc}; check it is connected and not in use, "
                "or name another device."
            ) from exc
        if not container.streams.video:
            container.close()
            raise MediaError(f"{device!r} has no video stream; name a camera.")
        self._container = container
        self._frames = decode(container, [container.streams.video[0]], str(device))

    def _next(self) -> Frame | None:
        assert self._frames is not None
        interval = 1.0 / self.fps
        for frame in self._frames:
            at = frame.time if frame.time is not None else 0.0
            if self._first is None:
                self._first = at
            at -= self._first
            if self._last is not None and at < self._last + interval - 1e-6:
                continue
            self._last = at
            jpeg = encode_jpeg(frame, width=self.width, name=str(self.device or "camera"))
            w, h = _scaled(frame.width, frame.height, self.width)
            return Frame(timestamp=at, jpeg=jpeg, width=w, height=h)
        return None

    async def __aenter__(self) -> Self:
        await asyncio.to_thread(self._open)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        """Stop reading and release the camera (waits for a read in progress). Idempotent."""
        if self._inflight is not None:
            await asyncio.wait({self._inflight})
        container, self._container = self._container, None
        if container is not None:
            container.close()

    def __aiter__(self) -> AsyncIterator[Frame]:
        """Iterate frames until the device ends or the camera is closed.

        Raises:
            MediaError: The camera was not opened (use ``async with``), or cannot be read.
        """
        return self._iterate()

    async def _iterate(self) -> AsyncIterator[Frame]:
        if self._container is None:
            raise MediaError("Open the camera first: async with Camera(...) as camera.")
        loop = asyncio.get_running_loop()
        while self._container is not None:
            self._inflight = loop.run_in_executor(None, self._next)
            frame = await asyncio.shield(self._inflight)
            self._inflight = None
            if frame is None:
                return
            yield frame
