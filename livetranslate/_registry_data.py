"""Raw data tables behind [`livetranslate.registry`][] (private; read through the registry).

Every table cites the section of ``protocol.md`` / ``protocol-3.8.md`` it comes from. Anything the
vendor documents only partly is marked UNCONFIRMED next to the value.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final, Literal, TypedDict

from livetranslate.types import ModelKind, RegionName, TurnDetectionMode

__all__ = [
    "CODES_3",
    "CODES_35",
    "LANGUAGE_ALIASES",
    "LANGUAGE_NAMES",
    "MODEL_LANGUAGES",
    "MODEL_SPECS",
    "REGION_SPECS",
    "SPEECH_3",
    "SPEECH_35",
    "VOICES_3",
    "VOICES_35_DEMO",
    "VOICES_35_DOCUMENTED",
    "VOICES_38",
    "ModelSpec",
    "RegionSpec",
]


class RegionSpec(TypedDict):
    """Constructor arguments of ``registry.Region``."""

    name: RegionName
    label: str
    region_id: str
    aliases: tuple[str, ...]
    legacy_ws_host: str
    workspace_host_template: str


# English names of all 60 codes (protocol.md §6.1). Order: the 29 speech languages, then the 31
# text-only ones, as the vendor lists them.
LANGUAGE_NAMES: Final[dict[str, str]] = {
    "zh": "Chinese",
    "en": "English",
    "ar": "Arabic",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
    "pt": "Portuguese",
    "id": "Indonesian",
    "it": "Italian",
    "ko": "Korean",
    "ru": "Russian",
    "th": "Thai",
    "vi": "Vietnamese",
    "ja": "Japanese",
    "tr": "Turkish",
    "hi": "Hindi",
    "ms": "Malay",
    "nl": "Dutch",
    "ur": "Urdu",
    "nb": "Norwegian (Bokmål)",
    "sv": "Swedish",
    "da": "Danish",
    "he": "Hebrew",
    "fi": "Finnish",
    "pl": "Polish",
    "is": "Icelandic",
    "cs": "Czech",
    "fil": "Filipino",
    "fa": "Persian",
    "yue": "Cantonese",
    "el": "Greek",
    "af": "Afrikaans",
    "ast": "Asturian",
    "be": "Belarusian",
    "bg": "Bulgarian",
    "bn": "Bengali",
    "bs": "Bosnian",
    "ca": "Catalan",
    "ceb": "Cebuano",
    "et": "Estonian",
    "gl": "Galician",
    "gu": "Gujarati",
    "hr": "Croatian",
    "hu": "Hungarian",
    "jv": "Javanese",
    "kk": "Kazakh",
    "kn": "Kannada",
    "ky": "Kyrgyz",
    "lv": "Latvian",
    "mk": "Macedonian",
    "ml": "Malayalam",
    "mr": "Marathi",
    "pa": "Punjabi",
    "ro": "Romanian",
    "sk": "Slovak",
    "sl": "Slovenian",
    "sw": "Swahili",
    "tg": "Tajik",
    "az": "Azerbaijani",
    "uk": "Ukrainian",
}

# qwen3.5 / qwen3.8 realtime: all 60 codes; 29 with speech output (protocol.md §6.1,
# protocol-3.8.md §4). yue is text-only here (it has speech on qwen3); el is text-only everywhere.
CODES_35: Final[tuple[str, ...]] = tuple(LANGUAGE_NAMES)
SPEECH_35: Final[tuple[str, ...]] = CODES_35[:29]

# qwen3 realtime and the file model: 18 codes, 11 with speech output (protocol.md §6.2).
CODES_3: Final[tuple[str, ...]] = (
    "en", "zh", "ru", "fr", "de", "pt", "es", "it", "id",
    "ko", "ja", "vi", "th", "ar", "yue", "hi", "el", "tr",
)  # fmt: skip
SPEECH_3: Final[tuple[str, ...]] = (
    "en", "zh", "ru", "fr", "de", "pt", "es", "it", "ko", "ja", "yue",
)  # fmt: skip

# Extra spellings accepted by get_language (keys are case-folded; values are codes). Codes such as
# "en-US" need no entry: a region suffix is dropped when the base code exists.
LANGUAGE_ALIASES: Final[dict[str, str]] = {
    "no": "nb",
    "nob": "nb",
    "norwegian": "nb",
    "norwegian bokmål": "nb",
    "norwegian bokmal": "nb",
    "bokmål": "nb",
    "bokmal": "nb",
    "tl": "fil",
    "tagalog": "fil",
    "zh-cn": "zh",
    "zh-hans": "zh",
    "zh-hant": "zh",
    "cmn": "zh",
    "mandarin": "zh",
    "mandarin chinese": "zh",
    "zh-yue": "yue",
    "iw": "he",
    "in": "id",
    "jw": "jv",
    "farsi": "fa",
    "kirghiz": "ky",
    "panjabi": "pa",
}

# qwen3 realtime and file model voices (protocol.md §6.3): name -> (codes, description).
_QWEN3_MULTI: Final[tuple[str, ...]] = ("zh", "en", "fr", "de", "ru", "it", "es", "pt", "ja", "ko")
VOICES_3: Final[tuple[tuple[str, tuple[str, ...], str], ...]] = (
    ("Cherry", _QWEN3_MULTI, "Default voice; Mandarin and nine more languages."),
    ("Nofish", _QWEN3_MULTI, "Mandarin and nine more languages."),
    ("Ethan", _QWEN3_MULTI, "Mandarin and nine more languages."),
    ("Jada", ("zh",), "Shanghainese dialect voice (Chinese only)."),
    ("Dylan", ("zh",), "Beijing dialect voice (Chinese only)."),
    ("Sunny", ("zh",), "Sichuanese dialect voice (Chinese only)."),
    ("Peter", ("zh",), "Tianjin dialect voice (Chinese only)."),
    ("Eric", ("zh",), "Sichuanese dialect voice (Chinese only)."),
    ("Kiki", ("yue",), "Cantonese voice (Cantonese only)."),
)

# qwen3.5 documented voices (protocol.md §6.3): each speaks all 29 speech languages.
VOICES_35_DOCUMENTED: Final[tuple[tuple[str, str], ...]] = (
    ("Tina", "Default voice; Mandarin and the other 28 speech languages."),
    ("Cindy", "Taiwan-accented Mandarin and the other 28 speech languages."),
    ("Liora Mira", "Mandarin and the other 28 speech languages."),
    ("Sunnybobi", "Mandarin and the other 28 speech languages."),
    ("Raymond", "Mandarin and the other 28 speech languages."),
    ("Ethan", "Mandarin and the other 28 speech languages."),
    ("Theo Calm", "Mandarin and the other 28 speech languages."),
)

# The 56 preset names the official demo accepts for qwen3.5 (the 7 documented first). Validity and
# coverage of the other 49 are UNCONFIRMED.
VOICES_35_DEMO: Final[tuple[str, ...]] = (
    "Tina", "Cindy", "Liora Mira", "Sunnybobi", "Raymond", "Ethan", "Theo Calm",
    "Serena", "Harvey", "Maia", "Evan", "Qiao", "Momo", "Wil", "Angel", "Li Cassian", "Mia",
    "Joyner", "Gold", "Katerina", "Ryan", "Jennifer", "Aiden", "Mione", "Sunny", "Dylan", "Eric",
    "Peter", "Joseph Chen", "Marcus", "Li", "Kiki", "Rocky", "Sohee", "Lenn", "Ono Anna",
    "Sonrisa", "Bodega", "Emilien", "Andre", "Radio Gol", "Alek", "Rizky", "Roya", "Arda", "Hana",
    "Dolce", "Jakub", "Griet", "Eliška", "Marina", "Siiri", "Ingrid", "Sigga", "Bea", "Chloe",
)  # fmt: skip

# The 47-voice "Qwen3.5-LiveTranslate-Flash-Realtime series" list, which a third-party catalogue
# gives for 3.8 (protocol-3.8.md §4). Only Tina (the default) is documented for 3.8.
VOICES_38: Final[tuple[str, ...]] = (
    "Tina", "Cindy", "Liora Mira", "Sunnybobi", "Raymond", "Ethan", "Theo Calm",
    "Serena", "Harvey", "Maia", "Evan", "Qiao", "Momo", "Wil", "Angel", "Li Cassian", "Mia",
    "Joyner", "Gold", "Katerina", "Ryan", "Jennifer", "Aiden", "Mione", "Sohee", "Lenn",
    "Ono Anna", "Sonrisa", "Bodega", "Emilien", "Andre", "Radio Gol", "Alek", "Rizky", "Roya",
    "Arda", "Hana", "Dolce", "Jakub", "Griet", "Eliška", "Marina", "Siiri", "Ingrid", "Sigga",
    "Bea", "Chloe",
)  # fmt: skip


class ModelSpec(TypedDict):
    """Constructor arguments of ``registry.ModelInfo`` except ``languages`` and ``voices``."""

    id: str
    snapshots: tuple[str, ...]
    kind: ModelKind
    generation: Literal["3", "3.5", "3.8"]
    description: str
    default_voice: str
    input_audio_formats: tuple[str, ...]
    output_audio_formats: tuple[str, ...]
    input_sample_rates: tuple[int, ...]
    input_sample_rate_range: tuple[int, int] | None
    output_sample_rate: int
    input_audio_tokens_per_second: Decimal
    input_audio_tokens_confirmed: bool
    output_audio_tokens_per_second: Decimal
    min_billed_audio_seconds: int
    image_token_block_px: int | None
    supports_images: bool
    supports_video: bool
    supports_voice_clone: bool
    supports_manual_commit: bool
    supports_source_language: bool
    supports_same_language_skip: bool
    supports_diarization: bool
    transcription_billed: bool
    transcription_always_on: bool
    turn_detection_modes: tuple[TurnDetectionMode, ...]
    default_turn_detection: TurnDetectionMode | None
    regions: tuple[RegionName, ...]
    legacy_hosts_documented: bool
    latency_seconds: float | None
    context_window: int
    max_input_tokens: int
    max_output_tokens: int
    rate_limit_rpm: int
    rate_limit_tpm: int
    notes: tuple[str, ...]


# Sources: protocol.md §1.4, §1.6, §2.1, §4, §5, §7; protocol-3.8.md §1, §2.1, §4, §5, §6.
_QWEN35_SPEC = ModelSpec(
    id="qwen3.5-livetranslate-flash-realtime",
    snapshots=("qwen3.5-livetranslate-flash-realtime-2026-05-19",),
    kind="realtime",
    generation="3.5",
    description="Current realtime interpreter: 60 languages, 29 with speech output.",
    default_voice="Tina",
    input_audio_formats=("pcm", "opus"),
    output_audio_formats=("pcm",),
    input_sample_rates=(8000, 16000),
    input_sample_rate_range=None,
    input_audio_tokens_per_second=Decimal(7),
    input_audio_tokens_confirmed=True,
    min_billed_audio_seconds=0,
    image_token_block_px=32,
    supports_images=True,
    supports_video=False,
    supports_voice_clone=True,
    supports_manual_commit=True,
    supports_source_language=True,
    supports_same_language_skip=True,
    supports_diarization=False,
    transcription_billed=True,
    transcription_always_on=False,
    turn_detection_modes=("server_vad", "manual"),
    default_turn_detection="server_vad",
    regions=("intl", "cn"),
    legacy_hosts_documented=True,
    latency_seconds=2.8,
    rate_limit_rpm=10,
    notes=(
        "Opus framing (raw packets or Ogg) is UNCONFIRMED.",
        "49 of the 56 voice names come only from the official demo; they are UNCONFIRMED.",
        "same_language_skip_options only takes effect when the target is zh or en.",
    ),
    output_sample_rate=24000,
    output_audio_tokens_per_second=Decimal("12.5"),
    context_window=53248,
    max_input_tokens=49152,
    max_output_tokens=4096,
    rate_limit_tpm=100_000,
)

_QWEN38_SPEC = ModelSpec(
    id="qwen3.8-livetranslate-flash-realtime",
    snapshots=(),
    kind="realtime",
    generation="3.8",
    description="Newest realtime interpreter: nested schema, speaker diarization, free ASR.",
    default_voice="Tina",
    input_audio_formats=("pcm",),
    output_audio_formats=("pcm",),
    input_sample_rates=(16000,),
    input_sample_rate_range=None,
    input_audio_tokens_per_second=Decimal(7),
    input_audio_tokens_confirmed=True,
    min_billed_audio_seconds=0,
    image_token_block_px=32,
    supports_images=True,
    supports_video=False,
    supports_voice_clone=True,
    supports_manual_commit=False,
    supports_source_language=False,
    supports_same_language_skip=False,
    supports_diarization=True,
    transcription_billed=False,
    transcription_always_on=True,
    turn_detection_modes=("speaker_detection", "server_vad"),
    default_turn_detection="speaker_detection",
    regions=("intl", "cn"),
    legacy_hosts_documented=False,
    latency_seconds=2.3,
    rate_limit_rpm=10,
    notes=(
        "Only workspace hosts are documented; the legacy dashscope hosts are UNCONFIRMED.",
        "Only pcm at 16000 Hz is documented; opus and 8000 Hz are UNCONFIRMED.",
        "Preset voices other than Tina are UNCONFIRMED.",
        "The source language is always auto-detected and cannot be set.",
        "Source transcription is always on and is not billed.",
        "Manual commit is not documented.",
    ),
    output_sample_rate=24000,
    output_audio_tokens_per_second=Decimal("12.5"),
    context_window=53248,
    max_input_tokens=49152,
    max_output_tokens=4096,
    rate_limit_tpm=100_000,
)

_QWEN3_SPEC = ModelSpec(
    id="qwen3-livetranslate-flash-realtime",
    snapshots=("qwen3-livetranslate-flash-realtime-2025-09-22",),
    kind="realtime",
    generation="3",
    description="Legacy realtime interpreter: 18 languages, 11 with speech output.",
    default_voice="Cherry",
    input_audio_formats=("pcm16",),
    output_audio_formats=("pcm24",),
    input_sample_rates=(16000,),
    input_sample_rate_range=None,
    input_audio_tokens_per_second=Decimal("12.5"),
    input_audio_tokens_confirmed=True,
    min_billed_audio_seconds=0,
    image_token_block_px=28,
    supports_images=True,
    supports_video=False,
    supports_voice_clone=False,
    supports_manual_commit=False,
    supports_source_language=True,
    supports_same_language_skip=False,
    supports_diarization=False,
    transcription_billed=True,
    transcription_always_on=False,
    turn_detection_modes=("server_vad",),
    default_turn_detection="server_vad",
    regions=("intl", "cn"),
    legacy_hosts_documented=True,
    latency_seconds=3.0,
    rate_limit_rpm=10,
    notes=(
        "The input sample rate is not documented; 16000 Hz is implied.",
        "Manual commit is not documented (third parties report it is rejected).",
    ),
    output_sample_rate=24000,
    output_audio_tokens_per_second=Decimal("12.5"),
    context_window=53248,
    max_input_tokens=49152,
    max_output_tokens=4096,
    rate_limit_tpm=100_000,
)

_QWEN3_FILE_SPEC = ModelSpec(
    id="qwen3-livetranslate-flash",
    snapshots=("qwen3-livetranslate-flash-2025-12-01",),
    kind="file",
    generation="3",
    description="File translation over chat completions (audio or video in, text/speech out).",
    default_voice="Cherry",
    input_audio_formats=("wav", "mp3", "flac", "aac", "ogg", "opus", "m4a", "wma", "amr"),
    output_audio_formats=("wav",),
    input_sample_rates=(8000, 16000, 22050, 24000, 32000, 44100, 48000),
    input_sample_rate_range=(8000, 48000),
    input_audio_tokens_per_second=Decimal("12.5"),
    input_audio_tokens_confirmed=False,
    min_billed_audio_seconds=1,
    image_token_block_px=None,
    supports_images=False,
    supports_video=True,
    supports_voice_clone=False,
    supports_manual_commit=False,
    supports_source_language=True,
    supports_same_language_skip=False,
    supports_diarization=False,
    transcription_billed=False,
    transcription_always_on=False,
    turn_detection_modes=(),
    default_turn_detection=None,
    regions=("intl", "cn"),
    legacy_hosts_documented=True,
    latency_seconds=None,
    rate_limit_rpm=100,
    notes=(
        "The input audio token rate is UNCONFIRMED (12.5/s assumed, as for Omni-Flash).",
        "Input audio shorter than 1 s is billed as 1 s.",
        "Any input sample rate from 8000 to 48000 Hz is accepted.",
        "The international price is not published.",
    ),
    output_sample_rate=24000,
    output_audio_tokens_per_second=Decimal("12.5"),
    context_window=53248,
    max_input_tokens=49152,
    max_output_tokens=4096,
    rate_limit_tpm=100_000,
)

MODEL_SPECS: Final[tuple[ModelSpec, ...]] = (
    _QWEN35_SPEC,
    _QWEN38_SPEC,
    _QWEN3_SPEC,
    _QWEN3_FILE_SPEC,
)

# model id -> (language codes, codes with speech output)
MODEL_LANGUAGES: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "qwen3.5-livetranslate-flash-realtime": (CODES_35, SPEECH_35),
    "qwen3.8-livetranslate-flash-realtime": (CODES_35, SPEECH_35),
    "qwen3-livetranslate-flash-realtime": (CODES_3, SPEECH_3),
    "qwen3-livetranslate-flash": (CODES_3, SPEECH_3),
}

# The two regions that serve LiveTranslate (protocol.md §1.1, §1.5, §5).
REGION_SPECS: Final[tuple[RegionSpec, ...]] = (
    RegionSpec(
        name="intl",
        label="International (Singapore, ap-southeast-1)",
        region_id="ap-southeast-1",
        aliases=("singapore", "ap-southeast-1", "international", "sg"),
        legacy_ws_host="dashscope-intl.aliyuncs.com",
        workspace_host_template="{workspace}.ap-southeast-1.maas.aliyuncs.com",
    ),
    RegionSpec(
        name="cn",
        label="China mainland (Beijing, cn-beijing)",
        region_id="cn-beijing",
        aliases=("beijing", "cn-beijing", "china", "mainland"),
        legacy_ws_host="dashscope.aliyuncs.com",
        workspace_host_template="{workspace}.cn-beijing.maas.aliyuncs.com",
    ),
)
