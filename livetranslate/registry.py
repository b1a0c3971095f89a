"""Models, languages, voices and regions: frozen records, lookups, validation and URLs.

Pure data and pure functions: cheap to import, safe to call before anything touches the network.
Lookups are case-insensitive; an unknown name raises
[`ConfigurationError`][livetranslate.exceptions.ConfigurationError] with close valid values in
``suggestions``. Every ``model`` parameter takes a model id, a dated snapshot id or a
[`ModelInfo`][livetranslate.registry.ModelInfo].

Facts come from the vendor documentation. Where it is incomplete the record says so:
``Voice.documented`` is False for voice names seen only in the official demo or the shared
47-voice list, and ``ModelInfo.notes`` lists each model's UNCONFIRMED points.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from livetranslate import _registry_data as _data
from livetranslate.exceptions import ConfigurationError
from livetranslate.types import CloneFrequency, ModelKind, RegionName, TurnDetectionMode

__all__ = [
    "DEFAULT_FILE_MODEL",
    "DEFAULT_REALTIME_MODEL",
    "Language",
    "ModelInfo",
    "Region",
    "Voice",
    "compatible_base_url",
    "get_language",
    "get_model",
    "get_region",
    "get_voice",
    "list_languages",
    "list_models",
    "list_regions",
    "list_voices",
    "realtime_url",
    "tokens_url",
    "validate_clone",
    "validate_sample_rate",
    "validate_source",
    "validate_target",
    "validate_voice",
]

DEFAULT_REALTIME_MODEL = "qwen3.5-livetranslate-flash-realtime"
"""The realtime model used when none is given."""

DEFAULT_FILE_MODEL = "qwen3-livetranslate-flash"
"""The file-translation (chat-completions) model used when none is given."""

_CLONE_PREFIX = "qwen-translate-vc-"
_WORKSPACE_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-")
_FOLD = str.maketrans("šéèêëáàâäíìîïóòôöúùûüñçåø", "seeeeaaaaiiiioooouuuuncao")


# ------------------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class Language:
    """A language as one model supports it.

    The same code can differ between models (``yue`` has speech output on qwen3 but is text-only
    on 3.5/3.8), so a record belongs to the model it was looked up for. ``str()`` gives the code.

    Attributes:
        code: The code sent on the wire, e.g. ``"en"``, ``"fil"``, ``"yue"``.
        name: The English name, e.g. ``"English"``.
        speech_output: Whether the model can speak translations into this language.
        model: The model id this record describes.
    """

    code: str
    name: str
    speech_output: bool
    model: str

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True, slots=True)
class Voice:
    """A preset output voice of one model.

    Attributes:
        name: The name sent on the wire, e.g. ``"Tina"``.
        languages: Codes of the languages the voice can speak.
        description: A short human description.
        documented: False for names the vendor does not document for this model (official demo
            or shared 47-voice list only); their coverage is UNCONFIRMED, assumed equal to Tina's.
        model: The model id this record describes.
    """

    name: str
    languages: frozenset[str]
    description: str
    documented: bool
    model: str

    def speaks(self, code: str) -> bool:
        """Return whether the voice covers the language code (exact code, e.g. ``"en"``)."""
        return code in self.languages

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """What one LiveTranslate model accepts, produces and costs in tokens.

    Attributes:
        id: The model id (the stable alias), e.g. ``"qwen3.5-livetranslate-flash-realtime"``.
        snapshots: Dated snapshot ids that behave like the alias.
        kind: ``"realtime"`` (WebSocket) or ``"file"`` (chat completions).
        generation: ``"3"``, ``"3.5"`` or ``"3.8"``.
        description: One line for listings.
        languages: Every supported language (source and target), as records of this model.
        voices: Preset voices.
        default_voice: The voice used when none is given.
        input_audio_formats: Accepted input audio formats (wire names; file types for files).
        output_audio_formats: Output audio formats (wire names).
        input_sample_rates: Accepted input sample rates in Hz. For the file model these are the
            common rates inside ``input_sample_rate_range``; any rate in that range is accepted.
        input_sample_rate_range: ``(low, high)`` Hz where any rate is accepted, else None.
        output_sample_rate: Output sample rate in Hz (mono PCM16).
        input_audio_tokens_per_second: Billed input audio tokens per second.
        input_audio_tokens_confirmed: False where that rate is UNCONFIRMED (file model).
        output_audio_tokens_per_second: Billed output audio tokens per second.
        min_billed_audio_seconds: Input audio shorter than this bills as this long (file model: 1).
        image_token_block_px: Side of the pixel block billed as half a token, or None (no images).
        supports_images: Whether camera frames can be sent (realtime models).
        supports_video: Whether a video file can be sent (file model).
        supports_voice_clone: Whether voice cloning is available.
        supports_manual_commit: Whether manual turn detection with commits is documented.
        supports_source_language: Whether the source language can be set (else auto-detected).
        supports_same_language_skip: Whether ``same_language_skip_options`` is available.
        supports_diarization: Whether speaker ids are reported.
        transcription_billed: Whether source transcripts are billed as output text.
        transcription_always_on: Whether source transcription cannot be turned off.
        turn_detection_modes: Documented segmentation modes.
        default_turn_detection: The mode the service uses by default, or None (file model).
        regions: Regions that serve the model.
        legacy_hosts_documented: False where only workspace hosts are documented (3.8); using the
            legacy ``dashscope(-intl)`` hosts is then UNCONFIRMED.
        latency_seconds: The vendor's latency claim, or None.
        context_window: Context window in tokens.
        max_input_tokens: Maximum input tokens.
        max_output_tokens: Maximum output tokens.
        rate_limit_rpm: Requests (session starts) per minute per account.
        rate_limit_tpm: Tokens per minute per account.
        notes: UNCONFIRMED points and caveats, one sentence each.
    """

    id: str
    snapshots: tuple[str, ...]
    kind: ModelKind
    generation: Literal["3", "3.5", "3.8"]
    description: str
    languages: tuple[Language, ...]
    voices: tuple[Voice, ...]
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

    def speech_languages(self) -> tuple[Language, ...]:
        """Return the languages this model can speak translations into."""
        return tuple(lang for lang in self.languages if lang.speech_output)

    def supports_language(self, code: str) -> bool:
        """Return whether ``code`` (a code, English name or alias) is supported by this model."""
        try:
            get_language(code, model=self)
        except ConfigurationError:
            return False
        return True

    def language(self, code: str) -> Language:
        """Return this model's record for a code, English name or alias (see `get_language`)."""
        return get_language(code, model=self)

    def voice(self, name: str) -> Voice:
        """Return this model's preset voice called ``name`` (case-insensitive)."""
        return get_voice(name, model=self)


