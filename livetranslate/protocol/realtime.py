"""The realtime session as a sans-I/O state machine: text frames in, text frames out.

[`RealtimeProtocol`][livetranslate.protocol.realtime.RealtimeProtocol] owns everything about a
realtime session except the socket: the state, the ``session.update`` handshake, holding input
until the session is configured, client event ids, usage accounting and segment assembly. A
transport feeds it what the socket received and sends what it asks for.
"""

from __future__ import annotations

import base64
import uuid
from collections.abc import Callable
from typing import Final

from livetranslate import registry
from livetranslate.config import SessionConfig
from livetranslate.events import (
    ClientEvent,
    ErrorEvent,
    InputAudioBufferAppendEvent,
    InputAudioBufferClearEvent,
    InputAudioBufferCommitEvent,
    InputImageBufferAppendEvent,
    ResponseCreatedEvent,
    ResponseDoneEvent,
    ServerEvent,
    SessionCreatedEvent,
    SessionFinishEvent,
    SessionInfo,
    SessionUpdatedEvent,
    SessionUpdateEvent,
    UnknownServerEvent,
    parse_server_event,
)
from livetranslate.exceptions import (
    AudioError,
    ConfigurationError,
    LocalProtocolError,
    RemoteProtocolError,
)
from livetranslate.protocol._pairing import RecentIds
from livetranslate.protocol._states import (
    COMMANDS,
    LOCAL_TRANSITIONS,
    TRANSITIONS,
    SessionState,
)
from livetranslate.protocol.dialects import Dialect, dialect_for
from livetranslate.protocol.reconnect import COMMIT, ReplayBuffer
from livetranslate.protocol.segments import Segment, SegmentAssembler
from livetranslate.usage import Usage

__all__ = ["MAX_IMAGE_BYTES", "RealtimeProtocol"]

MAX_IMAGE_BYTES: Final = 500 * 1024
"""The largest camera frame the service takes: 500 KB of JPEG before base64."""

_JPEG_MAGIC: Final = b"\xff\xd8"  # every JPEG file starts with these two bytes

_TERMINAL = (SessionState.CLOSED, SessionState.FAILED)
_HELD_STATES = (SessionState.CONNECTING, SessionState.CONFIGURING)
_CLEAN_CLOSE_CODES = (1000, 1001)


def _default_id() -> str:
    return f"event_{uuid.uuid4().hex}"


def _b64_length(data: str) -> int:
    """Decoded length of well-formed base64 text."""
    return len(data) * 3 // 4 - data[-2:].count("=")


