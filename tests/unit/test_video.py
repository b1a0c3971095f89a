"""livetranslate.media.video: probing, frame sampling and size, JPEG limits, cameras, pacing."""

from __future__ import annotations

import asyncio
import io
import itertools
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from livetranslate import media
from livetranslate._realtime_media import paced_chunks
from livetranslate.exceptions import AudioError, ConfigurationError, MediaError
from tests.conftest import MS
from tests.media_factory import make_video, sample_at, tones

av = pytest.importorskip("av")


def stereo_tone(seconds: float, rate: int = 48000) -> np.ndarray[Any, Any]:
    x = tones(rate, int(rate * seconds), [440.0], amplitude=0.3).astype(np.float32)
    return np.stack([x, x], axis=1)


@pytest.fixture(scope="module")
def hd_video(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3 s, 1280x720 at 25 fps, 48 kHz stereo AAC."""
    path = tmp_path_factory.mktemp("video") / "hd.mp4"
    return make_video(path, seconds=3.0, width=1280, height=720, fps=25, audio=stereo_tone(3.0))


@pytest.fixture(scope="module")
def talk(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The speech sample as a 320x240, 10 fps video with 48 kHz stereo sound."""
    path = tmp_path_factory.mktemp("video") / "talk.mp4"
    return make_video(path, seconds=14.9, fps=10, audio=sample_at(48000, 2))


def decoded_size(jpeg: bytes) -> tuple[int, int]:
    """Decode the JPEG independently (FFmpeg's mjpeg demuxer) and return its size."""
    with av.open(io.BytesIO(jpeg), format="mjpeg") as container:
        frame = next(container.decode(video=0))
        return frame.width, frame.height


def test_probe_video(hd_video: Path) -> None:
    info = media.probe_video(hd_video)
    assert (info.width, info.height, info.frames, info.fps) == (1280, 720, 75, 25.0)
    assert info.duration_seconds == pytest.approx(3.0)
    assert info.has_audio
    assert info.mime_type == "video/mp4"
    assert info.size_bytes == hd_video.stat().st_size


def test_frames_are_sampled_scaled_and_small(hd_video: Path) -> None:
    items = list(media.VideoSource(hd_video).iter_media())
    frames = [i for i in items if isinstance(i, media.Frame)]
    pcm = b"".join(i for i in items if isinstance(i, bytes))
    assert abs(len(pcm) / 2 - 3.0 * 16000) <= 1  # the audio track, to the sample
    # 25 fps, at most 2 per second: 0, 0.52, 1.04, 1.56, 2.08, 2.60
    assert [round(f.timestamp, 2) for f in frames] == [0.0, 0.52, 1.04, 1.56, 2.08, 2.6]
    for frame in frames:
        assert frame.jpeg.startswith(b"\xff\xd8")
        assert len(frame.jpeg) < media.MAX_IMAGE_BYTES
        assert (frame.width, frame.height) == (640, 360)
        assert decoded_size(frame.jpeg) == (640, 360)


def test_fps_width_and_audio_only(hd_video: Path) -> None:
    frames = [
        i
        for i in media.VideoSource(hd_video, fps=1, width=320).iter_media()
        if isinstance(i, media.Frame)
    ]
    assert [f.timestamp for f in frames] == [0.0, 1.0, 2.0]
    assert {(f.width, f.height) for f in frames} == {(320, 180)}
    audio_only = list(media.VideoSource(hd_video, frames=False).iter_media())
    assert all(isinstance(i, bytes) for i in audio_only)
    with pytest.raises(ConfigurationError, match="at most 2 frames per second"):
        media.VideoSource(hd_video, fps=5)
    with pytest.raises(ConfigurationError, match="width"):
        media.VideoSource(hd_video, width=4000)


def test_video_audio_track_matches_the_source_speech(talk: Path) -> None:
    pcm = media.load_audio(talk)  # audio.py hands video containers to FFmpeg
    track = media.probe_audio(talk)
    assert (track.sample_rate, track.channels, track.codec) == (48000, 2, "aac")
    assert abs(len(pcm) - track.frames / 3) <= 1  # the track's declared length, to the sample
    original = sample_at(16000)[:, 0]
    assert abs(len(pcm) - len(original)) <= 1024 / 3  # the muxer rounds to its own frames
    n = min(len(pcm), len(original))
    err = pcm[:n] / 32768.0 - original[:n]
    assert 10 * np.log10(np.sum(original[:n] ** 2) / np.sum(err**2)) > 20  # AAC, not bit-exact


def test_video_without_audio_fails_before_anything(tmp_path: Path) -> None:
    silent = make_video(tmp_path / "silent.mp4", seconds=1.0)
    with pytest.raises(AudioError, match=r"silent\.mp4 has no audio track"):
        next(media.VideoSource(silent).iter_media())
    with pytest.raises(AudioError, match="no audio track"):
        media.load_audio(silent)
    info = media.probe_video(silent)
    assert not info.has_audio


def test_undecodable_and_missing_files(tmp_path: Path) -> None:
    junk = tmp_path / "junk.mp4"
    junk.write_bytes(b"\x00" * 64)
    with pytest.raises(MediaError, match=r"Cannot decode junk\.mp4"):
        media.probe_video(junk)
    with pytest.raises(MediaError, match="No such video file"):
        next(media.VideoSource(tmp_path / "none.mp4").iter_media())
    wav = tmp_path / "a.wav"
    import soundfile

    soundfile.write(wav, np.zeros(1600, np.int16), 16000)
    with pytest.raises(MediaError, match="has no video stream"):
        media.probe_video(wav)


def test_encode_jpeg_brings_big_frames_under_the_limit() -> None:
    noise = np.random.default_rng(1).integers(0, 256, (1080, 1920, 3), dtype=np.uint8)
    jpeg = media.encode_jpeg(noise, width=1920, max_bytes=150_000)
    assert len(jpeg) <= 150_000
    assert decoded_size(jpeg)[0] <= 1920
    assert decoded_size(media.encode_jpeg(noise[:100, :100, 0])) == (100, 100)  # never scaled up
    with pytest.raises(MediaError, match="cannot be brought under 0 KB"):
        media.encode_jpeg(noise, max_bytes=100, name="noise.png")
    with pytest.raises(MediaError, match="uint8"):
        media.encode_jpeg(noise.astype(np.float32))


def test_missing_video_extra_names_the_pip_command(
    hd_video: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "av", None)
    for call in (
        lambda: media.probe_video(hd_video),
        lambda: next(media.VideoSource(hd_video).iter_media()),
        lambda: media.encode_jpeg(np.zeros((8, 8, 3), np.uint8)),
    ):
        with pytest.raises(MediaError, match=r"pip install 'livetranslate\[video\]'"):
            call()


async def test_camera_samples_frames(hd_video: Path) -> None:
    async with media.Camera(str(hd_video), fps=2, width=320) as camera:
        frames = [frame async for frame in camera]
    assert [round(f.timestamp, 2) for f in frames] == [0.0, 0.52, 1.04, 1.56, 2.08, 2.6]
    assert {(f.width, f.height) for f in frames} == {(320, 180)}
    with pytest.raises(MediaError, match="Cannot open camera"):
        async with media.Camera("/no/such/camera0"):
            pass
    with pytest.raises(MediaError, match="Open the camera first"):
        async for _ in media.Camera(str(hd_video)):
            pass


async def test_interleaving_sends_frames_after_their_audio() -> None:
    """Unpaced: the order on the wire; frames never before audio, never 2 within 0.5 s."""
    frames = [media.Frame(t, b"\xff\xd8\xff", 8, 8) for t in (0.0, 0.3, 0.52, 1.0, 1.45, 9.0)]
    audio = bytes(2 * 16000 * 2)  # 2 s

    class Scripted(media.VideoSource):
        def iter_media(self, *, target_rate: int = 16000) -> Iterator[bytes | media.Frame]:
            yield frames[0]  # a frame before any audio is held back
            yield audio[:20_000]
            yield from frames[1:]
            yield audio[20_000:]

    heard = 0.0
    sent: list[tuple[float, float]] = []  # (frame timestamp, audio seconds sent before it)
    source = Scripted("scripted.mp4")
    async for item in paced_chunks(source, sample_rate=16000, chunk_ms=100, realtime=False):
        if isinstance(item, bytes):
            heard += len(item) / 32000
        else:
            sent.append((item.timestamp, heard))
    assert heard == pytest.approx(2.0)
    assert sent[0][0] == 0.0
    assert sent[0][1] == pytest.approx(0.1)  # after the first chunk, not before
    for (_, prev), (t, at) in itertools.pairwise(sent):
        assert at >= t - 1e-9
        assert at >= prev + 0.5 - 1e-9
    assert 9.0 not in [t for t, _ in sent]  # past the end of the audio: not sent


async def test_paced_video_sends_audio_and_frames_on_time(hd_video: Path) -> None:
    loop = asyncio.get_running_loop()
    start = None
    timeline: list[tuple[str, float, float]] = []  # (kind, media time, wall time)
    audio_time = 0.0
    chunks = paced_chunks(
        media.VideoSource(hd_video), sample_rate=16000, chunk_ms=100, realtime=True
    )
    async for item in chunks:
        now = loop.time()
        if start is None:
            start = now
        if isinstance(item, bytes):
            timeline.append(("audio", audio_time, now - start))
            audio_time += len(item) / 32000
        else:
            timeline.append(("frame", item.timestamp, now - start))
    assert start is not None
    elapsed = loop.time() - start
    assert elapsed >= 3.0 - 0.1 - 2 * MS  # paced: the generator lasts the audio's duration
    for _kind, at, wall in timeline:
        assert wall >= at - 0.1 - 2 * MS  # nothing goes out before its time (one chunk of slack)
    frame_walls = [wall for kind, _, wall in timeline if kind == "frame"]
    assert len(frame_walls) == 6
    gaps = [b - a for a, b in itertools.pairwise(frame_walls)]
    assert min(gaps) >= 0.5 - 0.1 - 2 * MS