@dataclass(frozen=True, slots=True)
class Region:
    """A service region and its hosts.

    Attributes:
        name: ``"intl"`` (Singapore) or ``"cn"`` (Beijing).
        label: A human label.
        region_id: The cloud region id, e.g. ``"ap-southeast-1"``.
        aliases: Other accepted spellings (lower case).
        legacy_ws_host: The shared host for WebSocket and HTTP, e.g.
            ``"dashscope-intl.aliyuncs.com"``.
        workspace_host_template: The per-workspace host, with a ``{workspace}`` placeholder.
    """

    name: RegionName
    label: str
    region_id: str
    aliases: tuple[str, ...]
    legacy_ws_host: str
    workspace_host_template: str

    def host(self, workspace: str | None = None) -> str:
        """Return the workspace host when ``workspace`` is given (checked), else the legacy host."""
        if workspace is None:
            return self.legacy_ws_host
        return self.workspace_host_template.format(workspace=_check_workspace(workspace))


# ------------------------------------------------------------------------------------ helpers


def _voice_key(name: str) -> str:
    return "".join(name.casefold().translate(_FOLD).replace("-", " ").replace("_", " ").split())


def _lang_key(text: str) -> str:
    return " ".join(text.strip().casefold().replace("_", "-").split())


def _quote_list(values: Iterable[str], last: str = ", ") -> str:
    quoted = [repr(v) for v in values]
    return last.join([", ".join(quoted[:-1]), quoted[-1]]) if len(quoted) > 1 else "".join(quoted)


