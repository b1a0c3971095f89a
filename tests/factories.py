"""Hypothesis strategies that build the wire JSON of every server event (dicts, ready to dump).

Every strategy yields a ``dict[str, Any]`` exactly as the service would send it: required fields
always present, optional fields sometimes present (sometimes ``null`` where the wire allows it),
and sometimes an extra field the SDK does not know (which must be kept, never rejected).

``server_event_dicts()`` draws from every known type; ``SERVER_EVENT_STRATEGIES`` maps each wire
``type`` to its own strategy (one function per type below). ``chat_chunk_dicts()`` builds file-API
stream chunks.
"""

from __future__ import annotations

import base64
from typing import Any

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

Wire = dict[str, Any]

# ------------------------------------------------------------------ scalars

ids = st.text(
    alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_", max_size=24
)
texts = st.text(max_size=40)
small_ints = st.integers(min_value=0, max_value=2**31 - 1)
counts = st.integers(min_value=0, max_value=10**6)
floats = st.floats(allow_nan=False, allow_infinity=False, width=64)
base64_audio = st.binary(max_size=256).map(lambda b: base64.b64encode(b).decode())
modalities = st.sampled_from([["text"], ["text", "audio"], ["audio", "text"]])
json_scalars: SearchStrategy[Any] = st.none() | st.booleans() | small_ints | texts
json_values: SearchStrategy[Any] = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
    max_leaves=6,
)


def _opt(strategy: SearchStrategy[Any]) -> SearchStrategy[Any]:
    return st.none() | strategy


def _obj(
    required: dict[str, SearchStrategy[Any]] | None = None,
    optional: dict[str, SearchStrategy[Any]] | None = None,
    *,
    extras: bool = True,
) -> SearchStrategy[Wire]:
    """A JSON object with the given fields, plus (sometimes) an unknown ``x_*`` field."""
    base = st.fixed_dictionaries(required or {}, optional=optional or {})
    if not extras:
        return base
    extra = st.dictionaries(st.from_regex(r"x_[a-z]{1,6}", fullmatch=True), json_values, max_size=1)
    return st.tuples(base, extra).map(lambda pair: {**pair[1], **pair[0]})


def _event(
    event_type: str,
    required: dict[str, SearchStrategy[Any]] | None = None,
    optional: dict[str, SearchStrategy[Any]] | None = None,
) -> SearchStrategy[Wire]:
    return _obj(
        {"type": st.just(event_type), **(required or {})},
        {"event_id": ids, **(optional or {})},
    )


# ------------------------------------------------------------------ payloads

