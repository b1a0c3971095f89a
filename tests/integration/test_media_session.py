"""RealtimeSession with real media against the emulator: any rate and format in, frames, output."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile

from livetranslate import media
from livetranslate.exceptions import AudioError, MediaError
from livetranslate.protocol import Segment
from livetranslate.realtime import RealtimeSession
from livetranslate.subtitles import to_srt
from livetranslate.testing import Emulator, Script
from tests.media_factory import make_video, sample_at, sample_pcm

KEY = "sk-media-test-0123456789"
SCRIPT = Script.sample()
TRANSLATIONS = [u.translations["en"] for u in SCRIPT.utterances]


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(api_key=KEY, script=SCRIPT, latency=0, record_audio=True) as server:
        yield server


def session(emu: Emulator, **options: Any) -> RealtimeSession:
    return RealtimeSession(base_url=emu.realtime_url, api_key=KEY, **options)


async def translate(s: RealtimeSession) -> list[Segment]:
    await s.finish()
    return [seg async for seg in s.segments()]


def received(emu: Emulator, index: int = 0) -> np.ndarray[Any, Any]:
    return np.frombuffer(bytes(emu.sessions[index].audio), dtype="<i2")


@pytest.mark.parametrize(
    ("suffix", "fmt", "rate", "channels"),
    [("wav", "WAV", 48000, 2), ("mp3", "MP3", 44100, 2), ("flac", "FLAC", 8000, 1)],
)
async def test_files_in_any_format_and_rate_are_converted(
    emu: Emulator, tmp_path: Path, suffix: str, fmt: str, rate: int, channels: int
) -> None:
    path = tmp_path / f"talk.{suffix}"
    soundfile.write(path, sample_at(rate, channels), rate, format=fmt)
    async with session(emu) as s:
        seconds = await s.stream(path, realtime=False)
        segments = await translate(s)
    expected = media.load_audio(path)
    assert abs(len(expected) - len(sample_pcm()) * 1) <= 1  # the file lasts as long as the sample
    assert np.array_equal(received(emu), expected)  # exactly what load_audio gives
    assert seconds == pytest.approx(len(expected) / 16000)
    assert [seg.translated_text for seg in segments] == TRANSLATIONS
    assert emu.sessions[0].errors == []


async def test_send_audio_converts_chunks_keeping_state_across_calls(emu: Emulator) -> None:
    stereo = sample_at(48000, 2)
    async with session(emu) as s:
        for start in range(0, len(stereo), 4800):  # 100 ms chunks from a 48 kHz stereo device
            await s.send_audio(stereo[start : start + 4800], sample_rate=48000)
        segments = await translate(s)  # finish() sends the resampler's last milliseconds
    one_shot = media.convert_audio(stereo, sample_rate=48000)
    got = received(emu)
    assert len(got) == len(one_shot)
    assert np.max(np.abs(got.astype(int) - one_shot.astype(int))) <= 1  # no seams
    assert [seg.translated_text for seg in segments] == TRANSLATIONS


async def test_stream_converts_an_async_source_and_flushes_before_native_audio(
    emu: Emulator,
) -> None:
    stereo = sample_at(24000, 2)[: 24000 * 3]

    async def device() -> AsyncIterator[np.ndarray[Any, Any]]:
        for start in range(0, len(stereo), 1000):
            yield stereo[start : start + 1000]

    native = np.arange(1600, dtype=np.int16)
    async with session(emu) as s:
        await s.send_audio(stereo[:2400], sample_rate=24000)  # held back: a few ms in the filter
        await s.send_audio(native)  # native audio: what was held goes out first
        seconds = await s.stream(device(), sample_rate=24000, realtime=False)
        await s.finish()
    got = received(emu)
    first = media.convert_audio(stereo[:2400], sample_rate=24000)
    assert np.array_equal(got[: len(first)], first)
    assert np.array_equal(got[len(first) : len(first) + 1600], native)
    rest = got[len(first) + 1600 :]
    assert np.max(np.abs(rest.astype(int) - media.convert_audio(stereo, sample_rate=24000))) <= 1
    assert seconds == pytest.approx(3.0, abs=1 / 16000)


async def test_video_file_sends_audio_and_frames(emu: Emulator, tmp_path: Path) -> None:
    pytest.importorskip("av")
    talk = make_video(tmp_path / "talk.mp4", seconds=14.9, fps=10, audio=sample_at(48000, 2))
    async with session(emu) as s:
        seconds = await s.stream(talk, realtime=False)
        segments = await translate(s)
    record = emu.sessions[0]
    assert record.errors == []
    assert record.image_rate_violations == 0
    assert record.images == 30  # 0, 0.5, ..., 14.5 s of a 14.9 s video, at 2 per second
    assert record.client_events.index("input_image_buffer.append") > record.client_events.index(
        "input_audio_buffer.append"
    )
    assert np.array_equal(received(emu), media.load_audio(talk))
    assert seconds == pytest.approx(len(received(emu)) / 16000)
    assert [seg.translated_text for seg in segments] == TRANSLATIONS
    assert to_srt(segments).count(" --> ") == 3


@pytest.mark.parametrize(
    ("make", "error", "match"),
    [
        (lambda p: p, AudioError, "No such audio file"),
        (
            lambda p: soundfile.write(p, np.array([0.2, np.nan] * 8000), 16000, subtype="FLOAT"),
            AudioError,
            "NaN",
        ),
        (lambda p: soundfile.write(p, np.zeros(0, np.int16), 16000), AudioError, "no audio"),
        (lambda p: p.write_bytes(b"not audio at all" * 10), MediaError, "Cannot decode"),
    ],
    ids=["missing", "nan", "empty", "garbage"],
)
async def test_bad_input_sends_nothing(
    emu: Emulator, tmp_path: Path, make: Any, error: type[Exception], match: str
) -> None:
    path = tmp_path / "bad.wav"
    make(path)
    async with session(emu) as s:
        with pytest.raises(error, match=match):
            await s.stream(path, realtime=False)
        with pytest.raises(AudioError, match="NaN"):
            await s.send_audio(np.array([0.0, np.nan]), sample_rate=48000)
    assert "input_audio_buffer.append" not in emu.sessions[0].client_events


async def test_video_without_audio_track_sends_nothing(emu: Emulator, tmp_path: Path) -> None:
    pytest.importorskip("av")
    silent = make_video(tmp_path / "silent.mp4", seconds=1.0)
    async with session(emu) as s:
        with pytest.raises(AudioError, match=r"silent\.mp4 has no audio track"):
            await s.stream(silent)
    assert emu.sessions[0].audio_bytes == 0
    assert emu.sessions[0].images == 0


async def test_8k_session_gets_8k_audio(emu: Emulator) -> None:
    stereo = sample_at(44100, 2)
    async with session(emu, sample_rate=8000) as s:
        await s.stream(stereo, sample_rate=44100, realtime=False)
        segments = await translate(s)
    assert abs(len(received(emu)) - len(stereo) * 8000 / 44100) <= 1
    assert [seg.translated_text for seg in segments] == TRANSLATIONS


async def test_collected_speech_and_subtitles(emu: Emulator, tmp_path: Path) -> None:
    async with session(emu) as s:
        await s.stream(sample_pcm(), realtime=False)
        segments = await translate(s)
    speech = media.AudioCollector()
    for seg in segments:
        speech.add(seg.audio, at=(seg.start_ms or 0) / 1000)
    path = tmp_path / "talk.en.wav"
    speech.write_wav(path)
    data, rate = soundfile.read(path, dtype="int16")
    assert rate == 24000
    assert len(data) >= sum(len(seg.audio) for seg in segments) // 2
    first = segments[0]
    offset = round((first.start_ms or 0) / 1000 * 24000)
    assert data[offset : offset + len(first.audio) // 2].tobytes() == first.audio