def _close(key: str, candidates: dict[str, str], limit: int = 3) -> tuple[str, ...]:
    """Return up to ``limit`` distinct values whose key is close to ``key`` (best first).

    Only matches nearly as good as the best one are kept, so "englsh" suggests English alone.
    """
    scored = sorted(
        ((difflib.SequenceMatcher(None, key, cand).ratio(), cand) for cand in candidates),
        key=lambda pair: -pair[0],
    )
    best = scored[0][0] if scored else 0.0
    out: list[str] = []
    for score, cand in scored:
        if score >= 0.6 and score >= best - 0.15 and candidates[cand] not in out:
            out.append(candidates[cand])
    return tuple(out[:limit])


def _check_workspace(workspace: str) -> str:
    value: object = workspace
    ws = value.strip() if isinstance(value, str) else ""
    if not 0 < len(ws) <= 63 or not set(ws) <= _WORKSPACE_CHARS or "-" in (ws[0], ws[-1]):
        raise ConfigurationError(
            f"Invalid workspace id {workspace!r}: use the id from the Model Studio console "
            "(letters, digits and hyphens only, e.g. 'llm-abc123'), or pass workspace=None to "
            "use the shared host."
        )
    return ws


# ---------------------------------------------------------------------------------- the tables

_REGIONS: tuple[Region, ...] = tuple(Region(**spec) for spec in _data.REGION_SPECS)


def _voices(model: str, generation: str) -> tuple[Voice, ...]:
    if generation == "3":
        return tuple(Voice(n, frozenset(c), t, True, model) for n, c, t in _data.VOICES_3)
    described = dict(_data.VOICES_35_DOCUMENTED)
    names = _data.VOICES_35_DEMO if generation == "3.5" else _data.VOICES_38
    known = frozenset(described) if generation == "3.5" else frozenset({"Tina"})
    coverage = frozenset(_data.SPEECH_35)
    unknown = (
        "Preset name outside the documented list; acceptance and language coverage are "
        "UNCONFIRMED (assumed the same as Tina)."
    )
    return tuple(
        Voice(n, coverage, described[n] if n in known else unknown, n in known, model)
        for n in names
    )


def _build_models() -> tuple[ModelInfo, ...]:
    out: list[ModelInfo] = []
    for spec in _data.MODEL_SPECS:
        model = spec["id"]
        codes, speech = _data.MODEL_LANGUAGES[model]
        speaking = frozenset(speech)
        ordered = sorted(codes, key=lambda c: c not in speaking)  # speech first, else doc order
        languages = tuple(
            Language(c, _data.LANGUAGE_NAMES[c], c in speaking, model) for c in ordered
        )
        out.append(
            ModelInfo(languages=languages, voices=_voices(model, spec["generation"]), **spec)
        )
    return tuple(out)


_MODELS: tuple[ModelInfo, ...] = _build_models()
# case-folded id or snapshot -> (model, the id as spelled by the vendor)
_MODEL_KEYS: dict[str, tuple[ModelInfo, str]] = {
    name.casefold(): (info, name) for info in _MODELS for name in (info.id, *info.snapshots)
}
# model id -> code -> record
_LANGS: dict[str, dict[str, Language]] = {
    info.id: {lang.code: lang for lang in info.languages} for info in _MODELS
}
# model id -> folded voice name -> record
_VOICES: dict[str, dict[str, Voice]] = {
    info.id: {_voice_key(v.name): v for v in info.voices} for info in _MODELS
}
_NAME_TO_CODE: dict[str, str] = {name.casefold(): c for c, name in _data.LANGUAGE_NAMES.items()}


def _resolve_code(key: str) -> str | None:
    """Map a normalised code, English name or alias to one of the 60 codes, or None."""
    for candidate in (key, key.split("-", 1)[0]):  # the base code of "en-us" is "en"
        if candidate in _data.LANGUAGE_NAMES:
            return candidate
        if candidate in _data.LANGUAGE_ALIASES:
            return _data.LANGUAGE_ALIASES[candidate]
    return _NAME_TO_CODE.get(key)


# ------------------------------------------------------------------------------------- models


