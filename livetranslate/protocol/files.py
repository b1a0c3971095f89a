"""Sans-I/O file translation: request building and the chunk reducer (advanced).

The file model (``qwen3-livetranslate-flash``) is called through the OpenAI-compatible
``POST {base}/chat/completions`` with ``stream: true``. This module holds everything about that
call that needs no I/O:

- Input: [`media_from_url`][livetranslate.protocol.files.media_from_url] and
  [`media_from_bytes`][livetranslate.protocol.files.media_from_bytes] check an input and build the
  message part (format detected from magic bytes, then the file extension);
  [`resolve_options`][livetranslate.protocol.files.resolve_options] checks languages, output
  and voice against the registry; [`build_request`][livetranslate.protocol.files.build_request]
  returns the exact JSON body.
- Output: [`TranslationAccumulator`][livetranslate.protocol.files.TranslationAccumulator] folds
  streamed ``chat.completion.chunk`` objects into high-level
  [`TranslationEvent`][livetranslate.protocol.files.TranslationEvent]s and a final
  [`TranslationOutput`][livetranslate.protocol.files.TranslationOutput]. The result never
  depends on how the stream was split into chunks.

The high-level events live here, not in ``livetranslate.events``: they are produced by this
reducer rather than parsed from the wire (``livetranslate.events.translation`` holds the wire
models). ``livetranslate.files`` re-exports them.

Local input is sent as a data URL in the form the file-translation guide documents,
``data:<audio|video>/<format>;base64,<data>`` (for example ``data:audio/mp3;base64,...``).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from livetranslate import registry
from livetranslate.events.translation import ChatCompletionChunk, parse_chat_chunk
from livetranslate.exceptions import ConfigurationError, RemoteProtocolError, StreamInterrupted
from livetranslate.pricing import CostEstimate, cost_of
from livetranslate.protocol._media import (
    VIDEO_FORMATS,
    MediaFormat,
    MediaInput,
    MediaKind,
    data_url,
    format_from_name,
    media_from_bytes,
    media_from_url,
    sniff_format,
    too_large,
)
from livetranslate.types import Modality
from livetranslate.usage import Usage

__all__ = [
    "OUTPUT_SAMPLE_RATE",
    "VIDEO_FORMATS",
    "MediaFormat",
    "MediaInput",
    "MediaKind",
    "TranslationAccumulator",
    "TranslationAudioDelta",
    "TranslationEvent",
    "TranslationOptions",
    "TranslationOutput",
    "TranslationTextDelta",
    "TranslationUsage",
    "build_request",
    "data_url",
    "format_from_name",
    "media_from_bytes",
    "media_from_url",
    "resolve_options",
    "sniff_format",
    "too_large",
]

OUTPUT_SAMPLE_RATE = 24000
"""Sample rate of the translated speech: PCM16 mono at 24 kHz."""

# ----------------------------------------------------------------------------- request


@dataclass(frozen=True, slots=True)
class TranslationOptions:
    """Checked options of one file translation (see `resolve_options`).

    Attributes:
        model: The model id as it is sent (a snapshot id stays a snapshot id).
        target_language: The target code.
        source_language: The source code, or None to let the service detect it.
        modalities: ``("text",)`` or ``("text", "audio")``.
        voice: The voice for translated speech; None when no speech is asked for.
    """

    model: str
    target_language: str
    source_language: str | None
    modalities: tuple[Modality, ...]
    voice: str | None

    @property
    def speech(self) -> bool:
        """Whether translated speech is requested."""
        return "audio" in self.modalities


def _modalities(value: object) -> tuple[Modality, ...]:
    items = (value,) if isinstance(value, str) else value
    if not isinstance(items, Sequence | frozenset | set):
        raise ConfigurationError(
            f"modalities must be ('text',) or ('text', 'audio'), got {value!r}."
        )
    given = set(items)
    if len(given) == len(items) and given == {"text"}:
        return ("text",)
    if len(given) == len(items) and given == {"text", "audio"}:
        return ("text", "audio")
    raise ConfigurationError(
        f"modalities must be ('text',) or ('text', 'audio'), got {value!r}; text is always "
        "produced, 'audio' adds translated speech."
    )


def resolve_options(
    *,
    model: str | registry.ModelInfo = registry.DEFAULT_FILE_MODEL,
    target_language: str,
    source_language: str | None = None,
    modalities: Sequence[Modality] = ("text",),
    voice: str | None = None,
) -> TranslationOptions:
    """Check the options of a file translation against the registry.

    With speech output and no ``voice``, the model's default voice is used when it speaks the
    target, else the first documented voice that does (``Kiki`` for Cantonese). A ``voice``
    given with text-only output is checked but not sent.

    Args:
        model: A file model id or snapshot id.
        target_language: The language to translate into (code, English name or alias).
        source_language: The spoken language, or None (or ``"auto"``) to detect it.
        modalities: ``("text",)`` or ``("text", "audio")``.
        voice: A preset voice for translated speech.

    Returns:
        The checked options, with language codes.

    Raises:
        ConfigurationError: A realtime model, an unknown or unsupported language, speech for a
            text-only target, an unknown voice or one that cannot speak the target.
    """
    info = registry.get_model(model)
    if info.kind != "file":
        raise ConfigurationError(
            f"{info.id} is a realtime model; use RealtimeSession for it, or "
            f"model={registry.DEFAULT_FILE_MODEL!r} for files."
        )
    wire_model = model.strip() if isinstance(model, str) else info.id
    mods = _modalities(modalities)
    speech = "audio" in mods
    target = registry.validate_target(info, target_language, speech=speech)
    source = registry.validate_source(info, source_language)
    chosen: str | None = None
    if voice is not None:
        chosen = registry.validate_voice(
            info, voice, target_language=target if speech else None
        ).name
    elif speech:
        able = [v for v in info.voices if v.speaks(target.code)]
        default = [v for v in able if v.name == info.default_voice]
        chosen = (default or able)[0].name if able else info.default_voice
    return TranslationOptions(
        model=wire_model,
        target_language=target.code,
        source_language=source.code if source else None,
        modalities=mods,
        voice=chosen if speech else None,
    )


def build_request(media: MediaInput, options: TranslationOptions) -> dict[str, Any]:
    """Return the JSON body of ``POST /chat/completions`` for one file.

    Exactly the documented request: one user message holding one content part,
    ``translation_options`` at the top level (codes), ``modalities``, ``audio`` (voice and
    ``"wav"``) only when speech is asked for, ``stream: true`` and
    ``stream_options.include_usage``.

    Args:
        media: The input file.
        options: The checked options.

    Returns:
        The request body.
    """
    translation: dict[str, str] = {"target_lang": options.target_language}
    if options.source_language is not None:
        translation = {"source_lang": options.source_language, **translation}
    body: dict[str, Any] = {
        "model": options.model,
        "messages": [{"role": "user", "content": [media.content_part()]}],
        "modalities": list(options.modalities),
        "stream": True,
        "stream_options": {"include_usage": True},
        "translation_options": translation,
    }
    if options.speech:
        body["audio"] = {"voice": options.voice, "format": "wav"}
    return body


# ------------------------------------------------------------------------------ events


@dataclass(frozen=True, slots=True)
class TranslationTextDelta:
    """A piece of translated text, in stream order.

    Attributes:
        text: The new text (concatenate the pieces for the whole translation).
        type: Always ``"text.delta"``.
    """

    text: str
    type: Literal["text.delta"] = "text.delta"


@dataclass(frozen=True, slots=True)
class TranslationAudioDelta:
    """A piece of translated speech: whole PCM16 little-endian mono samples at 24 kHz.

    Attributes:
        pcm: The new samples (never an odd number of bytes).
        sample_rate: Always 24000.
        type: Always ``"audio.delta"``.
    """

    pcm: bytes = field(repr=False)
    sample_rate: int = OUTPUT_SAMPLE_RATE
    type: Literal["audio.delta"] = "audio.delta"

    def __repr__(self) -> str:
        return f"TranslationAudioDelta(<{len(self.pcm)} bytes>)"


@dataclass(frozen=True, slots=True)
class TranslationUsage:
    """The last event of a translation: what it used and cost.

    Attributes:
        usage: Tokens by kind.
        cost: The price of ``usage`` for the model and region.
        finish_reason: ``"stop"``, or ``"length"`` when the output hit ``max_tokens``.
        type: Always ``"usage"``.
    """

    usage: Usage
    cost: CostEstimate
    finish_reason: str | None
    type: Literal["usage"] = "usage"


TranslationEvent: TypeAlias = TranslationTextDelta | TranslationAudioDelta | TranslationUsage
"""What ``FileTranslator.stream()`` yields: text and audio deltas, then one usage event."""


@dataclass(frozen=True, slots=True)
class TranslationOutput:
    """The folded result of one stream (bytes only; ``livetranslate.files`` adds arrays).

    Attributes:
        text: The whole translation.
        audio: The whole translated speech as PCM16 mono bytes (empty for text-only output).
        sample_rate: The audio's sample rate (24000).
        usage: Tokens by kind.
        cost: The price of ``usage``.
        finish_reason: ``"stop"`` or ``"length"`` (None if the service sent none).
        response_id: The ``chatcmpl-...`` id shared by the chunks.
        chunks: How many chunks the stream had.
    """

    text: str
    audio: bytes = field(repr=False)
    sample_rate: int
    usage: Usage
    cost: CostEstimate
    finish_reason: str | None
    response_id: str | None
    chunks: int


class _AudioAssembler:
    """Base64 pieces in, whole PCM16 samples out; a leading RIFF/WAVE header is removed.

    Base64 is decoded in whole 4-character quanta, carrying the rest to the next piece, so it
    does not matter where the service splits it. A header is looked for at the start of the
    stream and again whenever the audio id changes.
    """

    __slots__ = ("_carry", "_head", "_id", "_odd", "_open", "total")

    def __init__(self) -> None:
        self._carry = ""
        self._head = b""  # held while a header may still be arriving
        self._open = True  # looking for a header
        self._odd = b""
        self._id: str | None = None
        self.total = 0

    def feed(self, data: str, audio_id: str | None) -> bytes:
        if audio_id is not None and self._id is not None and audio_id != self._id:
            self._open = True
        if audio_id is not None:
            self._id = audio_id
        text = self._carry + data
        usable = len(text) - len(text) % 4
        self._carry = text[usable:]
        try:
            raw = base64.b64decode(text[:usable], validate=True)
        except (binascii.Error, ValueError):
            raise RemoteProtocolError(
                "The audio in a chat completion chunk is not valid base64.",
                event_type="chat.completion.chunk",
            ) from None
        if self._open:
            raw = self._strip(self._head + raw)
        return self._whole(raw)

    def _strip(self, buf: bytes) -> bytes:
        riff = b"RIFF"
        if len(buf) < 12 and buf[:4] == riff[: min(4, len(buf))]:
            self._head = buf  # too short to decide
            return b""
        self._head = b""
        if buf[:4] != riff or buf[8:12] != b"WAVE":
            self._open = False
            return buf
        pos = 12
        while pos + 8 <= len(buf):
            if buf[pos : pos + 4] == b"data":
                self._open = False
                return buf[pos + 8 :]
            size = int.from_bytes(buf[pos + 4 : pos + 8], "little")
            pos += 8 + size + (size & 1)
        self._head = buf
        return b""

    def _whole(self, raw: bytes) -> bytes:
        if self._odd:
            raw = self._odd + raw
        cut = len(raw) - (len(raw) & 1)
        self._odd = raw[cut:]
        out = raw[:cut]
        self.total += len(out)
        return out

    def close(self) -> bytes:
        if self._carry:
            raise RemoteProtocolError(
                "The translated audio ended in the middle of a base64 quantum.",
                event_type="chat.completion.chunk",
            )
        if not self._head:
            return b""
        head, self._head = self._head, b""
        self._open = False
        pcm = head[44:] if head[:4] == b"RIFF" and head[8:12] == b"WAVE" else head
        return self._whole(pcm)


class TranslationAccumulator:
    """Folds the chunks of one streamed file translation into events and a result.

    Feed every chunk, in order, to
    [`receive_chunk`][livetranslate.protocol.files.TranslationAccumulator.receive_chunk]: it
    returns the new high-level events (text, then audio deltas; a
    [`TranslationUsage`][livetranslate.protocol.files.TranslationUsage] from the final usage
    chunk). When the stream ends,
    [`result`][livetranslate.protocol.files.TranslationAccumulator.result] returns the whole
    translation, or raises
    [`StreamInterrupted`][livetranslate.exceptions.StreamInterrupted] if the usage chunk never
    came (the stream was cut). No I/O, no clock: the same chunks always give the same events.

    Args:
        model: The model, for pricing the usage.
        region: The region, for pricing the usage.
    """

    def __init__(
        self,
        *,
        model: str | registry.ModelInfo = registry.DEFAULT_FILE_MODEL,
        region: str = "intl",
    ) -> None:
        self._model = registry.get_model(model)
        self._region = region
        self._text: list[str] = []
        self._chars = 0
        self._audio = _AudioAssembler()
        self._pcm: list[bytes] = []
        self._chunks = 0
        self._finish: str | None = None
        self._id: str | None = None
        self._usage: TranslationUsage | None = None

    @property
    def chunks_received(self) -> int:
        """How many chunks were received."""
        return self._chunks

    @property
    def text(self) -> str:
        """The translated text received so far."""
        return "".join(self._text)

    @property
    def audio_bytes(self) -> int:
        """How many bytes of PCM16 speech were received so far."""
        return self._audio.total

    @property
    def complete(self) -> bool:
        """Whether the final usage chunk arrived."""
        return self._usage is not None

    def receive_chunk(
        self, chunk: ChatCompletionChunk | Mapping[str, Any] | str | bytes
    ) -> list[TranslationEvent]:
        """Fold one chunk; return the events it produced.

        Args:
            chunk: A parsed chunk, its decoded JSON object, or its JSON text.

        Returns:
            New events, possibly none (a chunk with only ``role`` or ``finish_reason``).

        Raises:
            RemoteProtocolError: The chunk is malformed, its audio is not base64, or it came
                after the usage chunk.
        """
        if not isinstance(chunk, ChatCompletionChunk):
            chunk = parse_chat_chunk(chunk if isinstance(chunk, str | bytes) else dict(chunk))
        if self._usage is not None:
            raise RemoteProtocolError(
                "Received a chat completion chunk after the final usage chunk.",
                event_type="chat.completion.chunk",
            )
        self._chunks += 1
        if self._id is None:
            self._id = chunk.id
        events: list[TranslationEvent] = []
        for choice in chunk.choices:
            delta = choice.delta
            if delta.content:
                self._text.append(delta.content)
                self._chars += len(delta.content)
                events.append(TranslationTextDelta(delta.content))
            audio = delta.audio
            if audio is not None and audio.data:
                pcm = self._audio.feed(audio.data, audio.id)
                if pcm:
                    self._pcm.append(pcm)
                    events.append(TranslationAudioDelta(pcm))
            if choice.finish_reason:
                self._finish = choice.finish_reason
        if chunk.usage is not None:
            tail = self._audio.close()
            if tail:
                self._pcm.append(tail)
                events.append(TranslationAudioDelta(tail))
            usage = chunk.usage.to_usage()
            cost = cost_of(usage, model=self._model, region=self._region)
            self._usage = TranslationUsage(usage, cost, self._finish)
            events.append(self._usage)
        return events

    def interrupted(self, reason: str) -> StreamInterrupted:
        """Build the error for a stream that broke off now, saying how much had arrived.

        Args:
            reason: What happened, one clause (e.g. ``"the connection was closed"``).

        Returns:
            The exception (not raised).
        """
        seconds = self._audio.total / (2 * OUTPUT_SAMPLE_RATE)
        return StreamInterrupted(
            f"The translation stream broke off after {self._chunks} chunks ({self._chars} "
            f"characters of text and {seconds:.2f} s of speech had arrived): {reason}.",
            events_received=self._chunks,
            text_received=self._chars,
            audio_bytes_received=self._audio.total,
        )

    def result(self) -> TranslationOutput:
        """Return the whole translation once the stream has ended.

        Returns:
            Text, PCM audio, usage and cost.

        Raises:
            StreamInterrupted: The final usage chunk never arrived.
        """
        final = self._usage
        if final is None:
            raise self.interrupted("the stream ended before its final usage chunk")
        return TranslationOutput(
            text="".join(self._text),
            audio=b"".join(self._pcm),
            sample_rate=OUTPUT_SAMPLE_RATE,
            usage=final.usage,
            cost=final.cost,
            finish_reason=final.finish_reason,
            response_id=self._id,
            chunks=self._chunks,
        )
