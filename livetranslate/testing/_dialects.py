"""Server side of the three wire dialects: session shapes and ``session.update`` validation.

One [`ServerDialect`][] per model generation holds the service's defaults, renders the effective
configuration as that generation's ``session.created`` / ``session.updated`` object, and validates
a ``session.update`` the way the service does: the first problem found becomes an
[`UpdateRejected`][] with the service's ``message`` and ``param``; nothing is applied then.

Choices where the docs are silent or disagree (protocol.md §2.1, §3.2; protocol-3.8.md §2.1):

- Unknown fields are accepted and ignored (not echoed). 3.8 accepts and ignores the 3.5 fields
  (``modalities``, ``input_audio_format``, ``turn_detection``, ``input_audio_transcription``...),
  which the official SDK sends to every model.
- ``input_audio_transcription: null`` or ``{"model": null}`` turns the source transcript off on
  3/3.5. The default is on for 3.5 (newest docs) and off for 3 (its own, older docs).
- Formats: 3 takes input ``pcm16`` only and output ``pcm24`` (or the SDK's ``pcm16``); 3.5 takes
  input ``pcm``/``opus``/``pcm16`` and output ``pcm`` (or ``pcm16``/``pcm24``). The echo uses the
  model's own spelling. ``turn_detection`` is ignored on 3 (not documented there).
- 3.8: with ``speaker_detection`` the threshold is fixed at 0.5; a client ``silence_duration_ms`` is
  not applied (a live trace showed it is not echoed); ``turn_detection: null`` is rejected.
- Error messages other than the documented modalities one are our wording (UNCONFIRMED).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from livetranslate import registry
from livetranslate.exceptions import LiveTranslateError

__all__ = ["ASR_MODEL", "EffectiveConfig", "ServerDialect", "TurnDetection", "UpdateRejected"]

ASR_MODEL = "qwen3-asr-flash-realtime"
CLONE_PREFIX = "qwen-translate-vc-"
_MODALITIES_MSG = (
    "Invalid modalities: {given}. Supported combinations are: ['text'] and ['audio', 'text']."
)


class UpdateRejected(LiveTranslateError):
    """A ``session.update`` the service would answer with an ``error`` event (never escapes)."""

    def __init__(self, message: str, param: str | None, code: str = "invalid_value") -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.code = code


@dataclass(frozen=True, slots=True)
class TurnDetection:
    """Server VAD settings (3.5 flat object; 3.8 nested under ``audio.input``)."""

    type: str = "server_vad"
    threshold: float = 0.2
    silence_duration_ms: int = 1000
    prefix_padding_ms: int = 300
    create_response: bool = True
    interrupt_response: bool = True


@dataclass(frozen=True, slots=True)
class EffectiveConfig:
    """The configuration a session runs with (one per ``session.updated``)."""

    session_id: str
    model: str
    modalities: tuple[str, ...]
    voice: str
    sample_rate: int
    input_format: str
    output_format: str
    transcription_model: str | None
    source_language: str | None
    turn_detection: TurnDetection | None
    target_language: str
    phrases: Mapping[str, Any] | None = None
    voice_clone: bool = False
    clone_frequency: str | None = None
    skip_options: Mapping[str, Any] | None = None

    @property
    def audio_out(self) -> bool:
        """Whether translated speech is produced."""
        return "audio" in self.modalities

    @property
    def manual(self) -> bool:
        """Whether the session is in manual-commit mode (3.5 ``turn_detection: null``)."""
        return self.turn_detection is None

    @property
    def transcribe(self) -> bool:
        """Whether source-transcript events are sent."""
        return self.transcription_model is not None


def _type_name(value: object) -> str:
    return "null" if value is None else type(value).__name__


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _object(value: object, param: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise UpdateRejected(f"Invalid type for '{param}': expected an object.", param)
    return value


class ServerDialect:
    """The service's behaviour for one model generation.

    Args:
        model: The model id as the client asked for it (alias or snapshot).
    """

    def __init__(self, model: str) -> None:
        self.info = registry.get_model(model)
        self.model = model
        self.generation = self.info.generation
        self.language_codes = frozenset(lang.code for lang in self.info.languages)
        self.speech_codes = frozenset(
            lang.code for lang in self.info.languages if lang.speech_output
        )
        self.voice_names = frozenset(v.name for v in self.info.voices)

    # ------------------------------------------------------------------ defaults and shapes

    def default_config(self, session_id: str) -> EffectiveConfig:
        """Return the configuration ``session.created`` announces."""
        gen = self.generation
        if gen == "3.8":
            turn: TurnDetection | None = TurnDetection(type="speaker_detection", threshold=0.5)
        else:
            turn = TurnDetection()
        return EffectiveConfig(
            session_id=session_id,
            model=self.model,
            modalities=("text", "audio"),
            voice=self.info.default_voice,
            sample_rate=16000,
            input_format="pcm16" if gen == "3" else "pcm",
            output_format="pcm24" if gen == "3" else "pcm",
            transcription_model=None if gen == "3" else ASR_MODEL,
            source_language=None,
            turn_detection=turn,
            target_language="en",
        )

    def render(self, cfg: EffectiveConfig) -> dict[str, Any]:
        """Return the ``session`` object of ``session.created`` / ``session.updated``."""
        head: dict[str, Any] = {
            "id": cfg.session_id,
            "object": "realtime.session",
            "model": cfg.model,
        }
        translation: dict[str, Any] = {"language": cfg.target_language}
        if cfg.phrases is not None:
            translation["corpus"] = {"phrases": dict(cfg.phrases)}
        if self.generation == "3.8":
            return self._render_38(cfg, head, translation)
        session = {**head, "modalities": list(cfg.modalities), "voice": cfg.voice}
        if self.generation == "3.5":
            session["sample_rate"] = cfg.sample_rate
        session["input_audio_format"] = cfg.input_format
        session["output_audio_format"] = cfg.output_format
        if cfg.transcription_model is not None:
            asr: dict[str, Any] = {"model": cfg.transcription_model}
            if cfg.source_language is not None:
                asr["language"] = cfg.source_language
            session["input_audio_transcription"] = asr
        if self.generation == "3.5" and cfg.turn_detection is not None:
            td = cfg.turn_detection
            session["turn_detection"] = {
                "type": td.type,
                "threshold": td.threshold,
                "prefix_padding_ms": td.prefix_padding_ms,
                "silence_duration_ms": td.silence_duration_ms,
                "create_response": td.create_response,
                "interrupt_response": td.interrupt_response,
            }
        if cfg.skip_options is not None:
            translation["same_language_skip_options"] = dict(cfg.skip_options)
        session["translation"] = translation
        self._render_clone(cfg, session)
        return session

    def _render_38(
        self, cfg: EffectiveConfig, head: dict[str, Any], translation: dict[str, Any]
    ) -> dict[str, Any]:
        td = cfg.turn_detection or TurnDetection(type="speaker_detection", threshold=0.5)
        session = {
            **head,
            "input_modalities": ["audio"],
            "output_modalities": list(cfg.modalities),
            "audio": {
                "input": {
                    "format": {"type": "pcm", "sample_rate": cfg.sample_rate},
                    "turn_detection": {
                        "type": td.type,
                        "threshold": td.threshold,
                        "silence_duration_ms": td.silence_duration_ms,
                    },
                },
                "output": {"format": {"type": "pcm", "sample_rate": 24000}, "voice": cfg.voice},
            },
            "translation": translation,
        }
        self._render_clone(cfg, session)
        return session

    @staticmethod
    def _render_clone(cfg: EffectiveConfig, session: dict[str, Any]) -> None:
        if cfg.voice_clone:
            session["enable_voice_clone"] = True
            session["voice_clone_options"] = {"frequency": cfg.clone_frequency}

    # ------------------------------------------------------------------------- validation

    def apply_update(self, cfg: EffectiveConfig, session: object) -> EffectiveConfig:
        """Validate a ``session.update``'s ``session`` object and return the new configuration.

        Raises:
            UpdateRejected: The service would reject the update; the old config stays.
        """
        s = _object(session, "session")
        if self.generation == "3.8":
            new, voice = self._update_38(cfg, s)
        else:
            new, voice = self._update_flat(cfg, s)
        new = self._update_translation(new, s)
        new = self._update_clone(new, s, voice)
        if new.audio_out and new.target_language not in self.speech_codes:
            raise UpdateRejected(
                f"Invalid translation language: {new.target_language!r} does not support audio "
                "output. Use modalities ['text'] for this language.",
                "session.translation.language",
            )
        return new

    def _modalities(self, value: object, param: str) -> tuple[str, ...]:
        if not isinstance(value, list) or not all(isinstance(m, str) for m in value):
            raise UpdateRejected(_MODALITIES_MSG.format(given=repr(value)), param)
        given = sorted(value)
        if given not in (["text"], ["audio", "text"]):
            raise UpdateRejected(_MODALITIES_MSG.format(given=repr(given)), param)
        return ("text",) if given == ["text"] else ("text", "audio")

    def _sample_rate(self, value: object, param: str) -> int:
        if not _is_int(value) or value not in self.info.input_sample_rates:
            allowed = ", ".join(str(r) for r in self.info.input_sample_rates)
            raise UpdateRejected(
                f"Invalid sample_rate: {value!r}. Supported values are: {allowed}.", param
            )
        assert isinstance(value, int)
        return value

    def _update_flat(
        self, cfg: EffectiveConfig, s: Mapping[str, Any]
    ) -> tuple[EffectiveConfig, object]:
        gen = self.generation
        changes: dict[str, Any] = {}
        if "modalities" in s:
            changes["modalities"] = self._modalities(s["modalities"], "session.modalities")
        if s.get("sample_rate") is not None:
            changes["sample_rate"] = self._sample_rate(s["sample_rate"], "session.sample_rate")
        fmt = s.get("input_audio_format")
        if fmt is not None:
            accepted = (
                {"pcm16": "pcm16"} if gen == "3" else {"pcm": "pcm", "pcm16": "pcm", "opus": "opus"}
            )
            if fmt not in accepted:
                names = "'pcm16'" if gen == "3" else "'pcm', 'opus'"
                raise UpdateRejected(
                    f"Invalid input_audio_format: {fmt!r}. Supported values are: {names}.",
                    "session.input_audio_format",
                )
            changes["input_format"] = accepted[fmt]
        fmt = s.get("output_audio_format")
        if fmt is not None:
            outputs = {"pcm24", "pcm16"} if gen == "3" else {"pcm", "pcm16", "pcm24"}
            if fmt not in outputs:
                name = "'pcm24'" if gen == "3" else "'pcm'"
                raise UpdateRejected(
                    f"Invalid output_audio_format: {fmt!r}. Supported values are: {name}.",
                    "session.output_audio_format",
                )
        if "input_audio_transcription" in s:
            asr = s["input_audio_transcription"]
            if asr is None:
                changes["transcription_model"] = None
            else:
                asr = _object(asr, "session.input_audio_transcription")
                model = asr.get("model")
                if model is not None and not isinstance(model, str):
                    raise UpdateRejected(
                        f"Invalid type for 'session.input_audio_transcription.model': expected a "
                        f"string, got {_type_name(model)}.",
                        "session.input_audio_transcription.model",
                    )
                changes["transcription_model"] = model or None
                if asr.get("language") is not None:
                    changes["source_language"] = self._language(
                        asr["language"], "session.input_audio_transcription.language", "source"
                    )
        if gen == "3.5" and "turn_detection" in s:
            changes["turn_detection"] = self._turn_detection_35(cfg, s["turn_detection"])
        return replace(cfg, **changes), s.get("voice")

    def _turn_detection_35(self, cfg: EffectiveConfig, value: object) -> TurnDetection | None:
        if value is None:
            return None
        td = _object(value, "session.turn_detection")
        base = cfg.turn_detection or TurnDetection()
        kind = td.get("type", base.type)
        if kind != "server_vad":
            raise UpdateRejected(
                f"Invalid turn_detection.type: {kind!r}. Supported values are: 'server_vad'.",
                "session.turn_detection.type",
            )
        threshold = td.get("threshold", base.threshold)
        if threshold is None:
            threshold = base.threshold
        if not _is_number(threshold) or not -1.0 <= threshold <= 1.0:
            raise UpdateRejected(
                f"Invalid turn_detection.threshold: {threshold!r}. It must be between -1.0 and "
                "1.0.",
                "session.turn_detection.threshold",
            )
        silence = td.get("silence_duration_ms", base.silence_duration_ms)
        if silence is None:
            silence = base.silence_duration_ms
        if not _is_int(silence) or not 200 <= silence <= 6000:
            raise UpdateRejected(
                f"Invalid turn_detection.silence_duration_ms: {silence!r}. It must be between 200 "
                "and 6000.",
                "session.turn_detection.silence_duration_ms",
            )
        padding = td.get("prefix_padding_ms", base.prefix_padding_ms)
        if not _is_int(padding) or padding < 0:
            padding = base.prefix_padding_ms
        return TurnDetection(
            type="server_vad",
            threshold=float(threshold),
            silence_duration_ms=int(silence),
            prefix_padding_ms=int(padding),
            create_response=bool(td.get("create_response", base.create_response)),
            interrupt_response=bool(td.get("interrupt_response", base.interrupt_response)),
        )

    def _update_38(
        self, cfg: EffectiveConfig, s: Mapping[str, Any]
    ) -> tuple[EffectiveConfig, object]:
        changes: dict[str, Any] = {}
        if "output_modalities" in s:
            changes["modalities"] = self._modalities(
                s["output_modalities"], "session.output_modalities"
            )
        voice: object = s.get("voice")
        audio = s.get("audio")
        if audio is not None:
            audio = _object(audio, "session.audio")
            audio_in = audio.get("input")
            if audio_in is not None:
                audio_in = _object(audio_in, "session.audio.input")
                fmt = audio_in.get("format")
                if fmt is not None:
                    fmt = _object(fmt, "session.audio.input.format")
                    kind = fmt.get("type", "pcm")
                    if kind != "pcm":
                        raise UpdateRejected(
                            f"Invalid audio.input.format.type: {kind!r}. Supported values are: "
                            "'pcm'.",
                            "session.audio.input.format.type",
                        )
                    if fmt.get("sample_rate") is not None:
                        changes["sample_rate"] = self._sample_rate(
                            fmt["sample_rate"], "session.audio.input.format.sample_rate"
                        )
                if "turn_detection" in audio_in:
                    changes["turn_detection"] = self._turn_detection_38(
                        cfg, audio_in["turn_detection"]
                    )
            audio_out = audio.get("output")
            if audio_out is not None:
                audio_out = _object(audio_out, "session.audio.output")
                if audio_out.get("voice") is not None:
                    voice = audio_out["voice"]
        return replace(cfg, **changes), voice

    def _turn_detection_38(self, cfg: EffectiveConfig, value: object) -> TurnDetection:
        param = "session.audio.input.turn_detection"
        if value is None:
            raise UpdateRejected(
                "Manual turn detection (turn_detection: null) is not supported by this model.",
                param,
            )
        td = _object(value, param)
        base = cfg.turn_detection or TurnDetection(type="speaker_detection", threshold=0.5)
        kind = td.get("type", base.type)
        if kind not in ("speaker_detection", "server_vad"):
            raise UpdateRejected(
                f"Invalid turn_detection.type: {kind!r}. Supported values are: "
                "'speaker_detection', 'server_vad'.",
                f"{param}.type",
            )
        threshold = 0.5
        if kind == "server_vad":
            given = td.get("threshold", base.threshold)
            if not _is_number(given) or not -1.0 <= given <= 1.0:
                raise UpdateRejected(
                    f"Invalid turn_detection.threshold: {given!r}. It must be between -1.0 and "
                    "1.0.",
                    f"{param}.threshold",
                )
            threshold = float(given)
        return replace(base, type=kind, threshold=threshold)

    def _language(self, value: object, param: str, what: str) -> str:
        if not isinstance(value, str) or value not in self.language_codes:
            raise UpdateRejected(
                f"Invalid {what} language: {value!r}. It is not supported by {self.info.id}.",
                param,
            )
        return value

    def _update_translation(self, cfg: EffectiveConfig, s: Mapping[str, Any]) -> EffectiveConfig:
        raw = s.get("translation")
        if raw is None:
            return cfg
        tr = _object(raw, "session.translation")
        changes: dict[str, Any] = {}
        if tr.get("language") is not None:
            changes["target_language"] = self._language(
                tr["language"], "session.translation.language", "translation"
            )
        corpus = tr.get("corpus")
        if corpus is not None:
            corpus = _object(corpus, "session.translation.corpus")
            phrases = corpus.get("phrases")
            if phrases is not None:
                phrases = _object(phrases, "session.translation.corpus.phrases")
                if not all(isinstance(v, str) for v in phrases.values()):
                    raise UpdateRejected(
                        "Invalid translation.corpus.phrases: every value must be a string.",
                        "session.translation.corpus.phrases",
                    )
                changes["phrases"] = dict(phrases)
        skip = tr.get("same_language_skip_options")
        if skip is not None and self.generation == "3.5":
            changes["skip_options"] = dict(
                _object(skip, "session.translation.same_language_skip_options")
            )
        return replace(cfg, **changes)

    def _update_clone(
        self, cfg: EffectiveConfig, s: Mapping[str, Any], voice: object
    ) -> EffectiveConfig:
        if voice is not None and not isinstance(voice, str):
            raise UpdateRejected(
                f"Invalid type for 'session.voice': expected a string, got {_type_name(voice)}.",
                "session.voice",
            )
        enable = s.get("enable_voice_clone")
        clone = cfg.voice_clone if enable is None else enable
        if not isinstance(clone, bool):
            raise UpdateRejected(
                "Invalid type for 'session.enable_voice_clone': expected a boolean.",
                "session.enable_voice_clone",
            )
        frequency = cfg.clone_frequency
        options = s.get("voice_clone_options")
        if (
            options is not None
            and _object(options, "session.voice_clone_options").get("frequency") is not None
        ):
            frequency = options["frequency"]
        if not clone:
            if voice is not None and voice not in self.voice_names:
                raise UpdateRejected(f"Invalid voice: {voice!r}.", "session.voice")
            chosen = voice if voice is not None else cfg.voice
            if chosen not in self.voice_names:  # left over from a clone setting
                chosen = self.info.default_voice
            return replace(cfg, voice=chosen, voice_clone=False, clone_frequency=None)
        if not self.info.supports_voice_clone:
            raise UpdateRejected(
                f"Voice clone is not supported by model {self.info.id}.",
                "session.enable_voice_clone",
            )
        frequency = frequency or "once"
        if frequency not in ("once", "always", "never"):
            raise UpdateRejected(
                f"Invalid voice_clone_options.frequency: {frequency!r}. Supported values are: "
                "'never', 'once', 'always'.",
                "session.voice_clone_options.frequency",
            )
        if frequency in ("once", "always"):
            if voice not in (None, "default"):
                raise UpdateRejected(
                    f"Invalid voice: {voice!r}. With voice_clone_options.frequency {frequency!r} "
                    "the voice must be 'default'.",
                    "session.voice",
                )
            chosen = (
                "default"
                if voice is None and cfg.voice.startswith(CLONE_PREFIX)
                else (voice or cfg.voice)
            )
        else:
            chosen = voice if voice is not None else cfg.voice
            if not chosen.startswith(CLONE_PREFIX):
                raise UpdateRejected(
                    f"Invalid voice: {chosen!r}. With voice_clone_options.frequency 'never' the "
                    "voice must be a cloned voice id (qwen-translate-vc-...).",
                    "session.voice",
                )
        return replace(cfg, voice=chosen, voice_clone=True, clone_frequency=frequency)
