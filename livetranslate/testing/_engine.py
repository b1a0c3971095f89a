"""The emulator's per-connection engine: client JSON in, timed server JSON out (private, sans-I/O).

No sockets, no event loop and no clock: the caller passes the time (``now_ms``) with every input
and asks for the events that are due. The engine's time is audio time as the server defines it
(see ``_server.py``); speech is found by [`Segmenter`][] in the audio received, so with
``latency=0`` the events are a pure function of the bytes received.

Per speech segment it emits the documented sequence (protocol.md §3.19; protocol-3.8.md §3.19):
speech_started, response.created, output_item.added, conversation.item.created, content_part.added,
source and translation text (and translated audio) while the speaker talks, speech_stopped,
transcription.completed, the ``*.done`` events and response.done with usage.
"""

from __future__ import annotations

import base64
import binascii
import heapq
import json
import math
import threading
import zlib
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from livetranslate.testing._dialects import EffectiveConfig, ServerDialect, UpdateRejected
from livetranslate.testing._responses import Responder, Response, TextMode
from livetranslate.testing._script import Script
from livetranslate.testing._segmenter import (
    Segmenter,
    SegmenterEvent,
    SpeechEnded,
    SpeechProgress,
    SpeechStarted,
    threshold_to_dbfs,
)

__all__ = ["IMAGE_BEFORE_AUDIO", "MAX_IMAGE_BYTES", "EmulatedSession", "Engine"]

MAX_IMAGE_BYTES = 500 * 1024
IMAGE_BEFORE_AUDIO = "Error append image before append audio."
_CLOSE_LOCK = threading.Lock()


