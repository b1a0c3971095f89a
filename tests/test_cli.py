"""The `livetranslate` command: planning commands, demo, live and serve, as a user runs them."""

from __future__ import annotations

import json
import subprocess
import sys
import wave
from pathlib import Path

import pytest

from livetranslate.cli import main

M35 = "qwen3.5-livetranslate-flash-realtime"
SAMPLE = (
    Path(__file__).resolve().parent.parent / "livetranslate" / "testing" / "data" / "sample_zh.wav"
)


def test_languages_table_marks_speech_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["languages", "--model", M35]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"{M35}: 60 languages, 29 with speech output")
    rows = [line for line in out.splitlines()[3:] if line.strip()]
    assert len(rows) == 60
    assert sum(row.rstrip().endswith("text + speech") for row in rows) == 29


def test_languages_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["languages", "--model", "qwen3-livetranslate-flash", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data) == 18
    assert sum(item["speech_output"] for item in data) == 11
    assert {"code": "yue", "name": "Cantonese", "speech_output": True} in data


def test_voices_table_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["voices", "-m", "qwen3-livetranslate-flash-realtime"]) == 0
    out = capsys.readouterr().out
    assert "default Cherry" in out
    assert main(["voices", "--json"]) == 0
    voices = json.loads(capsys.readouterr().out)
    assert [v["name"] for v in voices if v["default"]] == ["Tina"]


def test_cost_table_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["cost", "--model", M35, "--audio-seconds", "60", "--region", "cn"]) == 0
    out = capsys.readouterr().out
    assert "total:" in out
    assert "CNY" in out
    assert main(["cost", "--model", M35, "--audio-seconds", "60", "--json", "--text-only"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["tokens"]["input_audio_tokens"] == 420  # 7 tokens/s on 3.5
    assert data["tokens"]["output_audio_tokens"] == 0  # text only
    assert float(data["total"]) > 0


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["languages", "--model", "qwen3.5-livetranslate-flash-realtme"], "did you mean"),
        (["voices", "--model", "qwen4"], "known models"),
        (["cost", "--audio-seconds", "10", "--region", "mars"], "Unknown region"),
    ],
)
def test_bad_input_exits_2_with_a_suggestion(
    argv: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert needle in err
    assert "Traceback" not in err


def test_demo_runs_against_the_emulator_and_writes_speech(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out_wav = tmp_path / "demo.en.wav"
    code = main(["demo", "--no-pace", "--latency", "0", "--audio-out", str(out_wav)])
    assert code == 0
    out = capsys.readouterr().out
    assert out.startswith("EMULATED")
    assert "Hello everyone, and welcome to today's launch event." in out
    assert "Thank you all for listening." in out
    assert "segments: 3" in out
    assert "estimated cost:" in out
    with wave.open(str(out_wav)) as wav:
        assert wav.getframerate() == 24000
        assert wav.getnchannels() == 1
        assert wav.getnframes() > 24000  # more than a second of speech


def test_live_with_keywords_on_the_emulator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    terms = tmp_path / "terms.json"
    terms.write_text(json.dumps({"人工智能": "AI"}), encoding="utf-8")
    code = main(
        ["live", str(SAMPLE), "--to", "en", "--from", "zh", "--emulator", "--no-pace",
         "--keywords", str(terms), "--text-only", "--model", "qwen3.8-livetranslate-flash-realtime",
         "--audio-out", str(tmp_path / "unused.wav")]
    )  # fmt: skip
    assert code == 0
    captured = capsys.readouterr()
    assert "segments: 3" in captured.out
    assert "note: qwen3.8-livetranslate-flash-realtime always detects" in captured.err
    assert not (tmp_path / "unused.wav").exists()  # text only: no speech written


def test_live_reports_a_missing_file(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["live", "/no/such/talk.wav", "--emulator"]) == 2
    assert "No such file" in capsys.readouterr().err


def test_live_rejects_a_bad_keywords_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "terms.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    assert main(["live", str(SAMPLE), "--emulator", "--keywords", str(bad)]) == 2
    assert "must hold a JSON object" in capsys.readouterr().err


def test_serve_prints_both_urls_first() -> None:
    with subprocess.Popen(
        [sys.executable, "-m", "livetranslate", "serve", "--port", "0", "--latency", "0"],
        stdout=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            assert proc.stdout is not None
            first, second = proc.stdout.readline(), proc.stdout.readline()
        finally:
            proc.terminate()
            proc.wait(timeout=30)
    assert first.startswith("realtime (WebSocket): ws://127.0.0.1:")
    assert first.rstrip().endswith("/api-ws/v1/realtime")
    assert second.startswith("file API (HTTP):")
    assert second.rstrip().endswith("/compatible-mode/v1")
