"""Events the client sends to the realtime service, for every model generation.

Each class serialises to the exact wire JSON with ``to_json()``: fields you did not set are left
out (the service keeps its defaults), and fields you set to ``None`` are sent as ``null`` (which
the service reads differently: ``turn_detection: null`` is manual mode, and
``input_audio_transcription: {"model": null}`` turns ASR off). Unknown field names are an error.

``session.update`` takes one of two ``session`` shapes, and the two must never be mixed:
[`SessionParams`][livetranslate.events.realtime_client.SessionParams] (flat; qwen3 and qwen3.5) and
[`SessionParams38`][livetranslate.events.realtime_client.SessionParams38] (nested; qwen3.8).
"""

from __future__ import annotations

import base64
from typing import Annotated, Any, Literal, TypeAlias, get_args

from pydantic import Discriminator, Field, Tag, TypeAdapter

from livetranslate.events._base import ClientModel, _parse_failure
from livetranslate.types import CloneFrequency, Modality

__all__ = [
    "AudioFormat",
    "AudioInputParams",
    "AudioOutputParams",
    "AudioParams",
    "ClientEvent",
    "Corpus",
    "InputAudioBufferAppendEvent",
    "InputAudioBufferClearEvent",
    "InputAudioBufferCommitEvent",
    "InputAudioTranscription",
    "InputImageBufferAppendEvent",
    "SameLanguageSkipOptions",
    "SessionFinishEvent",
    "SessionParams",
    "SessionParams38",
    "SessionUpdateEvent",
    "TranslationParams",
    "TranslationParams38",
    "TurnDetection",
    "TurnDetection38",
    "VoiceCloneOptions",
    "parse_client_event",
]


class _ClientEvent(ClientModel):
    event_id: str | None = None


# ------------------------------------------------------------------ session parameters (shared)


class Corpus(ClientModel):
    """The glossary (hotwords): ``phrases`` maps a source term to its fixed translation.

    Keep it to about 1000 entries.
    """

    phrases: dict[str, str] | None = None


class VoiceCloneOptions(ClientModel):
    """How often the speaker's voice is cloned (only when ``enable_voice_clone`` is on).

    ``never`` uses a pre-created clone id as ``voice``; ``once`` clones at session start;
    ``always`` re-clones before every output (several speakers).
    """

    frequency: CloneFrequency | None = None


# ------------------------------------------------------------------ qwen3 / qwen3.5 (flat)


class InputAudioTranscription(ClientModel):
    """Source-language recognition (ASR), 3/3.5.

    ``model`` is ``qwen3-asr-flash-realtime`` to turn ASR on, or ``None`` (sent as ``null``) to
    turn it off; the docs disagree on the default, so always set it. ``language`` is the source
    language code (unset: automatic detection on 3.5).
    """

    model: str | None = None
    language: str | None = None


class TurnDetection(ClientModel):
    """Server VAD segmentation, 3.5 (send ``turn_detection=None`` instead for manual mode).

    ``threshold`` is in [-1.0, 1.0] (default 0.2); ``silence_duration_ms`` in [200, 6000] (default
    1000). Whether the other fields can be set by the client is not documented.
    """

    type: Literal["server_vad"] = "server_vad"
    threshold: float | None = None
    silence_duration_ms: int | None = None
    prefix_padding_ms: int | None = None
    create_response: bool | None = None
    interrupt_response: bool | None = None


class SameLanguageSkipOptions(ClientModel):
    """What to skip when the source language equals the target (3.5; target ``zh`` or ``en``)."""

    skip_text: bool | None = None
    skip_audio: bool | None = None


class TranslationParams(ClientModel):
    """Translation settings, 3/3.5: target ``language``, glossary, same-language skipping."""

    language: str | None = None
    corpus: Corpus | None = None
    same_language_skip_options: SameLanguageSkipOptions | None = None


