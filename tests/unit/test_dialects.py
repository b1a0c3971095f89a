from __future__ import annotations

import json
from typing import Any

import pytest

from livetranslate.config import SessionConfig
from livetranslate.events import parse_client_event
from livetranslate.exceptions import ConfigurationError
from livetranslate.protocol.dialects import ASR_MODEL, dialect_for

M3 = "qwen3-livetranslate-flash-realtime"
M35 = "qwen3.5-livetranslate-flash-realtime"
M38 = "qwen3.8-livetranslate-flash-realtime"


def wire(config: SessionConfig) -> dict[str, Any]:
    cfg = config.validated(warn=False)
    event = dialect_for(cfg.model).session_update(cfg, event_id="event_1")
    data: dict[str, Any] = json.loads(event.to_json())
    assert parse_client_event(event.to_json()) == event  # round trip
    assert data["type"] == "session.update"
    assert data["event_id"] == "event_1"
    session: dict[str, Any] = data["session"]
    return session


def test_qwen3_uses_pcm16_pcm24_and_no_35_fields() -> None:
    s = wire(
        SessionConfig(
            model=M3, source_language="zh", target_language="en", keywords={"人工智能": "AI"}
        )
    )
    assert s == {
        "modalities": ["text", "audio"],
        "input_audio_format": "pcm16",
        "output_audio_format": "pcm24",
        "input_audio_transcription": {"model": ASR_MODEL, "language": "zh"},
        "translation": {"language": "en", "corpus": {"phrases": {"人工智能": "AI"}}},
    }


def test_qwen35_flat_fields() -> None:
    s = wire(
        SessionConfig(
            model=M35,
            voice="Ethan",
            sample_rate=8000,
            vad_threshold=0.3,
            silence_duration_ms=800,
            target_language="de",
        )
    )
    assert s == {
        "modalities": ["text", "audio"],
        "voice": "Ethan",
        "sample_rate": 8000,
        "input_audio_format": "pcm",
        "output_audio_format": "pcm",
        "input_audio_transcription": {"model": ASR_MODEL},
        "turn_detection": {"type": "server_vad", "threshold": 0.3, "silence_duration_ms": 800},
        "translation": {"language": "de"},
    }


def test_qwen35_manual_mode_text_only_no_transcript() -> None:
    s = wire(
        SessionConfig(
            model=M35, turn_detection="manual", modalities=("text",), transcribe_source=False
        )
    )
    assert s["turn_detection"] is None
    assert s["input_audio_transcription"] == {"model": None}
    assert s["modalities"] == ["text"]


def test_qwen35_voice_clone() -> None:
    s = wire(SessionConfig(model=M35, voice_clone="always"))
    assert (s["voice"], s["enable_voice_clone"], s["voice_clone_options"]) == (
        "default",
        True,
        {"frequency": "always"},
    )


def test_qwen38_nested_shape_and_no_35_fields() -> None:
    s = wire(SessionConfig(model=M38, modalities=("text",), keywords={"a": "b"}))
    assert s == {
        "output_modalities": ["text"],
        "audio": {"input": {"format": {"type": "pcm", "sample_rate": 16000}}},
        "translation": {"language": "en", "corpus": {"phrases": {"a": "b"}}},
    }
    for legacy in (
        "modalities",
        "sample_rate",
        "input_audio_format",
        "output_audio_format",
        "input_audio_transcription",
        "turn_detection",
    ):
        assert legacy not in s


def test_qwen38_voice_goes_to_both_places_and_turn_detection_nests() -> None:
    s = wire(
        SessionConfig(model=M38, voice="Tina", turn_detection="server_vad", silence_duration_ms=900)
    )
    assert s["voice"] == "Tina"
    assert s["audio"]["output"] == {"voice": "Tina"}
    assert s["audio"]["input"]["turn_detection"] == {
        "type": "server_vad",
        "silence_duration_ms": 900,
    }
    clone = wire(SessionConfig(model=M38, voice_clone="once"))
    assert clone["voice"] == "default"
    assert clone["voice_clone_options"] == {"frequency": "once"}


def test_dialect_flags() -> None:
    assert dialect_for(M38).append_only_text
    assert not dialect_for(M35).append_only_text
    assert dialect_for(M3.upper()).generation == "3"
    assert dialect_for(M35).session_update(SessionConfig().validated()).event_id is None


def test_file_model_has_no_dialect() -> None:
    with pytest.raises(ConfigurationError, match="not a realtime model"):
        dialect_for("qwen3-livetranslate-flash")


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"turn_detection": "server_vad"}, {"type": "server_vad"}),
        ({"vad_threshold": 0.1}, {"type": "server_vad", "threshold": 0.1}),
        ({"silence_duration_ms": 700}, {"type": "server_vad", "silence_duration_ms": 700}),
    ],
)
def test_qwen35_turn_detection_only_carries_what_was_set(
    options: dict[str, Any], expected: dict[str, Any]
) -> None:
    assert wire(SessionConfig(model=M35, **options))["turn_detection"] == expected


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"turn_detection": "speaker_detection"}, {"type": "speaker_detection"}),
        ({"turn_detection": "server_vad", "vad_threshold": 0.3},
         {"type": "server_vad", "threshold": 0.3}),
        ({"silence_duration_ms": 1500}, {"type": "speaker_detection", "silence_duration_ms": 1500}),
    ],
)  # fmt: skip
def test_qwen38_turn_detection_only_carries_what_was_set(
    options: dict[str, Any], expected: dict[str, Any]
) -> None:
    assert wire(SessionConfig(model=M38, **options))["audio"]["input"]["turn_detection"] == expected
