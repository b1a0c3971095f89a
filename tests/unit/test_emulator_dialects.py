"""The emulator's server-side dialects: session shapes and ``session.update`` validation."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.emulator_driver import (
    M3,
    M35,
    M38,
    MODALITIES_MSG,
    MODELS,
    SDK_SESSION,
    Driver,
    error_of,
)

# --------------------------------------------------------------------------- session shapes


def test_session_created_shape_qwen3() -> None:
    (created,) = Driver(M3).sent
    assert created["type"] == "session.created"
    assert created["session"] == {
        "id": "sess_1",
        "object": "realtime.session",
        "model": M3,
        "modalities": ["text", "audio"],
        "voice": "Cherry",
        "input_audio_format": "pcm16",
        "output_audio_format": "pcm24",
        "translation": {"language": "en"},
    }


def test_session_created_shape_qwen35() -> None:
    session = Driver(M35).sent[0]["session"]
    assert session["voice"] == "Tina"
    assert session["sample_rate"] == 16000
    assert (session["input_audio_format"], session["output_audio_format"]) == ("pcm", "pcm")
    assert session["input_audio_transcription"] == {"model": "qwen3-asr-flash-realtime"}
    assert session["turn_detection"] == {
        "type": "server_vad",
        "threshold": 0.2,
        "prefix_padding_ms": 300,
        "silence_duration_ms": 1000,
        "create_response": True,
        "interrupt_response": True,
    }


def test_session_created_shape_qwen38() -> None:
    session = Driver(M38).sent[0]["session"]
    assert "modalities" not in session
    assert session["input_modalities"] == ["audio"]
    assert session["output_modalities"] == ["text", "audio"]
    assert session["audio"] == {
        "input": {
            "format": {"type": "pcm", "sample_rate": 16000},
            "turn_detection": {
                "type": "speaker_detection",
                "threshold": 0.5,
                "silence_duration_ms": 1000,
            },
        },
        "output": {"format": {"type": "pcm", "sample_rate": 24000}, "voice": "Tina"},
    }


@pytest.mark.parametrize("model", MODELS)
def test_the_official_sdk_session_update_is_accepted(model: str) -> None:
    d = Driver(model)
    (updated,) = d.update(**SDK_SESSION)
    assert updated["type"] == "session.updated"
    assert "input_audio_transcription" not in updated["session"]  # {"model": null} = off
    assert d.record.config == updated["session"]


def test_qwen38_ignores_the_35_fields() -> None:
    d = Driver(M38)
    before = d.sent[0]["session"]
    (updated,) = d.update(**{**SDK_SESSION, "modalities": ["text"], "sample_rate": 8000})
    assert dict(updated["session"].items()) == before


def test_unknown_fields_are_ignored() -> None:
    (updated,) = Driver(M35).update(instructions="x", tools=[], translation={"language": "de"})
    assert updated["session"]["translation"] == {"language": "de"}
    assert "instructions" not in updated["session"]


# ----------------------------------------------------------------------- update validation

INVALID = [
    (M3, {"modalities": ["audio"]}, "session.modalities"),
    (M35, {"modalities": ["audio"]}, "session.modalities"),
    (M35, {"modalities": ["text", "text"]}, "session.modalities"),
    (M38, {"output_modalities": ["audio"]}, "session.output_modalities"),
    (M35, {"translation": {"language": "xx"}}, "session.translation.language"),
    (M3, {"translation": {"language": "sv"}}, "session.translation.language"),
    (M38, {"translation": {"language": "klingon"}}, "session.translation.language"),
    (
        M35,
        {"input_audio_transcription": {"model": "qwen3-asr-flash-realtime", "language": "xx"}},
        "session.input_audio_transcription.language",
    ),
    (M35, {"translation": {"language": "el"}}, "session.translation.language"),
    (M3, {"translation": {"language": "th"}}, "session.translation.language"),
    (M38, {"translation": {"language": "uk"}}, "session.translation.language"),
    (M35, {"voice": "Nobody"}, "session.voice"),
    (M3, {"voice": "Tina"}, "session.voice"),
    (M35, {"voice": "default"}, "session.voice"),
    (M38, {"audio": {"output": {"voice": "Cherry"}}}, "session.voice"),
    (M3, {"enable_voice_clone": True}, "session.enable_voice_clone"),
    (
        M35,
        {"enable_voice_clone": True, "voice_clone_options": {"frequency": "once"}, "voice": "Tina"},
        "session.voice",
    ),
    (
        M38,
        {
            "enable_voice_clone": True,
            "voice_clone_options": {"frequency": "always"},
            "voice": "Tina",
        },
        "session.voice",
    ),
    (
        M35,
        {"enable_voice_clone": True, "voice_clone_options": {"frequency": "never"}},
        "session.voice",
    ),
    (
        M35,
        {"enable_voice_clone": True, "voice_clone_options": {"frequency": "sometimes"}},
        "session.voice_clone_options.frequency",
    ),
    (M35, {"sample_rate": 44100}, "session.sample_rate"),
    (M3, {"sample_rate": 8000}, "session.sample_rate"),
    (
        M38,
        {"audio": {"input": {"format": {"sample_rate": 8000}}}},
        "session.audio.input.format.sample_rate",
    ),
    (M38, {"audio": {"input": {"format": {"type": "opus"}}}}, "session.audio.input.format.type"),
    (M3, {"input_audio_format": "pcm"}, "session.input_audio_format"),
    (M3, {"input_audio_format": "opus"}, "session.input_audio_format"),
    (M35, {"input_audio_format": "mp3"}, "session.input_audio_format"),
    (M35, {"output_audio_format": "mp3"}, "session.output_audio_format"),
    (M35, {"turn_detection": {"threshold": 1.5}}, "session.turn_detection.threshold"),
    (M35, {"turn_detection": {"threshold": -1.01}}, "session.turn_detection.threshold"),
    (
        M35,
        {"turn_detection": {"silence_duration_ms": 100}},
        "session.turn_detection.silence_duration_ms",
    ),
    (
        M35,
        {"turn_detection": {"silence_duration_ms": 6001}},
        "session.turn_detection.silence_duration_ms",
    ),
    (M35, {"turn_detection": {"type": "semantic_vad"}}, "session.turn_detection.type"),
    (M38, {"audio": {"input": {"turn_detection": None}}}, "session.audio.input.turn_detection"),
    (M35, {"translation": "en"}, "session.translation"),
]


@pytest.mark.parametrize(("model", "session", "param"), INVALID)
def test_invalid_update_gives_an_error_and_keeps_the_old_config(
    model: str, session: dict[str, Any], param: str
) -> None:
    d = Driver(model)
    before = d.record.config
    out = d.update(**session)
    assert [e["type"] for e in out] == ["error"]
    err = error_of(out)
    assert err["type"] == "invalid_request_error"
    assert err["code"] == "invalid_value"
    assert err["param"] == param
    assert err["message"]
    assert d.record.config == before
    # the session stays usable
    assert [e["type"] for e in d.update(translation={"language": "zh"})] == ["session.updated"]


@pytest.mark.parametrize(("model", "key"), [(M35, "modalities"), (M38, "output_modalities")])
def test_modalities_error_uses_the_documented_message(model: str, key: str) -> None:
    err = error_of(Driver(model).update(**{key: ["audio"]}))
    assert err["message"] == MODALITIES_MSG


VALID = [
    (M35, {"modalities": ["audio", "text"]}),
    (M35, {"modalities": ["text"], "translation": {"language": "el"}}),
    (M38, {"output_modalities": ["text"], "translation": {"language": "uk"}}),
    (M3, {"translation": {"language": "yue"}, "voice": "Kiki"}),
    (M35, {"voice": "Ethan", "sample_rate": 8000, "input_audio_format": "opus"}),
    (M35, {"enable_voice_clone": True, "voice_clone_options": {"frequency": "once"}}),
    (
        M35,
        {
            "enable_voice_clone": True,
            "voice": "default",
            "voice_clone_options": {"frequency": "always"},
        },
    ),
    (
        M38,
        {
            "enable_voice_clone": True,
            "voice": "qwen-translate-vc-a-b",
            "voice_clone_options": {"frequency": "never"},
        },
    ),
    (M35, {"turn_detection": None}),
    (M35, {"turn_detection": {"threshold": -1.0, "silence_duration_ms": 200}}),
    (M38, {"audio": {"input": {"turn_detection": {"type": "server_vad", "threshold": 0.9}}}}),
    (M3, {"input_audio_transcription": {"model": "qwen3-asr-flash-realtime", "language": "zh"}}),
]


@pytest.mark.parametrize(("model", "session"), VALID)
def test_valid_updates_are_echoed(model: str, session: dict[str, Any]) -> None:
    out = Driver(model).update(**session)
    assert [e["type"] for e in out] == ["session.updated"]


def test_update_echoes_the_effective_config() -> None:
    d = Driver(M35)
    (updated,) = d.update(
        modalities=["audio", "text"],
        voice="Ethan",
        input_audio_transcription={"model": "qwen3-asr-flash-realtime", "language": "zh"},
        turn_detection=None,
        translation={"language": "fr", "corpus": {"phrases": {"人工智能": "IA"}}},
    )
    s = updated["session"]
    assert s["voice"] == "Ethan"
    assert s["modalities"] == ["text", "audio"]
    assert s["input_audio_transcription"] == {"model": "qwen3-asr-flash-realtime", "language": "zh"}
    assert "turn_detection" not in s  # manual mode
    assert s["translation"] == {"language": "fr", "corpus": {"phrases": {"人工智能": "IA"}}}


def test_clone_fields_are_echoed_only_when_cloning() -> None:
    d = Driver(M38)
    assert "enable_voice_clone" not in d.sent[0]["session"]
    (updated,) = d.update(enable_voice_clone=True, voice_clone_options={"frequency": "once"})
    assert updated["session"]["enable_voice_clone"] is True
    assert updated["session"]["voice_clone_options"] == {"frequency": "once"}
