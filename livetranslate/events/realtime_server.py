"""Events the realtime service sends, for every model generation, and the parser for them.

One class per wire ``type`` (``"response.audio.delta"`` → `ResponseAudioDeltaEvent`). The classes
cover qwen3, qwen3.5 (``text``/``stash`` streams) and qwen3.8 (append-only ``delta`` streams, nested
session shape, speaker ids). All of them keep fields they do not know (``model_extra``).

[`parse_server_event`][livetranslate.events.realtime_server.parse_server_event] turns one text
frame into a [`ServerEvent`][livetranslate.events.realtime_server.ServerEvent] in one validation
pass. A ``type`` it does not know becomes an
[`UnknownServerEvent`][livetranslate.events.realtime_server.UnknownServerEvent] holding the raw
object, so new server events never break a client; a known type is fully validated.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, TypeAlias, get_args

from pydantic import BeforeValidator, ConfigDict, Field, Tag, TypeAdapter, model_serializer

from livetranslate.events._base import ServerModel, _decode_audio, _parse_failure
from livetranslate.events.usage import RealtimeUsage

__all__ = [
    "SERVER_EVENT_TYPES",
    "AudioFormatInfo",
    "AudioInfo",
    "AudioInputInfo",
    "AudioOutputInfo",
    "ContentPart",
    "ConversationItem",
    "ConversationItemCreatedEvent",
    "CorpusInfo",
    "ErrorDetail",
    "ErrorEvent",
    "InputAudioBufferClearedEvent",
    "InputAudioBufferCommittedEvent",
    "InputAudioBufferSpeechStartedEvent",
    "InputAudioBufferSpeechStoppedEvent",
    "InputAudioTranscriptionCompletedEvent",
    "InputAudioTranscriptionDeltaEvent",
    "InputAudioTranscriptionFailedEvent",
    "InputAudioTranscriptionInfo",
    "InputAudioTranscriptionTextEvent",
    "Response",
    "ResponseAudioDeltaEvent",
    "ResponseAudioDoneEvent",
    "ResponseAudioTranscriptDeltaEvent",
    "ResponseAudioTranscriptDoneEvent",
    "ResponseAudioTranscriptTextEvent",
    "ResponseContentPartAddedEvent",
    "ResponseContentPartDoneEvent",
    "ResponseCreatedEvent",
    "ResponseDoneEvent",
    "ResponseOutputItemAddedEvent",
    "ResponseOutputItemDoneEvent",
    "ResponseTextDeltaEvent",
    "ResponseTextDoneEvent",
    "ResponseTextTextEvent",
    "SameLanguageSkipInfo",
    "ServerEvent",
    "SessionCreatedEvent",
    "SessionFinishedEvent",
    "SessionInfo",
    "SessionUpdatedEvent",
    "TranslationInfo",
    "TurnDetectionInfo",
    "UnknownServerEvent",
    "VoiceCloneInfo",
    "parse_server_event",
    "parse_server_event_dict",
]


class _ServerEvent(ServerModel):
    event_id: str | None = None


# ------------------------------------------------------------------ shared payloads


class ErrorDetail(ServerModel):
    """What went wrong, inside ``error`` and ``…transcription.failed`` (all fields optional).

    ``type`` is the error class (``invalid_request_error``), ``code`` the error code
    (``invalid_value``; numeric codes are kept as strings), ``param`` the offending field
    (``session.modalities``) and ``event_id`` the client event that caused it, when given.
    """

    model_config = ConfigDict(coerce_numbers_to_str=True)

    type: str | None = None
    code: str | None = None
    message: str | None = None
    param: str | None = None
    event_id: str | None = None


class ContentPart(ServerModel):
    """One part of an item's content: ``type`` is ``text``, ``audio`` or ``input_audio``.

    The docs carry the same text under ``text`` in some events and ``transcript`` in others, so
    both are read; ``value`` returns whichever is set.
    """

    type: str
    text: str | None = None
    transcript: str | None = None

    @property
    def value(self) -> str | None:
        """The part's text: ``text``, else ``transcript`` (``None`` when neither is set)."""
        return self.text if self.text is not None else self.transcript