def get_model(name: str | ModelInfo) -> ModelInfo:
    """Return the model with this id or snapshot id (case-insensitive).

    Args:
        name: A model id, one of its dated snapshots, or a ModelInfo (returned as is).

    Raises:
        ConfigurationError: The model is unknown; ``suggestions`` holds close model ids.
    """
    if isinstance(name, ModelInfo):
        return name
    if not isinstance(name, str):
        raise ConfigurationError(f"A model must be a model id string, got {type(name).__name__}.")
    found = _MODEL_KEYS.get(name.strip().casefold())
    if found is not None:
        return found[0]
    candidates = {key: info.id for key, (info, _) in _MODEL_KEYS.items()}
    suggestions = _close(name.strip().casefold(), candidates)
    hint = f"did you mean {_quote_list(suggestions, ' or ')}? " if suggestions else ""
    raise ConfigurationError(
        f"Unknown model {name!r}; {hint}known models: {_quote_list(m.id for m in _MODELS)}.",
        suggestions=suggestions,
    )


def list_models(kind: ModelKind | None = None) -> tuple[ModelInfo, ...]:
    """Return every known model, or only those of ``kind`` (``"realtime"`` or ``"file"``)."""
    if kind is None:
        return _MODELS
    if kind not in ("realtime", "file"):
        raise ConfigurationError(f"Unknown model kind {kind!r}; use 'realtime', 'file' or None.")
    return tuple(m for m in _MODELS if m.kind == kind)


# ---------------------------------------------------------------------------------- languages


def list_languages(model: str | ModelInfo = DEFAULT_REALTIME_MODEL) -> tuple[Language, ...]:
    """Return every language the model supports, speech-capable ones first."""
    return get_model(model).languages


def get_language(
    code_or_name: str | Language, model: str | ModelInfo = DEFAULT_REALTIME_MODEL
) -> Language:
    """Return the model's record for a language code, English name or common alias.

    Matching is case-insensitive. Besides the codes and English names it accepts ``no`` (nb),
    ``tl``/``Tagalog`` (fil), ``zh-CN``/``cmn``/``Mandarin`` (zh), ``Farsi`` (fa) and similar,
    and drops a region suffix (``en-US``, ``pt_BR``) when the base code exists.

    Args:
        code_or_name: What to look up; a Language is looked up again by its code.
        model: The model.

    Raises:
        ConfigurationError: The language is unknown (``suggestions`` holds close codes) or the
            model does not support it.
    """
    info = get_model(model)
    text = code_or_name.code if isinstance(code_or_name, Language) else code_or_name
    if not isinstance(text, str):
        raise ConfigurationError(
            f"A language must be a code or English name, got {type(text).__name__}."
        )
    key = _lang_key(text)
    code = _resolve_code(key)
    langs = _LANGS[info.id]
    if code is not None and code in langs:
        return langs[code]
    see = f"See `livetranslate languages --model {info.id}`."
    if code is not None:
        others = [m.id for m in _MODELS if code in _LANGS[m.id]]
        raise ConfigurationError(
            f"Language {code!r} ({_data.LANGUAGE_NAMES[code]}) is not supported by {info.id}; "
            f"use a model that supports it ({', '.join(others)}) or pick another language. {see}"
        )
    candidates: dict[str, str] = {}
    for lang in langs.values():
        candidates[lang.code] = lang.code
        candidates[lang.name.casefold()] = lang.code
    for alias, target in _data.LANGUAGE_ALIASES.items():
        if target in langs:
            candidates[alias] = target
    suggestions = _close(key, candidates)
    if suggestions:
        names = " or ".join(f"{c!r} ({langs[c].name})" for c in suggestions)
        raise ConfigurationError(
            f"Unknown language {text!r} for {info.id}; did you mean {names}? {see}",
            suggestions=suggestions,
        )
    raise ConfigurationError(
        f"Unknown language {text!r} for {info.id}; use one of its {len(langs)} language codes. "
        f"{see}"
    )


# ------------------------------------------------------------------------------------- voices


def list_voices(model: str | ModelInfo = DEFAULT_REALTIME_MODEL) -> tuple[Voice, ...]:
    """Return the model's preset voices (documented ones first)."""
    return get_model(model).voices


