"""Wire models of the file-translation stream (OpenAI-compatible chat completions).

``qwen3-livetranslate-flash`` answers ``POST …/chat/completions`` with an SSE stream of
``chat.completion.chunk`` objects: text pieces in ``choices[0].delta.content``, base64 audio in
``choices[0].delta.audio.data``, and, when ``stream_options.include_usage`` is on, a last chunk
with ``choices: []`` and ``usage``. These models are the chunk as sent; turning chunks into
high-level translation events is the job of ``livetranslate.protocol``.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from livetranslate.events._base import ServerModel, _decode_audio, _parse_failure
from livetranslate.events.usage import ChatUsage

__all__ = [
    "ChatCompletionChunk",
    "ChunkAudio",
    "ChunkChoice",
    "ChunkDelta",
    "parse_chat_chunk",
]

_CHUNK_OBJECT = "chat.completion.chunk"


class ChunkAudio(ServerModel):
    """A piece of translated speech in a chunk's ``delta.audio``.

    ``data`` is base64 PCM16 mono 24 kHz (headerless, although ``format: "wav"`` was requested);
    concatenating every chunk's decoded data gives the whole audio. ``id`` is ``audio_<uuid>``;
    ``expires_at`` is the request-creation time (Unix seconds). ``transcript`` is not documented
    but read by some samples, so it is kept when present.
    """

    data: str | None = None
    id: str | None = None
    expires_at: int | None = None
    transcript: str | None = None

    def audio_bytes(self) -> bytes:
        """Decode ``data`` to raw PCM16 bytes (empty when absent; a RIFF/WAVE header is removed).

        Raises:
            RemoteProtocolError: ``data`` is not valid base64.
        """
        return _decode_audio(self.data, event_type=_CHUNK_OBJECT)


class ChunkDelta(ServerModel):
    """What one chunk adds: ``content`` (translated text) or ``audio``; ``role`` only at first.

    The always-null OpenAI fields (``function_call``, ``refusal``, ``tool_calls``, …) are kept as
    extra fields.
    """

    role: str | None = None
    content: str | None = None
    audio: ChunkAudio | None = None


class ChunkChoice(ServerModel):
    """The single choice of a chunk.

    ``finish_reason`` is ``None`` while streaming, then ``stop`` (or ``length`` when ``max_tokens``
    cut the output).
    """

    index: int = 0
    finish_reason: str | None = None
    delta: ChunkDelta = Field(default_factory=ChunkDelta)


class ChatCompletionChunk(ServerModel):
    """One streamed ``chat.completion.chunk`` of a file translation.

    Every chunk of a stream shares ``id`` and ``created``. The last one (with ``include_usage``)
    has empty ``choices`` and the ``usage``. Error payloads and unknown fields are kept as extra
    fields, so a chunk parses even when the service adds something.
    """

    id: str | None = None
    object: str | None = None
    created: int | None = None
    model: str | None = None
    choices: list[ChunkChoice] = Field(default_factory=list)
    usage: ChatUsage | None = None


_validate_json = ChatCompletionChunk.model_validate_json
_validate_python = ChatCompletionChunk.model_validate


def parse_chat_chunk(data: str | bytes | dict[str, Any]) -> ChatCompletionChunk:
    """Parse one chunk: the JSON text of an SSE ``data:`` line, or the already-decoded object.

    Args:
        data: The chunk.

    Returns:
        The chunk.

    Raises:
        RemoteProtocolError: The chunk is not JSON, not an object, or has fields of the wrong type.
            The message never includes the payload.
    """
    try:
        if isinstance(data, dict):
            return _validate_python(data)
        return _validate_json(data)
    except (ValueError, TypeError, RecursionError) as exc:  # ValidationError is a ValueError
        raise _parse_failure(
            exc, data, what="chat completion chunk", type_key="object", default_type=_CHUNK_OBJECT
        ) from None