class ConversationItem(ServerModel):
    """A conversation item: the source (ASR) item or the translation item of one segment.

    ``object`` is ``realtime.item``, ``type`` is ``message``, ``status`` is ``in_progress``,
    ``completed`` or ``incomplete``, ``role`` is usually ``assistant`` (also for 3.8 source items),
    and ``content`` is empty while the item is in progress.
    """

    id: str
    object: str | None = None
    type: str | None = None
    status: str | None = None
    role: str | None = None
    content: list[ContentPart] = Field(default_factory=list)


class Response(ServerModel):
    """One translation response (one per speech segment), in ``response.created``/``.done``.

    ``status`` is ``in_progress``, ``completed``, ``failed`` or ``incomplete``. ``modalities`` keeps
    that name on every generation. ``output`` is empty in ``response.created``; ``usage`` is only
    in ``response.done``.
    """

    id: str
    object: str | None = None
    conversation_id: str | None = None
    status: str | None = None
    modalities: list[str] | None = None
    voice: str | None = None
    output_audio_format: str | None = None
    output: list[ConversationItem] = Field(default_factory=list)
    usage: RealtimeUsage | None = None


# ------------------------------------------------------------------ session (both shapes)


class TurnDetectionInfo(ServerModel):
    """Effective speech segmentation (``type`` ``server_vad``, or ``speaker_detection`` on 3.8)."""

    type: str | None = None
    threshold: float | None = None
    prefix_padding_ms: int | None = None
    silence_duration_ms: int | None = None
    create_response: bool | None = None
    interrupt_response: bool | None = None


class InputAudioTranscriptionInfo(ServerModel):
    """Source-language recognition settings (3/3.5; ``model`` ``None`` means ASR off)."""

    model: str | None = None
    language: str | None = None


class CorpusInfo(ServerModel):
    """The session glossary: ``phrases`` maps a source term to its fixed translation."""

    phrases: dict[str, str] | None = None


class SameLanguageSkipInfo(ServerModel):
    """What 3.5 skips when the source language equals the target."""

    skip_text: bool | None = None
    skip_audio: bool | None = None


class TranslationInfo(ServerModel):
    """Translation settings: target ``language``, glossary, same-language skipping (3.5)."""

    language: str | None = None
    corpus: CorpusInfo | None = None
    same_language_skip_options: SameLanguageSkipInfo | None = None


class VoiceCloneInfo(ServerModel):
    """Voice-clone settings: ``frequency`` is ``never``, ``once`` or ``always``."""

    frequency: str | None = None


class AudioFormatInfo(ServerModel):
    """An audio format in the 3.8 nested shape, e.g. ``{"type": "pcm", "sample_rate": 16000}``."""

    type: str | None = None
    sample_rate: int | None = None


class AudioInputInfo(ServerModel):
    """``session.audio.input`` (3.8): the input format and the speech segmentation."""

    format: AudioFormatInfo | None = None
    turn_detection: TurnDetectionInfo | None = None


class AudioOutputInfo(ServerModel):
    """``session.audio.output`` (3.8): the output format and the echoed voice."""

    format: AudioFormatInfo | None = None
    voice: str | None = None


class AudioInfo(ServerModel):
    """``session.audio`` (3.8): nested input and output audio settings."""

    input: AudioInputInfo | None = None
    output: AudioOutputInfo | None = None