def get_voice(name: str | Voice, model: str | ModelInfo = DEFAULT_REALTIME_MODEL) -> Voice:
    """Return the model's preset voice called ``name``.

    Matching ignores case, spaces, hyphens, underscores and accents (``"theo_calm"`` finds
    ``Theo Calm``, ``"Eliska"`` finds ``Eliška``). ``"default"`` and cloned voice ids
    (``qwen-translate-vc-…``) are not presets: they belong to voice cloning, see
    [`validate_clone`][livetranslate.registry.validate_clone].

    Args:
        name: The voice name; a Voice is looked up again by name.
        model: The model.

    Raises:
        ConfigurationError: No such preset on this model; ``suggestions`` holds close names.
    """
    info = get_model(model)
    text = name.name if isinstance(name, Voice) else name
    if not isinstance(text, str):
        raise ConfigurationError(f"A voice must be a name string, got {type(text).__name__}.")
    voices = _VOICES[info.id]
    key = _voice_key(text)
    if key in voices:
        return voices[key]
    see = f"See `livetranslate voices --model {info.id}`."
    if key == "default" or text.strip().casefold().startswith(_CLONE_PREFIX):
        how = "'once' or 'always'" if key == "default" else "frequency 'never'"
        where = "enable it" if info.supports_voice_clone else f"{info.id} has no voice cloning"
        raise ConfigurationError(
            f"{text!r} is not a preset voice: it is only valid with voice cloning ({how}); "
            f"{where}, or pick a preset such as {info.default_voice!r}. {see}",
            suggestions=(info.default_voice,),
        )
    suggestions = _close(key, {k: v.name for k, v in voices.items()})
    hint = f"did you mean {_quote_list(suggestions, ' or ')}? " if suggestions else ""
    raise ConfigurationError(
        f"Unknown voice {text!r} for {info.id}; {hint}the default is {info.default_voice!r}. {see}",
        suggestions=suggestions,
    )


# --------------------------------------------------------------------------------- validation


def validate_target(model: str | ModelInfo, language: str | Language, *, speech: bool) -> Language:
    """Check a target language for the model and the requested output; return its record.

    Args:
        model: The model.
        language: The target code, English name or alias.
        speech: Whether translated speech (audio output) is requested.

    Raises:
        ConfigurationError: Unknown or unsupported language, or speech requested for a
            text-only target (``suggestions`` then holds the speech-capable codes).
    """
    info = get_model(model)
    lang = get_language(language, model=info)
    if speech and not lang.speech_output:
        codes = tuple(x.code for x in info.speech_languages())
        raise ConfigurationError(
            f"Target language {lang.code!r} ({lang.name}) has text output only on {info.id}; "
            f"use modalities=('text',) or pick one of: {', '.join(codes)}.",
            suggestions=codes,
        )
    return lang


def validate_voice(
    model: str | ModelInfo,
    voice: str | Voice,
    *,
    target_language: str | Language | None = None,
) -> Voice:
    """Check a preset voice (and, when speech is requested, the target); return its record.

    Pass ``target_language`` only when audio output is requested; the voice must then speak it.
    Voice cloning values (``"default"``, cloned ids) are checked by
    [`validate_clone`][livetranslate.registry.validate_clone] instead.

    Args:
        model: The model.
        voice: The preset voice name.
        target_language: The target language when speech output is requested, else None.

    Raises:
        ConfigurationError: Unknown voice, text-only target, or a voice that does not speak the
            target (``suggestions`` then holds voices that do).
    """
    info = get_model(model)
    record = get_voice(voice, model=info)
    if target_language is None:
        return record
    lang = validate_target(info, target_language, speech=True)
    if record.speaks(lang.code):
        return record
    able = sorted((v for v in info.voices if v.speaks(lang.code)), key=lambda v: not v.documented)
    names = tuple(v.name for v in able)
    shown = ", ".join(names[:8]) + (", …" if len(names) > 8 else "")
    raise ConfigurationError(
        f"Voice {record.name!r} cannot speak {lang.code!r} ({lang.name}) on {info.id}; pick one "
        f"of: {shown}, or use modalities=('text',).",
        suggestions=names,
    )