error_details = _obj(
    optional={
        "type": _opt(texts),
        "code": _opt(texts),
        "message": _opt(texts),
        "param": _opt(texts),
        "event_id": _opt(ids),
    }
)
content_parts = _obj(
    {"type": st.sampled_from(["text", "audio", "input_audio"])},
    {"text": _opt(texts), "transcript": _opt(texts)},
)
conversation_items = _obj(
    {"id": ids},
    {
        "object": st.just("realtime.item"),
        "type": st.just("message"),
        "status": st.sampled_from(["in_progress", "completed", "incomplete"]),
        "role": st.sampled_from(["assistant", "user"]),
        "content": st.lists(content_parts, max_size=2),
    },
)
realtime_usages = _obj(
    optional={
        "total_tokens": _opt(counts),
        "input_tokens": _opt(counts),
        "output_tokens": _opt(counts),
        "input_tokens_details": _opt(
            _obj(
                optional={
                    k: _opt(counts)
                    for k in ("text_tokens", "audio_tokens", "image_tokens", "cached_tokens")
                }
            )
        ),
        "output_tokens_details": _opt(
            _obj(optional={"text_tokens": _opt(counts), "audio_tokens": _opt(counts)})
        ),
    }
)
responses = _obj(
    {"id": ids},
    {
        "object": st.just("realtime.response"),
        "conversation_id": ids,
        "status": st.sampled_from(["in_progress", "completed", "failed", "incomplete"]),
        "modalities": modalities,
        "voice": _opt(texts),
        "output_audio_format": st.sampled_from(["pcm", "pcm24"]),
        "output": st.lists(conversation_items, max_size=2),
        "usage": _opt(realtime_usages),
    },
)
turn_detections = _obj(
    optional={
        "type": st.sampled_from(["server_vad", "speaker_detection"]),
        "threshold": floats,
        "prefix_padding_ms": small_ints,
        "silence_duration_ms": small_ints,
        "create_response": st.booleans(),
        "interrupt_response": st.booleans(),
    }
)
audio_formats = _obj(
    optional={
        "type": st.sampled_from(["pcm", "opus"]),
        "sample_rate": st.sampled_from([8000, 16000, 24000]),
    }
)
translations = _obj(
    optional={
        "language": st.sampled_from(["en", "zh", "ja", "pt"]),
        "corpus": _obj(optional={"phrases": st.dictionaries(texts, texts, max_size=3)}),
        "same_language_skip_options": _obj(
            optional={"skip_text": st.booleans(), "skip_audio": st.booleans()}
        ),
    }
)
sessions_flat = _obj(
    optional={
        "id": ids,
        "object": st.just("realtime.session"),
        "model": st.sampled_from(
            ["qwen3-livetranslate-flash-realtime", "qwen3.5-livetranslate-flash-realtime"]
        ),
        "modalities": modalities,
        "voice": st.sampled_from(["Tina", "Cherry", "Ethan", "default"]),
        "sample_rate": st.sampled_from([8000, 16000]),
        "input_audio_format": st.sampled_from(["pcm", "pcm16", "opus"]),
        "output_audio_format": st.sampled_from(["pcm", "pcm24"]),
        "input_audio_transcription": _obj(
            optional={"model": _opt(st.just("qwen3-asr-flash-realtime")), "language": texts}
        ),
        "turn_detection": _opt(turn_detections),
        "translation": translations,
        "enable_voice_clone": st.booleans(),
        "voice_clone_options": _obj(
            optional={"frequency": st.sampled_from(["never", "once", "always"])}
        ),
    }
)
sessions_nested = _obj(
    optional={
        "id": ids,
        "object": st.just("realtime.session"),
        "model": st.just("qwen3.8-livetranslate-flash-realtime"),
        "input_modalities": st.just(["audio"]),
        "output_modalities": modalities,
        "audio": _obj(
            optional={
                "input": _obj(
                    optional={"format": audio_formats, "turn_detection": turn_detections}
                ),
                "output": _obj(optional={"format": audio_formats, "voice": texts}),
            }
        ),
        "turn_detection": turn_detections,
        "voice": texts,
        "translation": translations,
        "enable_voice_clone": st.booleans(),
        "voice_clone_options": _obj(
            optional={"frequency": st.sampled_from(["never", "once", "always"])}
        ),
    }
)
sessions = sessions_flat | sessions_nested

_stream_ids = {"response_id": ids, "item_id": ids}
_stream_indexes = {"output_index": small_ints, "content_index": small_ints}


# ------------------------------------------------------------------ one strategy per event type


def error() -> SearchStrategy[Wire]:
    return _event("error", {"error": error_details})


def session_created() -> SearchStrategy[Wire]:
    return _event("session.created", {"session": sessions})


def session_updated() -> SearchStrategy[Wire]:
    return _event("session.updated", {"session": sessions})


def session_finished() -> SearchStrategy[Wire]:
    return _event("session.finished")


def speech_started() -> SearchStrategy[Wire]:
    return _event(
        "input_audio_buffer.speech_started",
        {"audio_start_ms": small_ints},
        {"item_id": ids, "speaker_id": _opt(small_ints)},
    )


def speech_stopped() -> SearchStrategy[Wire]:
    return _event(
        "input_audio_buffer.speech_stopped", {"audio_end_ms": small_ints}, {"item_id": ids}
    )