@dataclass(eq=False)
class EmulatedSession:
    """What the emulator saw and did on one WebSocket connection (for assertions in tests).

    The API key is never recorded.

    Attributes:
        index: 0-based connection number on this emulator.
        model: The model id from the URL.
        config: The effective session config, as last sent in ``session.created``/``updated``.
        audio_bytes: Bytes of input audio received.
        audio: The input audio itself, when the emulator records audio (else empty).
        audio_crc32: CRC-32 of all the input audio received (kept even without ``audio``).
        images: Images received (valid ones).
        image_rate_violations: Images that arrived when 2 had already come in the last second of
            audio time (the service's documented limit; it does not reject them, nor do we).
        client_events: Types of the client events received, in order (``"<invalid>"`` for
            frames that were not JSON objects with a ``type``).
        server_events: Types of the server events sent, in order.
        errors: The ``error`` objects sent (``type``, ``code``, ``message``, ``param``).
        segments: ``(audio_start_ms, audio_end_ms)`` of each speech segment found.
        finished: Whether ``session.finished`` was sent.
        closed_code: The WebSocket close code, once the connection has ended.
        close_reason: The close reason, once the connection has ended.
        faults: Kinds of the faults injected on this connection (see ``FaultPlan``), in order.
    """

    index: int
    model: str
    config: dict[str, Any] = field(default_factory=dict)
    audio_bytes: int = 0
    audio: bytearray = field(default_factory=bytearray)
    images: int = 0
    image_rate_violations: int = 0
    client_events: list[str] = field(default_factory=list)
    server_events: list[str] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    segments: list[tuple[int, int]] = field(default_factory=list)
    finished: bool = False
    closed_code: int | None = None
    close_reason: str = ""
    audio_crc32: int = 0
    faults: list[str] = field(default_factory=list)

    _closed: threading.Event = field(default_factory=threading.Event, repr=False, init=False)
    _callbacks: list[Callable[[], None]] = field(default_factory=list, repr=False, init=False)

    @property
    def closed(self) -> bool:
        """Whether the connection has ended."""
        return self._closed.is_set()

    def wait_closed(self, timeout: float | None = None) -> bool:
        """Block until the connection has ended (from sync code); return whether it has."""
        return self._closed.wait(timeout)

    def _add_close_callback(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` (from any thread) once the connection has ended."""
        with _CLOSE_LOCK:
            if not self._closed.is_set():
                self._callbacks.append(callback)
                return
        callback()

    def _mark_closed(self, code: int, reason: str = "") -> None:
        with _CLOSE_LOCK:
            if self._closed.is_set():
                return
            self.closed_code, self.close_reason = code, reason
            self._closed.set()
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback()


class Engine:
    """One emulated realtime session.

    Args:
        model: The model id from the URL (alias or snapshot; must be a known realtime model).
        record: Where to record what happens.
        script: The scripted sentences, or None for generated "[emulated ...]" text.
        latency_ms: Delay of the translation behind the source, in engine milliseconds.
        text_mode: What ``text`` holds in 3/3.5 ``*.text`` events: everything confirmed so far
            (``"cumulative"``) or only the newly confirmed fragment (``"fragment"``).
        record_audio: Keep the received audio bytes in the record.
    """

    def __init__(
        self,
        model: str,
        record: EmulatedSession,
        *,
        script: Script | None = None,
        latency_ms: float = 2800.0,
        text_mode: TextMode = "cumulative",
        record_audio: bool = False,
    ) -> None:
        self.dialect = ServerDialect(model)
        self.generation = self.dialect.generation
        self.record = record
        self.script = script or Script()
        self.latency_ms = latency_ms
        self.record_audio = record_audio
        self.cfg = self.dialect.default_config(f"sess_{record.index + 1}")
        self._heap: list[tuple[float, int, dict[str, Any]]] = []
        self._seq = 0
        self._event_no = 0
        self._segmenter = self._new_segmenter()
        self._open: Response | None = None
        self._responder = Responder(
            self.dialect.info,
            self.script,
            text_mode,
            f"conv_{record.index + 1}",
            self._schedule,
        )
        self._audio_total_ms = 0.0
        self._any_audio = False
        self._manual_bytes = 0
        self._manual_start_ms = 0.0
        self._images: deque[float] = deque()
        self._finishing = False
        self.finished = False
        self._schedule(0.0, {"type": "session.created", "session": self._render()})

    # ----------------------------------------------------------------------------- outputs

    @property
    def audio_ms(self) -> float:
        """Audio time received so far (milliseconds at the session's sample rate)."""
        return self._audio_total_ms

    def next_due_ms(self) -> float | None:
        """When the next event is due, or None when nothing is scheduled."""
        if not self._heap:
            return None
        return -math.inf if self._finishing else self._heap[0][0]

    def pop_due(self, now_ms: float) -> list[str]:
        """Return the JSON text of every event due at ``now_ms``, in order."""
        out: list[str] = []
        while self._heap and (self._finishing or self._heap[0][0] <= now_ms):
            _, _, payload = heapq.heappop(self._heap)
            self._event_no += 1
            event = {"event_id": f"event_{self._event_no}", **payload}
            kind = payload["type"]
            self.record.server_events.append(kind)
            if kind in ("session.created", "session.updated"):
                self.record.config = payload["session"]
            elif kind == "error":
                self.record.errors.append(payload["error"])
            elif kind == "session.finished":
                self.finished = True
                self.record.finished = True
            out.append(json.dumps(event, ensure_ascii=False, separators=(",", ":")))
        return out

    def _schedule(self, due: float, payload: dict[str, Any]) -> None:
        self._seq += 1
        heapq.heappush(self._heap, (due, self._seq, payload))

    def _error(self, now: float, message: str, param: str | None, code: str) -> None:
        error = {"type": "invalid_request_error", "code": code, "message": message, "param": param}
        self._schedule(now, {"type": "error", "error": error})

    def _render(self) -> dict[str, Any]:
        return self.dialect.render(self.cfg)

    # ------------------------------------------------------------------------------ inputs

    def receive(self, message: str | bytes, now_ms: float) -> None:
        """Handle one WebSocket message from the client, received at ``now_ms``."""
        if isinstance(message, bytes):
            self.record.client_events.append("<invalid>")
            if not self._finishing:
                self._error(
                    now_ms,
                    "Binary frames are not supported; send JSON text frames.",
                    None,
                    "invalid_event",
                )
            return
        try:
            event = json.loads(message)
        except ValueError:
            event = None
        if not isinstance(event, dict) or not isinstance(event.get("type"), str):
            self.record.client_events.append("<invalid>")
            if not self._finishing:
                what = (
                    "The event is not valid JSON." if event is None else "The event has no 'type'."
                )
                self._error(now_ms, what, "type" if event is not None else None, "invalid_event")
            return
        kind: str = event["type"]
        self.record.client_events.append(kind)
        if self._finishing:
            return  # after session.finish the service takes no more input; ignore it
        handler = {
            "session.update": self._on_update,
            "input_audio_buffer.append": self._on_append,
            "input_image_buffer.append": self._on_image,
            "input_audio_buffer.commit": self._on_commit,
            "input_audio_buffer.clear": self._on_clear,
            "session.finish": self._on_finish,
        }.get(kind)
        if handler is None:
            self._error(now_ms, f"Unsupported event type: '{kind}'.", "type", "invalid_event")
            return
        handler(event, now_ms)

    def _on_update(self, event: dict[str, Any], now: float) -> None:
        try:
            new = self.dialect.apply_update(self.cfg, event.get("session"))
        except UpdateRejected as exc:
            self._error(now, exc.message, exc.param, exc.code)
            return
        old, self.cfg = self.cfg, new
        self._reconfigure(old, now)
        self._schedule(now, {"type": "session.updated", "session": self._render()})

    def _new_segmenter(self) -> Segmenter:
        td = self.cfg.turn_detection
        threshold = -40.0
        if td is not None and td.type == "server_vad" and self.generation == "3.5":
            threshold = threshold_to_dbfs(td.threshold)
        return Segmenter(
            self.cfg.sample_rate,
            threshold_dbfs=threshold,
            silence_ms=td.silence_duration_ms if td is not None else 1000,
        )

    def _reconfigure(self, old: EffectiveConfig, now: float) -> None:
        seg = self._segmenter
        if old.manual != self.cfg.manual:
            if not old.manual:  # VAD -> manual: end an open segment where the speech stopped
                self._segment_events(seg.close(), now)
            self._manual_bytes = 0
            self._manual_start_ms = self._audio_total_ms
            seg.reset()
        fresh = self._new_segmenter()
        seg.sample_rate = self.cfg.sample_rate
        seg.threshold_dbfs = fresh.threshold_dbfs
        seg.silence_ms = fresh.silence_ms

    def _on_append(self, event: dict[str, Any], now: float) -> None:
        data = event.get("audio")
        if not isinstance(data, str):
            self._error(
                now, "Missing required parameter: 'audio'.", "audio", "missing_required_parameter"
            )
            return
        try:
            pcm = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            self._error(now, "Invalid 'audio': not valid base64.", "audio", "invalid_value")
            return
        pcm_input = self.cfg.input_format != "opus"
        if pcm_input and len(pcm) % 2:
            self._error(
                now,
                "Invalid 'audio': 16-bit PCM needs an even number of bytes.",
                "audio",
                "invalid_value",
            )
            return
        if not pcm:
            return
        self._any_audio = True
        self.record.audio_bytes += len(pcm)
        self.record.audio_crc32 = zlib.crc32(pcm, self.record.audio_crc32)
        if self.record_audio:
            self.record.audio.extend(pcm)
        if not pcm_input:
            return  # opus is counted but not decoded: no speech is found in it
        start = self._audio_total_ms
        self._audio_total_ms += len(pcm) / 2 / self.cfg.sample_rate * 1000.0
        if self.cfg.manual:
            if not self._manual_bytes:
                self._manual_start_ms = start
            self._manual_bytes += len(pcm)
            self._segmenter.skip(len(pcm))  # manual mode: the buffer waits for a commit
            return
        self._segment_events(self._segmenter.feed(pcm), now)

    def _on_image(self, event: dict[str, Any], now: float) -> None:
        data = event.get("image")
        if not isinstance(data, str):
            self._error(
                now, "Missing required parameter: 'image'.", "image", "missing_required_parameter"
            )
            return
        if not self._any_audio:
            self._error(now, IMAGE_BEFORE_AUDIO, "image", "invalid_value")
            return
        try:
            jpeg = base64.b64decode(data, validate=True)
        except (binascii.Error, ValueError):
            self._error(now, "Invalid 'image': not valid base64.", "image", "invalid_value")
            return
        if len(jpeg) > MAX_IMAGE_BYTES:
            self._error(
                now, "Invalid 'image': the image is larger than 500 KB.", "image", "invalid_value"
            )
            return
        if not jpeg.startswith(b"\xff\xd8"):
            self._error(
                now,
                "Invalid 'image': only JPG/JPEG images are supported.",
                "image",
                "invalid_value",
            )
            return
        at = self._audio_total_ms
        while self._images and self._images[0] <= at - 1000.0:
            self._images.popleft()
        if len(self._images) >= 2:
            self.record.image_rate_violations += 1
        self._images.append(at)
        self.record.images += 1

    def _on_commit(self, event: dict[str, Any], now: float) -> None:
        if not self.dialect.info.supports_manual_commit:
            self._error(
                now,
                f"input_audio_buffer.commit is not supported by {self.dialect.info.id}.",
                "type",
                "invalid_event",
            )
            return
        if not self.cfg.manual:
            self._error(
                now,
                "input_audio_buffer.commit is only valid in manual mode (turn_detection: null).",
                "type",
                "invalid_event",
            )
            return
        if not self._manual_bytes:
            self._error(
                now,
                "Error committing input audio buffer: the buffer is empty.",
                None,
                "input_audio_buffer_commit_empty",
            )
            return
        self._commit(now, announce=True)

    def _on_clear(self, event: dict[str, Any], now: float) -> None:
        if not self.dialect.info.supports_manual_commit:
            self._error(
                now,
                f"input_audio_buffer.clear is not supported by {self.dialect.info.id}.",
                "type",
                "invalid_event",
            )
            return
        self._manual_bytes = 0
        if not self._segmenter.in_speech:  # VAD mode: drop speech not yet detected
            self._segmenter.reset()
        self._schedule(now, {"type": "input_audio_buffer.cleared"})

    def _on_finish(self, event: dict[str, Any], now: float) -> None:
        if self.cfg.manual:
            if self._manual_bytes:
                self._commit(now, announce=False)
        else:
            self._segment_events(self._segmenter.flush(), now)
        self._finishing = True
        self._schedule(math.inf, {"type": "session.finished"})

    # --------------------------------------------------------------------------- segments

    def _segment_events(self, events: list[SegmenterEvent], now: float) -> None:
        for ev in events:
            if isinstance(ev, SpeechStarted):
                self._open = self._responder.start(self.cfg, ev.start_ms, ev.at_ms, manual=False)
            elif isinstance(ev, SpeechProgress) and self._open is not None:
                resp = self._open
                frac = (ev.at_ms - resp.start_ms) / resp.expected_ms
                self._responder.advance(resp, frac, ev.at_ms, ev.at_ms + self.latency_ms)
            elif isinstance(ev, SpeechEnded) and self._open is not None:
                resp, self._open = self._open, None
                self.record.segments.append((ev.start_ms, ev.end_ms))
                self._responder.stopped(resp, ev.at_ms, ev.end_ms)
                final = max(ev.at_ms, ev.end_ms + self.latency_ms)
                self._responder.close(resp, ev.at_ms, final, (ev.end_ms - ev.start_ms) / 1000.0)

    def _commit(self, now: float, *, announce: bool) -> None:
        seconds = self._manual_bytes / 2 / self.cfg.sample_rate
        start = round(self._manual_start_ms)
        self._manual_bytes = 0
        resp = self._responder.start(self.cfg, start, now, manual=True, announce=announce)
        self.record.segments.append((start, start + round(seconds * 1000)))
        for frac in (0.25, 0.5, 0.75):
            self._responder.advance(resp, frac, now, now + self.latency_ms * frac)
        self._responder.close(resp, now, now + self.latency_ms, seconds)
