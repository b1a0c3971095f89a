"""Models, languages, voices, regions, URLs and validation (livetranslate.registry)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from livetranslate import registry
from livetranslate.exceptions import ConfigurationError
from livetranslate.registry import (
    DEFAULT_FILE_MODEL,
    DEFAULT_REALTIME_MODEL,
    Language,
    get_language,
    get_model,
    get_region,
    get_voice,
    list_languages,
    list_models,
    list_voices,
    validate_clone,
    validate_sample_rate,
    validate_source,
    validate_target,
    validate_voice,
)

Q3 = "qwen3-livetranslate-flash-realtime"
Q35 = "qwen3.5-livetranslate-flash-realtime"
Q38 = "qwen3.8-livetranslate-flash-realtime"
QF = "qwen3-livetranslate-flash"
ALL = (Q35, Q38, Q3, QF)

# The vendor's tables, copied independently of the data module (protocol.md §6.1, §6.2).
SPEECH_NEW = {
    "zh", "en", "ar", "de", "fr", "es", "pt", "id", "it", "ko", "ru", "th", "vi", "ja", "tr",
    "hi", "ms", "nl", "ur", "nb", "sv", "da", "he", "fi", "pl", "is", "cs", "fil", "fa",
}  # fmt: skip
TEXT_NEW = {
    "yue", "el", "af", "ast", "be", "bg", "bn", "bs", "ca", "ceb", "et", "gl", "gu", "hr", "hu",
    "jv", "kk", "kn", "ky", "lv", "mk", "ml", "mr", "pa", "ro", "sk", "sl", "sw", "tg", "az", "uk",
}  # fmt: skip
CODES_OLD = {
    "en", "zh", "ru", "fr", "de", "pt", "es", "it", "id", "ko", "ja", "vi", "th", "ar", "yue",
    "hi", "el", "tr",
}  # fmt: skip
SPEECH_OLD = {"en", "zh", "ru", "fr", "de", "pt", "es", "it", "ko", "ja", "yue"}


# ----------------------------------------------------------------------------------- models


def test_defaults() -> None:
    assert DEFAULT_REALTIME_MODEL == Q35
    assert DEFAULT_FILE_MODEL == QF
    assert get_model(DEFAULT_REALTIME_MODEL).kind == "realtime"
    assert get_model(DEFAULT_FILE_MODEL).kind == "file"


def test_list_models_and_kinds() -> None:
    assert [m.id for m in list_models()] == [Q35, Q38, Q3, QF]
    assert [m.id for m in list_models(kind="realtime")] == [Q35, Q38, Q3]
    assert [m.id for m in list_models(kind="file")] == [QF]
    with pytest.raises(ConfigurationError, match="'realtime', 'file'"):
        list_models(kind="batch")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (Q35, Q35),
        ("QWEN3.5-LiveTranslate-Flash-Realtime", Q35),
        ("  qwen3.5-livetranslate-flash-realtime-2026-05-19 ", Q35),
        ("qwen3-livetranslate-flash-realtime-2025-09-22", Q3),
        ("qwen3-livetranslate-flash-2025-12-01", QF),
        (Q38, Q38),
    ],
)
def test_get_model_accepts_ids_and_snapshots(name: str, expected: str) -> None:
    assert get_model(name).id == expected


def test_get_model_returns_modelinfo_unchanged() -> None:
    info = get_model(Q38)
    assert get_model(info) is info


def test_unknown_model_suggests() -> None:
    with pytest.raises(ConfigurationError) as err:
        get_model("qwen3.6-livetranslate-flash-realtime")
    assert "Unknown model 'qwen3.6-livetranslate-flash-realtime'" in str(err.value)
    assert "did you mean" in str(err.value)
    assert Q35 in err.value.suggestions
    assert isinstance(err.value, ValueError)
    with pytest.raises(ConfigurationError) as err2:
        get_model("whisper")
    assert err2.value.suggestions == ()
    assert "known models" in str(err2.value)
    with pytest.raises(ConfigurationError, match="model id string"):
        get_model(35)  # type: ignore[arg-type]


def test_model_35_fields() -> None:
    m = get_model(Q35)
    assert m.snapshots == ("qwen3.5-livetranslate-flash-realtime-2026-05-19",)
    assert m.generation == "3.5"
    assert m.default_voice == "Tina"
    assert m.input_audio_formats == ("pcm", "opus")
    assert m.input_sample_rates == (8000, 16000)
    assert m.input_sample_rate_range is None
    assert m.output_sample_rate == 24000
    assert m.input_audio_tokens_per_second == 7
    assert m.output_audio_tokens_per_second == Decimal("12.5")
    assert m.image_token_block_px == 32
    assert m.supports_voice_clone
    assert m.supports_manual_commit
    assert m.supports_source_language
    assert m.supports_same_language_skip
    assert not m.supports_diarization
    assert m.transcription_billed
    assert not m.transcription_always_on
    assert m.turn_detection_modes == ("server_vad", "manual")
    assert m.default_turn_detection == "server_vad"
    assert m.regions == ("intl", "cn")
    assert m.legacy_hosts_documented
    assert m.latency_seconds == 2.8
    assert (m.context_window, m.max_input_tokens, m.max_output_tokens) == (53248, 49152, 4096)
    assert (m.rate_limit_rpm, m.rate_limit_tpm) == (10, 100_000)


def test_model_38_fields() -> None:
    m = get_model(Q38)
    assert m.snapshots == ()
    assert m.generation == "3.8"
    assert m.default_voice == "Tina"
    assert m.input_audio_formats == ("pcm",)
    assert m.input_sample_rates == (16000,)
    assert m.input_audio_tokens_per_second == 7
    assert m.image_token_block_px == 32
    assert m.supports_voice_clone
    assert m.supports_diarization
    assert not m.supports_manual_commit
    assert not m.supports_source_language
    assert not m.supports_same_language_skip
    assert not m.transcription_billed
    assert m.transcription_always_on
    assert m.turn_detection_modes == ("speaker_detection", "server_vad")
    assert m.default_turn_detection == "speaker_detection"
    assert not m.legacy_hosts_documented
    assert any("workspace" in n and "UNCONFIRMED" in n for n in m.notes)
    assert m.latency_seconds == 2.3
    assert (m.rate_limit_rpm, m.rate_limit_tpm) == (10, 100_000)


def test_model_3_fields() -> None:
    m = get_model(Q3)
    assert m.generation == "3"
    assert m.default_voice == "Cherry"
    assert m.input_audio_formats == ("pcm16",)
    assert m.output_audio_formats == ("pcm24",)
    assert m.input_sample_rates == (16000,)
    assert m.input_audio_tokens_per_second == Decimal("12.5")
    assert m.image_token_block_px == 28
    assert not m.supports_voice_clone
    assert not m.supports_manual_commit
    assert m.supports_source_language
    assert not m.supports_same_language_skip
    assert m.transcription_billed
    assert m.latency_seconds == 3.0


def test_file_model_fields() -> None:
    m = get_model(QF)
    assert m.kind == "file"
    assert m.generation == "3"
    assert m.default_voice == "Cherry"
    assert m.input_sample_rate_range == (8000, 48000)
    assert m.input_sample_rates == (8000, 16000, 22050, 24000, 32000, 44100, 48000)
    assert m.input_audio_tokens_per_second == Decimal("12.5")
    assert not m.input_audio_tokens_confirmed
    assert m.min_billed_audio_seconds == 1
    assert m.image_token_block_px is None
    assert not m.supports_images
    assert m.supports_video
    assert m.output_audio_formats == ("wav",)
    assert not m.transcription_billed
    assert m.turn_detection_modes == ()
    assert m.default_turn_detection is None
    assert (m.rate_limit_rpm, m.rate_limit_tpm) == (100, 100_000)


@pytest.mark.parametrize("model", ALL)
def test_every_model_is_consistent(model: str) -> None:
    m = get_model(model)
    assert m.languages is list_languages(model)
    assert m.voices is list_voices(model)
    assert all(lang.model == m.id for lang in m.languages)
    assert all(v.model == m.id for v in m.voices)
    assert get_voice(m.default_voice, model).documented
    assert len({lang.code for lang in m.languages}) == len(m.languages)
    assert len({v.name for v in m.voices}) == len(m.voices)
    flags = [lang.speech_output for lang in m.languages]
    assert flags == sorted(flags, reverse=True)  # speech-capable languages are listed first
    speech = {lang.code for lang in m.speech_languages()}
    for v in m.voices:
        assert v.languages <= speech, v.name
    assert m.output_sample_rate == 24000


# -------------------------------------------------------------------------------- languages


@pytest.mark.parametrize("model", [Q35, Q38])
def test_new_models_have_60_languages_29_speech(model: str) -> None:
    langs = list_languages(model)
    assert len(langs) == 60
    assert {x.code for x in langs if x.speech_output} == SPEECH_NEW
    assert {x.code for x in langs if not x.speech_output} == TEXT_NEW
    assert len(get_model(model).speech_languages()) == 29


@pytest.mark.parametrize("model", [Q3, QF])
def test_old_models_have_18_languages_11_speech(model: str) -> None:
    langs = list_languages(model)
    assert len(langs) == 18
    assert {x.code for x in langs} == CODES_OLD
    assert {x.code for x in langs if x.speech_output} == SPEECH_OLD


def test_default_model_for_list_languages() -> None:
    assert list_languages() == list_languages(Q35)


def test_every_language_has_an_english_name() -> None:
    for lang in list_languages(Q35):
        assert lang.name
        assert lang.name[0].isupper()
        assert lang.name != lang.code


def test_yue_and_el() -> None:
    assert get_language("yue", model=Q3).speech_output
    assert get_language("yue", model=QF).speech_output
    assert not get_language("yue", model=Q35).speech_output
    assert not get_language("yue", model=Q38).speech_output
    for model in ALL:
        assert not get_language("el", model=model).speech_output


def test_language_record_and_str() -> None:
    en = get_language("en")
    assert en == Language("en", "English", True, Q35)
    assert str(en) == "en"
    assert get_language(en, model=Q3).model == Q3


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("EN", "en"),
        ("english", "en"),
        ("  English ", "en"),
        ("en-US", "en"),
        ("en_GB", "en"),
        ("pt-BR", "pt"),
        ("zh-cn", "zh"),
        ("zh-CN", "zh"),
        ("zh_TW", "zh"),
        ("cmn", "zh"),
        ("Mandarin", "zh"),
        ("Chinese", "zh"),
        ("Cantonese", "yue"),
        ("no", "nb"),
        ("no-NO", "nb"),
        ("Norwegian", "nb"),
        ("Norwegian (Bokmål)", "nb"),
        ("tl", "fil"),
        ("Tagalog", "fil"),
        ("fil-PH", "fil"),
        ("Farsi", "fa"),
        ("iw", "he"),
    ],
)
def test_get_language_aliases(query: str, code: str) -> None:
    assert get_language(query).code == code


def test_unknown_language_suggests_with_model_name() -> None:
    with pytest.raises(ConfigurationError) as err:
        get_language("englsh")
    msg = str(err.value)
    assert msg.startswith(f"Unknown language 'englsh' for {Q35}; did you mean 'en' (English)?")
    assert f"livetranslate languages --model {Q35}" in msg
    assert err.value.suggestions[0] == "en"


def test_unknown_language_without_close_match() -> None:
    with pytest.raises(ConfigurationError) as err:
        get_language("qq", model=Q3)
    assert err.value.suggestions == ()
    assert Q3 in str(err.value)
    assert "18 language codes" in str(err.value)


def test_language_not_on_model_names_models_that_have_it() -> None:
    with pytest.raises(ConfigurationError) as err:
        get_language("Finnish", model=Q3)
    msg = str(err.value)
    assert "'fi' (Finnish) is not supported by qwen3-livetranslate-flash-realtime" in msg
    assert Q35 in msg
    assert Q38 in msg


def test_get_language_rejects_non_strings() -> None:
    with pytest.raises(ConfigurationError, match="code or English name"):
        get_language(12)  # type: ignore[arg-type]


def test_supports_language_and_language_method() -> None:
    m = get_model(Q3)
    assert m.supports_language("English")
    assert m.supports_language("yue")
    assert not m.supports_language("fi")
    assert not m.supports_language("klingon")
    assert m.language("ko").name == "Korean"


# ----------------------------------------------------------------------------------- voices


def test_voice_counts() -> None:
    v35 = list_voices(Q35)
    assert len(v35) == 56
    assert [v.name for v in v35 if v.documented] == [
        "Tina",
        "Cindy",
        "Liora Mira",
        "Sunnybobi",
        "Raymond",
        "Ethan",
        "Theo Calm",
    ]
    v38 = list_voices(Q38)
    assert len(v38) == 47
    assert [v.name for v in v38 if v.documented] == ["Tina"]
    assert {"Kiki", "Sunny", "Dylan"}.isdisjoint(v.name for v in v38)
    for model in (Q3, QF):
        assert [v.name for v in list_voices(model)] == [
            "Cherry",
            "Nofish",
            "Ethan",
            "Jada",
            "Dylan",
            "Sunny",
            "Peter",
            "Eric",
            "Kiki",
        ]


def test_voice_coverage() -> None:
    tina = get_voice("Tina")
    assert tina.languages == SPEECH_NEW
    assert get_voice("Serena").languages == tina.languages
    assert not get_voice("Serena").documented
    cherry = {"zh", "en", "fr", "de", "ru", "it", "es", "pt", "ja", "ko"}
    assert get_voice("Cherry", model=Q3).languages == cherry
    assert get_voice("Eric", model=Q3).languages == {"zh"}
    assert get_voice("Jada", model=QF).languages == {"zh"}
    assert get_voice("Kiki", model=Q3).languages == {"yue"}
    assert get_voice("Kiki", model=Q3).speaks("yue")
    assert str(tina) == "Tina"
    assert get_model(Q35).voice("tina") is tina


@pytest.mark.parametrize(
    ("query", "name"),
    [("tina", "Tina"), ("LIORA MIRA", "Liora Mira"), ("theo_calm", "Theo Calm"),
     ("Eliska", "Eliška"), ("eliška", "Eliška"), ("ono-anna", "Ono Anna")],
)  # fmt: skip
def test_get_voice_is_forgiving(query: str, name: str) -> None:
    assert get_voice(query).name == name


def test_unknown_voice_suggests() -> None:
    with pytest.raises(ConfigurationError) as err:
        get_voice("Tinna")
    assert "Unknown voice 'Tinna' for qwen3.5-livetranslate-flash-realtime" in str(err.value)
    assert err.value.suggestions[0] == "Tina"
    with pytest.raises(ConfigurationError) as err2:
        get_voice("Tina", model=Q3)
    assert Q3 in str(err2.value)
    assert "'Cherry'" in str(err2.value)


def test_default_and_clone_ids_are_not_presets() -> None:
    with pytest.raises(ConfigurationError, match="only valid with voice cloning"):
        get_voice("default")
    with pytest.raises(ConfigurationError, match="has no voice cloning"):
        get_voice("qwen-translate-vc-abc-123", model=Q3)
    with pytest.raises(ConfigurationError, match="must be a name string"):
        get_voice(None)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------- validation


def test_validate_target_text_only_with_speech() -> None:
    assert validate_target(Q35, "el", speech=False).code == "el"
    with pytest.raises(ConfigurationError) as err:
        validate_target(Q35, "el", speech=True)
    msg = str(err.value)
    assert "'el' (Greek) has text output only on qwen3.5-livetranslate-flash-realtime" in msg
    assert "modalities=('text',)" in msg
    assert "pick one of: zh, en" in msg
    assert set(err.value.suggestions) == SPEECH_NEW
    with pytest.raises(ConfigurationError, match="'yue' \\(Cantonese\\) has text output only"):
        validate_target(Q38, "Cantonese", speech=True)
    assert validate_target(Q3, "yue", speech=True).speech_output


def test_validate_voice() -> None:
    assert validate_voice(Q35, "cindy", target_language="fil").name == "Cindy"
    assert validate_voice(Q3, "Kiki", target_language="yue").name == "Kiki"
    assert validate_voice(Q3, "Kiki").name == "Kiki"
    with pytest.raises(ConfigurationError) as err:
        validate_voice(Q3, "Kiki", target_language="en")
    msg = str(err.value)
    assert "Voice 'Kiki' cannot speak 'en' (English)" in msg
    assert "pick one of: Cherry, Nofish, Ethan" in msg
    assert err.value.suggestions == ("Cherry", "Nofish", "Ethan")
    with pytest.raises(ConfigurationError, match="text output only"):
        validate_voice(Q3, "Cherry", target_language="th")
    with pytest.raises(ConfigurationError, match="Unknown voice"):
        validate_voice(Q38, "Cherry")


def test_validate_voice_lists_documented_voices_first() -> None:
    with pytest.raises(ConfigurationError) as err:
        validate_voice(Q3, "Eric", target_language="ja")
    assert err.value.suggestions == ("Cherry", "Nofish", "Ethan")


def test_validate_clone_rules() -> None:
    assert validate_clone(Q35, "once") == ("once", "default")
    assert validate_clone(Q35, "ALWAYS", "Default") == ("always", "default")
    assert validate_clone(Q38, "always", None) == ("always", "default")
    vid = "qwen-translate-vc-abc-def"
    assert validate_clone(Q35, vid) == ("never", vid)
    assert validate_clone(Q35, vid, vid) == ("never", vid)
    assert validate_clone(Q38, "never", vid) == ("never", vid)


def test_validate_clone_errors_say_what_to_change() -> None:
    with pytest.raises(ConfigurationError) as err:
        validate_clone(Q3, "once")
    assert "not available on qwen3-livetranslate-flash-realtime" in str(err.value)
    assert err.value.suggestions == (Q35, Q38)
    with pytest.raises(ConfigurationError, match=r"needs voice='default'.*not 'Tina'"):
        validate_clone(Q35, "once", "Tina")
    with pytest.raises(ConfigurationError, match="already names the voice; remove voice"):
        validate_clone(Q35, "qwen-translate-vc-x", "Tina")
    with pytest.raises(ConfigurationError, match="got no voice; pass the cloned voice id"):
        validate_clone(Q35, "never")
    with pytest.raises(ConfigurationError, match="got voice='Tina'"):
        validate_clone(Q35, "never", "Tina")
    with pytest.raises(ConfigurationError, match="got voice='default'"):
        validate_clone(Q38, "never", "default")
    with pytest.raises(ConfigurationError) as err2:
        validate_clone(Q35, "onec")
    assert "use 'once', 'always', 'never'" in str(err2.value)
    assert err2.value.suggestions == ("once",)
    with pytest.raises(ConfigurationError) as err3:
        validate_clone(Q35, 3)  # type: ignore[arg-type]
    assert err3.value.suggestions == ("once", "always", "never")


def test_validate_sample_rate() -> None:
    assert validate_sample_rate(Q35, 8000) == 8000
    assert validate_sample_rate(Q35, 16000) == 16000
    assert validate_sample_rate(Q3, 16000) == 16000
    assert validate_sample_rate(Q38, 16000) == 16000
    assert validate_sample_rate(QF, 44100) == 44100
    assert validate_sample_rate(QF, 11025) == 11025
    with pytest.raises(ConfigurationError) as err:
        validate_sample_rate(Q38, 8000)
    assert "8000 Hz is not accepted by qwen3.8" in str(err.value)
    assert "resample to 16000 Hz" in str(err.value)
    with pytest.raises(ConfigurationError, match="accepted: 8000, 16000 Hz"):
        validate_sample_rate(Q35, 44100)
    with pytest.raises(ConfigurationError, match="any rate from 8000 to 48000 Hz"):
        validate_sample_rate(QF, 96000)
    with pytest.raises(ConfigurationError):
        validate_sample_rate(Q35, True)
    with pytest.raises(ConfigurationError):
        validate_sample_rate(Q35, 16000.0)  # type: ignore[arg-type]


def test_validate_source() -> None:
    src = validate_source(Q35, "English")
    assert src is not None
    assert src.code == "en"
    assert validate_source(Q3, "zh-CN") == get_language("zh", model=Q3)
    assert validate_source(Q35, None) is None
    assert validate_source(Q35, "auto") is None
    assert validate_source(Q38, "en") is None  # 3.8 auto-detects: the caller warns
    with pytest.raises(ConfigurationError, match="Unknown language"):
        validate_source(Q38, "englsh")  # still checked
    with pytest.raises(ConfigurationError, match="not supported"):
        validate_source(Q3, "fi")


# ---------------------------------------------------------------------------- regions, URLs


@pytest.mark.parametrize(
    ("name", "expected"),
    [("intl", "intl"), ("Singapore", "intl"), ("ap-southeast-1", "intl"), ("cn", "cn"),
     ("BEIJING", "cn"), ("cn-beijing", "cn"), ("china", "cn")],
)  # fmt: skip
def test_get_region_aliases(name: str, expected: str) -> None:
    assert get_region(name).name == expected


def test_regions() -> None:
    intl, cn = registry.list_regions()
    assert intl.legacy_ws_host == "dashscope-intl.aliyuncs.com"
    assert intl.workspace_host_template == "{workspace}.ap-southeast-1.maas.aliyuncs.com"
    assert cn.legacy_ws_host == "dashscope.aliyuncs.com"
    assert cn.workspace_host_template == "{workspace}.cn-beijing.maas.aliyuncs.com"
    assert get_region(cn) is cn
    with pytest.raises(ConfigurationError) as err:
        get_region("us-east-1")
    assert "'intl' (Singapore) and 'cn' (Beijing) only" in str(err.value)
    assert err.value.suggestions
    with pytest.raises(ConfigurationError) as err2:
        get_region("singapor")
    assert err2.value.suggestions == ("intl",)


@pytest.mark.parametrize(
    ("model", "region", "workspace", "url"),
    [
        (Q35, "intl", None, f"wss://dashscope-intl.aliyuncs.com/api-ws/v1/realtime?model={Q35}"),
        (Q35, "cn", None, f"wss://dashscope.aliyuncs.com/api-ws/v1/realtime?model={Q35}"),
        (Q3, "singapore", "llm-ab12",
         f"wss://llm-ab12.ap-southeast-1.maas.aliyuncs.com/api-ws/v1/realtime?model={Q3}"),
        (Q38, "cn", "ws-1",
         f"wss://ws-1.cn-beijing.maas.aliyuncs.com/api-ws/v1/realtime?model={Q38}"),
        # 3.8 without a workspace: legacy host, documented as UNCONFIRMED.
        (Q38, "intl", None, f"wss://dashscope-intl.aliyuncs.com/api-ws/v1/realtime?model={Q38}"),
        ("QWEN3.5-livetranslate-flash-realtime-2026-05-19", "intl", None,
         "wss://dashscope-intl.aliyuncs.com/api-ws/v1/realtime"
         "?model=qwen3.5-livetranslate-flash-realtime-2026-05-19"),
    ],
)  # fmt: skip
def test_realtime_url(model: str, region: str, workspace: str | None, url: str) -> None:
    assert registry.realtime_url(model, region=region, workspace=workspace) == url


def test_realtime_url_defaults_and_errors() -> None:
    assert registry.realtime_url() == (
        f"wss://dashscope-intl.aliyuncs.com/api-ws/v1/realtime?model={Q35}"
    )
    assert registry.realtime_url(get_model(Q38), workspace="w").endswith(f"?model={Q38}")
    with pytest.raises(ConfigurationError, match=r"file-translation model.*compatible_base_url"):
        registry.realtime_url(QF)


def test_compatible_base_url() -> None:
    assert (
        registry.compatible_base_url() == "https://dashscope-intl.aliyuncs.com/compatible-mode/v1"
    )
    assert registry.compatible_base_url(region="cn") == (
        "https://dashscope.aliyuncs.com/compatible-mode/v1"
    )
    assert registry.compatible_base_url(workspace="llm-x") == (
        "https://llm-x.ap-southeast-1.maas.aliyuncs.com/compatible-mode/v1"
    )
    assert registry.compatible_base_url(region="beijing", workspace="llm-x") == (
        "https://llm-x.cn-beijing.maas.aliyuncs.com/compatible-mode/v1"
    )


def test_tokens_url() -> None:
    assert registry.tokens_url(region="cn") == (
        "https://dashscope.aliyuncs.com/api/v1/tokens?expire_in_seconds=60"
    )
    assert registry.tokens_url(region="intl", expire_in_seconds=1800) == (
        "https://dashscope-intl.aliyuncs.com/api/v1/tokens?expire_in_seconds=1800"
    )
    assert registry.tokens_url(region="intl", workspace="abc", expire_in_seconds=1) == (
        "https://abc.ap-southeast-1.maas.aliyuncs.com/api/v1/tokens?expire_in_seconds=1"
    )
    for bad in (0, 1801, -5, True, 60.0):
        with pytest.raises(ConfigurationError, match="from 1 to 1800"):
            registry.tokens_url(region="cn", expire_in_seconds=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("workspace", ["", "a_b", "a.b", "a/b", "-ab", "ab-", "x" * 64, "é1"])
def test_bad_workspace_ids(workspace: str) -> None:
    with pytest.raises(ConfigurationError, match="letters, digits and hyphens only"):
        registry.realtime_url(Q35, workspace=workspace)


def test_records_are_frozen() -> None:
    m = get_model(Q35)
    with pytest.raises(AttributeError):
        m.id = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        get_language("en").code = "fr"  # type: ignore[misc]