def validate_clone(
    model: str | ModelInfo, frequency_or_id: str, voice: str | None = None
) -> tuple[CloneFrequency, str]:
    """Check a voice-cloning setting and return what to send as ``(frequency, voice)``.

    Cloning exists on 3.5 and 3.8 only. ``"once"``/``"always"`` need the voice ``"default"``
    (None means ``"default"``; any other voice is a server error). A cloned voice id
    (``qwen-translate-vc-…``) as ``frequency_or_id`` means ``"never"`` with that voice;
    ``"never"`` needs a cloned id as ``voice``. (The id must have been created for this model;
    that cannot be checked locally.)

    Args:
        model: The model.
        frequency_or_id: ``"once"``, ``"always"``, ``"never"`` or a cloned voice id.
        voice: The voice the caller asked for, if any.

    Returns:
        ``(frequency, voice)`` for ``voice_clone_options.frequency`` and ``voice``.

    Raises:
        ConfigurationError: Cloning unsupported, an unknown setting, or a voice that conflicts
            with the frequency.
    """
    info = get_model(model)
    if not info.supports_voice_clone:
        able = tuple(m.id for m in _MODELS if m.supports_voice_clone)
        raise ConfigurationError(
            f"Voice cloning is not available on {info.id}; use {' or '.join(able)}, or turn "
            "voice cloning off.",
            suggestions=able,
        )
    raw: object = frequency_or_id
    setting = raw.strip() if isinstance(raw, str) else ""
    lowered = setting.casefold()
    given = voice.strip() if voice is not None else None
    if lowered.startswith(_CLONE_PREFIX):
        if given is not None and given != setting:
            raise ConfigurationError(
                f"The cloned voice id {setting!r} already names the voice; remove voice={voice!r}."
            )
        return "never", setting
    if lowered in ("once", "always"):
        if given is None or given.casefold() == "default":
            return ("once" if lowered == "once" else "always"), "default"
        raise ConfigurationError(
            f"Voice cloning with frequency {lowered!r} needs voice='default' (or no voice), not "
            f"{voice!r}; remove the voice, or pass a cloned voice id (qwen-translate-vc-…) to "
            "use a fixed cloned voice."
        )
    if lowered == "never":
        if given is None or given.casefold() == "default" or _voice_key(given) in _VOICES[info.id]:
            got = "no voice" if given is None else f"voice={voice!r}"
            raise ConfigurationError(
                f"Voice cloning with frequency 'never' uses a pre-created cloned voice, but got "
                f"{got}; pass the cloned voice id (qwen-translate-vc-…) as the voice, or use "
                "'once'/'always' to clone live."
            )
        return "never", given
    options = {"once": "once", "always": "always", "never": "never"}
    raise ConfigurationError(
        f"Unknown voice clone setting {frequency_or_id!r}; use 'once', 'always', 'never' or a "
        "cloned voice id (qwen-translate-vc-…).",
        suggestions=_close(lowered, options) or ("once", "always", "never"),
    )


def validate_sample_rate(model: str | ModelInfo, rate: int) -> int:
    """Check an input sample rate (Hz) for the model and return it.

    Realtime models accept only their listed rates (3.5: 8000 or 16000; 3 and 3.8: 16000). The
    file model accepts any rate from 8000 to 48000 Hz.

    Args:
        model: The model.
        rate: The sample rate of the audio to send, in Hz.

    Raises:
        ConfigurationError: The rate is not accepted; the message says what to resample to.
    """
    info = get_model(model)
    span = info.input_sample_rate_range
    value: object = rate
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and ((span[0] <= value <= span[1]) if span else value in info.input_sample_rates)
    ):
        return value
    listed = ", ".join(str(r) for r in info.input_sample_rates)
    allowed = f"any rate from {span[0]} to {span[1]} Hz" if span else f"{listed} Hz"
    raise ConfigurationError(
        f"Sample rate {rate!r} Hz is not accepted by {info.id}; resample to 16000 Hz "
        f"(accepted: {allowed}).",
        suggestions=tuple(str(r) for r in info.input_sample_rates),
    )


def validate_source(model: str | ModelInfo, language: str | Language | None) -> Language | None:
    """Check a source language; return its record, or None to send no source language.

    ``None`` and ``"auto"`` mean automatic detection and return None. On models where the source
    language cannot be set (3.8 always auto-detects), the language is still checked (a typo still
    raises) but None is returned: the caller should warn that the setting is ignored.

    Args:
        model: The model.
        language: The source code, English name or alias, ``"auto"``, or None.

    Raises:
        ConfigurationError: Unknown or unsupported language.
    """
    info = get_model(model)
    if language is None or (isinstance(language, str) and _lang_key(language) == "auto"):
        return None
    lang = get_language(language, model=info)
    return lang if info.supports_source_language else None


