"""Text reducers and segment assembly: server events in, paired source/translation segments out.

Everything here is pure: no I/O, no clock, no randomness.

**Text.** Streaming text arrives in two encodings. qwen3/3.5 send ``text`` + ``stash`` snapshots,
where ``text`` is the confirmed part and ``stash`` a tentative tail that later events may rewrite;
whether ``text`` is cumulative or only the newly confirmed fragment is not documented, so
[`apply_text_stash`][livetranslate.protocol.segments.apply_text_stash] accepts both (a new
``text`` that starts with the confirmed text replaces it, anything else is appended, as the
official demo does). qwen3.8 sends append-only ``delta`` pieces
([`apply_delta`][livetranslate.protocol.segments.apply_delta]). A final value (``…completed``,
``response.text.done``, ``response.audio_transcript.done``) replaces the running text
([`apply_final`][livetranslate.protocol.segments.apply_final]); an empty final keeps the running
text, and a second final for the same text is ignored.

**Pairing.** A segment joins one utterance's source (ASR) item with the response that translates
it. The source item is ``speech_started.item_id`` when sent, else the item of the transcription
events (joined to speech segments in arrival order). A translation item names its source through
``conversation.item.created.previous_item_id`` (items whose content holds ``input_audio`` are
3.8 source items and are not links). Where no link arrives (qwen3), the n-th response is paired
with the n-th unpaired source; once a link has been seen, responses wait for theirs and fall back
to arrival order only when they finish unlinked.

**Finality.** A segment is final when its response is done and its source transcription completed
or failed (or no source transcription is expected, or no source item was seen). Until then every
change of its source or translated running text gives a partial segment. Each utterance's final
segment is emitted exactly once;
[`SegmentAssembler.flush`][livetranslate.protocol.segments.SegmentAssembler.flush] finalizes
whatever is still in flight when the session ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from livetranslate.events import (
    ConversationItemCreatedEvent,
    InputAudioBufferCommittedEvent,
    InputAudioBufferSpeechStartedEvent,
    InputAudioBufferSpeechStoppedEvent,
    InputAudioTranscriptionCompletedEvent,
    InputAudioTranscriptionDeltaEvent,
    InputAudioTranscriptionFailedEvent,
    InputAudioTranscriptionTextEvent,
    ResponseAudioDeltaEvent,
    ResponseAudioTranscriptDeltaEvent,
    ResponseAudioTranscriptDoneEvent,
    ResponseAudioTranscriptTextEvent,
    ResponseContentPartAddedEvent,
    ResponseContentPartDoneEvent,
    ResponseCreatedEvent,
    ResponseDoneEvent,
    ResponseOutputItemAddedEvent,
    ResponseOutputItemDoneEvent,
    ResponseTextDeltaEvent,
    ResponseTextDoneEvent,
    ResponseTextTextEvent,
    ServerEvent,
)
from livetranslate.events.realtime_server import ConversationItem
from livetranslate.protocol._pairing import Pairing, Response, Source, Unit
from livetranslate.protocol._text import TextSnapshot, apply_delta, apply_final, apply_text_stash
from livetranslate.usage import Usage

__all__ = [
    "Segment",
    "SegmentAssembler",
    "TextSnapshot",
    "apply_delta",
    "apply_final",
    "apply_text_stash",
]

_OUTPUT_SAMPLE_RATE = 24000  # translated speech, PCM16 mono, on every model generation

_TranscriptionEvent = (
    InputAudioTranscriptionTextEvent
    | InputAudioTranscriptionDeltaEvent
    | InputAudioTranscriptionCompletedEvent
    | InputAudioTranscriptionFailedEvent
)
_ResponseStreamEvent = (
    ResponseContentPartAddedEvent
    | ResponseContentPartDoneEvent
    | ResponseTextTextEvent
    | ResponseTextDeltaEvent
    | ResponseTextDoneEvent
    | ResponseAudioTranscriptTextEvent
    | ResponseAudioTranscriptDeltaEvent
    | ResponseAudioTranscriptDoneEvent
    | ResponseAudioDeltaEvent
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Segment:
    """One utterance: its source text, its translation, and the translated speech.

    Partial segments (``final=False``) report running text as it changes; the final segment of
    each utterance is emitted exactly once.

    Attributes:
        index: Final segments: 0, 1, 2, … in order of completion. Partial segments: the index
            the final is expected to get (it differs when utterances finish out of order).
        final: Whether this is the utterance's final segment.
        source_text: The source-language transcript (empty when transcription is off).
        source_language: The detected source language, else the configured one, else None.
        translated_text: The translation.
        audio: Translated speech, PCM16 mono 24 kHz; final segments only (partials have b"").
        speaker: The speaker label (3.8 ``speaker_id``), or None.
        start_ms: Speech start, in ms from the start of the input stream, or None.
        end_ms: Speech end, in ms from the start of the input stream, or None.
        usage: Tokens of this utterance's response (zero until the response is done).
        emotion: The detected emotion (3.5), or None.
        response_id: The translating response, or None.
        source_item_id: The source (ASR) item, or None.
        translation_item_id: The translation item, or None.
        status: The response status (``in_progress``, ``completed``, ``incomplete``, ``failed``),
            or None when no response was seen.
    """

    index: int
    final: bool
    source_text: str = ""
    source_language: str | None = None
    translated_text: str = ""
    audio: bytes = field(default=b"", repr=False)
    speaker: int | None = None
    start_ms: int | None = None
    end_ms: int | None = None
    usage: Usage = field(default_factory=Usage)
    emotion: str | None = None
    response_id: str | None = None
    source_item_id: str | None = None
    translation_item_id: str | None = None
    status: str | None = None

    @property
    def duration_ms(self) -> int | None:
        """Length of the source speech in ms (``end_ms - start_ms``), or None if unknown."""
        if self.start_ms is None or self.end_ms is None:
            return None
        return self.end_ms - self.start_ms

    @property
    def audio_seconds(self) -> float:
        """Length of the translated speech in seconds (0.0 for partial segments)."""
        return len(self.audio) / (2 * _OUTPUT_SAMPLE_RATE)


def _item_text(item: ConversationItem) -> str:
    return next((part.value for part in item.content if part.value), "")


class SegmentAssembler:
    """Turns server events into [`Segment`][livetranslate.protocol.segments.Segment]s.

    [`RealtimeProtocol`][livetranslate.protocol.RealtimeProtocol] runs one for you; use it
    directly to assemble segments from recorded events. Feed every server event in wire order.

    Attributes:
        source_language: The configured source language, used when events do not name one.
        transcription: Whether source transcription is on (a final segment then waits for it).
        completed: How many final segments were emitted.
        offset_ms: Added to ``audio_start_ms``/``audio_end_ms``: where this connection's audio
            starts in the session's input stream (non-zero after a reconnect), so that segment
            timestamps stay continuous across connections.
    """

    def __init__(self, *, source_language: str | None = None, transcription: bool = True) -> None:
        """Create an assembler with no utterances in flight.

        Args:
            source_language: The configured source language, or None (auto-detected).
            transcription: Whether source transcription is on (always on for 3.8).
        """
        self.source_language = source_language
        self.transcription = transcription
        self.completed = 0
        self._last_final_start_ms: int | None = None
        self.offset_ms = 0
        self._pairs = Pairing()
        self._out: list[Segment] = []

    def feed(self, event: ServerEvent) -> list[Segment]:
        """Fold one server event in; return the segments it produced (partials and finals).

        Events that do not concern segments are ignored.

        Args:
            event: The next server event, in wire order.

        Returns:
            New segments, in order.

        Raises:
            RemoteProtocolError: A ``response.audio.delta`` carries invalid base64.
        """
        touched = self._dispatch(event)
        if touched is not None:
            self._settle(touched)
        out, self._out = self._out, []
        return out

    def open_start_ms(self) -> int | None:
        """The earliest ``start_ms`` of an utterance still in flight, or None (pure query).

        Audio from that point on may still be needed by the service.
        """
        # A source that finished (transcript done, speech over) with no response while a later
        # utterance has already completed will not be translated any more: it must not pin the
        # replay buffer for the rest of a long session.
        settled = self._last_final_start_ms
        starts = [
            s.start_ms
            for s in self._pairs.sources
            if s.start_ms is not None
            and not (
                s.response is None
                and s.done
                and s.end_ms is not None
                and settled is not None
                and s.start_ms < settled
            )
        ]
        return min(starts) if starts else None

    def flush(self) -> list[Segment]:
        """Finalize every utterance still in flight, with what it has (at the session's end).

        Utterances with neither text nor a response are dropped.

        Returns:
            The final segments, in order of each utterance's first event.
        """
        self._pairs.match(fallback=True)
        for source, response in self._pairs.units():
            if response is not None or (source is not None and source.text.text):
                self._emit_final((source, response))
            else:
                self._pairs.drop(source, None)
        out, self._out = self._out, []
        return out

    # ------------------------------------------------------------------ dispatch

    def _dispatch(self, event: ServerEvent) -> Source | Response | None:
        pairs = self._pairs
        if isinstance(event, InputAudioBufferSpeechStartedEvent | InputAudioBufferCommittedEvent):
            source = pairs.speech(event.item_id)
            if source is not None and isinstance(event, InputAudioBufferSpeechStartedEvent):
                source.start_ms = event.audio_start_ms + self.offset_ms
                source.speaker = event.speaker_id
            return None
        if isinstance(event, InputAudioBufferSpeechStoppedEvent):
            source = pairs.speech_stopped(event.item_id)
            if source is not None:
                source.end_ms = event.audio_end_ms + self.offset_ms
            return None
        if isinstance(event, ConversationItemCreatedEvent):
            item = event.item
            if any(part.type == "input_audio" for part in item.content):
                pairs.source(item.id)  # a 3.8 (or manual-mode) source item, not a link
                return None
            if event.previous_item_id is None:
                return None
            return pairs.translation_item(item.id, event.previous_item_id)
        if isinstance(event, _TranscriptionEvent):
            return self._transcription(event)
        if isinstance(event, ResponseCreatedEvent | ResponseDoneEvent):
            response = pairs.response(event.response.id)
            if response is not None:
                response.status = event.response.status or response.status
                if isinstance(event, ResponseDoneEvent):
                    self._response_done(response, event)
            return response
        if isinstance(event, ResponseOutputItemAddedEvent | ResponseOutputItemDoneEvent):
            response = pairs.response(event.response_id, event.item.id)
            if response is not None and isinstance(event, ResponseOutputItemDoneEvent):
                response.hint = _item_text(event.item) or response.hint
            return response
        if isinstance(event, _ResponseStreamEvent):
            return self._response_stream(event)
        return None  # session events, errors, audio.done, cleared, unknown events

    def _transcription(self, event: _TranscriptionEvent) -> Source | None:
        source = self._pairs.source(event.item_id)
        if source is None:
            return None
        if isinstance(event, InputAudioTranscriptionDeltaEvent):
            source.text = apply_delta(source.text, event.delta)
        elif isinstance(event, InputAudioTranscriptionFailedEvent):
            source.text = apply_final(source.text, None)
            source.done = True
        else:
            source.language = event.language or source.language
            source.emotion = event.emotion or source.emotion
            if isinstance(event, InputAudioTranscriptionTextEvent):
                source.text = apply_text_stash(source.text, event.text, event.stash)
            else:
                source.text = apply_final(source.text, event.transcript)
                source.done = True
        return source

    def _response_stream(self, event: _ResponseStreamEvent) -> Response | None:
        response = self._pairs.response(event.response_id, event.item_id)
        if response is None:
            return None
        if isinstance(event, ResponseAudioDeltaEvent):
            response.audio.append(event.audio_bytes())
        elif isinstance(event, ResponseContentPartDoneEvent):
            response.hint = event.part.value or response.hint
        elif isinstance(event, ResponseTextTextEvent | ResponseAudioTranscriptTextEvent):
            response.text = apply_text_stash(response.text, event.text, event.stash)
        elif isinstance(event, ResponseTextDeltaEvent | ResponseAudioTranscriptDeltaEvent):
            response.text = apply_delta(response.text, event.delta)
        elif isinstance(event, ResponseTextDoneEvent):
            response.text = apply_final(response.text, event.text)
        elif isinstance(event, ResponseAudioTranscriptDoneEvent):
            response.text = apply_final(response.text, event.transcript)
        return response

    def _response_done(self, response: Response, event: ResponseDoneEvent) -> None:
        usage = event.response.usage
        response.usage = usage.to_usage() if usage is not None else Usage()
        if not response.text.done:
            hint = next((t for t in map(_item_text, event.response.output) if t), response.hint)
            response.text = apply_final(response.text, hint)
        response.done = True
        if response.source is None:
            self._pairs.match(fallback=True)

    # ------------------------------------------------------------------ emission

    def _settle(self, touched: Source | Response) -> None:
        unit: Unit = (
            (touched, touched.response)
            if isinstance(touched, Source)
            else (touched.source, touched)
        )
        source, response = unit
        if (
            response is not None
            and response.done
            and (source is None or source.done or not self.transcription)
        ):
            self._emit_final(unit)
            return
        texts = (
            "" if source is None else source.text.text,
            "" if response is None else response.text.text,
        )
        last = touched.last
        if texts == last or texts == ("", ""):
            return
        ahead = next(i for i, other in enumerate(self._pairs.units()) if other == unit)
        self._out.append(self._segment(unit, self.completed + ahead, final=False))
        for part in unit:
            if part is not None:
                part.last = texts

    def _segment(self, unit: Unit, index: int, *, final: bool) -> Segment:
        # One constructor call: this runs for every partial update (hot path).
        source, response = unit
        fields: dict[str, Any] = {"source_language": self.source_language}
        if source is not None:
            fields.update(
                source_text=source.text.text,
                source_language=source.language or self.source_language,
                speaker=source.speaker,
                start_ms=source.start_ms,
                end_ms=source.end_ms,
                emotion=source.emotion,
                source_item_id=source.item_id,
            )
        if response is not None:
            fields.update(
                translated_text=response.text.text,
                audio=b"".join(response.audio) if final else b"",
                usage=response.usage,
                response_id=response.id,
                translation_item_id=response.item_id,
                status=response.status,
            )
        return Segment(index=index, final=final, **fields)

    def _emit_final(self, unit: Unit) -> None:
        source = unit[0]
        if source is not None and source.start_ms is not None:
            last = self._last_final_start_ms
            self._last_final_start_ms = (
                source.start_ms if last is None else max(last, source.start_ms)
            )
        self._out.append(self._segment(unit, self.completed, final=True))
        self.completed += 1
        self._pairs.drop(*unit)
