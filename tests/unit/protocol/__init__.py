"""Helpers for driving `RealtimeProtocol` with wire JSON: builders, `feed`, `assert_sent`."""

from __future__ import annotations

import base64
import itertools
import json
from collections.abc import Callable
from typing import Any

from livetranslate.config import SessionConfig
from livetranslate.protocol import RealtimeProtocol, SessionState

Event = dict[str, Any]

M3 = "qwen3-livetranslate-flash-realtime"
M35 = "qwen3.5-livetranslate-flash-realtime"
M38 = "qwen3.8-livetranslate-flash-realtime"

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 60


def ids() -> Callable[[], str]:
    """A deterministic id factory: event_1, event_2, …"""
    counter = itertools.count(1)
    return lambda: f"event_{next(counter)}"


def make(model: str = M35, **options: Any) -> RealtimeProtocol:
    """A protocol in CONNECTING for a validated config, with deterministic ids."""
    return RealtimeProtocol(SessionConfig(model=model, **options).validated(), id_factory=ids())


def feed(protocol: RealtimeProtocol, *events: Event) -> None:
    """Feed server events to the protocol as JSON text frames."""
    for event in events:
        protocol.receive_message(json.dumps(event, ensure_ascii=False))


def sent(protocol: RealtimeProtocol) -> list[Event]:
    """Drain `data_to_send()` and parse it back into dicts."""
    return [json.loads(text) for text in protocol.data_to_send()]


def assert_sent(protocol: RealtimeProtocol, expected: list[Event]) -> None:
    """Assert that exactly these client events (as dicts) are waiting to be sent."""
    assert sent(protocol) == expected


def ready(protocol: RealtimeProtocol) -> RealtimeProtocol:
    """Take a fresh protocol through session.created/updated to READY; drain everything."""
    feed(protocol, created(), updated())
    protocol.data_to_send()
    protocol.events_received()
    assert protocol.state is SessionState.READY
    return protocol


def state_of(protocol: RealtimeProtocol) -> SessionState:
    """The protocol's state, read through a call (so type checkers do not narrow it)."""
    return protocol.state


def pending(protocol: RealtimeProtocol) -> bool:
    """Whether a mid-session update is pending (read through a call, like `state_of`)."""
    return protocol.update_pending


def pcm(n_samples: int, value: int = 0) -> bytes:
    return value.to_bytes(2, "little", signed=True) * n_samples


# ------------------------------------------------------------------ server event builders


def created(**session: Any) -> Event:
    return {
        "event_id": "srv_created",
        "type": "session.created",
        "session": {"id": "sess_1", **session},
    }


def updated(**session: Any) -> Event:
    return {
        "event_id": "srv_updated",
        "type": "session.updated",
        "session": {"id": "sess_1", **session},
    }


def finished() -> Event:
    return {"event_id": "srv_finished", "type": "session.finished"}


def error(code: str = "invalid_value", event_id: str | None = None) -> Event:
    detail: Event = {"type": "invalid_request_error", "code": code, "message": "bad"}
    if event_id is not None:
        detail["event_id"] = event_id
    return {"event_id": "srv_error", "type": "error", "error": detail}


def speech_started(ms: int, item_id: str | None = None, speaker_id: int | None = None) -> Event:
    event: Event = {"type": "input_audio_buffer.speech_started", "audio_start_ms": ms}
    if item_id is not None:
        event["item_id"] = item_id
    if speaker_id is not None:
        event["speaker_id"] = speaker_id
    return event


def speech_stopped(ms: int, item_id: str | None = None) -> Event:
    event: Event = {"type": "input_audio_buffer.speech_stopped", "audio_end_ms": ms}
    if item_id is not None:
        event["item_id"] = item_id
    return event


def committed(item_id: str | None = None) -> Event:
    event: Event = {"type": "input_audio_buffer.committed"}
    if item_id is not None:
        event["item_id"] = item_id
    return event


def item_created(item_id: str, previous: str | None = None, *, source: bool = False) -> Event:
    content = [{"type": "input_audio"}] if source else []
    event: Event = {
        "type": "conversation.item.created",
        "item": {"id": item_id, "object": "realtime.item", "type": "message", "content": content},
    }
    if previous is not None:
        event["previous_item_id"] = previous
    return event


def asr_text(item: str, text: str, stash: str | None = None, **extra: Any) -> Event:
    event: Event = {
        "type": "conversation.item.input_audio_transcription.text",
        "item_id": item,
        "text": text,
        **extra,
    }
    if stash is not None:
        event["stash"] = stash
    return event


def asr_delta(item: str, delta: str) -> Event:
    return {
        "type": "conversation.item.input_audio_transcription.delta",
        "item_id": item,
        "delta": delta,
    }


def asr_completed(item: str, transcript: str, **extra: Any) -> Event:
    return {
        "type": "conversation.item.input_audio_transcription.completed",
        "item_id": item,
        "transcript": transcript,
        **extra,
    }


def asr_failed(item: str) -> Event:
    return {
        "type": "conversation.item.input_audio_transcription.failed",
        "item_id": item,
        "error": {"code": "asr_error", "message": "failed"},
    }


def response_created(rid: str) -> Event:
    return {
        "type": "response.created",
        "response": {"id": rid, "status": "in_progress", "output": []},
    }


