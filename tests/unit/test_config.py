from __future__ import annotations

import warnings

import pytest

from livetranslate.config import MAX_KEYWORDS, SessionConfig
from livetranslate.exceptions import ConfigurationError

M3 = "qwen3-livetranslate-flash-realtime"
M35 = "qwen3.5-livetranslate-flash-realtime"
M38 = "qwen3.8-livetranslate-flash-realtime"


def test_defaults_validate_and_normalise() -> None:
    cfg = SessionConfig(target_language="ENGLISH", source_language="Chinese").validated()
    assert cfg.model == M35
    assert (cfg.source_language, cfg.target_language) == ("zh", "en")
    assert cfg.modalities == ("text", "audio")
    assert cfg.speech_output
    assert cfg.clone_frequency is None
    assert cfg.wire_voice is None


def test_snapshot_ids_resolve_to_the_alias() -> None:
    assert (
        SessionConfig(model="qwen3.5-livetranslate-flash-realtime-2026-05-19").validated().model
        == M35
    )


def test_modalities_are_normalised_and_checked() -> None:
    assert SessionConfig(modalities=["audio", "text"]).validated().modalities == ("text", "audio")  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match=r"not \('audio',\)"):
        SessionConfig(modalities=("audio",)).validated()
    with pytest.raises(ConfigurationError, match="Unknown modality video"):
        SessionConfig(modalities=("text", "video")).validated()  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="modalities must be"):
        SessionConfig(modalities="text").validated()  # type: ignore[arg-type]


def test_text_only_target_with_speech_is_rejected_with_advice() -> None:
    with pytest.raises(ConfigurationError, match=r"modalities=\('text',\)"):
        SessionConfig(target_language="el").validated()
    assert (
        SessionConfig(target_language="el", modalities=("text",)).validated().target_language
        == "el"
    )


def test_voice_must_exist_and_speak_the_target() -> None:
    assert SessionConfig(voice="tina").validated().voice == "Tina"
    with pytest.raises(ConfigurationError, match="Unknown voice 'Cherry'"):
        SessionConfig(voice="Cherry").validated()
    with pytest.raises(ConfigurationError, match="cannot speak"):
        SessionConfig(model=M3, voice="Kiki", target_language="en").validated()
    with pytest.raises(ConfigurationError, match="only makes sense with voice cloning"):
        SessionConfig(voice="default").validated()


def test_voice_clone_settings() -> None:
    once = SessionConfig(voice_clone="once").validated()
    assert (once.clone_frequency, once.wire_voice) == ("once", "default")
    fixed = SessionConfig(voice_clone="qwen-translate-vc-abc-123").validated()
    assert (fixed.clone_frequency, fixed.wire_voice) == ("never", "qwen-translate-vc-abc-123")
    never = SessionConfig(voice_clone="never", voice="qwen-translate-vc-x").validated()
    assert (never.clone_frequency, never.wire_voice) == ("never", "qwen-translate-vc-x")
    with pytest.raises(ConfigurationError, match="needs voice='default'"):
        SessionConfig(voice_clone="always", voice="Tina").validated()
    with pytest.raises(ConfigurationError, match="not available on"):
        SessionConfig(model=M3, voice_clone="once").validated()


def test_sample_rate_and_vad_ranges() -> None:
    assert SessionConfig(sample_rate=8000).validated().sample_rate == 8000
    with pytest.raises(ConfigurationError, match="resample to 16000"):
        SessionConfig(model=M3, sample_rate=8000).validated()
    with pytest.raises(ConfigurationError, match=r"outside \[-1, 1\]"):
        SessionConfig(vad_threshold=1.5).validated()
    with pytest.raises(ConfigurationError, match=r"200\.\.6000"):
        SessionConfig(silence_duration_ms=100).validated()
    with pytest.raises(ConfigurationError, match="does not take VAD settings"):
        SessionConfig(model=M3, silence_duration_ms=800).validated()
    with pytest.raises(ConfigurationError, match=r"fixes the threshold at 0\.5"):
        SessionConfig(model=M38, vad_threshold=0.2).validated()
    vad = SessionConfig(model=M38, turn_detection="server_vad", vad_threshold=0.2).validated()
    assert vad.vad_threshold == 0.2


def test_turn_detection_modes_per_model() -> None:
    assert SessionConfig(turn_detection="manual").validated().turn_detection == "manual"
    with pytest.raises(ConfigurationError, match="does not support turn_detection='manual'"):
        SessionConfig(model=M38, turn_detection="manual").validated()
    with pytest.raises(ConfigurationError, match="is unknown"):
        SessionConfig(turn_detection="push_to_talk").validated()  # type: ignore[arg-type]


def test_keywords_are_checked_and_frozen() -> None:
    cfg = SessionConfig(keywords={"人工智能": "AI"}).validated()
    assert dict(cfg.keywords or {}) == {"人工智能": "AI"}
    with pytest.raises(TypeError):
        cfg.keywords["x"] = "y"  # type: ignore[index]
    with pytest.raises(ConfigurationError, match="must be a mapping"):
        SessionConfig(keywords=[("a", "b")]).validated()  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="strings to strings"):
        SessionConfig(keywords={"a": 1}).validated()  # type: ignore[dict-item]
    with pytest.raises(ConfigurationError, match="empty source term"):
        SessionConfig(keywords={" ": "b"}).validated()
    too_many = {f"t{i}": "x" for i in range(MAX_KEYWORDS + 1)}
    with pytest.raises(ConfigurationError, match="at most 1000"):
        SessionConfig(keywords=too_many).validated()


def test_source_language_on_38_warns_once_and_is_dropped() -> None:
    with pytest.warns(UserWarning, match="always detects the source language"):
        cfg = SessionConfig(model=M38, source_language="zh").validated()
    assert cfg.source_language is None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        SessionConfig(model=M38, source_language="zh").validated(warn=False)


def test_with_changes_validates_and_forbids_model_change() -> None:
    cfg = SessionConfig(target_language="en").validated()
    changed = cfg.with_changes(target_language="fr", keywords={"a": "b"})
    assert changed.target_language == "fr"
    with pytest.raises(ConfigurationError, match="Unknown session option"):
        cfg.with_changes(colour="red")
    with pytest.raises(ConfigurationError, match="cannot change mid-session"):
        cfg.with_changes(model=M3)
    assert cfg.with_changes(model=M35.upper()).model == M35


def test_file_model_is_rejected() -> None:
    with pytest.raises(ConfigurationError, match="FileTranslator"):
        SessionConfig(model="qwen3-livetranslate-flash").validated()


def test_transcribe_source_must_be_bool() -> None:
    with pytest.raises(ConfigurationError, match="True or False"):
        SessionConfig(transcribe_source="yes").validated()  # type: ignore[arg-type]