class SessionParams(ClientModel):
    """The flat ``session`` object of ``session.update`` for qwen3 and qwen3.5.

    Every field is optional; unset fields keep the server's value. ``modalities`` is ``["text"]``
    or ``["text", "audio"]``. ``sample_rate`` (8000 or 16000) is the input rate (3.5). Formats:
    ``input_audio_format`` ``pcm``/``opus`` (3.5) or ``pcm16`` (3); ``output_audio_format`` ``pcm``
    (3.5) or ``pcm24`` (3). ``turn_detection=None`` selects manual mode (3.5).
    """

    modalities: list[Modality] | None = None
    voice: str | None = None
    enable_voice_clone: bool | None = None
    voice_clone_options: VoiceCloneOptions | None = None
    sample_rate: int | None = None
    input_audio_format: str | None = None
    output_audio_format: str | None = None
    input_audio_transcription: InputAudioTranscription | None = None
    turn_detection: TurnDetection | None = None
    translation: TranslationParams | None = None


# ------------------------------------------------------------------ qwen3.8 (nested)


class AudioFormat(ClientModel):
    """An audio format, 3.8: ``type`` (``pcm``) and ``sample_rate`` (16000 in, 24000 out)."""

    type: str = "pcm"
    sample_rate: int | None = None


class TurnDetection38(ClientModel):
    """Segmentation, 3.8: ``speaker_detection`` (diarization; threshold fixed at 0.5) or VAD."""

    type: Literal["speaker_detection", "server_vad"] = "speaker_detection"
    threshold: float | None = None
    silence_duration_ms: int | None = None


class AudioInputParams(ClientModel):
    """``session.audio.input``, 3.8: the input format and segmentation."""

    format: AudioFormat | None = None
    turn_detection: TurnDetection38 | None = None


class AudioOutputParams(ClientModel):
    """``session.audio.output``, 3.8: the output voice and format (both echoed by the service).

    Whether the service reads them is not documented; when cloning, send ``voice="default"`` both
    here and at the top level so the echo matches.
    """

    voice: str | None = None
    format: AudioFormat | None = None


class AudioParams(ClientModel):
    """``session.audio``, 3.8: nested input and output audio settings."""

    input: AudioInputParams | None = None
    output: AudioOutputParams | None = None


class TranslationParams38(ClientModel):
    """Translation settings, 3.8: target ``language`` and glossary (the source is auto-detected)."""

    language: str | None = None
    corpus: Corpus | None = None


class SessionParams38(ClientModel):
    """The nested ``session`` object of ``session.update`` for qwen3.8.

    Every field is optional. ``output_modalities`` replaces 3.5's ``modalities``; input format and
    segmentation go under ``audio.input``. ASR is always on, so there is no
    ``input_audio_transcription``. ``voice`` is the voice-clone directive (``default``, or a clone
    id with ``frequency="never"``).
    """

    output_modalities: list[Modality] | None = None
    audio: AudioParams | None = None
    voice: str | None = None
    enable_voice_clone: bool | None = None
    voice_clone_options: VoiceCloneOptions | None = None
    translation: TranslationParams38 | None = None


_GEN38_KEYS = frozenset(SessionParams38.model_fields) - frozenset(SessionParams.model_fields)


def _session_tag(value: Any) -> str:
    if isinstance(value, SessionParams38):
        return "qwen38"
    if isinstance(value, dict) and not _GEN38_KEYS.isdisjoint(value):
        return "qwen38"
    return "qwen35"


# ------------------------------------------------------------------ events


class SessionUpdateEvent(_ClientEvent):
    """Configure the session; send it after ``session.created`` and before any input.

    The service answers with ``session.updated`` (the effective configuration) or ``error``. It may
    be sent again mid-session. ``session`` is a `SessionParams` (3/3.5) or a `SessionParams38`
    (3.8). When parsing, a session with ``output_modalities`` or ``audio`` is read as 3.8 and any
    other as 3/3.5 (a 3.8 session without those keys has the same JSON as a 3.5 one).
    """

    type: Literal["session.update"] = "session.update"
    session: Annotated[
        Annotated[SessionParams, Tag("qwen35")] | Annotated[SessionParams38, Tag("qwen38")],
        Discriminator(_session_tag),
    ]