class RealtimeProtocol:
    """One realtime session, without I/O.

    The transport feeds every inbound text frame to `receive_message` and a closed socket to
    `receive_close`; the app's commands (`append_audio`, `append_image`, `update_session`,
    `finish`, …) queue client events. Nothing happens in the background. After **any** input or
    command the caller must drain `data_to_send` (and send each string as one text frame, in
    order) and should drain `events_received` and `segments_received`.

    Rules the protocol applies for you:

    - On ``session.created`` it queues the model's ``session.update``; it never sends one earlier.
    - Input (audio, images, commits, clears) given before ``session.updated`` is held, in order,
      and queued right after ``session.updated``, so a transport may start sending at once.
    - Usage is folded over ``response.done`` (once per response id); segments are assembled from
      the events (see `livetranslate.protocol.segments`).
    - A command that is illegal in the current state raises `LocalProtocolError` and changes
      nothing. A frame that cannot be parsed, or that the state table does not allow, raises
      `RemoteProtocolError` and moves to FAILED. A server ``error`` event is not a protocol error:
      it is delivered as an event (and, answering the initial ``session.update``, moves to FAILED
      with `configuration_error` set; the transport then raises `SessionError`).
    - CLOSED and FAILED absorb everything: inputs do nothing, commands raise, and
      `data_to_send` stays empty.

    With a [`ReplayBuffer`][livetranslate.protocol.reconnect.ReplayBuffer] (``replay=``), the
    protocol also keeps what a new connection would need: every audio chunk goes into the buffer,
    audio before ``session.updated`` is sent from it (instead of being held), and audio is released
    once the utterance it belongs to is final. `resume` then gives the protocol of the next
    connection, which replays the rest and keeps segment indexes, timestamps and usage continuous.

    No clock, no randomness (client event ids come from ``id_factory``), no logging of payloads.
    """

    def __init__(
        self,
        config: SessionConfig,
        *,
        id_factory: Callable[[], str] | None = None,
        replay: ReplayBuffer | None = None,
    ) -> None:
        """Create the protocol for a session that is being opened (state CONNECTING).

        Args:
            config: A validated configuration (see ``SessionConfig.validated``).
            id_factory: Returns a fresh client ``event_id`` per call; defaults to
                ``event_<uuid4 hex>``.
            replay: Keep sent audio for replay after a reconnect (see `resume`); its sample rate
                must be the session's.

        Raises:
            ConfigurationError: ``config.model`` is not a realtime model, or ``replay`` has
                another sample rate.
        """
        if replay is not None and replay.sample_rate != config.sample_rate:
            raise ConfigurationError(
                f"The replay buffer is for {replay.sample_rate} Hz but the session sends "
                f"{config.sample_rate} Hz audio."
            )
        self._config = config
        self._dialect = dialect_for(config.model)
        self._new_id = id_factory or _default_id
        self._state = SessionState.CONNECTING
        self._events: list[ServerEvent] = []
        self._segments: list[Segment] = []
        self._outbound: list[str] = []
        self._held: list[tuple[str, int]] = []
        self._pending_updates: list[tuple[str | None, SessionConfig | None]] = []
        self._pending_responses: dict[str, None] = {}
        self._done_responses = RecentIds()
        self._server_session: SessionInfo | None = None
        self._configuration_error: ErrorEvent | None = None
        self._failure_reason: str | None = None
        self._usage = Usage()
        self._audio_seen = False
        self._audio_bytes = 0
        self._audio_ms = 0.0
        self._assembler = SegmentAssembler()
        self._configure_assembler(config)
        self._replay = replay
        self._offset_ms = 0
        self._replayed_ms = 0.0
        self._resumed = False
        self._finish_on_ready = False

    # ------------------------------------------------------------------ queries

    @property
    def state(self) -> SessionState:
        """The current state. Safe in every state."""
        return self._state

    @property
    def config(self) -> SessionConfig:
        """The session's configuration: the one confirmed by the last ``session.updated``.

        Before the first ``session.updated`` it is the configuration being sent; after a
        mid-session `update_session` it changes only when the service confirms it.
        """
        return self._config

    @property
    def dialect(self) -> Dialect:
        """The wire dialect of the session's model generation."""
        return self._dialect

    @property
    def server_session(self) -> SessionInfo | None:
        """The service's last echo of the configuration (``session.created``/``updated``)."""
        return self._server_session

    @property
    def usage(self) -> Usage:
        """Tokens used so far: the sum over every ``response.done`` (never decreases)."""
        return self._usage

    @property
    def update_pending(self) -> bool:
        """Whether a mid-session ``session.update`` still waits for its answer."""
        return bool(self._pending_updates)

    @property
    def configuration_error(self) -> ErrorEvent | None:
        """The ``error`` that rejected the initial ``session.update`` (then state is FAILED)."""
        return self._configuration_error

    @property
    def failure_reason(self) -> str | None:
        """Why the session is FAILED (one sentence, no payload), or None."""
        return self._failure_reason

    @property
    def pending_response_ids(self) -> frozenset[str]:
        """Ids of responses created and not yet done."""
        return frozenset(self._pending_responses)

    @property
    def audio_bytes_sent(self) -> int:
        """Bytes of input audio queued for sending so far (held audio counts once flushed)."""
        return self._audio_bytes

    @property
    def audio_ms_sent(self) -> float:
        """Milliseconds of input audio queued for sending so far, at ``config.sample_rate``."""
        return self._audio_ms

    @property
    def segments_completed(self) -> int:
        """How many final segments were produced."""
        return self._assembler.completed

    @property
    def replay(self) -> ReplayBuffer | None:
        """The replay buffer, when the protocol keeps one."""
        return self._replay

    @property
    def resumed(self) -> bool:
        """Whether this protocol continues a session on a new connection (see `resume`)."""
        return self._resumed

    @property
    def offset_ms(self) -> int:
        """Where this connection's audio starts in the session's input stream, in ms."""
        return self._offset_ms

    @property
    def replayed_ms(self) -> float:
        """Milliseconds of audio a resumed protocol sent again at ``session.updated``."""
        return self._replayed_ms

    # ------------------------------------------------------------------ outputs

    def data_to_send(self) -> list[str]:
        """Drain the client events to send, serialized as JSON text frames, in order.

        Safe in every state; always empty in CLOSED and FAILED.
        """
        data, self._outbound = self._outbound, []
        return data

    def events_received(self) -> list[ServerEvent]:
        """Drain every parsed server event, in wire order (duplicates and unknown types included).

        Safe in every state.
        """
        events, self._events = self._events, []
        return events

    def segments_received(self) -> list[Segment]:
        """Drain the assembled segments (partial updates and finals), in order.

        Safe in every state.
        """
        segments, self._segments = self._segments, []
        return segments

    # ------------------------------------------------------------------ inputs

    def receive_message(self, data: str | bytes) -> None:
        """Feed one inbound WebSocket text message.

        Does nothing in CLOSED and FAILED.

        Args:
            data: The message as received.

        Raises:
            RemoteProtocolError: The message is not a valid server event, or its type is not
                allowed in the current state. The state is then FAILED and nothing more is sent.
        """
        if self._state in _TERMINAL:
            return
        try:
            event = parse_server_event(data)
            if isinstance(event, UnknownServerEvent):
                self._events.append(event)
                return
            target = TRANSITIONS.get((self._state, event.type))
            if target is None:
                raise RemoteProtocolError(
                    f"Received {event.type!r} while the session is {self._state.value}; "
                    "the server broke the protocol.",
                    event_type=event.type,
                )
            produced = self._assembler.feed(event)
            if produced:
                self._segments += produced
                if self._replay is not None:
                    self._release(produced)
        except RemoteProtocolError as exc:
            self._to_failed(str(exc))
            raise
        self._events.append(event)
        self._apply(event, target)

    def receive_close(self, code: int | None, reason: str) -> None:
        """Report that the WebSocket is closed (by either side, or dropped). Idempotent.

        After `finish` (CLOSING), or with code 1000/1001, the state becomes CLOSED and segments
        still in flight are emitted as final; otherwise it becomes FAILED. Does nothing in CLOSED
        and FAILED.

        Args:
            code: The close code, or None (or 1006) when the connection dropped.
            reason: The close reason (may be empty); never included in messages.
        """
        del reason  # may hold server text; the code is enough to decide
        if self._state in _TERMINAL:
            return
        kind = "clean close" if code in _CLEAN_CLOSE_CODES else "abnormal close"
        if LOCAL_TRANSITIONS[(self._state, kind)] is SessionState.FAILED:
            self._to_failed(f"The connection closed unexpectedly (code {code}).")
        else:
            self._to_closed()

    def fail(self, reason: str) -> None:
        """Report a local failure (for example a deadline the transport keeps); state FAILED.

        Queued data is dropped. Does nothing in CLOSED and FAILED.

        Args:
            reason: One sentence for `failure_reason`; no payloads.
        """
        if self._state not in _TERMINAL:
            self._to_failed(reason)

    # ------------------------------------------------------------------ commands

    def send(self, event: ClientEvent) -> None:
        """Queue a typed client event, checking that it is legal now.

        An event without ``event_id`` gets one from ``id_factory``. Input sent before
        ``session.updated`` is held. The typed helpers below are usually more convenient; they
        also validate the payload.

        Legal: input events in CONNECTING, CONFIGURING, READY and RESPONDING; ``session.update``
        and ``session.finish`` in READY and RESPONDING.

        Args:
            event: The client event.

        Raises:
            LocalProtocolError: The event is illegal in the current state (the message says
                what to do), an image comes before any audio, or a commit is sent outside
                manual turn detection.
        """
        self._check(event.type)
        if self._replay is not None and isinstance(event, InputAudioBufferAppendEvent):
            try:
                pcm = base64.b64decode(event.audio, validate=True)
            except ValueError:
                raise AudioError("The audio of the append event is not valid base64.") from None
            self.append_audio(pcm)  # through the replay buffer, so that it can be replayed
            return
        self._send(event)

    def update_session(self, config: SessionConfig) -> None:
        """Re-configure a running session: the full ``session.update`` is sent again.

        `config` changes when ``session.updated`` confirms it; an ``error`` answering it keeps the
        previous configuration. Legal in READY and RESPONDING.

        Args:
            config: The new, validated configuration, for the same model.

        Raises:
            LocalProtocolError: Not READY or RESPONDING.
            ConfigurationError: ``config`` names another model.
        """
        self._check("session.update")
        if registry.get_model(config.model).id != self._config.model:
            raise ConfigurationError(
                "The model cannot change mid-session; open a new session for another model."
            )
        event_id = self._new_id()
        self._send(self._dialect.session_update(config, event_id=event_id), config=config)

    def append_audio(self, pcm16: bytes) -> None:
        """Queue a chunk of input audio (PCM16 little-endian mono at ``config.sample_rate``).

        Legal in CONNECTING, CONFIGURING (held until ``session.updated``), READY and RESPONDING.
        An empty chunk is ignored.

        Args:
            pcm16: Raw samples, about 100 ms per call.

        Raises:
            LocalProtocolError: The session is finishing, closed or failed.
            AudioError: The chunk has an odd number of bytes (PCM16 samples are 2 bytes).
        """
        self._check("input_audio_buffer.append")
        if len(pcm16) % 2:
            raise AudioError(
                f"The audio chunk has {len(pcm16)} bytes, but PCM16 samples are 2 bytes each; "
                "send whole samples."
            )
        if not pcm16:
            return
        replay = self._replay
        if replay is None:
            event = InputAudioBufferAppendEvent.from_pcm(pcm16, event_id=self._new_id())
            self._send(event, audio_bytes=len(pcm16))
            return
        replay.append(pcm16)
        self._audio_seen = True
        self._audio_bytes += len(pcm16)
        self._audio_ms += len(pcm16) * 500 / self._config.sample_rate
        if self._state not in _HELD_STATES:  # else sent from the buffer at session.updated
            event = InputAudioBufferAppendEvent.from_pcm(pcm16, event_id=self._new_id())
            self._outbound.append(event.to_json())

    def append_image(self, jpeg: bytes) -> None:
        """Queue a camera frame (JPEG, at most 500 KB, at most 2 per second).

        Legal in the same states as `append_audio`, after at least one audio chunk.

        Args:
            jpeg: The JPEG image.

        Raises:
            LocalProtocolError: No audio was appended yet, or the session is finishing, closed
                or failed.
            ConfigurationError: The bytes are not a JPEG, or the image is over 500 KB.
        """
        self._check("input_image_buffer.append")
        if jpeg[:2] != _JPEG_MAGIC:
            raise ConfigurationError(
                "The image is not a JPEG (it does not start with FF D8); encode frames as JPEG."
            )
        if len(jpeg) > MAX_IMAGE_BYTES:
            raise ConfigurationError(
                f"The image is {len(jpeg)} bytes; the service takes at most {MAX_IMAGE_BYTES} "
                "bytes (500 KB). Scale it to 720p or lower the JPEG quality."
            )
        self._send(InputImageBufferAppendEvent.from_jpeg(jpeg, event_id=self._new_id()))

    def commit_audio(self) -> None:
        """Commit the buffered audio as one utterance (``turn_detection="manual"`` only, 3.5).

        Legal in the same states as `append_audio`.

        Raises:
            LocalProtocolError: Turn detection is not manual, or the session is finishing,
                closed or failed.
        """
        self._check("input_audio_buffer.commit")
        if self._replay is not None:
            self._replay.commit()
            if self._state in _HELD_STATES:
                return  # replayed from the buffer, after the audio it commits
        self._send(InputAudioBufferCommitEvent(event_id=self._new_id()))

    def clear_audio(self) -> None:
        """Drop uncommitted input audio on the service. Legal in the same states as `append_audio`.

        Raises:
            LocalProtocolError: The session is finishing, closed or failed.
        """
        self._check("input_audio_buffer.clear")
        if self._replay is not None:
            self._replay.clear()
            if self._state in _HELD_STATES:
                return  # the buffer is empty: the new connection has nothing to clear
        self._send(InputAudioBufferClearEvent(event_id=self._new_id()))

    def finish(self) -> None:
        """End the session: queue ``session.finish`` and move to CLOSING.

        The service flushes the last utterance and answers ``session.finished`` (then CLOSED).
        No command is legal afterwards. Legal in READY and RESPONDING.

        Raises:
            LocalProtocolError: Not READY or RESPONDING.
        """
        self._check("session.finish")
        self._send(SessionFinishEvent(event_id=self._new_id()))

    def release_processed(self, until_ms: float) -> None:
        """Release buffered audio before ``until_ms`` that no utterance in flight covers.

        For a transport's evidence that the service has processed that audio without finding
        speech in it (for example, it was sent at real-time pace long ago). Does nothing without
        a replay buffer, and in manual turn detection (uncommitted audio waits for its commit).

        Args:
            until_ms: A position in the input stream, in milliseconds.
        """
        if self._replay is not None and self._config.turn_detection != "manual":
            self._replay.release_utterance(
                round(until_ms), manual=False, open_start_ms=self._assembler.open_start_ms()
            )

    def resume(self) -> RealtimeProtocol:
        """Continue this session on a new connection; return the new connection's protocol.

        The new protocol starts in CONNECTING with the latest configuration (a mid-session update
        still waiting for its answer included), the same replay buffer, id factory, usage,
        audio counters and final-segment count. At its ``session.updated`` it sends the buffer's
        audio (one contiguous slice of the input stream, from the end of the last final
        utterance, with manual commits where they were) and shifts segment timestamps by where
        that slice starts; a session that was finishing sends ``session.finish`` again after it.
        Input given before then goes into the buffer, after the slice.

        This protocol moves to FAILED without emitting its utterances in flight (the new
        connection translates them again), so no utterance is emitted twice.

        Returns:
            The protocol for the next connection.

        Raises:
            LocalProtocolError: There is no replay buffer, or the session already ended (CLOSED,
                or FAILED for another reason than a lost connection).
        """
        if self._replay is None:
            raise LocalProtocolError("Cannot resume a session without a replay buffer.")
        if self._state is SessionState.CLOSED or self._configuration_error is not None:
            raise LocalProtocolError("Cannot resume: the session has ended; open a new session.")
        config = self._config
        for _, pending in self._pending_updates:
            config = pending or config
        new = RealtimeProtocol(config, id_factory=self._new_id, replay=self._replay)
        new._usage = self._usage
        new._assembler.completed = self._assembler.completed
        new._audio_bytes, new._audio_ms = self._audio_bytes, self._audio_ms
        new._audio_seen = self._audio_seen
        new._resumed = True
        new._finish_on_ready = self._state is SessionState.CLOSING or self._finish_on_ready
        if self._state is not SessionState.FAILED:
            self._to_failed("The connection was replaced by a new one.")
        return new

    # ------------------------------------------------------------------ internals

    def _send_replay(self, replay: ReplayBuffer) -> None:
        """Send the buffer at ``session.updated``: held input, or the replay after a reconnect."""
        self._offset_ms = round(replay.start_ms)
        self._assembler.offset_ms = self._offset_ms
        piece_bytes = max(2, self._config.sample_rate // 10 * 2)  # 100 ms per append
        sent = 0
        for piece in replay.pending(piece_bytes):
            if piece is COMMIT:
                event: ClientEvent = InputAudioBufferCommitEvent(event_id=self._new_id())
            else:
                assert isinstance(piece, bytes)
                sent += len(piece)
                event = InputAudioBufferAppendEvent.from_pcm(piece, event_id=self._new_id())
            self._outbound.append(event.to_json())
        if self._resumed:
            self._replayed_ms = replay.to_ms(sent)

    def _release(self, segments: list[Segment]) -> None:
        """Release the audio of utterances that became final (the service is done with it)."""
        assert self._replay is not None
        manual = self._config.turn_detection == "manual"
        for segment in segments:
            if segment.final:
                self._replay.release_utterance(
                    segment.end_ms, manual=manual, open_start_ms=self._assembler.open_start_ms()
                )

    def _check(self, event_type: str) -> None:
        state = self._state
        if (state, event_type) not in COMMANDS:
            hint = _ILLEGAL.get(state, "this session does not accept it.")
            raise LocalProtocolError(f"Cannot send {event_type}: {hint}")
        if event_type == "input_image_buffer.append" and not self._audio_seen:
            raise LocalProtocolError(
                "Cannot send input_image_buffer.append yet: send audio before the first image."
            )
        if event_type == "input_audio_buffer.commit" and self._config.turn_detection != "manual":
            raise LocalProtocolError(
                "Cannot send input_audio_buffer.commit: it needs turn_detection='manual'; "
                "otherwise the service segments speech itself."
            )

    def _send(
        self, event: ClientEvent, *, audio_bytes: int = 0, config: SessionConfig | None = None
    ) -> None:
        if event.event_id is None:
            event = event.model_copy(update={"event_id": self._new_id()})
        if isinstance(event, InputAudioBufferAppendEvent):
            self._audio_seen = True
            audio_bytes = audio_bytes or _b64_length(event.audio)
        text = event.to_json()
        if isinstance(event, SessionUpdateEvent):
            self._pending_updates.append((event.event_id, config))
        elif isinstance(event, SessionFinishEvent):
            self._state = SessionState.CLOSING
        if self._state in _HELD_STATES:
            self._held.append((text, audio_bytes))
        else:
            self._queue(text, audio_bytes)

    def _queue(self, text: str, audio_bytes: int) -> None:
        self._outbound.append(text)
        if audio_bytes:
            self._audio_bytes += audio_bytes
            self._audio_ms += audio_bytes * 500 / self._config.sample_rate

    def _apply(self, event: ServerEvent, target: SessionState) -> None:
        """Run the side effects of a legal server event, then move to ``target``."""
        if isinstance(event, SessionCreatedEvent):
            self._server_session = event.session
            update = self._dialect.session_update(self._config, event_id=self._new_id())
            self._queue(update.to_json(), 0)
        elif isinstance(event, SessionUpdatedEvent):
            self._server_session = event.session
            if self._state is not SessionState.CONFIGURING and self._pending_updates:
                _, config = self._pending_updates.pop(0)
                if config is not None:
                    self._config = config
                    self._configure_assembler(config)
        elif isinstance(event, ErrorEvent):
            if self._state is SessionState.CONFIGURING:
                self._configuration_error = event
                self._to_failed("The service rejected the session configuration.")
                return
            self._answer_update(event)
        elif isinstance(event, ResponseCreatedEvent):
            self._pending_responses[event.response.id] = None
        elif isinstance(event, ResponseDoneEvent):
            response_id = event.response.id
            self._pending_responses.pop(response_id, None)
            if response_id not in self._done_responses and event.response.usage is not None:
                self._usage = self._usage + event.response.usage.to_usage()
            self._done_responses.add(response_id)
            if target is SessionState.READY and self._pending_responses:
                target = SessionState.RESPONDING  # special case 1: others still pending
        if target is SessionState.CLOSED:
            self._to_closed()
            return
        previous, self._state = self._state, target
        if previous is SessionState.CONFIGURING and target is SessionState.READY:
            if self._replay is not None:
                self._send_replay(self._replay)
            held, self._held = self._held, []
            for text, audio_bytes in held:
                self._queue(text, audio_bytes)
            if self._finish_on_ready:
                self._finish_on_ready = False
                self._send(SessionFinishEvent(event_id=self._new_id()))

    def _answer_update(self, event: ErrorEvent) -> None:
        """Drop the mid-session update an ``error`` answers (the configuration stays)."""
        if not self._pending_updates:
            return
        caused_by = event.error.event_id
        if caused_by is None:
            self._pending_updates.pop(0)
            return
        for index, (event_id, _) in enumerate(self._pending_updates):
            if event_id == caused_by:
                del self._pending_updates[index]
                return

    def _configure_assembler(self, config: SessionConfig) -> None:
        model = registry.get_model(config.model)
        self._assembler.source_language = config.source_language
        self._assembler.transcription = config.transcribe_source or model.transcription_always_on

    def _to_closed(self) -> None:
        self._segments += self._assembler.flush()
        self._state = SessionState.CLOSED
        self._outbound.clear()
        self._held.clear()

    def _to_failed(self, reason: str) -> None:
        self._state = SessionState.FAILED
        self._failure_reason = reason
        self._outbound.clear()
        self._held.clear()


_NOT_YET = "the session is not configured yet; wait for session.updated (state READY)."
_ILLEGAL: Final = {
    SessionState.CONNECTING: _NOT_YET,
    SessionState.CONFIGURING: _NOT_YET,
    SessionState.CLOSING: "the session is finishing; open a new session.",
    SessionState.CLOSED: "the session is closed; open a new session.",
    SessionState.FAILED: "the session failed; open a new session.",
}
