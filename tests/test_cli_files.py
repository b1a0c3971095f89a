"""`livetranslate file`, `batch` and `cost FILE`, run as a user runs them (emulator in a thread)."""

from __future__ import annotations

import hashlib
import io
import json
import sys
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from livetranslate.cli import main
from livetranslate.testing import Emulator, Script

SAMPLE = (
    Path(__file__).resolve().parent.parent / "livetranslate" / "testing" / "data" / "sample_zh.wav"
)


@pytest.fixture
def emu() -> Iterator[Emulator]:
    emulator = Emulator(latency=0, script=Script.sample()).start_in_thread()
    try:
        yield emulator
    finally:
        emulator.stop()


@pytest.fixture(autouse=True)
def _no_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DASHSCOPE_API_KEY", raising=False)


def tiny_wav(path: Path, value: int) -> Path:
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(int(value).to_bytes(2, "little", signed=True) * 80)
    path.write_bytes(out.getvalue())
    return path


def test_file_streams_text_and_writes_a_playable_wav(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.wav"
    code = main(
        [
            "file",
            str(SAMPLE),
            "--to",
            "en",
            "--from",
            "zh",
            "--audio-out",
            str(out),
            "--base-url",
            emu.base_url,
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    expected = " ".join(u.translations["en"] for u in Script.sample().utterances)
    assert captured.out == expected + "\n"
    assert "translated speech:" in captured.err
    assert "tokens:" in captured.err
    with wave.open(str(out), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 24000)
        assert wav.getnframes() > 24000
    (record,) = emu.http.requests
    assert (record.voice, record.source_language, record.modalities) == (
        "Cherry",
        "zh",
        ("text", "audio"),
    )


def test_file_text_only_and_voice_default_output(
    emu: Emulator,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert main(["file", str(SAMPLE), "--to", "de", "--base-url", emu.base_url]) == 0
    assert "[emulated de translation 1]" in capsys.readouterr().out
    monkeypatch.chdir(tmp_path)
    assert main(["file", str(SAMPLE), "--voice", "Ethan", "--base-url", emu.base_url]) == 0
    assert (tmp_path / "sample_zh.en.wav").exists()
    assert emu.http.requests[-1].voice == "Ethan"


@pytest.mark.parametrize(
    ("argv", "code", "needle"),
    [
        (["--to", "xx"], 2, "Unknown language"),
        (["--to", "th", "--voice", "Cherry"], 2, "text output only"),
    ],
)
def test_file_bad_options_exit_2(
    emu: Emulator, argv: list[str], code: int, needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["file", str(SAMPLE), "--base-url", emu.base_url, *argv]) == code
    assert needle in capsys.readouterr().err
    assert emu.http.requests == []


def test_file_service_errors_exit_1(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    emu.http.inject("status", status=403, times=None)  # not retried: no waiting here
    assert main(["file", str(SAMPLE), "--base-url", emu.base_url]) == 1
    assert "PermissionDeniedError" in capsys.readouterr().err
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    assert main(["file", str(empty), "--base-url", emu.base_url]) == 2  # bad input
    assert "livetranslate file: empty.wav is empty" in capsys.readouterr().err


def test_batch_with_progress_summary_and_resume(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    files = [tiny_wav(folder / f"c{n}.wav", n) for n in range(12)]
    manifest = tmp_path / "list.txt"
    manifest.write_text(
        "# recordings\n\n" + "\n".join(f"in/{p.name}" for p in files[4:]) + "\n", encoding="utf-8"
    )
    out = tmp_path / "results.jsonl"
    bad = hashlib.sha256(files[0].read_bytes()).hexdigest()
    emu.http.inject("status", status=400, times=None, when=lambda r: r.digest == bad)
    argv = ["batch", *map(str, files[:4]), "--manifest", str(manifest), "--to", "en"]
    argv += ["--out", str(out), "--concurrency", "4", "--rpm", "0", "--base-url", emu.base_url]
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert "12/12" in captured.err  # progress (a line per tenth off a terminal)
    assert "done 11, skipped 0 (done before), failed 1" in captured.out
    assert "failed x1: APIStatusError" in captured.out
    assert "rerun the same command" in captured.err
    emu.http.clear_faults()
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "done 1, skipped 11 (done before), failed 0" in captured.out
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert sum(r["status"] == "done" for r in records) == 12
    assert len([r for r in emu.http.requests if r.outcome == "ok"]) == 12


def test_batch_speech_and_input_errors(
    emu: Emulator, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clip = tiny_wav(tmp_path / "a.wav", 1)
    out = tmp_path / "r.jsonl"
    assert (
        main(["batch", str(clip), "--speech", "--out", str(out), "--base-url", emu.base_url]) == 0
    )
    assert list((tmp_path / "r.audio").glob("a-*.en.wav"))
    assert main(["batch", "--out", str(out)]) == 2
    assert "Nothing to translate" in capsys.readouterr().err
    assert main(["batch", "--manifest", str(tmp_path / "nope.txt"), "--out", str(out)]) == 2
    assert "Cannot read the manifest" in capsys.readouterr().err


def test_cost_reads_an_audio_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cost", str(SAMPLE), "--region", "cn"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("sample_zh.wav: audio, 14.9 s")
    assert "qwen3-livetranslate-flash, region cn" in out
    assert main(["cost", str(SAMPLE), "--json", "--text-only"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["model"] == "qwen3-livetranslate-flash"
    assert data["file"]["kind"] == "audio"
    assert data["file"]["seconds"] == pytest.approx(14.9, abs=0.1)
    assert data["tokens"]["input_audio_tokens"] == 187
    assert data["tokens"]["output_audio_tokens"] == 0
    # the old form still works
    assert (
        main(["cost", "--model", "qwen3.5-livetranslate-flash-realtime", "--audio-seconds", "60"])
        == 0
    )
    assert "qwen3.5-livetranslate-flash-realtime" in capsys.readouterr().out


def test_cost_reads_a_video_with_pyav(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    av = pytest.importorskip("av")
    path = tmp_path / "clip.mp4"
    container = av.open(str(path), "w")
    stream = container.add_stream("mpeg4", rate=10)
    stream.width, stream.height, stream.pix_fmt = 64, 48, "yuv420p"
    for n in range(20):
        frame = av.VideoFrame.from_ndarray(np.full((48, 64, 3), n * 10, np.uint8), format="rgb24")
        for packet in stream.encode(frame):
            container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)
    container.close()
    assert main(["cost", str(path), "--region", "cn", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["file"]["kind"] == "video"
    assert (data["file"]["width"], data["file"]["height"], data["file"]["fps"]) == (64, 48, 10)
    assert data["tokens"]["input_video_tokens"] > 0
    assert main(["cost", str(path)]) == 0
    assert "clip.mp4: video, 2.0 s, 64x48 at 10 fps" in capsys.readouterr().out


def test_cost_of_a_video_without_pyav_names_the_install(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "av", None)  # as if the video extra were not installed
    video = tmp_path / "talk.mp4"
    video.write_bytes(b"\x00\x00\x00\x1cftypisom" + bytes(32))
    assert main(["cost", str(video)]) == 2
    assert "pip install 'livetranslate[video]'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("missing.wav", None, "No such file"),
        ("notes.txt", b"hello", "Cannot tell what kind"),
        ("broken.wav", b"RIFF\x00\x00\x00\x00WAVEjunk", "Cannot decode broken.wav"),
    ],
)
def test_cost_file_errors(
    tmp_path: Path,
    name: str,
    content: bytes | None,
    needle: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    assert main(["cost", str(path)]) == 2
    assert needle in capsys.readouterr().err


def test_the_example_translates_against_the_emulator(emu: Emulator, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "LIVETRANSLATE_BASE_URL": emu.base_url}
    out = tmp_path / "speech.wav"
    done = subprocess.run(
        [sys.executable, str(root / "examples" / "translate_file.py"), "--save-audio", str(out)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Hello everyone")
    with wave.open(str(out), "rb") as wav:
        assert wav.getframerate() == 24000