def usage(inp: int = 10, out: int = 5, audio_in: int = 7, audio_out: int = 3) -> Event:
    return {
        "total_tokens": inp + out,
        "input_tokens": inp,
        "output_tokens": out,
        "input_tokens_details": {"text_tokens": inp - audio_in, "audio_tokens": audio_in},
        "output_tokens_details": {"text_tokens": out - audio_out, "audio_tokens": audio_out},
    }


def response_done(
    rid: str, status: str = "completed", usage_: Event | None = None, output: str | None = None
) -> Event:
    response: Event = {"id": rid, "status": status, "output": []}
    if usage_ is not None:
        response["usage"] = usage_
    if output is not None:
        response["output"] = [{"id": "x", "content": [{"type": "audio", "transcript": output}]}]
    return {"type": "response.done", "response": response}


def output_item_added(rid: str, item: str) -> Event:
    return {
        "type": "response.output_item.added",
        "response_id": rid,
        "item": {"id": item, "content": []},
    }


def output_item_done(rid: str, item: str, text: str = "") -> Event:
    content = [{"type": "audio", "text": text}] if text else []
    return {
        "type": "response.output_item.done",
        "response_id": rid,
        "item": {"id": item, "content": content},
    }


def _stream(kind: str, rid: str, item: str, **fields: Any) -> Event:
    return {"type": kind, "response_id": rid, "item_id": item, **fields}


def part_added(rid: str, item: str) -> Event:
    return _stream("response.content_part.added", rid, item, part={"type": "audio", "text": ""})


def part_done(rid: str, item: str, text: str) -> Event:
    return _stream("response.content_part.done", rid, item, part={"type": "audio", "text": text})


def transcript_text(rid: str, item: str, text: str, stash: str | None = None) -> Event:
    extra = {} if stash is None else {"stash": stash}
    return _stream("response.audio_transcript.text", rid, item, text=text, **extra)


def transcript_delta(rid: str, item: str, delta: str) -> Event:
    return _stream("response.audio_transcript.delta", rid, item, delta=delta)


def transcript_done(rid: str, item: str, transcript: str) -> Event:
    return _stream("response.audio_transcript.done", rid, item, transcript=transcript)


def text_text(rid: str, item: str, text: str, stash: str | None = None) -> Event:
    extra = {} if stash is None else {"stash": stash}
    return _stream("response.text.text", rid, item, text=text, **extra)


def text_delta(rid: str, item: str, delta: str) -> Event:
    return _stream("response.text.delta", rid, item, delta=delta)


def text_done(rid: str, item: str, text: str) -> Event:
    return _stream("response.text.done", rid, item, text=text)


def audio_delta(rid: str, item: str, data: bytes) -> Event:
    return _stream("response.audio.delta", rid, item, delta=base64.b64encode(data).decode())


def audio_done(rid: str, item: str) -> Event:
    return _stream("response.audio.done", rid, item)


MINIMAL: dict[str, Event] = {
    "session.created": created(),
    "session.updated": updated(),
    "session.finished": finished(),
    "error": error(),
    "input_audio_buffer.speech_started": speech_started(0),
    "input_audio_buffer.speech_stopped": speech_stopped(10),
    "input_audio_buffer.committed": committed(),
    "input_audio_buffer.cleared": {"type": "input_audio_buffer.cleared"},
    "conversation.item.created": item_created("t0", "s0"),
    "conversation.item.input_audio_transcription.text": asr_text("s0", "a"),
    "conversation.item.input_audio_transcription.delta": asr_delta("s0", "a"),
    "conversation.item.input_audio_transcription.completed": asr_completed("s0", "a"),
    "conversation.item.input_audio_transcription.failed": asr_failed("s0"),
    "response.created": response_created("r0"),
    "response.done": response_done("r0"),
    "response.output_item.added": output_item_added("r0", "t0"),
    "response.output_item.done": output_item_done("r0", "t0", "b"),
    "response.content_part.added": part_added("r0", "t0"),
    "response.content_part.done": part_done("r0", "t0", "b"),
    "response.text.text": text_text("r0", "t0", "b"),
    "response.text.delta": text_delta("r0", "t0", "b"),
    "response.text.done": text_done("r0", "t0", "b"),
    "response.audio_transcript.text": transcript_text("r0", "t0", "b"),
    "response.audio_transcript.delta": transcript_delta("r0", "t0", "b"),
    "response.audio_transcript.done": transcript_done("r0", "t0", "b"),
    "response.audio.delta": audio_delta("r0", "t0", b"\x01\x00"),
    "response.audio.done": audio_done("r0", "t0"),
}
"""One valid instance of every known server event type."""


def drive_to(state: SessionState, *, model: str = M35, **options: Any) -> RealtimeProtocol:
    """A protocol brought to ``state`` (with one audio chunk appended where possible), drained."""
    protocol = make(model, **options)
    if state in (SessionState.CONNECTING, SessionState.CONFIGURING):
        protocol.append_audio(pcm(2))
        if state is SessionState.CONFIGURING:
            feed(protocol, created())
    elif state is SessionState.FAILED:
        protocol.fail("test")
    else:
        ready(protocol)
        protocol.append_audio(pcm(2))
        if state is SessionState.RESPONDING:
            feed(protocol, response_created("r0"))
        elif state in (SessionState.CLOSING, SessionState.CLOSED):
            protocol.finish()
            if state is SessionState.CLOSED:
                feed(protocol, finished())
    protocol.data_to_send()
    protocol.events_received()
    protocol.segments_received()
    assert protocol.state is state
    return protocol