def committed() -> SearchStrategy[Wire]:
    return _event(
        "input_audio_buffer.committed", optional={"item_id": ids, "previous_item_id": _opt(ids)}
    )


def cleared() -> SearchStrategy[Wire]:
    return _event("input_audio_buffer.cleared")


def conversation_item_created() -> SearchStrategy[Wire]:
    return _event(
        "conversation.item.created", {"item": conversation_items}, {"previous_item_id": _opt(ids)}
    )


def transcription_text() -> SearchStrategy[Wire]:
    return _event(
        "conversation.item.input_audio_transcription.text",
        {"item_id": ids, "text": texts},
        {
            "content_index": small_ints,
            "stash": _opt(texts),
            "language": _opt(texts),
            "emotion": _opt(st.sampled_from(["", "neutral", "happy", "sad"])),
        },
    )


def transcription_delta() -> SearchStrategy[Wire]:
    return _event(
        "conversation.item.input_audio_transcription.delta",
        {"item_id": ids, "delta": texts},
        {"content_index": small_ints},
    )


def transcription_completed() -> SearchStrategy[Wire]:
    return _event(
        "conversation.item.input_audio_transcription.completed",
        {"item_id": ids, "transcript": texts},
        {"content_index": small_ints, "language": _opt(texts), "emotion": _opt(texts)},
    )


def transcription_failed() -> SearchStrategy[Wire]:
    return _event(
        "conversation.item.input_audio_transcription.failed",
        {"item_id": ids, "error": error_details},
        {"content_index": small_ints},
    )


def response_created() -> SearchStrategy[Wire]:
    return _event("response.created", {"response": responses})


def response_done() -> SearchStrategy[Wire]:
    return _event("response.done", {"response": responses})


def output_item_added() -> SearchStrategy[Wire]:
    return _event(
        "response.output_item.added",
        {"response_id": ids, "item": conversation_items},
        {"output_index": small_ints},
    )


def output_item_done() -> SearchStrategy[Wire]:
    return _event(
        "response.output_item.done",
        {"response_id": ids, "item": conversation_items},
        {"output_index": small_ints},
    )


def content_part_added() -> SearchStrategy[Wire]:
    return _event(
        "response.content_part.added", {**_stream_ids, "part": content_parts}, _stream_indexes
    )


def content_part_done() -> SearchStrategy[Wire]:
    return _event(
        "response.content_part.done", {**_stream_ids, "part": content_parts}, _stream_indexes
    )


def _stream(
    event_type: str,
    fields: dict[str, SearchStrategy[Any]],
    optional: dict[str, SearchStrategy[Any]] | None = None,
) -> SearchStrategy[Wire]:
    return _event(event_type, {**_stream_ids, **fields}, {**_stream_indexes, **(optional or {})})


def response_text_text() -> SearchStrategy[Wire]:
    return _stream("response.text.text", {"text": texts}, {"stash": _opt(texts)})


def response_text_delta() -> SearchStrategy[Wire]:
    return _stream("response.text.delta", {"delta": texts})


def response_text_done() -> SearchStrategy[Wire]:
    return _stream("response.text.done", {"text": texts})


def response_audio_transcript_text() -> SearchStrategy[Wire]:
    return _stream("response.audio_transcript.text", {"text": texts}, {"stash": _opt(texts)})


def response_audio_transcript_delta() -> SearchStrategy[Wire]:
    return _stream("response.audio_transcript.delta", {"delta": texts})


def response_audio_transcript_done() -> SearchStrategy[Wire]:
    return _stream("response.audio_transcript.done", {"transcript": texts})


def response_audio_delta() -> SearchStrategy[Wire]:
    return _stream("response.audio.delta", {"delta": base64_audio})


def response_audio_done() -> SearchStrategy[Wire]:
    return _stream("response.audio.done", {})


