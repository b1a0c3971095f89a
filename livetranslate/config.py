"""One validated session configuration for every realtime model generation.

Users describe what they want once ([`SessionConfig`][livetranslate.config.SessionConfig]); the
dialect of each model generation (see [`livetranslate.protocol.dialects`][]) turns it into that
generation's own ``session.update``. Validation happens here, before anything reaches the wire, and
every error says what to change.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, cast, get_args

from livetranslate import registry
from livetranslate.exceptions import ConfigurationError
from livetranslate.types import Modality, TurnDetectionMode

__all__ = ["MAX_KEYWORDS", "SessionConfig"]

MAX_KEYWORDS = 1000
"""The documented upper bound for glossary entries (``translation.corpus.phrases``)."""


def _freeze_keywords(keywords: Mapping[str, str] | None) -> Mapping[str, str] | None:
    if keywords is None:
        return None
    if not isinstance(keywords, Mapping):
        raise ConfigurationError(
            "keywords must be a mapping of source term to target rendering, "
            f"e.g. {{'人工智能': 'AI'}}; got {type(keywords).__name__}."
        )
    clean: dict[str, str] = {}
    given = cast("Mapping[object, object]", keywords)  # user input: check the runtime types
    for term, rendering in given.items():
        if not isinstance(term, str) or not isinstance(rendering, str):
            raise ConfigurationError(
                "keywords must map strings to strings; "
                f"the entry for {term!r} is {type(rendering).__name__}."
            )
        if not term.strip():
            raise ConfigurationError("keywords contain an empty source term; remove it.")
        clean[term] = rendering
    if len(clean) > MAX_KEYWORDS:
        raise ConfigurationError(
            f"keywords has {len(clean)} entries; the service documents at most {MAX_KEYWORDS}. "
            "Keep the terms this session needs."
        )
    return MappingProxyType(clean)


@dataclass(frozen=True, slots=True, kw_only=True)
class SessionConfig:
    """What a realtime session should do, independent of the model's wire dialect.

    Build it with keyword arguments; [`validated()`][livetranslate.config.SessionConfig.validated]
    checks it against the registry and returns a normalised copy (canonical model id, language
    codes, voice names). [`RealtimeSession`][livetranslate.RealtimeSession] does this for you.

    Attributes:
        model: A realtime model id (or a dated snapshot).
        source_language: The speaker's language, or None to let the service detect it. Ignored
            (with a warning) on models that always detect it (3.8).
        target_language: The language to translate into.
        modalities: ``("text",)`` or ``("text", "audio")`` (translated speech too).
        voice: A preset voice for translated speech; None uses the model's default. With voice
            cloning it must be None or ``"default"``.
        voice_clone: None (no cloning), ``"once"`` (clone the speaker at session start),
            ``"always"`` (re-clone before each output), or a pre-created clone id
            (``qwen-translate-vc-...``), which means frequency ``never`` (``"never"`` with the
            id as ``voice`` works too).
        keywords: Glossary: source term to fixed target rendering (at most 1000 entries).
        transcribe_source: Also stream the source-language transcript (always on for 3.8).
        sample_rate: Input PCM sample rate in Hz (16000, or 8000 where the model takes it).
        turn_detection: None for the model's default segmentation; ``"server_vad"``,
            ``"speaker_detection"`` (3.8, with diarization) or ``"manual"`` (3.5: you commit).
        vad_threshold: VAD threshold in [-1, 1] (3.5 ``server_vad``); None for the default.
        silence_duration_ms: Silence that ends an utterance, 200..6000 ms; None for the default.
    """

    model: str = registry.DEFAULT_REALTIME_MODEL
    source_language: str | None = None
    target_language: str = "en"
    modalities: tuple[Modality, ...] = ("text", "audio")
    voice: str | None = None
    voice_clone: str | None = None
    keywords: Mapping[str, str] | None = field(default=None)
    transcribe_source: bool = True
    sample_rate: int = 16000
    turn_detection: TurnDetectionMode | None = None
    vad_threshold: float | None = None
    silence_duration_ms: int | None = None

    @property
    def speech_output(self) -> bool:
        """Whether translated speech was asked for."""
        return "audio" in self.modalities

    @property
    def clone_frequency(self) -> str | None:
        """The wire ``voice_clone_options.frequency``, or None when not cloning."""
        if self.voice_clone is None:
            return None
        return self.voice_clone if self.voice_clone in ("once", "always") else "never"

    @property
    def wire_voice(self) -> str | None:
        """The wire ``voice`` value: ``default`` or the clone id when cloning, else the preset."""
        if self.voice_clone is None:
            return self.voice
        if self.clone_frequency == "never":
            return self.voice_clone
        return "default"

    def validated(self, *, warn: bool = True) -> SessionConfig:
        """Check every option against the registry and return a normalised copy.

        Args:
            warn: Emit a ``UserWarning`` for options the model ignores (a source language on
                3.8). The session passes True once and False on later updates.

        Returns:
            A new config with the canonical model id, language codes and voice name.

        Raises:
            ConfigurationError: An option is unknown, out of range or impossible with the others;
                the message says what to change.
        """
        model = registry.get_model(self.model)
        if model.kind != "realtime":
            raise ConfigurationError(
                f"{model.id} is a file model; RealtimeSession needs a realtime model such as "
                f"{registry.DEFAULT_REALTIME_MODEL} (use FileTranslator for {model.id})."
            )
        modalities = _check_modalities(self.modalities)
        speech = "audio" in modalities
        target = registry.validate_target(model.id, self.target_language, speech=speech).code
        source: str | None = None
        if self.source_language is not None:
            found = registry.validate_source(model.id, self.source_language)
            source = None if found is None else found.code
            if found is None and warn:
                warnings.warn(
                    f"{model.id} always detects the source language itself; "
                    f"source_language={self.source_language!r} is not sent.",
                    UserWarning,
                    stacklevel=3,
                )
        voice = self.voice
        voice_clone = self.voice_clone
        if voice_clone is not None:
            frequency, clone_voice = registry.validate_clone(model.id, voice_clone, voice)
            # Normalised: "once"/"always", or the cloned voice id (frequency "never").
            voice_clone = clone_voice if frequency == "never" else frequency
            voice = None
        elif voice is not None:
            if voice.lower() == "default":
                raise ConfigurationError(
                    "voice='default' only makes sense with voice cloning; pass "
                    "voice_clone='once' or 'always', or name a preset voice."
                )
            voice = registry.validate_voice(
                model.id, voice, target_language=target if speech else None
            ).name
        elif speech:
            registry.validate_voice(model.id, model.default_voice, target_language=target)
        registry.validate_sample_rate(model.id, self.sample_rate)
        turn = _check_turn_detection(model, self.turn_detection)
        if self.vad_threshold is not None and not -1.0 <= self.vad_threshold <= 1.0:
            raise ConfigurationError(
                f"vad_threshold={self.vad_threshold} is outside [-1, 1]; raise it in noisy rooms, "
                "lower it in quiet ones."
            )
        if self.silence_duration_ms is not None and not 200 <= self.silence_duration_ms <= 6000:
            raise ConfigurationError(
                f"silence_duration_ms={self.silence_duration_ms} is outside 200..6000 ms."
            )
        if model.generation == "3" and (
            self.vad_threshold is not None or self.silence_duration_ms is not None
        ):
            raise ConfigurationError(
                f"{model.id} does not take VAD settings; drop vad_threshold/silence_duration_ms "
                "or use qwen3.5-livetranslate-flash-realtime."
            )
        if (
            model.generation == "3.8"
            and turn in (None, "speaker_detection")
            and self.vad_threshold not in (None, 0.5)
        ):
            raise ConfigurationError(
                "speaker_detection fixes the threshold at 0.5 on "
                f"{model.id}; drop vad_threshold or use turn_detection='server_vad'."
            )
        if not isinstance(self.transcribe_source, bool):
            raise ConfigurationError("transcribe_source must be True or False.")
        return replace(
            self,
            model=model.id,
            source_language=source,
            target_language=target,
            modalities=modalities,
            voice=voice,
            voice_clone=voice_clone,
            keywords=_freeze_keywords(self.keywords),
            turn_detection=turn,
        )

    def with_changes(self, **changes: Any) -> SessionConfig:
        """Return a validated copy with some options changed (for mid-session updates).

        Args:
            **changes: Any of the config's fields.

        Returns:
            The new, validated config.

        Raises:
            ConfigurationError: An unknown option, or a value that fails validation.
        """
        unknown = sorted(set(changes) - set(self.__dataclass_fields__))
        if unknown:
            raise ConfigurationError(
                f"Unknown session option(s) {', '.join(unknown)}; valid options are "
                f"{', '.join(sorted(self.__dataclass_fields__))}."
            )
        if "model" in changes and registry.get_model(changes["model"]).id != self.model:
            raise ConfigurationError(
                "The model cannot change mid-session; open a new session for another model."
            )
        return replace(self, **changes).validated(warn=False)


def _check_modalities(modalities: object) -> tuple[Modality, ...]:
    if isinstance(modalities, str) or not isinstance(modalities, (tuple, list, set, frozenset)):
        raise ConfigurationError(
            f"modalities must be ('text',) or ('text', 'audio'); got {modalities!r}."
        )
    allowed = get_args(Modality)
    values = set(modalities)
    bad = sorted(str(m) for m in values if m not in allowed)
    if bad:
        raise ConfigurationError(
            f"Unknown modality {', '.join(bad)}; use ('text',) or ('text', 'audio')."
        )
    if "text" not in values:
        raise ConfigurationError(
            "The service always returns text: use ('text', 'audio') for speech, not ('audio',)."
        )
    return ("text", "audio") if "audio" in values else ("text",)


def _check_turn_detection(
    model: registry.ModelInfo, mode: TurnDetectionMode | None
) -> TurnDetectionMode | None:
    if mode is None:
        return None
    if mode not in get_args(TurnDetectionMode):
        raise ConfigurationError(
            f"turn_detection={mode!r} is unknown; use None (model default), 'server_vad', "
            "'speaker_detection' or 'manual'."
        )
    if mode not in model.turn_detection_modes:
        raise ConfigurationError(
            f"{model.id} does not support turn_detection={mode!r}; it supports "
            f"{', '.join(model.turn_detection_modes) or 'only its default segmentation'}."
        )
    return mode