class SessionInfo(ServerModel):
    """The effective session configuration, in ``session.created`` and ``session.updated``.

    One tolerant model for both shapes: the flat 3/3.5 shape (``modalities``, ``voice``,
    ``sample_rate``, ``input_audio_format``, ``output_audio_format``, ``input_audio_transcription``,
    ``turn_detection``) and the nested 3.8 shape (``input_modalities``, ``output_modalities``,
    ``audio.input``, ``audio.output``, plus a repeat of ``turn_detection`` at the top level).
    ``translation``, ``enable_voice_clone`` and ``voice_clone_options`` are common. The properties
    read a value whichever shape the service used. Echoes may differ from what was asked for
    (format names ``pcm``/``pcm16``/``pcm24``, voices, silence durations): compare, don't assume.
    """

    id: str | None = None
    object: str | None = None
    model: str | None = None
    modalities: list[str] | None = None
    voice: str | None = None
    sample_rate: int | None = None
    input_audio_format: str | None = None
    output_audio_format: str | None = None
    input_audio_transcription: InputAudioTranscriptionInfo | None = None
    turn_detection: TurnDetectionInfo | None = None
    translation: TranslationInfo | None = None
    enable_voice_clone: bool | None = None
    voice_clone_options: VoiceCloneInfo | None = None
    input_modalities: list[str] | None = None
    output_modalities: list[str] | None = None
    audio: AudioInfo | None = None

    @property
    def effective_output_modalities(self) -> tuple[str, ...] | None:
        """Output modalities: ``output_modalities`` (3.8), else ``modalities`` (3/3.5)."""
        found = self.output_modalities if self.output_modalities is not None else self.modalities
        return None if found is None else tuple(found)

    @property
    def effective_voice(self) -> str | None:
        """The output voice: top-level ``voice``, else ``audio.output.voice`` (3.8).

        The top-level value wins: on 3.8 it carries the voice-clone directive (``default``) while
        the nested echo may still name the preset voice.
        """
        if self.voice is not None:
            return self.voice
        output = self.audio.output if self.audio is not None else None
        return output.voice if output is not None else None

    @property
    def effective_turn_detection(self) -> TurnDetectionInfo | None:
        """Segmentation: ``audio.input.turn_detection`` (3.8), else top-level ``turn_detection``."""
        audio_in = self.audio.input if self.audio is not None else None
        if audio_in is not None and audio_in.turn_detection is not None:
            return audio_in.turn_detection
        return self.turn_detection

    @property
    def target_language(self) -> str | None:
        """The target language code (``translation.language``)."""
        return None if self.translation is None else self.translation.language

    @property
    def input_sample_rate(self) -> int | None:
        """Input rate: ``sample_rate`` (3.5), else ``audio.input.format.sample_rate`` (3.8)."""
        if self.sample_rate is not None:
            return self.sample_rate
        audio_in = self.audio.input if self.audio is not None else None
        if audio_in is not None and audio_in.format is not None:
            return audio_in.format.sample_rate
        return None


# ------------------------------------------------------------------ session events


class ErrorEvent(_ServerEvent):
    """The service rejected something; may arrive at any time.

    It answers a bad client event, most often a ``session.update`` with an invalid value (then no
    ``session.updated`` follows). The session usually stays open.
    """

    type: Literal["error"] = "error"
    error: ErrorDetail


class SessionCreatedEvent(_ServerEvent):
    """The first event of every session, with the default configuration in ``session``.

    The client answers with ``session.update``.
    """

    type: Literal["session.created"] = "session.created"
    session: SessionInfo


class SessionUpdatedEvent(_ServerEvent):
    """Answers a successful ``session.update`` with the full effective configuration.

    Input should be sent only after it arrives.
    """

    type: Literal["session.updated"] = "session.updated"
    session: SessionInfo


class SessionFinishedEvent(_ServerEvent):
    """Answers ``session.finish`` once the last segment is flushed; the client then closes."""

    type: Literal["session.finished"] = "session.finished"


# ------------------------------------------------------------------ input audio buffer


class InputAudioBufferSpeechStartedEvent(_ServerEvent):
    """VAD mode: speech started at ``audio_start_ms`` (from stream start); a response follows.

    ``item_id`` is the segment's source item. ``speaker_id`` (3.8 ``speaker_detection`` only) is an
    opaque speaker label.
    """

    type: Literal["input_audio_buffer.speech_started"] = "input_audio_buffer.speech_started"
    audio_start_ms: int
    item_id: str | None = None
    speaker_id: int | None = None