class InputAudioBufferAppendEvent(_ClientEvent):
    """Append audio to the input buffer; send continuously at real-time pace (about 100 ms each).

    ``audio`` is base64 mono PCM16 at the session's input rate (or opus on 3.5). Nothing answers it
    directly; in VAD mode the service segments the speech and starts responses by itself.
    """

    type: Literal["input_audio_buffer.append"] = "input_audio_buffer.append"
    audio: str

    @classmethod
    def from_pcm(cls, pcm: bytes, *, event_id: str | None = None) -> InputAudioBufferAppendEvent:
        """Build the event from raw audio bytes, base64-encoding them once.

        Args:
            pcm: Raw audio in the session's input format.
            event_id: Optional client event id (left out when ``None``).
        """
        audio = base64.b64encode(pcm).decode("ascii")
        if event_id is None:
            return cls(audio=audio)
        return cls(audio=audio, event_id=event_id)


class InputImageBufferAppendEvent(_ClientEvent):
    """Add a video frame as context; at most 2 per second, only after the first audio append.

    ``image`` is base64 JPEG (no ``data:`` prefix, ≤500 KB before encoding). Nothing answers it.
    """

    type: Literal["input_image_buffer.append"] = "input_image_buffer.append"
    image: str

    @classmethod
    def from_jpeg(cls, jpeg: bytes, *, event_id: str | None = None) -> InputImageBufferAppendEvent:
        """Build the event from JPEG bytes, base64-encoding them once.

        Args:
            jpeg: The JPEG image.
            event_id: Optional client event id (left out when ``None``).
        """
        image = base64.b64encode(jpeg).decode("ascii")
        if event_id is None:
            return cls(image=image)
        return cls(image=image, event_id=event_id)


class InputAudioBufferCommitEvent(_ClientEvent):
    """Commit the buffered audio as one segment (3.5 manual mode, ``turn_detection=None``, only).

    The service answers ``input_audio_buffer.committed`` and then translates the segment; an empty
    buffer gives ``error``.
    """

    type: Literal["input_audio_buffer.commit"] = "input_audio_buffer.commit"


class InputAudioBufferClearEvent(_ClientEvent):
    """Drop uncommitted audio (3.5); the service answers ``input_audio_buffer.cleared``."""

    type: Literal["input_audio_buffer.clear"] = "input_audio_buffer.clear"


class SessionFinishEvent(_ClientEvent):
    """End the session; send no input after it.

    The service flushes the last segment (ASR ``completed`` and any pending translation), then
    answers ``session.finished``, after which the client closes the socket.
    """

    type: Literal["session.finish"] = "session.finish"


ClientEvent: TypeAlias = Annotated[
    SessionUpdateEvent
    | InputAudioBufferAppendEvent
    | InputImageBufferAppendEvent
    | InputAudioBufferCommitEvent
    | InputAudioBufferClearEvent
    | SessionFinishEvent,
    Field(discriminator="type"),
]
"""Any event a client sends to the realtime service, discriminated on ``type``."""

_ADAPTER: TypeAdapter[ClientEvent] = TypeAdapter(ClientEvent)
_CLIENT_EVENT_TYPES = frozenset(
    cls.model_fields["type"].default for cls in get_args(get_args(ClientEvent)[0])
)


def parse_client_event(data: str | bytes) -> ClientEvent:
    """Parse one client frame (used by the local emulator and by round-trip tests).

    Args:
        data: The frame as sent (JSON text).

    Returns:
        The event.

    Raises:
        RemoteProtocolError: The frame is not JSON, not an object, has no string ``type``, has an
            unknown ``type``, or has missing, wrong or unknown fields. The message names the type,
            never the payload.
    """
    try:
        return _ADAPTER.validate_json(data)
    except (ValueError, TypeError, RecursionError) as exc:  # ValidationError is a ValueError
        raise _parse_failure(
            exc, data, what="client event", known_types=_CLIENT_EVENT_TYPES, skip_loc=1
        ) from None
