"""Live interpretation over one WebSocket: `RealtimeSession` and `connect`.

The session is a thin asyncio transport around the sans-I/O
[`RealtimeProtocol`][livetranslate.protocol.RealtimeProtocol]: one reader task moves messages from
the socket into the protocol and its events and segments onto two bounded queues, and every write
goes through one locked flush. websockets exceptions never reach the app: they are translated in
one place into [`livetranslate.exceptions`][livetranslate.exceptions].

```python
async with RealtimeSession(source_language="zh", target_language="en") as session:
    await session.stream("talk.wav")
    summary = await session.finish()
    async for segment in session.segments():
        print(segment.source_text, "->", segment.translated_text)
```
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator, Generator, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Literal, Self, TypedDict, Unpack
from urllib.parse import urlsplit

from livetranslate import registry
from livetranslate._realtime_io import END, ChannelIterator, Connection
from livetranslate._realtime_media import (
    AudioChunk,
    AudioSource,
    InputConverter,
    append_pcm,
    load_jpeg,
    paced_chunks,
)
from livetranslate._realtime_resume import finish_session, make_resumer, optional_seconds
from livetranslate._realtime_setup import (
    build_headers,
    build_url,
    resolve_api_key,
    session_error,
)
from livetranslate._secret import Secret
from livetranslate.config import SessionConfig
from livetranslate.events import SessionEvent, SessionInfo
from livetranslate.exceptions import (
    ConfigurationError,
    LiveTranslateError,
    LocalProtocolError,
    SessionClosedOK,
    TransportTimeout,
    UsageError,
)
from livetranslate.pricing import CostEstimate, cost_of
from livetranslate.protocol import RealtimeProtocol, Segment, SessionState
from livetranslate.protocol.reconnect import ReconnectPolicy, ReplayBuffer
from livetranslate.types import Modality, TurnDetectionMode
from livetranslate.usage import Usage

__all__ = ["RealtimeSession", "SessionChanges", "SessionSummary", "connect"]

logger = logging.getLogger("livetranslate.realtime")

_IMAGE_INTERVAL = 0.5  # at most 2 frames per second
_LIVE = (SessionState.READY, SessionState.RESPONDING)


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """What a finished session used and cost.

    Attributes:
        usage: Tokens by kind, summed over every ``response.done``.
        cost: The estimated price of ``usage`` for the session's model and region.
        segments: Final segments (translated utterances) the session produced.
        audio_seconds_sent: Seconds of input audio sent.
        duration_seconds: Wall-clock seconds from connection to close.
    """

    usage: Usage
    cost: CostEstimate
    segments: int
    audio_seconds_sent: float
    duration_seconds: float


class SessionChanges(TypedDict, total=False):
    """Options [`RealtimeSession.update`][livetranslate.realtime.RealtimeSession.update] may change.

    Every key is optional: an absent key keeps its value, and ``None`` means the model's default
    (as in the constructor). The model and the sample rate cannot change mid-session.
    """

    source_language: str | None
    target_language: str
    modalities: tuple[Modality, ...]
    voice: str | None
    voice_clone: str | None
    keywords: Mapping[str, str] | None
    transcribe_source: bool
    turn_detection: TurnDetectionMode | None
    vad_threshold: float | None
    silence_duration_ms: int | None


def _check_seconds(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise ConfigurationError(f"{name} must be a positive number of seconds, got {value!r}.")
    return float(value)


class RealtimeSession:
    """One live-interpretation session: audio (and camera frames) in, translations out.

    Open it with ``async with RealtimeSession(...) as session`` (or ``session = await
    connect(...)``): it validates the options, connects, sends the configuration and returns once
    the service has confirmed it (``session.updated``). Leaving the block finishes the session
    cleanly (the service flushes the last utterance, bounded by ``finish_timeout``); an exception
    in the block closes it promptly and propagates unchanged.

    Read with ``async for event in session`` (every server event, in wire order),
    [`segments()`][livetranslate.realtime.RealtimeSession.segments] (paired source and translation
    per utterance) or [`recv()`][livetranslate.realtime.RealtimeSession.recv]. Each kind has a
    bounded queue. While a task iterates a kind, a full queue pauses the socket (backpressure); a
    kind nobody reads drops its oldest items instead (counted in ``dropped_events`` /
    ``dropped_segments``, with one warning), so memory stays bounded and ``finish()`` never waits
    on a queue the app ignores.

    A lost connection (a drop, a close before ``session.finished``, a dead or stalled peer) is
    replaced by a new one ([`ReconnectPolicy`][livetranslate.protocol.reconnect.ReconnectPolicy]):
    the configuration is sent again, the audio the service had not finished with is replayed,
    segments stay continuous and exactly-once, and the event stream yields a
    [`SessionReconnected`][livetranslate.events.SessionReconnected]. Connections are also rotated
    before the service's session cap. Fatal causes (bad key, access denied, arrears, a rejected
    configuration), ``reconnect=False``, or running out of attempts end the session: iterators
    first yield what was received, then raise
    [`SessionClosedError`][livetranslate.exceptions.SessionClosedError] (or ``SessionClosedOK``
    for a clean close by the server, ``PermissionDeniedError`` for "Access denied"); sends raise
    the same error.

    Args:
        model: A realtime model id (qwen3, qwen3.5 or qwen3.8 ``-livetranslate-flash-realtime``)
            or a dated snapshot.
        source_language: The speaker's language code, or None to let the service detect it.
        target_language: The language to translate into.
        modalities: ``("text",)`` or ``("text", "audio")`` (translated speech too).
        voice: A preset voice for translated speech; None for the model's default.
        voice_clone: None, ``"once"``, ``"always"`` or a pre-created clone id (3.5 and 3.8).
        keywords: Glossary: source term to fixed target rendering.
        transcribe_source: Also stream the source-language transcript.
        sample_rate: Input PCM rate in Hz (16000; 8000 where the model takes it).
        turn_detection: None (the model's default), ``"server_vad"``, ``"speaker_detection"``
            (3.8) or ``"manual"`` (3.5; call ``commit()``).
        vad_threshold: VAD threshold in [-1, 1] (3.5 ``server_vad``); None for the default.
        silence_duration_ms: Silence that ends an utterance, 200..6000 ms; None for the default.
        api_key: The API key; defaults to the ``DASHSCOPE_API_KEY`` environment variable.
        region: ``"intl"`` (Singapore) or ``"cn"`` (Beijing); keys work only in their region.
        workspace: A Model Studio workspace id, for the workspace host and header.
        base_url: A full ``ws://``/``wss://`` endpoint without a query (an emulator or a proxy);
            the session appends ``?model=<id>``.
        open_timeout: Seconds allowed to connect and have the configuration confirmed (also the
            deadline of each ``update()``).
        finish_timeout: Seconds allowed for ``finish()`` to get ``session.finished``.
        max_queued_events: Bound of the event queue.
        max_queued_segments: Bound of the segment queue.
        reconnect: A `ReconnectPolicy`, True for the default one, or False to end the session
            when its connection is lost.
        ping_interval: Seconds between WebSocket pings; None disables them.
        ping_timeout: Seconds a ping may wait for its pong: a half-open connection is detected
            within ``ping_interval + ping_timeout``; None never gives up.
        idle_timeout: Seconds the service may stay silent while a response is in flight.
        send_timeout: Seconds one message may take to send before the peer counts as stalled.

    Raises:
        ConfigurationError: A timeout, queue bound or ``reconnect`` is invalid. The session
            options are checked when the session opens, before anything touches the network.
    """

    def __init__(
        self,
        *,
        model: str = registry.DEFAULT_REALTIME_MODEL,
        source_language: str | None = None,
        target_language: str = "en",
        modalities: tuple[Modality, ...] = ("text", "audio"),
        voice: str | None = None,
        voice_clone: str | None = None,
        keywords: Mapping[str, str] | None = None,
        transcribe_source: bool = True,
        sample_rate: int = 16000,
        turn_detection: TurnDetectionMode | None = None,
        vad_threshold: float | None = None,
        silence_duration_ms: int | None = None,
        api_key: str | None = None,
        region: str = "intl",
        workspace: str | None = None,
        base_url: str | None = None,
        open_timeout: float = 10.0,
        finish_timeout: float = 30.0,
        max_queued_events: int = 4096,
        max_queued_segments: int = 1024,
        reconnect: ReconnectPolicy | bool = True,
        ping_interval: float | None = 3.0,
        ping_timeout: float | None = 3.0,
        idle_timeout: float | None = 20.0,
        send_timeout: float | None = 10.0,
    ) -> None:
        self._open_timeout = _check_seconds("open_timeout", open_timeout)
        self._finish_timeout = _check_seconds("finish_timeout", finish_timeout)
        self._requested = SessionConfig(
            model=model,
            source_language=source_language,
            target_language=target_language,
            modalities=modalities,
            voice=voice,
            voice_clone=voice_clone,
            keywords=keywords,
            transcribe_source=transcribe_source,
            sample_rate=sample_rate,
            turn_detection=turn_detection,
            vad_threshold=vad_threshold,
            silence_duration_ms=silence_duration_ms,
        )
        self._api_key = Secret(api_key) if isinstance(api_key, str) else None
        self._region = region
        self._workspace = workspace
        self._base_url = base_url
        self._conn = Connection(
            max_queued_events,
            max_queued_segments,
            resumer=make_resumer(reconnect, open_timeout=self._open_timeout),
            ping_interval=optional_seconds("ping_interval", ping_interval),
            ping_timeout=optional_seconds("ping_timeout", ping_timeout),
            idle_timeout=optional_seconds("idle_timeout", idle_timeout),
            send_timeout=optional_seconds("send_timeout", send_timeout),
        )
        self._phase: Literal["new", "opening", "open", "closed"] = "new"
        self._summary: SessionSummary | None = None
        self._update_lock = asyncio.Lock()
        self._finish_lock = asyncio.Lock()
        self._image_lock = asyncio.Lock()
        self._last_image_at: float | None = None
        self._input = InputConverter()  # resampler state shared by send_audio() and stream()

    # ------------------------------------------------------------------------------ queries

    @property
    def state(self) -> SessionState:
        """The protocol state (``CONNECTING`` until the session is opened)."""
        protocol = self._conn.protocol
        return SessionState.CONNECTING if protocol is None else protocol.state

    @property
    def config(self) -> SessionConfig:
        """The configuration in effect (validated and normalised once the session is open)."""
        protocol = self._conn.protocol
        return self._requested if protocol is None else protocol.config

    @property
    def usage(self) -> Usage:
        """Tokens used so far, summed over every ``response.done``."""
        protocol = self._conn.protocol
        return Usage() if protocol is None else protocol.usage

    @property
    def server_session(self) -> SessionInfo | None:
        """The configuration the service last echoed (``session.created`` / ``updated``)."""
        protocol = self._conn.protocol
        return None if protocol is None else protocol.server_session

    @property
    def dropped_events(self) -> int:
        """Events dropped because their queue was full and no task was iterating events."""
        return self._conn.events.dropped

    @property
    def dropped_segments(self) -> int:
        """Segments dropped because their queue was full and no task was reading segments."""
        return self._conn.segments.dropped

    @property
    def reconnects(self) -> int:
        """How many times the session moved to a new connection (lost or rotated)."""
        resumer = self._conn.resumer
        return 0 if resumer is None else resumer.reconnects

    def __repr__(self) -> str:
        config = self.config
        return (
            f"<RealtimeSession model={config.model!r} "
            f"{config.source_language or 'auto'}->{config.target_language} "
            f"region={self._region!r} state={self.state.name}>"
        )

    # -------------------------------------------------------------------------- lifecycle

    def __await__(self) -> Generator[Any, None, Self]:
        return self._open().__await__()

    async def __aenter__(self) -> Self:
        return await self._open()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc is not None:  # close promptly; the app's exception propagates unchanged
            await self._shutdown()
            return
        conn = self._conn
        if conn.closed and conn.error is None and not conn.finished:
            return  # closed by the app with close()
        reported = conn.reported
        try:
            await self.finish()
        except LiveTranslateError as err:
            if not (reported and err is conn.error):
                raise  # a failure the app has not seen yet must not pass silently

    async def _open(self) -> Self:
        if self._phase == "open":  # `async with await connect(...)` is fine
            return self
        if self._phase != "new":
            raise UsageError("A RealtimeSession opens once; create a new one to reconnect.")
        self._phase = "opening"
        conn = self._conn
        try:
            config = self._requested.validated()
            conn.region = registry.get_region(self._region).name
            url = build_url(
                self._requested.model.strip(),
                region=self._region,
                workspace=self._workspace,
                base_url=self._base_url,
            )
            conn.key = resolve_api_key(None if self._api_key is None else self._api_key.reveal())
            conn.model, conn.host = config.model, urlsplit(url).netloc
            replay = None
            if conn.resumer is not None:
                seconds = conn.resumer.policy.replay_seconds
                replay = ReplayBuffer(sample_rate=config.sample_rate, max_seconds=seconds)
            conn.protocol = RealtimeProtocol(config, replay=replay)
            logger.debug("connecting to %s (model %s)", conn.host, config.model)
            with conn.busy_scope(), conn.errors(self._open_timeout_message):
                async with asyncio.timeout(self._open_timeout):
                    await conn.connect(url, build_headers(conn.key, self._workspace))
                    await conn.wait_until(self._configured)
        except BaseException as exc:
            if isinstance(exc, TransportTimeout) and conn.protocol is not None:
                conn.protocol.fail(str(exc))
                conn.drain()
            await self._shutdown()
            raise
        self._phase = "open"
        logger.debug("session open on %s", conn.host)
        return self

    def _configured(self) -> bool:
        error = self._conn.live_protocol().configuration_error
        if error is not None:
            raise session_error(error, self._conn.key)
        return self._conn.updates > 0  # stays true if the server breaks the session right after

    def _open_timeout_message(self) -> str:
        limit = f"{self._open_timeout:g} s (open_timeout)"
        if self._conn.ws is None:
            return f"Connecting to {self._conn.host} did not complete within {limit}."
        if self.state is SessionState.CONNECTING:
            return f"The server opened the socket but sent no session.created within {limit}."
        return f"The server did not answer session.update within {limit}."

    async def _shutdown(self) -> None:
        self._phase = "closed"
        await self._conn.shutdown()

    async def finish(self) -> SessionSummary:
        """Finish the session: flush the last utterance, wait for it, close, and summarize.

        Sends ``session.finish`` and keeps reading until ``session.finished`` (iterators in other
        tasks still get every event and segment up to it, and can drain what is queued after
        this returns), then closes the socket. Idempotent: later calls return the same summary.

        Not cancellation-safe: cancelling closes the session without waiting for the last
        utterance.

        Returns:
            Usage, cost, final segment count, seconds of audio sent and wall-clock duration.

        Raises:
            UsageError: The session was never opened, or was closed without finishing.
            TransportTimeout: ``session.finished`` did not arrive within ``finish_timeout``.
            SessionClosed: The connection had closed before the session finished.
            RemoteProtocolError: The server sent invalid data.
        """
        if self._phase in ("new", "opening"):
            raise UsageError("finish() needs an open session (async with ... or await connect()).")
        conn = self._conn
        async with self._finish_lock:
            if self._summary is not None:
                return self._summary
            if conn.error is None and conn.closed and not conn.finished:
                raise UsageError("The session was closed without finishing; nothing to summarize.")
            try:
                if conn.error is None and not conn.finished:
                    with conn.busy_scope():
                        await self._send_finish()
            except BaseException as exc:
                if isinstance(exc, TransportTimeout):
                    conn.live_protocol().fail(str(exc))
                    conn.drain()
                if exc is conn.error:
                    conn.error_reported = True
                await self._shutdown()
                raise
            await self._shutdown()
            if conn.error is not None and not conn.finished:
                conn.raise_error()
            protocol = conn.live_protocol()
            self._summary = SessionSummary(
                usage=protocol.usage,
                cost=cost_of(protocol.usage, model=protocol.config.model, region=conn.region),
                segments=protocol.segments_completed,
                audio_seconds_sent=protocol.audio_ms_sent / 1000,
                duration_seconds=(conn.closed_at or 0.0) - (conn.opened_at or 0.0),
            )
            logger.debug("session finished: %d segments", self._summary.segments)
            return self._summary

    async def _send_finish(self) -> None:
        conn = self._conn
        limit = f"{self._finish_timeout:g} s (finish_timeout)"
        with conn.errors(lambda: f"The server did not send session.finished within {limit}."):
            async with asyncio.timeout(self._finish_timeout), self._update_lock:
                # the resampler's last few ms go first; again on a new connection if one is lost
                await finish_session(conn, lambda p: append_pcm(p, self._input.flush()))

    async def close(self) -> None:
        """Close the socket without finishing (the utterance in progress may be lost).

        Prefer [`finish()`][livetranslate.realtime.RealtimeSession.finish]. Idempotent. Iterators
        in other tasks end after the items already queued.
        """
        if self._phase != "new":
            await self._shutdown()

    # ------------------------------------------------------------------------------ reading

    def __aiter__(self) -> AsyncIterator[SessionEvent]:
        """Iterate every server event in wire order, ending after ``session.finished``.

        A [`SessionReconnected`][livetranslate.events.SessionReconnected] comes between them when
        the session moved to a new connection. Cancellation-safe: an event leaves the queue only
        when it is yielded. When the session ends abnormally it first yields what was received,
        then raises.

        Raises:
            UsageError: The session is not open, or another task is reading events too.
            SessionClosed: The connection closed before ``session.finished``.
            PermissionDeniedError: The service closed the session with "Access denied".
            RemoteProtocolError: The server sent invalid data (the session is then closed).
        """
        self._check_opened()
        return ChannelIterator(self._conn.events)

    def segments(self, *, partial: bool = False) -> AsyncIterator[Segment]:
        """Iterate translated utterances, ending after ``session.finished``.

        Each utterance's final segment (source text, translation, speech, timing, usage) comes
        exactly once. Cancellation-safe; after an abnormal close it raises like the event
        iterator.

        Args:
            partial: Also yield partial updates (``final=False``) while text streams in.

        Returns:
            An async iterator of segments.

        Raises:
            UsageError: The session is not open, or another task is reading segments too.
        """
        self._check_opened()
        if partial:
            return ChannelIterator(self._conn.segments)
        return ChannelIterator(self._conn.segments, lambda segment: segment.final)

    async def recv(self) -> SessionEvent:
        """Return the next event (a server event, or a `SessionReconnected`).

        Cancellation-safe: a cancelled ``recv()`` loses no event.

        Returns:
            The next event, in wire order.

        Raises:
            UsageError: The session is not open, or another task is already waiting in
                ``recv()`` (or iterating events).
            SessionClosedOK: The session finished or was closed; there are no more events.
            SessionClosed: The connection closed abnormally (after the buffered events).
            RemoteProtocolError: The server sent invalid data.
        """
        self._check_opened()
        item = await self._conn.events.get(recv=True)
        if item is END:
            raise SessionClosedOK("The session has ended; there are no more events.", code=1000)
        return item

    def _check_opened(self) -> None:
        if self._phase in ("new", "opening"):
            raise UsageError("Open the session first: async with RealtimeSession(...) as session.")

    # ------------------------------------------------------------------------------ writing

    def _sendable(self) -> RealtimeProtocol:
        self._check_opened()
        if self._conn.error is not None:
            self._conn.raise_error()
        if self._phase == "closed":
            raise UsageError("The session is closed; open a new one to send more.")
        return self._conn.live_protocol()

    async def send_audio(self, audio: AudioChunk, *, sample_rate: int | None = None) -> None:
        """Send audio: PCM16 little-endian mono bytes, or a numpy array.

        Without ``sample_rate``, the audio must be mono at the session's ``sample_rate``: int16,
        or float32/64 in [-1, 1] (samples up to ±2 are clipped, larger ones are an error). With
        it, any rate, channel count (``(frames, channels)``) and integer or float dtype is
        converted on the way; the resampler keeps its state between calls at the same rate, so
        a stream of chunks joins without clicks (``finish()`` sends its last few ms). Long input
        is split into appends of at most 100 ms.

        Cancellation-safe: the audio is queued before the first wait, so a cancelled call's
        audio still goes out, in order, with the next write; nothing is sent twice.

        Args:
            audio: One chunk of audio.
            sample_rate: The rate of ``audio`` in Hz, to convert it; None if it already matches.

        Raises:
            AudioError: Odd byte count, unsupported dtype or shape, NaN or infinity, or floats
                far outside [-1, 1] (or, without ``sample_rate``, more than one channel).
            UsageError: The session is not open, or is closed.
            SessionClosed: The connection closed.
        """
        protocol = self._sendable()
        target = protocol.config.sample_rate
        pcm = self._input.convert(audio, sample_rate=sample_rate, target_rate=target)
        if append_pcm(protocol, pcm):
            await self._conn.write()

    async def send_image(self, image: bytes | str | os.PathLike[str]) -> None:
        """Send a camera frame (JPEG, at most 500 KB) as visual context for the speech.

        Frames are paced to at most 2 per second: a call that comes too soon waits. Send some
        audio first (the service rejects an image before any audio).

        Cancellation-safe: cancelled while waiting, nothing is sent.

        Args:
            image: JPEG bytes, or the path of a JPEG file.

        Raises:
            MediaError: Not a JPEG, over 500 KB, or the file cannot be read.
            LocalProtocolError: No audio was sent yet.
            UsageError: The session is not open, or is closed.
            SessionClosed: The connection closed.
        """
        self._sendable()
        if isinstance(image, (str, os.PathLike)):
            data = await asyncio.to_thread(load_jpeg, image)
        else:
            data = load_jpeg(image)
        loop = asyncio.get_running_loop()
        async with self._image_lock:
            if self._last_image_at is not None:
                delay = self._last_image_at + _IMAGE_INTERVAL - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
            self._sendable().append_image(data)
            self._last_image_at = loop.time()
            await self._conn.write()

    async def stream(
        self,
        source: AudioSource,
        *,
        realtime: bool = True,
        chunk_ms: int = 100,
        sample_rate: int | None = None,
    ) -> float:
        """Send a whole source of audio (and a video's frames), paced at real time or unpaced.

        Pacing uses absolute deadlines on the monotonic clock (chunk *k* goes out at start plus
        its offset), so it does not drift; a paced call returns once the audio's duration has
        elapsed. Files in any format, rate and channel count are converted to the session's
        ``sample_rate`` on the way. A video file (or a
        [`VideoSource`][livetranslate.media.VideoSource]) streams its audio track and sends
        frames (JPEG, at most 2 per second) after the audio they belong to. Needs the ``video``
        extra.

        Not cancellation-safe: when cancelled, the audio sent so far stays sent.

        Args:
            source: A file path (audio or video), a ``VideoSource``, PCM16 bytes, a numpy array,
                or a (sync or async) iterable of bytes or arrays (byte chunks may split samples;
                they are re-joined), e.g. a [`Microphone`][livetranslate.media.Microphone].
            realtime: Pace at real time (True) or send unpaced (False).
            chunk_ms: Milliseconds of audio per append, 10 to 100.
            sample_rate: The rate of in-memory audio, to convert it (see ``send_audio()``).

        Returns:
            Seconds of audio sent.

        Raises:
            ConfigurationError: ``chunk_ms`` is out of range.
            AudioError: The audio cannot be read, decoded or converted (the file is named).
            MediaError: A video cannot be decoded, or an optional extra is missing.
            UsageError: The session is not open, or is closed.
            SessionClosed: The connection closed.
        """
        rate = self._sendable().config.sample_rate
        sent = 0
        chunks = paced_chunks(
            source,
            sample_rate=rate,
            chunk_ms=chunk_ms,
            realtime=realtime,
            source_rate=sample_rate,
            converter=self._input,
        )
        async with contextlib.aclosing(chunks):
            async for chunk in chunks:
                if isinstance(chunk, bytes):
                    self._sendable().append_audio(chunk)
                    sent += len(chunk)
                else:
                    self._sendable().append_image(chunk.jpeg)
                await self._conn.write()
        return sent / (2 * rate)

    async def commit(self) -> None:
        """End the current utterance by hand (``turn_detection="manual"`` only, qwen3.5).

        The service then translates the audio sent since the last commit. Cancellation-safe.

        Raises:
            LocalProtocolError: The session does not use manual turn detection.
            UsageError: The session is not open, or is closed.
            SessionClosed: The connection closed.
        """
        protocol = self._sendable()
        if protocol.config.turn_detection != "manual":
            raise LocalProtocolError(
                "commit() is only for turn_detection='manual'; otherwise the service segments "
                "speech itself."
            )
        protocol.commit_audio()
        await self._conn.write()

    async def update(self, **changes: Unpack[SessionChanges]) -> SessionConfig:
        """Change options mid-session (glossary, target language, voice, ...).

        The new options are validated first, then sent; the call returns once the service has
        confirmed them (``session.updated``). If the service rejects them, the previous
        configuration stays in effect.

        Not cancellation-safe: when cancelled, the update may still take effect.

        Args:
            **changes: The options to change (see
                [`SessionChanges`][livetranslate.realtime.SessionChanges]).

        Returns:
            The configuration now in effect.

        Raises:
            ConfigurationError: An option is unknown or invalid (nothing was sent).
            SessionError: The service rejected the update.
            TransportTimeout: No answer within ``open_timeout``.
            UsageError: The session is not open, or is closed.
            SessionClosed: The connection closed.
        """
        self._sendable().config.with_changes(**changes)  # invalid: raise before any wait
        conn = self._conn
        limit = f"{self._open_timeout:g} s (open_timeout)"
        async with self._update_lock:
            with (
                conn.busy_scope(),
                conn.errors(lambda: f"The server did not answer session.update in {limit}."),
            ):
                async with asyncio.timeout(self._open_timeout):  # a reconnect may be under way
                    await conn.wait_until(lambda: conn.live_protocol().state in _LIVE)
                protocol = self._sendable()
                updates, errors = conn.updates, conn.error_events
                # on top of what an update that held the lock before this one changed
                protocol.update_session(protocol.config.with_changes(**changes))
                await conn.write()
                async with asyncio.timeout(self._open_timeout):
                    await conn.wait_until(lambda: conn.configured_since(protocol))
            error = conn.last_error_event
            if conn.protocol is protocol and conn.updates == updates and conn.error_events > errors:
                assert error is not None
                raise session_error(error, conn.key)  # answered by an error: config unchanged
            return conn.live_protocol().config  # (a new connection was configured with it)


connect = RealtimeSession
"""Alias of [`RealtimeSession`][livetranslate.realtime.RealtimeSession], for the shape
``async with connect(...) as session`` (opens, and finishes at the end of the block) or
``session = await connect(...)`` (opens and returns the session; call ``finish()`` when done)."""