SERVER_EVENT_STRATEGIES: dict[str, SearchStrategy[Wire]] = {
    "error": error(),
    "session.created": session_created(),
    "session.updated": session_updated(),
    "session.finished": session_finished(),
    "input_audio_buffer.speech_started": speech_started(),
    "input_audio_buffer.speech_stopped": speech_stopped(),
    "input_audio_buffer.committed": committed(),
    "input_audio_buffer.cleared": cleared(),
    "conversation.item.created": conversation_item_created(),
    "conversation.item.input_audio_transcription.text": transcription_text(),
    "conversation.item.input_audio_transcription.delta": transcription_delta(),
    "conversation.item.input_audio_transcription.completed": transcription_completed(),
    "conversation.item.input_audio_transcription.failed": transcription_failed(),
    "response.created": response_created(),
    "response.done": response_done(),
    "response.output_item.added": output_item_added(),
    "response.output_item.done": output_item_done(),
    "response.content_part.added": content_part_added(),
    "response.content_part.done": content_part_done(),
    "response.text.text": response_text_text(),
    "response.text.delta": response_text_delta(),
    "response.text.done": response_text_done(),
    "response.audio_transcript.text": response_audio_transcript_text(),
    "response.audio_transcript.delta": response_audio_transcript_delta(),
    "response.audio_transcript.done": response_audio_transcript_done(),
    "response.audio.delta": response_audio_delta(),
    "response.audio.done": response_audio_done(),
}
"""Wire ``type`` → strategy for that event."""


def server_event_dicts(*types: str) -> SearchStrategy[Wire]:
    """Any known server event (or only the given ``types``), as a wire dict."""
    chosen = types or tuple(SERVER_EVENT_STRATEGIES)
    return st.one_of([SERVER_EVENT_STRATEGIES[t] for t in chosen])


def unknown_event_dicts() -> SearchStrategy[Wire]:
    """An event of a type the SDK does not know (``x.`` prefix), with arbitrary fields."""
    return st.tuples(
        st.from_regex(r"x\.[a-z_.]{1,20}", fullmatch=True),
        st.dictionaries(texts, json_values, max_size=4),
    ).map(lambda pair: {**pair[1], "type": pair[0]})


# ------------------------------------------------------------------ file API chunks

chat_usages = _obj(
    optional={
        "prompt_tokens": _opt(counts),
        "completion_tokens": _opt(counts),
        "total_tokens": _opt(counts),
        "completion_tokens_details": _opt(
            _obj(
                optional={
                    k: _opt(counts)
                    for k in (
                        "audio_tokens",
                        "text_tokens",
                        "reasoning_tokens",
                        "accepted_prediction_tokens",
                        "rejected_prediction_tokens",
                    )
                }
            )
        ),
        "prompt_tokens_details": _opt(
            _obj(
                optional={
                    k: _opt(counts)
                    for k in (
                        "audio_tokens",
                        "text_tokens",
                        "cached_tokens",
                        "video_tokens",
                        "image_tokens",
                    )
                }
            )
        ),
    }
)
chunk_audio = _obj(
    optional={"data": base64_audio, "id": ids, "expires_at": small_ints, "transcript": texts}
)
chunk_deltas = _obj(
    optional={
        "role": _opt(st.just("assistant")),
        "content": _opt(texts),
        "audio": _opt(chunk_audio),
        "refusal": st.none(),
    }
)
chunk_choices = _obj(
    optional={
        "index": small_ints,
        "finish_reason": _opt(st.sampled_from(["stop", "length"])),
        "delta": chunk_deltas,
        "logprobs": st.none(),
    }
)


def chat_chunk_dicts() -> SearchStrategy[Wire]:
    """A ``chat.completion.chunk`` of the file-translation stream, as a wire dict."""
    return _obj(
        optional={
            "id": ids,
            "object": st.just("chat.completion.chunk"),
            "created": small_ints,
            "model": st.just("qwen3-livetranslate-flash"),
            "choices": st.lists(chunk_choices, max_size=1),
            "usage": _opt(chat_usages),
        }
    )
