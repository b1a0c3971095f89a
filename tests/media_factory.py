"""Test media made in Python: tones, the bundled speech sample at other rates, MP4s via PyAV.

Nothing here needs an external tool (ffmpeg, sox, espeak-ng): CI installs only the package's
own extras.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import soundfile
import soxr
from numpy.typing import NDArray

from livetranslate import testing as lt_testing

SAMPLE = Path(lt_testing.__file__).parent / "data" / "sample_zh.wav"  # 16 kHz mono speech


def sample_pcm() -> NDArray[np.int16]:
    """The bundled speech sample: 16 kHz mono int16 (about 14.9 s, three utterances)."""
    data, rate = soundfile.read(SAMPLE, dtype="int16")
    assert rate == 16000
    return np.asarray(data, dtype=np.int16)


def sample_at(rate: int, channels: int = 1) -> NDArray[np.float32]:
    """The speech sample resampled (soxr VHQ) to ``rate``, shape (frames, channels)."""
    mono = sample_pcm().astype(np.float32) / 32768.0
    out: NDArray[np.float32] = np.asarray(
        soxr.resample(mono, 16000, rate, quality="VHQ"), dtype=np.float32
    )
    # Channels differ slightly (so averaging is exercised) but average back to the mono signal.
    if channels == 1:
        return out.reshape(-1, 1)
    spread = np.linspace(0.8, 1.2, channels, dtype=np.float32)
    spread *= channels / spread.sum()
    mixed: NDArray[np.float32] = np.clip(out[:, None] * spread[None, :], -1.0, 1.0).astype(
        np.float32
    )
    return mixed


def tones(
    rate: int, frames: int, freqs: list[float], amplitude: float = 0.2
) -> NDArray[np.float64]:
    """A sum of sines (phase ``i`` for the i-th), evaluated exactly at ``frames`` sample times."""
    t = np.arange(frames, dtype=np.float64) / rate
    out = np.zeros(frames, dtype=np.float64)
    for i, f in enumerate(freqs):
        out += amplitude * np.sin(2 * np.pi * f * t + i)
    return out


def make_video(
    path: Path,
    *,
    seconds: float,
    width: int = 320,
    height: int = 240,
    fps: int = 10,
    audio: NDArray[np.float32] | None = None,
    audio_rate: int = 48000,
) -> Path:
    """Write an MP4 (MPEG-4 part 2 video, AAC audio) with PyAV; frames change colour each frame.

    Args:
        path: Where to write.
        seconds: Video duration.
        width: Frame width.
        height: Frame height.
        fps: Frame rate.
        audio: float32 samples ``(frames, channels)`` at ``audio_rate``; None for no audio track.
        audio_rate: The audio rate.
    """
    import av

    with av.open(str(path), "w") as container:
        video: Any = container.add_stream("mpeg4", rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        sound: Any = None
        if audio is not None:
            sound = container.add_stream("aac", rate=audio_rate)
            sound.layout = "stereo" if audio.shape[1] == 2 else "mono"
        rng = np.random.default_rng(7)
        for i in range(round(seconds * fps)):
            image = np.full((height, width, 3), (i * 23) % 256, dtype=np.uint8)
            image[:: max(1, height // 8), :, 1] = rng.integers(0, 255, width, dtype=np.uint8)
            frame = av.VideoFrame.from_ndarray(image, format="rgb24")
            frame.pts = i
            for packet in video.encode(frame):
                container.mux(packet)
        for packet in video.encode():
            container.mux(packet)
        if audio is not None:
            planar = np.ascontiguousarray(audio.T.astype(np.float32))
            layout = "stereo" if audio.shape[1] == 2 else "mono"
            for start in range(0, planar.shape[1], 1024):
                block = np.ascontiguousarray(planar[:, start : start + 1024])
                chunk = av.AudioFrame.from_ndarray(block, format="fltp", layout=layout)
                chunk.sample_rate = audio_rate
                chunk.pts = start
                for packet in sound.encode(chunk):
                    container.mux(packet)
            for packet in sound.encode():
                container.mux(packet)
    return path


def make_m4a(path: Path, audio: NDArray[np.float32], rate: int = 44100) -> Path:
    """Write an AAC-in-MP4 audio file (libsndfile cannot read it; FFmpeg can)."""
    import av

    layout = "stereo" if audio.shape[1] == 2 else "mono"
    with av.open(str(path), "w", format="mp4") as container:
        sound: Any = container.add_stream("aac", rate=rate)
        sound.layout = layout
        planar = np.ascontiguousarray(audio.T.astype(np.float32))
        for start in range(0, planar.shape[1], 1024):
            block = np.ascontiguousarray(planar[:, start : start + 1024])
            chunk = av.AudioFrame.from_ndarray(block, format="fltp", layout=layout)
            chunk.sample_rate = rate
            chunk.pts = start
            for packet in sound.encode(chunk):
                container.mux(packet)
        for packet in sound.encode():
            container.mux(packet)
    return path