class InputAudioBufferSpeechStoppedEvent(_ServerEvent):
    """VAD mode: speech stopped at ``audio_end_ms``; the final ASR and translation follow."""

    type: Literal["input_audio_buffer.speech_stopped"] = "input_audio_buffer.speech_stopped"
    audio_end_ms: int
    item_id: str | None = None


class InputAudioBufferCommittedEvent(_ServerEvent):
    """Answers ``input_audio_buffer.commit`` (3.5 manual mode); the translation then starts."""

    type: Literal["input_audio_buffer.committed"] = "input_audio_buffer.committed"
    item_id: str | None = None
    previous_item_id: str | None = None


class InputAudioBufferClearedEvent(_ServerEvent):
    """Answers ``input_audio_buffer.clear`` (3.5): uncommitted audio was dropped."""

    type: Literal["input_audio_buffer.cleared"] = "input_audio_buffer.cleared"


# ------------------------------------------------------------------ conversation items


class ConversationItemCreatedEvent(_ServerEvent):
    """A conversation item was created: a segment's source item, or its translation item.

    Sent when a segment starts (source item, content ``input_audio``) and when its translation
    response starts (translation item, empty content). The translation item's
    ``previous_item_id`` is the source item's id: it pairs source text with its translation.
    """

    type: Literal["conversation.item.created"] = "conversation.item.created"
    previous_item_id: str | None = None
    item: ConversationItem


class InputAudioTranscriptionTextEvent(_ServerEvent):
    """Streaming source text (3/3.5, while ASR is on): confirmed ``text`` plus tentative ``stash``.

    The running hypothesis is ``text + stash``; later events may rewrite the stash. 3.5 adds the
    detected ``language`` and ``emotion`` (may be empty). Ends with ``…transcription.completed``.
    """

    type: Literal["conversation.item.input_audio_transcription.text"] = (
        "conversation.item.input_audio_transcription.text"
    )
    item_id: str
    content_index: int = 0
    text: str
    stash: str | None = None
    language: str | None = None
    emotion: str | None = None


class InputAudioTranscriptionDeltaEvent(_ServerEvent):
    """Streaming source text (3.8): an append-only ``delta``; concatenate them.

    Ends with ``…transcription.completed``, whose transcript replaces the deltas.
    """

    type: Literal["conversation.item.input_audio_transcription.delta"] = (
        "conversation.item.input_audio_transcription.delta"
    )
    item_id: str
    content_index: int = 0
    delta: str


class InputAudioTranscriptionCompletedEvent(_ServerEvent):
    """The final source text (``transcript``) of a segment; 3.5 adds ``language``/``emotion``."""

    type: Literal["conversation.item.input_audio_transcription.completed"] = (
        "conversation.item.input_audio_transcription.completed"
    )
    item_id: str
    content_index: int = 0
    transcript: str
    language: str | None = None
    emotion: str | None = None


class InputAudioTranscriptionFailedEvent(_ServerEvent):
    """Source-language recognition failed for a segment; its translation may still arrive."""

    type: Literal["conversation.item.input_audio_transcription.failed"] = (
        "conversation.item.input_audio_transcription.failed"
    )
    item_id: str
    content_index: int = 0
    error: ErrorDetail


# ------------------------------------------------------------------ responses


class ResponseCreatedEvent(_ServerEvent):
    """A translation response started (one per segment, while the speaker is still talking).

    Its output streams next; it ends with ``response.done``.
    """

    type: Literal["response.created"] = "response.created"
    response: Response


class ResponseDoneEvent(_ServerEvent):
    """A translation response ended, with its final output and token usage.

    Also sent for failed, interrupted or incomplete responses: check ``response.status``.
    """

    type: Literal["response.done"] = "response.done"
    response: Response


class ResponseOutputItemAddedEvent(_ServerEvent):
    """The response added its translation item (``conversation.item.created`` follows)."""

    type: Literal["response.output_item.added"] = "response.output_item.added"
    response_id: str
    output_index: int = 0
    item: ConversationItem


class ResponseOutputItemDoneEvent(_ServerEvent):
    """The response's translation item is complete, with its full text in ``item.content``."""

    type: Literal["response.output_item.done"] = "response.output_item.done"
    response_id: str
    output_index: int = 0
    item: ConversationItem


