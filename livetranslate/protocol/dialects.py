"""One dialect per model generation: the user's config onto that generation's wire shape.

The three realtime generations disagree on the wire:

| | qwen3 | qwen3.5 | qwen3.8 |
|---|---|---|---|
| output modalities | `modalities` | `modalities` | `output_modalities` |
| audio formats | `pcm16` / `pcm24` | `pcm` / `pcm` + `sample_rate` | nested `audio.input.format` |
| source transcript | `input_audio_transcription` | same | always on; field not sent |
| segmentation | service default | top-level `turn_detection` | `audio.input.turn_detection` |
| voice cloning | no | `enable_voice_clone` + options | same, voice also in `audio.output` |

A [`Dialect`][livetranslate.protocol.dialects.Dialect] turns a validated
[`SessionConfig`][livetranslate.config.SessionConfig] into the ``session.update`` its generation
expects, so users never branch on the model. The functions are pure.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from livetranslate import registry
from livetranslate.config import SessionConfig
from livetranslate.events import SessionParams, SessionParams38, SessionUpdateEvent

__all__ = ["ASR_MODEL", "Dialect", "dialect_for"]

ASR_MODEL = "qwen3-asr-flash-realtime"
"""The source-transcription model named in ``input_audio_transcription.model``."""


@dataclass(frozen=True, slots=True)
class Dialect:
    """The wire dialect of one realtime model generation.

    Attributes:
        generation: ``"3"``, ``"3.5"`` or ``"3.8"``.
        append_only_text: True when text streams as append-only ``delta`` events (3.8); False
            when it streams as ``text`` + ``stash`` snapshots (3, 3.5).
    """

    generation: str
    append_only_text: bool

    def session_params(self, config: SessionConfig) -> dict[str, Any]:
        """Build the ``session`` object of ``session.update`` as wire JSON.

        Args:
            config: A validated config (see ``SessionConfig.validated``).

        Returns:
            The ``session`` object, with only the fields this generation understands.
        """
        if self.generation == "3.8":
            return _session_38(config)
        return _session_flat(config, legacy=self.generation == "3")

    def session_update(
        self, config: SessionConfig, *, event_id: str | None = None
    ) -> SessionUpdateEvent:
        """Build the typed ``session.update`` event for this generation.

        Args:
            config: A validated config.
            event_id: The client event id to put on the event.

        Returns:
            The event, ready to serialize with ``to_json()``.
        """
        params = self.session_params(config)
        session: SessionParams | SessionParams38
        if self.generation == "3.8":
            session = SessionParams38.model_validate(params)
        else:
            session = SessionParams.model_validate(params)
        if event_id is None:
            return SessionUpdateEvent(session=session)
        return SessionUpdateEvent(session=session, event_id=event_id)


_DIALECTS = {
    "3": Dialect(generation="3", append_only_text=False),
    "3.5": Dialect(generation="3.5", append_only_text=False),
    "3.8": Dialect(generation="3.8", append_only_text=True),
}


def dialect_for(model: str) -> Dialect:
    """Return the dialect of a realtime model.

    Args:
        model: A realtime model id or snapshot, any case.

    Returns:
        The model generation's dialect.

    Raises:
        ConfigurationError: The model is unknown or is not a realtime model.
    """
    info = registry.get_model(model)
    if info.kind != "realtime":
        from livetranslate.exceptions import ConfigurationError

        raise ConfigurationError(
            f"{info.id} is not a realtime model; realtime sessions take one of "
            + ", ".join(m.id for m in registry.list_models(kind="realtime"))
            + "."
        )
    return _DIALECTS[info.generation]


def _translation(config: SessionConfig) -> dict[str, Any]:
    translation: dict[str, Any] = {"language": config.target_language}
    if config.keywords:
        translation["corpus"] = {"phrases": dict(config.keywords)}
    return translation


def _clone(config: SessionConfig, session: dict[str, Any]) -> None:
    if config.voice_clone is not None:
        session["enable_voice_clone"] = True
        session["voice_clone_options"] = {"frequency": config.clone_frequency}


def _session_flat(config: SessionConfig, *, legacy: bool) -> dict[str, Any]:
    session: dict[str, Any] = {"modalities": list(config.modalities)}
    voice = config.wire_voice
    if voice is not None:
        session["voice"] = voice
    if legacy:
        session["input_audio_format"] = "pcm16"
        session["output_audio_format"] = "pcm24"
    else:
        session["sample_rate"] = config.sample_rate
        session["input_audio_format"] = "pcm"
        session["output_audio_format"] = "pcm"
    if config.transcribe_source:
        asr: dict[str, Any] = {"model": ASR_MODEL}
        if config.source_language is not None:
            asr["language"] = config.source_language
        session["input_audio_transcription"] = asr
    else:
        # Both documented readings agree that a null model turns the source transcript off.
        session["input_audio_transcription"] = {"model": None}
    if not legacy:
        if config.turn_detection == "manual":
            session["turn_detection"] = None
        elif config.turn_detection is not None or _has_vad_options(config):
            vad: dict[str, Any] = {"type": "server_vad"}
            if config.vad_threshold is not None:
                vad["threshold"] = config.vad_threshold
            if config.silence_duration_ms is not None:
                vad["silence_duration_ms"] = config.silence_duration_ms
            session["turn_detection"] = vad
        _clone(config, session)
    session["translation"] = _translation(config)
    return session


def _has_vad_options(config: SessionConfig) -> bool:
    return config.vad_threshold is not None or config.silence_duration_ms is not None


def _session_38(config: SessionConfig) -> dict[str, Any]:
    audio_input: dict[str, Any] = {"format": {"type": "pcm", "sample_rate": config.sample_rate}}
    if config.turn_detection is not None or _has_vad_options(config):
        turn: dict[str, Any] = {"type": config.turn_detection or "speaker_detection"}
        if config.vad_threshold is not None:
            turn["threshold"] = config.vad_threshold
        if config.silence_duration_ms is not None:
            turn["silence_duration_ms"] = config.silence_duration_ms
        audio_input["turn_detection"] = turn
    audio: dict[str, Any] = {"input": audio_input}
    session: dict[str, Any] = {"output_modalities": list(config.modalities), "audio": audio}
    voice = config.wire_voice
    if voice is not None:
        # Which field 3.8 reads is UNCONFIRMED: the clone docs use the top level, the session
        # echo the nested one. Sending both keeps the echo consistent (protocol-3.8.md §2.1).
        session["voice"] = voice
        audio["output"] = {"voice": voice}
    _clone(config, session)
    session["translation"] = _translation(config)
    return session