# ------------------------------------------------------------------------------ regions, URLs


def list_regions() -> tuple[Region, ...]:
    """Return the regions that serve LiveTranslate (``intl`` and ``cn``)."""
    return _REGIONS


def get_region(name: str | Region) -> Region:
    """Return a region by name or alias (case-insensitive).

    Args:
        name: ``"intl"`` (``"singapore"``, ``"ap-southeast-1"``) or ``"cn"`` (``"beijing"``,
            ``"cn-beijing"``, ``"china"``), or a Region (returned as is).

    Raises:
        ConfigurationError: Unknown region; LiveTranslate is served in these two only.
    """
    value: object = name
    if isinstance(value, Region):
        return value
    key = value.strip().casefold() if isinstance(value, str) else ""
    candidates: dict[str, str] = {}
    for region in _REGIONS:
        for spelling in (region.name, *region.aliases):
            if key == spelling:
                return region
            candidates[spelling] = region.name
    suggestions = _close(key, candidates) or ("intl", "cn")
    raise ConfigurationError(
        f"Unknown region {name!r}; LiveTranslate is served in 'intl' (Singapore) and 'cn' "
        f"(Beijing) only; did you mean {_quote_list(suggestions, ' or ')}?",
        suggestions=suggestions,
    )


def realtime_url(
    model: str | ModelInfo = DEFAULT_REALTIME_MODEL,
    *,
    region: str | Region = "intl",
    workspace: str | None = None,
) -> str:
    """Return the realtime WebSocket URL for a model.

    ``wss://<host>/api-ws/v1/realtime?model=<id>``: the workspace host when ``workspace`` is
    given, else the legacy shared host; a snapshot id is sent as given. Only workspace hosts are
    documented for qwen3.8: without one this returns the legacy host, which is UNCONFIRMED there.

    Args:
        model: A realtime model.
        region: ``"intl"`` or ``"cn"`` (or an alias).
        workspace: The Model Studio workspace id, or None for the legacy host.

    Raises:
        ConfigurationError: Unknown model or region, a file model, or a malformed workspace id.
    """
    info = get_model(model)
    model_id = _MODEL_KEYS[model.strip().casefold()][1] if isinstance(model, str) else info.id
    if info.kind != "realtime":
        raise ConfigurationError(
            f"{info.id} is a file-translation model and has no realtime URL; use "
            f"compatible_base_url() for it, or a realtime model such as {DEFAULT_REALTIME_MODEL!r}."
        )
    host = get_region(region).host(workspace)
    return f"wss://{host}/api-ws/v1/realtime?model={model_id}"


def compatible_base_url(*, region: str | Region = "intl", workspace: str | None = None) -> str:
    """Return the OpenAI-compatible base URL (``https://<host>/compatible-mode/v1``).

    The Beijing workspace form is inferred from the other endpoints (UNCONFIRMED for files).

    Args:
        region: ``"intl"`` or ``"cn"`` (or an alias).
        workspace: The Model Studio workspace id, or None for the legacy host.

    Raises:
        ConfigurationError: Unknown region or malformed workspace id.
    """
    return f"https://{get_region(region).host(workspace)}/compatible-mode/v1"


def tokens_url(
    *, region: str | Region = "intl", workspace: str | None = None, expire_in_seconds: int = 60
) -> str:
    """Return the URL that mints a temporary API key (``POST``, ``Authorization: Bearer <key>``).

    Args:
        region: ``"intl"`` or ``"cn"`` (or an alias).
        workspace: The Model Studio workspace id, or None for the legacy host.
        expire_in_seconds: Lifetime of the temporary key, 1 to 1800 seconds (default 60).

    Raises:
        ConfigurationError: Unknown region, malformed workspace id, or a lifetime out of range.
    """
    ttl: object = expire_in_seconds
    if isinstance(ttl, bool) or not isinstance(ttl, int) or not 1 <= ttl <= 1800:
        raise ConfigurationError(
            f"expire_in_seconds must be a whole number from 1 to 1800, got {ttl!r}."
        )
    return f"https://{get_region(region).host(workspace)}/api/v1/tokens?expire_in_seconds={ttl}"