class _ResponsePartEvent(_ServerEvent):
    response_id: str
    item_id: str
    output_index: int = 0
    content_index: int = 0


class ResponseContentPartAddedEvent(_ResponsePartEvent):
    """A content part (``audio`` or ``text``) started; the translation streams into it next."""

    type: Literal["response.content_part.added"] = "response.content_part.added"
    part: ContentPart


class ResponseContentPartDoneEvent(_ResponsePartEvent):
    """A content part is complete, with its full text in ``part``."""

    type: Literal["response.content_part.done"] = "response.content_part.done"
    part: ContentPart


class ResponseTextTextEvent(_ResponsePartEvent):
    """Streaming translation, text-only mode (3/3.5): confirmed ``text`` plus tentative ``stash``.

    The running hypothesis is ``text + stash``. Ends with ``response.text.done``.
    """

    type: Literal["response.text.text"] = "response.text.text"
    text: str
    stash: str | None = None


class ResponseTextDeltaEvent(_ResponsePartEvent):
    """Streaming translation, text-only mode (3.8): an append-only ``delta``.

    Ends with ``response.text.done``.
    """

    type: Literal["response.text.delta"] = "response.text.delta"
    delta: str


class ResponseTextDoneEvent(_ResponsePartEvent):
    """The final translation ``text`` of a response, text-only mode.

    Also sent for interrupted responses, sometimes twice, and sometimes with empty text.
    """

    type: Literal["response.text.done"] = "response.text.done"
    text: str


class ResponseAudioTranscriptTextEvent(_ResponsePartEvent):
    """Streaming translation, audio mode (3/3.5): confirmed ``text`` plus tentative ``stash``.

    Ends with ``response.audio_transcript.done``.
    """

    type: Literal["response.audio_transcript.text"] = "response.audio_transcript.text"
    text: str
    stash: str | None = None


class ResponseAudioTranscriptDeltaEvent(_ResponsePartEvent):
    """Streaming translation, audio mode (3.8): an append-only ``delta``.

    Ends with ``response.audio_transcript.done``.
    """

    type: Literal["response.audio_transcript.delta"] = "response.audio_transcript.delta"
    delta: str


class ResponseAudioTranscriptDoneEvent(_ResponsePartEvent):
    """The final translation of a response, audio mode (field ``transcript``, not ``text``)."""

    type: Literal["response.audio_transcript.done"] = "response.audio_transcript.done"
    transcript: str


class ResponseAudioDeltaEvent(_ResponsePartEvent):
    """A chunk of translated speech (audio mode): ``delta`` is base64 PCM16 mono 24 kHz.

    The audio stays base64 so parsing stays cheap; ``audio_bytes()`` decodes it. Ends with
    ``response.audio.done``.
    """

    type: Literal["response.audio.delta"] = "response.audio.delta"
    delta: str

    def audio_bytes(self) -> bytes:
        """Decode the audio to raw PCM16 bytes (a leading RIFF/WAVE header is removed).

        Each call decodes again; keep the result if you need it twice.

        Raises:
            RemoteProtocolError: ``delta`` is not valid base64.
        """
        return _decode_audio(self.delta, event_type=self.type)


class ResponseAudioDoneEvent(_ResponsePartEvent):
    """The translated speech of a response is complete (also sent on interruption)."""

    type: Literal["response.audio.done"] = "response.audio.done"


# ------------------------------------------------------------------ unknown events and the union


class UnknownServerEvent(ServerModel):
    """Any event whose ``type`` this SDK does not know: never an error.

    ``raw`` is the whole object as received; serialising the event gives it back unchanged.
    """

    type: str
    raw: dict[str, Any]

    @property
    def event_id(self) -> str | None:
        """The event's ``event_id``, when it has a string one."""
        value = self.raw.get("event_id")
        return value if isinstance(value, str) else None

    @model_serializer(mode="plain")
    def _serialize(self) -> dict[str, Any]:
        return self.raw

    def to_dict(self) -> dict[str, Any]:
        """Return a copy of the raw wire object."""
        return dict(self.raw)


