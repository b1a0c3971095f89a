"""The I/O half of a realtime session: the socket, the reader task, the queues, one write path.

[`RealtimeSession`][livetranslate.realtime.RealtimeSession] is the public face;
[`Connection`][livetranslate._realtime_io.Connection] does the work underneath it:

- ``_map_ws_errors`` is the only place where websockets, ``OSError`` and ``TimeoutError`` are
  translated into livetranslate exceptions (chained with ``raise ... from``).
- Exactly one reader task, in an ``asyncio.TaskGroup`` the connection owns, loops
  ``recv -> protocol.receive_message -> drain -> flush`` and puts events and segments on two
  bounded [`Channel`][livetranslate._realtime_io.Channel]s.
- Every write goes through ``flush()`` behind one ``asyncio.Lock``.
- With a [`Resumer`][livetranslate._realtime_resume.Resumer], a lost connection is replaced by a
  new one inside the same reader task (reconnect with replay); the app's iterators and sends
  carry on across it.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import logging
import weakref
from collections import deque
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Generic, NoReturn, TypeVar

from websockets.asyncio.client import ClientConnection, connect as ws_connect
from websockets.exceptions import (
    ConnectionClosed,
    InvalidHandshake,
    InvalidStatus,
    InvalidURI,
    WebSocketException,
)
from websockets.frames import Frame

from livetranslate._realtime_setup import (
    USER_AGENT,
    error_from_close,
    error_from_handshake,
    session_error,
    wire_type,
)
from livetranslate._secret import Secret, redact
from livetranslate.events import (
    ErrorEvent,
    SessionEvent,
    SessionFinishedEvent,
    SessionUpdatedEvent,
)
from livetranslate.exceptions import (
    ConfigurationError,
    ConnectError,
    LiveTranslateError,
    RateLimitError,
    RemoteProtocolError,
    ServerError,
    TransportError,
    TransportTimeout,
    UsageError,
)
from livetranslate.protocol import RealtimeProtocol, Segment, SessionState
from livetranslate.protocol.reconnect import classify_error

if TYPE_CHECKING:
    from livetranslate._realtime_resume import Resumer

__all__ = ["END", "Channel", "ChannelIterator", "Connection"]

T = TypeVar("T")

logger = logging.getLogger("livetranslate.realtime")

MAX_MESSAGE = 16 * 2**20  # translated speech arrives base64 in JSON; leave ample room
"""The largest message accepted from the server, in bytes (websockets' ``max_size``)."""
_CLOSE_TIMEOUT = 2.0
_AWAITING = (SessionState.RESPONDING, SessionState.CLOSING)  # the server owes us events


class _WireLogFilter(logging.Filter):
    """Keep websockets' own DEBUG lines free of the key, audio and text.

    websockets logs every handshake header (``Authorization`` included) and an excerpt of every
    frame; this filter masks the header and reduces frames to their opcode and size.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) == 2 and str(args[0]).lower() == "authorization":
            record.args = (args[0], "Bearer ***")
        elif isinstance(args, tuple) and len(args) == 1 and isinstance(args[0], Frame):
            frame = args[0]
            record.args = (f"{frame.opcode.name} [{len(frame.data)} bytes]",)
        return True


_ws_logger = logging.getLogger("livetranslate.realtime.websockets")
_ws_logger.addFilter(_WireLogFilter())


@contextlib.contextmanager
def _map_ws_errors(
    *, model: str, region: str, host: str, key: Secret | None, timeout: Callable[[], str]
) -> Iterator[None]:
    """Translate websockets, OSError and TimeoutError into livetranslate exceptions (chained).

    This is the only place the realtime transport translates third-party exceptions.
    """
    try:
        yield
    except LiveTranslateError:
        raise
    except InvalidStatus as exc:
        response = exc.response
        raise error_from_handshake(
            response.status_code,
            dict(response.headers.raw_items()),
            bytes(response.body or b""),
            region=region,
            model=model,
            key=key,
        ) from exc
    except InvalidURI as exc:
        raise ConfigurationError(f"Invalid WebSocket URL for host {host!r}.") from exc
    except InvalidHandshake as exc:
        text = redact(str(exc), key)
        raise ConnectError(f"The WebSocket handshake with {host} failed: {text}.") from exc
    except ConnectionClosed as exc:
        if exc.rcvd is None and exc.sent is not None and exc.sent.code == 1009:
            raise RemoteProtocolError(
                f"The server sent a message larger than {MAX_MESSAGE // 2**20} MiB (max_size); "
                "the connection was closed."
            ) from exc
        code = exc.rcvd.code if exc.rcvd is not None else 1006
        reason = exc.rcvd.reason if exc.rcvd is not None else ""
        raise error_from_close(code, reason, model=model, region=region, key=key) from exc
    except WebSocketException as exc:
        text = redact(str(exc), key)
        raise RemoteProtocolError(f"WebSocket protocol error from {host}: {text}.") from exc
    except TimeoutError as exc:
        raise TransportTimeout(timeout()) from exc
    except OSError as exc:
        text = redact(exc.strerror or str(exc) or type(exc).__name__, key)
        raise ConnectError(f"Cannot reach {host}: {text}.") from exc


# -------------------------------------------------------------------------- bounded channels


class _Marker(enum.Enum):
    END = "end"


END = _Marker.END
"""Returned by [`Channel.get`][livetranslate._realtime_io.Channel.get] after a clean end."""


class Channel(Generic[T]):
    """A bounded FIFO between the reader task and the app, with a consumer-aware overflow rule.

    ``push`` never blocks, so the reader stays in wire order. While a consumer of this channel is
    active, the reader then waits in ``wait_for_room`` until the app has taken enough:
    backpressure, which pauses the socket through websockets' flow control. With nobody
    consuming, the oldest items are dropped instead and counted, so memory stays bounded and
    ``finish()`` never waits on a queue nobody reads.

    A consumer is an open iterator, or the task that last called ``recv``; it counts while its
    task is alive and not busy elsewhere in the session (waiting in ``finish``/``update`` or on
    another channel), since a task blocked there cannot drain this channel.

    Args:
        kind: ``"events"`` or ``"segments"``, for messages.
        maxsize: The bound.
        busy_tasks: Tasks waiting inside a session call, shared by the session's channels.
        wake_all: Wakes every channel of the session (called when a task becomes busy).
    """

    def __init__(
        self,
        kind: str,
        maxsize: int,
        busy_tasks: set[asyncio.Task[Any]],
        wake_all: Callable[[], None],
    ) -> None:
        size: object = maxsize
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ConfigurationError(f"max_queued_{kind} must be a positive int, got {maxsize!r}.")
        self.kind = kind
        self.maxsize = maxsize
        self.dropped = 0
        self.error_raised = False
        self._items: deque[T] = deque()
        self._busy = busy_tasks
        self._wake_all = wake_all
        self._consumers: weakref.WeakSet[ChannelIterator[T]] = weakref.WeakSet()
        self._recv_owner: asyncio.Task[Any] | None = None
        self._waiter: asyncio.Task[Any] | None = None
        self._getting = False
        self._ended = False
        self._error: LiveTranslateError | None = None
        self._changed = asyncio.Event()

    def __len__(self) -> int:
        return len(self._items)

    def wake(self) -> None:
        """Wake everyone waiting on this channel to re-check their condition."""
        self._changed.set()
        self._changed = asyncio.Event()

    def _active(self, task: asyncio.Task[Any] | None) -> bool:
        if task is None:
            return True
        return not task.done() and (task is self._waiter or task not in self._busy)

    def has_consumer(self) -> bool:
        """Whether some task that can drain this channel is reading it."""
        if self._recv_owner is not None and self._active(self._recv_owner):
            return True
        return any(not it.closed and self._active(it.owner) for it in self._consumers)

    def _trim(self) -> None:
        while len(self._items) > self.maxsize:
            self._items.popleft()
            self.dropped += 1
            if self.dropped == 1:
                logger.warning(
                    "The %s queue is full (%d) and nothing is consuming it; dropping the oldest "
                    "(count in session.dropped_%s). Iterate it, or raise max_queued_%s.",
                    self.kind,
                    self.maxsize,
                    self.kind,
                    self.kind,
                )

    def push(self, item: T) -> None:
        """Append an item (ignored once the channel has ended); never blocks."""
        if self._ended:
            return
        self._items.append(item)
        if len(self._items) > self.maxsize and not self.has_consumer():
            self._trim()
        self.wake()

    async def wait_for_room(self) -> None:
        """Wait while over the bound and a consumer is active; drop the oldest otherwise."""
        while len(self._items) > self.maxsize:
            if not self.has_consumer():
                self._trim()
                return
            await self._changed.wait()

    def end(self, error: LiveTranslateError | None = None) -> None:
        """Mark the end: readers get the buffered items, then ``END`` or ``error``."""
        if not self._ended:
            self._ended = True
            self._error = error
            self.wake()

    def register(self, iterator: ChannelIterator[T]) -> None:
        """Count an iterator as a consumer while it is alive and open."""
        self._consumers.add(iterator)
        # a dropped iterator (``break`` out of ``async for``) stops counting: let the reader see it
        weakref.finalize(iterator, self.wake).atexit = False
        self.wake()

    def watch(self, task: asyncio.Task[Any] | None) -> None:
        """Wake the channel when a consuming task ends (it no longer counts as a consumer)."""
        if task is not None:
            task.add_done_callback(lambda _: self.wake())

    async def get(self, *, recv: bool = False) -> T | _Marker:
        """Return the next item; ``END`` after a clean end; raise the error after a failure.

        Cancellation-safe: an item is removed only when it is returned.

        Raises:
            UsageError: Another task is already waiting on this channel.
            LiveTranslateError: The error the channel ended with, once the buffer is empty.
        """
        if self._getting:
            raise UsageError(
                f"Another task is already waiting for {self.kind}; read them from one task only."
            )
        task = asyncio.current_task()
        if recv and task is not self._recv_owner:
            self._recv_owner = task
            self.watch(task)
        self._getting = True
        added = False
        try:
            while not self._items:
                if self._ended:
                    if self._error is not None:
                        self.error_raised = True
                        raise self._error
                    return END
                if task is not None and not added and task not in self._busy:
                    added = True
                    self._waiter = task
                    self._busy.add(task)
                    self._wake_all()
                await self._changed.wait()
            item = self._items.popleft()
            self.wake()
            return item
        finally:
            self._getting = False
            if added and task is not None:
                self._waiter = None
                self._busy.discard(task)


class ChannelIterator(Generic[T]):
    """An async iterator over a channel; it counts as a consumer from creation until it stops.

    Args:
        channel: The channel to read.
        accept: Items for which this returns False are consumed but skipped.
    """

    def __init__(self, channel: Channel[T], accept: Callable[[T], bool] | None = None) -> None:
        self._channel = channel
        self._accept = accept
        self.owner: asyncio.Task[Any] | None = None
        self.closed = False
        channel.register(self)

    def __aiter__(self) -> ChannelIterator[T]:
        return self

    async def __anext__(self) -> T:
        if self.closed:
            raise StopAsyncIteration
        task = asyncio.current_task()
        if task is not self.owner:
            self.owner = task
            self._channel.watch(task)
        while True:
            try:
                item = await self._channel.get()
            except UsageError:
                raise
            except LiveTranslateError:
                self._stop()
                raise
            if item is END:
                self._stop()
                raise StopAsyncIteration
            if self._accept is None or self._accept(item):
                return item

    def _stop(self) -> None:
        self.closed = True
        self._channel.wake()

    async def aclose(self) -> None:
        """Stop iterating; the channel no longer counts this iterator as a consumer."""
        self._stop()


class Connection:
    """The socket, reader task, queues and write path of one session (private).

    Args:
        max_events: Bound of the event channel.
        max_segments: Bound of the segment channel.
        resumer: Reconnects lost connections (None: a lost connection ends the session).
        ping_interval: Seconds between keepalive pings (None: no pings).
        ping_timeout: Seconds a ping may wait for its pong before the connection counts as dead.
        idle_timeout: Seconds the server may stay silent while a response is in flight.
        send_timeout: Seconds one message may take to send before the peer counts as stalled.

    Raises:
        ConfigurationError: A bound is not a positive int.
    """

    def __init__(
        self,
        max_events: int,
        max_segments: int,
        *,
        resumer: Resumer | None = None,
        ping_interval: float | None = None,
        ping_timeout: float | None = None,
        idle_timeout: float | None = None,
        send_timeout: float | None = None,
    ) -> None:
        self.resumer = resumer
        self.ping_interval = ping_interval
        self.ping_timeout = ping_timeout
        self.idle_timeout = idle_timeout
        self.send_timeout = send_timeout
        self.busy: set[asyncio.Task[Any]] = set()
        self.events: Channel[SessionEvent] = Channel(
            "events", max_events, self.busy, self.wake_channels
        )
        self.segments: Channel[Segment] = Channel(
            "segments", max_segments, self.busy, self.wake_channels
        )
        self.protocol: RealtimeProtocol | None = None
        self.ws: ClientConnection | None = None
        self.model = ""
        self.region = "intl"
        self.host = ""
        self.key: Secret | None = None
        self.finished = False
        self.updates = 0  # session.updated events seen
        self.error_events = 0  # error events seen, and the last one (for update())
        self.last_error_event: ErrorEvent | None = None
        self.closed = False
        self.error: LiveTranslateError | None = None
        self.error_reported = False
        self.opened_at: float | None = None
        self.closed_at: float | None = None
        self._group: asyncio.TaskGroup | None = None
        self._reader: asyncio.Task[None] | None = None
        self._url = ""
        self._headers: list[tuple[str, str]] = []
        self._retiring: set[asyncio.Task[None]] = set()
        self._outbox: deque[str] = deque()
        self._send_lock = asyncio.Lock()
        self._close_lock = asyncio.Lock()
        self._progress = asyncio.Event()

    @property
    def reported(self) -> bool:
        """Whether the terminal error has already been raised to the app somewhere."""
        return self.error_reported or self.events.error_raised or self.segments.error_raised

    def live_protocol(self) -> RealtimeProtocol:
        """Return the protocol, or raise UsageError before the session is opened."""
        if self.protocol is None:
            raise UsageError("The session is not open.")
        return self.protocol

    def raise_error(self) -> NoReturn:
        """Raise the terminal error (it must be set), remembering that the app has seen it."""
        assert self.error is not None
        self.error_reported = True
        raise self.error

    def errors(self, timeout: Callable[[], str]) -> contextlib.AbstractContextManager[None]:
        """The exception boundary, with this session's model, region, host and key."""
        return _map_ws_errors(
            model=self.model, region=self.region, host=self.host, key=self.key, timeout=timeout
        )

    async def connect(self, url: str, headers: list[tuple[str, str]]) -> None:
        """Open the socket and start the reader (call inside ``errors()`` and a timeout).

        With a resumer, a handshake refused with 429 or 5xx (the service is there, but busy) is
        retried with backoff while the wait fits in the resumer's ``open_timeout``; then the
        refusal is raised.
        """
        self._url, self._headers = url, headers
        loop = asyncio.get_running_loop()
        started, failures = loop.time(), 0
        while self.ws is None:
            try:
                with self.errors(lambda: "Timed out connecting."):
                    self.ws = await self._ws_connect()
            except (RateLimitError, ServerError) as exc:
                resumer = self.resumer
                if resumer is None or failures + 1 >= resumer.policy.attempts:
                    raise
                wait = exc.retry_after if isinstance(exc, RateLimitError) else None
                delay = resumer.policy.delay(failures, retry_after=wait, rand=resumer.rand)
                if loop.time() + delay - started >= resumer.open_timeout:
                    raise
                await asyncio.sleep(delay)
                failures += 1
        self.opened_at = asyncio.get_running_loop().time()
        if self.resumer is not None:
            self.resumer.opened()
        self._group = asyncio.TaskGroup()
        await self._group.__aenter__()
        self._reader = self._group.create_task(
            self._read_loop(self.ws), name="livetranslate-realtime-reader"
        )

    def _ws_connect(self) -> Any:
        return ws_connect(
            self._url,
            additional_headers=self._headers,
            user_agent_header=USER_AGENT,
            compression=None,  # permessage-deflate costs ~5x CPU on base64 audio for little gain
            max_size=MAX_MESSAGE,
            open_timeout=None,  # the session's open_timeout covers the handshake
            close_timeout=_CLOSE_TIMEOUT,
            ping_interval=self.ping_interval,
            ping_timeout=self.ping_timeout,
            logger=_ws_logger,
        )

    async def open_socket(self, limit: float) -> None:
        """Open a new socket for the current protocol (a reconnect); the reader goes on with it.

        Raises:
            LiveTranslateError: The handshake failed or timed out (mapped as usual).
        """
        with self.errors(lambda: f"Reconnecting to {self.host} timed out after {limit:g} s."):
            async with asyncio.timeout(limit):
                ws = await self._ws_connect()
        if self.closed:  # the app closed the session meanwhile
            await ws.close()
            return
        self.ws = ws

    def configured_since(self, protocol: RealtimeProtocol) -> bool:
        """Whether ``protocol``'s pending update was answered, or a newer one is configured."""
        current = self.protocol
        if current is protocol:
            return not protocol.update_pending
        return current is not None and current.state in (
            SessionState.READY,
            SessionState.RESPONDING,
        )

    def retire(self, ws: ClientConnection, code: int, reason: str) -> None:
        """Close a replaced socket in the background (its unread messages are ignored)."""

        async def close() -> None:
            try:
                with contextlib.suppress(Exception):
                    async with asyncio.timeout(_CLOSE_TIMEOUT):
                        await ws.close(code, reason)
            finally:
                ws.transport.abort()

        if self._group is None:
            ws.transport.abort()
        else:
            task = self._group.create_task(close(), name="livetranslate-realtime-retire")
            self._retiring.add(task)
            task.add_done_callback(self._retiring.discard)

    def switch(self, protocol: RealtimeProtocol) -> None:
        """Continue on a new protocol (after a lost connection): unsent messages are dropped.

        They are all in the replay buffer (audio, commits) or re-sent by the new protocol
        (configuration, ``session.finish``); camera frames are not replayed.
        """
        self.protocol = protocol
        self.ws = None
        self._outbox.clear()
        self.notify()

    # ------------------------------------------------------------------------------ writing

    def drain(self) -> None:
        """Move everything the protocol produced: outbound text, events, segments."""
        protocol = self.live_protocol()
        self._outbox.extend(protocol.data_to_send())
        finished = False
        for event in protocol.events_received():
            self.events.push(event)
            finished = finished or isinstance(event, SessionFinishedEvent)
            if isinstance(event, SessionUpdatedEvent):
                self.updates += 1
                notice = None if self.resumer is None else self.resumer.announce(protocol)
                if notice is not None:
                    self.events.push(notice)
            elif isinstance(event, ErrorEvent):
                self.error_events += 1
                self.last_error_event = event
        for segment in protocol.segments_received():
            self.segments.push(segment)
        if finished:
            self.finished = True
            self.events.end()
            self.segments.end()
        self.notify()

    async def flush(self) -> None:
        """Send everything queued, in order: the single write path.

        Cancellation leaves the rest queued for the next flush; nothing is sent twice (a text
        frame is written to the transport before ``send`` first yields).
        """
        async with self._send_lock:
            ws = self.ws
            if ws is None:
                return
            limit = self.send_timeout
            transport = ws.transport
            high = transport.get_write_buffer_limits()[1]
            try:
                with self.errors(lambda: f"Sending stalled for {limit:g} s (send_timeout)."):
                    while self._outbox and ws is self.ws:
                        message = self._outbox.popleft()
                        if logger.isEnabledFor(logging.DEBUG):
                            logger.debug("> %s (%d bytes)", wire_type(message), len(message))
                        if limit is None or transport.get_write_buffer_size() + len(message) < high:
                            await ws.send(message)  # the write buffer has room: it cannot stall
                        else:
                            async with asyncio.timeout(limit):
                                await ws.send(message)
            except LiveTranslateError as exc:
                if ws is not self.ws:
                    return  # a connection already replaced: what it lost is replayed
                ws.transport.abort()  # the reader sees the failure now and reconnects or ends
                if self.resumer is None or classify_error(exc) == "fatal":
                    raise

    async def write(self) -> None:
        """Drain the protocol and flush, for the app's commands.

        While reconnecting, or while a fast sender outruns the replay buffer, this waits (see
        ``Resumer.throttle``).
        """
        self.drain()
        try:
            await self.flush()
            if self.resumer is not None:
                await self.resumer.throttle(self)
        except LiveTranslateError:
            self.error_reported = True
            raise

    # ------------------------------------------------------------------------------ waiting

    def wake_channels(self) -> None:
        """Make both channels re-check who is consuming them."""
        self.events.wake()
        self.segments.wake()

    @contextlib.contextmanager
    def busy_scope(self) -> Iterator[None]:
        """Mark the current task as waiting inside the session: its iterators cannot drain."""
        task = asyncio.current_task()
        if task is not None:
            self.busy.add(task)
        self.wake_channels()
        try:
            yield
        finally:
            if task is not None:
                self.busy.discard(task)
            self.wake_channels()

    def notify(self) -> None:
        """Wake everyone in ``wait_until``."""
        self._progress.set()
        self._progress = asyncio.Event()

    async def wait_until(self, predicate: Callable[[], bool]) -> None:
        """Wait until ``predicate()`` holds; raise the terminal error if the reader ends first."""
        while not predicate():
            if self.error is not None:
                raise self.error
            if self._reader is None or self._reader.done():
                raise UsageError("The session is closed.")
            await self._progress.wait()

    # ------------------------------------------------------------------------- reading, end

    def end(self, error: LiveTranslateError | None) -> None:
        """Record the terminal error (unless the session finished) and end both channels."""
        if error is not None and self.error is None and not self.finished:
            self.error = error
        self.events.end(self.error)
        self.segments.end(self.error)
        self.notify()

    async def _read_loop(self, ws: ClientConnection) -> None:
        """The reader task: read the socket; after a lost connection, reconnect or end."""
        error: LiveTranslateError | None = None
        current: ClientConnection | None = ws
        try:
            while current is not None:
                error, rotate = await self._read(current)
                if self.closed or self.finished or self.resumer is None:
                    break
                if error is None and not rotate:
                    code, reason = current.close_code, current.close_reason or ""
                    error = error_from_close(
                        code, reason, model=self.model, region=self.region, key=self.key
                    )
                error = await self.resumer.recover(self, current, error, rotate=rotate)
                if error is not None:
                    break
                current = self.ws
            if not self.closed:
                protocol = self.live_protocol()
                code = None if current is None else current.close_code
                reason = "" if current is None else current.close_reason or ""
                protocol.receive_close(code, reason)
                self.drain()
                if error is None and not self.finished:
                    error = error_from_close(
                        code, reason, model=self.model, region=self.region, key=self.key
                    )
            self.end(None if self.closed else error)  # closed by the app: not an error
        finally:
            self.notify()

    async def _read(self, ws: ClientConnection) -> tuple[LiveTranslateError | None, bool]:
        """Read one socket until it ends; return (the error that ended it, rotate)."""
        protocol = self.live_protocol()
        resumer = self.resumer
        loop = asyncio.get_running_loop()
        idle = self.idle_timeout
        last = loop.time()
        try:
            with self.errors(lambda: "Timed out reading from the server."):
                while True:
                    due = None if resumer is None else resumer.deadline(protocol, loop.time())
                    if idle is not None and protocol.state in _AWAITING:
                        due = last + idle if due is None else min(due, last + idle)
                    if due is None:
                        message = await ws.recv()
                    else:
                        try:
                            async with asyncio.timeout_at(due):
                                message = await ws.recv()
                        except TimeoutError:
                            if self._deadline_passed(protocol, last):
                                return None, True  # (closed once the next protocol is in place)
                            continue
                    last = loop.time()
                    if logger.isEnabledFor(logging.DEBUG):
                        logger.debug("< %s (%d bytes)", wire_type(message), len(message))
                    protocol.receive_message(message)
                    self.drain()
                    failed = protocol.configuration_error
                    if failed is not None and protocol.resumed:
                        await ws.close()
                        return session_error(failed, self.key), False
                    if self._outbox:
                        await self.flush()
                    if resumer is not None and resumer.rotation_due(protocol, last):
                        return None, True
                    await self.events.wait_for_room()
                    await self.segments.wait_for_room()
        except RemoteProtocolError as exc:
            logger.debug("closing after a protocol error: %s", exc)
            if resumer is None:  # (else closed once the next connection's protocol is in place)
                await ws.close(1002, "protocol error")
            return exc, False
        except TransportTimeout as exc:
            ws.transport.abort()  # a dead connection: do not wait for its closing handshake
            return exc, False
        except LiveTranslateError as exc:
            return exc, False
        except Exception as exc:  # a bug: never let the reader crash the task group
            logger.exception("unexpected error in the realtime reader")
            await ws.close(1011, "client error")
            name = type(exc).__name__
            return TransportError(f"Internal error in the realtime reader: {name}."), False

    def _deadline_passed(self, protocol: RealtimeProtocol, last: float) -> bool:
        """Check the reader's deadlines; return True to rotate the connection now.

        Raises:
            TransportTimeout: The server went idle while it owed events, or a new connection
                was not configured in time.
        """
        now = asyncio.get_running_loop().time()
        idle, resumer = self.idle_timeout, self.resumer
        if idle is not None and protocol.state in _AWAITING and now - last >= idle:
            raise TransportTimeout(
                f"The server sent nothing for {idle:g} s while a response was in flight "
                "(idle_timeout)."
            )
        if resumer is None:
            return False
        resumer.check_configure(protocol, now)
        return resumer.rotation_due(protocol, now)

    async def shutdown(self) -> None:
        """Close the socket, stop the reader and leave the task group. Idempotent."""
        async with self._close_lock:
            if self.closed:
                return
            self.closed = True
            ws, group, reader = self.ws, self._group, self._reader
            self._group = None
            try:
                if ws is not None:
                    await ws.close()
            finally:
                if reader is not None:
                    reader.cancel()
                for task in self._retiring:
                    task.cancel()
                if group is not None:
                    await group.__aexit__(None, None, None)
                self.closed_at = asyncio.get_running_loop().time()
                if self.protocol is not None:  # absorbed if the reader already reported it
                    code = None if ws is None else ws.close_code
                    self.protocol.receive_close(code, "" if ws is None else ws.close_reason or "")
                    self.drain()
                self.end(None)
