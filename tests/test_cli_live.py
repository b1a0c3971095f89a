"""`livetranslate live` with real media against the in-process emulator: video, any audio, mic."""

from __future__ import annotations

import sys
import threading
import types
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile
import srt
import webvtt

from livetranslate.cli import main
from tests.media_factory import make_video, sample_at

HELLO = "Hello everyone, and welcome to today's launch event."


def test_live_video_writes_subtitles_and_speech(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The issue's "done when": talk.mp4 in; frames and audio sent; SRT and WAV out."""
    pytest.importorskip("av")
    talk = make_video(tmp_path / "talk.mp4", seconds=14.9, fps=10, audio=sample_at(48000, 2))
    out_srt, out_vtt, out_wav = (
        tmp_path / "talk.en.srt",
        tmp_path / "talk.en.vtt",
        tmp_path / "o.wav",
    )
    code = main(
        ["live", str(talk), "--to", "en", "--emulator", "--no-pace", "--srt", str(out_srt),
         "--vtt", str(out_vtt), "--audio-out", str(out_wav), "--bilingual"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert "video 320x240" in out
    assert "segments: 3" in out
    cues = list(srt.parse(out_srt.read_text(encoding="utf-8")))
    assert len(cues) == 3
    assert cues[0].content.splitlines() == ["大家好，欢迎来到今天的发布会。", HELLO]
    assert cues[0].start.total_seconds() < cues[0].end.total_seconds() <= cues[1].start.seconds
    assert len(webvtt.read(str(out_vtt)).captions) == 3
    data, rate = soundfile.read(out_wav, dtype="int16")
    assert rate == 24000
    assert data.ndim == 1
    assert len(data) > 24000 * 3


@pytest.mark.parametrize(("suffix", "rate", "channels"), [("mp3", 44100, 2), ("wav", 48000, 2)])
def test_live_any_audio_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], suffix: str, rate: int, channels: int
) -> None:
    path = tmp_path / f"talk.{suffix}"
    soundfile.write(path, sample_at(rate, channels), rate)
    out_srt = tmp_path / "talk.srt"
    code = main(
        ["live", str(path), "--emulator", "--no-pace", "--text-only", "--srt", str(out_srt)]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert f"{rate} Hz, {channels} ch" in out
    assert next(srt.parse(out_srt.read_text(encoding="utf-8"))).content == HELLO


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["live", "--emulator"], "or --mic"),
        (["live", "x.wav", "--mic", "--emulator"], "not both"),
        (["live", "x.wav", "--camera", "--emulator"], "--camera goes with --mic"),
    ],
)
def test_live_argument_errors(
    argv: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    assert needle in capsys.readouterr().err


def test_live_bad_media_exits_2_naming_the_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("av")
    silent = make_video(tmp_path / "silent.mp4", seconds=1.0)
    assert main(["live", str(silent), "--emulator", "--no-pace"]) == 2
    captured = capsys.readouterr()
    assert "silent.mp4 has no audio track" in captured.err
    assert "EMULATED" not in captured.out  # validated before any session was opened
    empty = tmp_path / "empty.wav"
    soundfile.write(empty, np.zeros(0, np.int16), 16000)
    assert main(["live", str(empty), "--emulator"]) == 2
    assert "empty.wav contains no audio" in capsys.readouterr().err


def test_live_mic_without_the_extra_names_the_pip_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", None)
    assert main(["live", "--mic", "--emulator"]) == 2
    captured = capsys.readouterr()
    assert "pip install 'livetranslate[mic]'" in captured.err
    assert "EMULATED" not in captured.out  # nothing was started


class FakeDevice:
    """A stand-in for PortAudio: input plays a recording; output collects what is played."""

    def __init__(self, recording: np.ndarray[Any, Any], rate: int, *, paced: bool = False) -> None:
        self.recording, self.rate, self.paced = recording, rate, paced
        self.played = bytearray()
        self.threads: list[threading.Thread] = []

    def query_devices(self, device: Any, kind: str) -> dict[str, object]:
        return {"default_samplerate": float(self.rate)}

    def InputStream(self, **options: Any) -> Any:
        return _Stream(self, options, self._record)

    def OutputStream(self, **options: Any) -> Any:
        return _Stream(self, options, self._play)

    def _record(self, options: dict[str, Any], stop: threading.Event) -> None:
        block = options["blocksize"]
        for start in range(0, len(self.recording), block):  # the recording, at once or paced
            if stop.wait(block / self.rate) if self.paced else stop.is_set():
                return
            options["callback"](self.recording[start : start + block], block, None, None)
        silence = np.zeros((block, 1), dtype=np.float32)
        while not stop.wait(block / self.rate):  # then, like a real device, silence in real time
            options["callback"](silence, block, None, None)

    def _play(self, options: dict[str, Any], stop: threading.Event) -> None:
        out = np.zeros((2400, 1), dtype=np.int16)
        while not stop.wait(0.001):  # a 1 ms device period, so the loop does not spin
            options["callback"](out, 2400, None, None)
            self.played += out.tobytes()


class _Stream:
    def __init__(self, device: FakeDevice, options: dict[str, Any], run: Any) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=run, args=(options, self._stop), daemon=True)
        device.threads.append(self._thread)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not threading.current_thread():
            self._thread.join()

    def close(self) -> None:
        self.stop()


def install(monkeypatch: pytest.MonkeyPatch, device: FakeDevice) -> None:
    fake = types.ModuleType("sounddevice")
    for name in ("query_devices", "InputStream", "OutputStream"):
        setattr(fake, name, getattr(device, name))
    monkeypatch.setitem(sys.modules, "sounddevice", fake)


def test_live_mic_interprets_and_plays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    recording = sample_at(48000)[: 48000 * 6]  # a 48 kHz microphone; the first utterance
    device = FakeDevice(recording, 48000)
    install(monkeypatch, device)
    out_srt, out_wav = tmp_path / "mic.srt", tmp_path / "mic.wav"
    code = main(
        ["live", "--mic", "--duration", "6", "--play", "--emulator", "--srt", str(out_srt),
         "--audio-out", str(out_wav)]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    assert "audio sent: 6.0 s" in out
    assert [c.content for c in srt.parse(out_srt.read_text(encoding="utf-8"))] == [HELLO]
    speech = soundfile.read(out_wav, dtype="int16")[0].tobytes()
    assert speech
    assert speech in bytes(device.played)  # what was written is what was played
    assert all(not t.is_alive() for t in device.threads)


def test_live_mic_with_a_camera_sends_frames(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A video file stands in for the webcam; the microphone runs in real time for 1.5 s."""
    pytest.importorskip("av")
    webcam = make_video(tmp_path / "webcam.mp4", seconds=3.0, fps=10)
    install(monkeypatch, FakeDevice(sample_at(16000)[: 16000 * 2], 16000, paced=True))
    code = main(
        ["live", "--mic", "--duration", "1.5", "--camera", str(webcam), "--fps", "2",
         "--emulator", "--text-only"]
    )  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0, out
    sent = int(out.split("camera: ")[1].split()[0])
    assert 1 <= sent <= 4  # at most 2 per second of a 1.5 s session


def test_demo_writes_subtitles(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out_vtt = tmp_path / "demo.vtt"
    code = main(
        ["demo", "--no-pace", "--latency", "0", "--text-only", "--vtt", str(out_vtt), "--bilingual"]
    )
    assert code == 0, capsys.readouterr().out
    captions = webvtt.read(str(out_vtt)).captions
    assert len(captions) == 3
    assert captions[0].text.splitlines() == ["大家好，欢迎来到今天的发布会。", HELLO]