_KnownServerEvent: TypeAlias = Annotated[
    ErrorEvent
    | SessionCreatedEvent
    | SessionUpdatedEvent
    | SessionFinishedEvent
    | InputAudioBufferSpeechStartedEvent
    | InputAudioBufferSpeechStoppedEvent
    | InputAudioBufferCommittedEvent
    | InputAudioBufferClearedEvent
    | ConversationItemCreatedEvent
    | InputAudioTranscriptionTextEvent
    | InputAudioTranscriptionDeltaEvent
    | InputAudioTranscriptionCompletedEvent
    | InputAudioTranscriptionFailedEvent
    | ResponseCreatedEvent
    | ResponseDoneEvent
    | ResponseOutputItemAddedEvent
    | ResponseOutputItemDoneEvent
    | ResponseContentPartAddedEvent
    | ResponseContentPartDoneEvent
    | ResponseTextTextEvent
    | ResponseTextDeltaEvent
    | ResponseTextDoneEvent
    | ResponseAudioTranscriptTextEvent
    | ResponseAudioTranscriptDeltaEvent
    | ResponseAudioTranscriptDoneEvent
    | ResponseAudioDeltaEvent
    | ResponseAudioDoneEvent,
    Field(discriminator="type"),
]

SERVER_EVENT_TYPES: frozenset[str] = frozenset(
    cls.model_fields["type"].default for cls in get_args(get_args(_KnownServerEvent)[0])
)
"""Every server event ``type`` that parses to its own class (anything else is unknown)."""


def _wrap_unknown(value: Any) -> Any:
    # The union's second branch, reached only when the tagged union of known events failed.
    if isinstance(value, dict):
        event_type = value.get("type")
        if not isinstance(event_type, str):
            raise ValueError("the event has no string type")
        if event_type in SERVER_EVENT_TYPES:
            raise ValueError("a known event type with invalid fields")
        return {"type": event_type, "raw": value}
    return value


ServerEvent: TypeAlias = Annotated[
    Annotated[_KnownServerEvent, Tag("known")]
    | Annotated[UnknownServerEvent, BeforeValidator(_wrap_unknown), Tag("unknown")],
    Field(union_mode="left_to_right"),
]
"""Any event the realtime service sends: one of the event classes, or `UnknownServerEvent`.

Known types are dispatched on ``type`` by pydantic-core directly on the JSON (no Python call on the
hot path); only when that fails is the unknown branch tried, and it refuses known types, so an
invalid known event is an error, never an `UnknownServerEvent`. Narrow on ``event.type`` or with
``isinstance`` to get the concrete class.
"""

_ADAPTER: TypeAdapter[ServerEvent] = TypeAdapter(ServerEvent)
_validate_json = _ADAPTER.validate_json
_validate_python = _ADAPTER.validate_python


def parse_server_event(data: str | bytes) -> ServerEvent:
    """Parse one realtime text frame into its event, in a single validation pass.

    Args:
        data: The frame as received (JSON text).

    Returns:
        The event; an `UnknownServerEvent` when the ``type`` is not one this SDK knows.

    Raises:
        RemoteProtocolError: The frame is not JSON, not an object, has no string ``type``, or is a
            known type with missing or wrong fields. The message names the type, never the payload.
    """
    try:
        return _validate_json(data)
    except (ValueError, TypeError, RecursionError) as exc:  # ValidationError is a ValueError
        raise _parse_failure(exc, data, what="server event", branch="known", skip_loc=2) from None


def parse_server_event_dict(obj: dict[str, Any]) -> ServerEvent:
    """Parse an already-decoded server event object (for example a line of a transcript).

    Args:
        obj: The decoded JSON object.

    Returns:
        The event, as for `parse_server_event`.

    Raises:
        RemoteProtocolError: As for `parse_server_event`.
    """
    try:
        return _validate_python(obj)
    except (ValueError, TypeError, RecursionError) as exc:
        raise _parse_failure(exc, obj, what="server event", branch="known", skip_loc=2) from None
