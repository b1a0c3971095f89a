"""Executing the reconnect policy of a realtime session (private).

The decisions are pure and live in [`livetranslate.protocol.reconnect`][]: which failures are
fatal, how long to back off, when to rotate, what to replay. A [`Resumer`][] carries them out for
one [`Connection`][livetranslate._realtime_io.Connection]: it switches to the next connection's
protocol the moment a connection is lost (so the app's sends keep landing in the replay buffer),
re-opens with backoff, announces the new connection with a
[`SessionReconnected`][livetranslate.events.SessionReconnected] event, computes the reader's
deadlines (idle, configure, rotation) and throttles a sender that outruns the replay buffer.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING, Literal

from livetranslate.events import SessionReconnected
from livetranslate.exceptions import (
    ConfigurationError,
    LiveTranslateError,
    RateLimitError,
    RemoteProtocolError,
    TransportTimeout,
)
from livetranslate.protocol import RealtimeProtocol, SessionState
from livetranslate.protocol.reconnect import ReconnectPolicy, ReplayBuffer, classify_error

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

    from livetranslate._realtime_io import Connection

__all__ = ["Resumer", "finish_session", "make_resumer", "optional_seconds"]

logger = logging.getLogger("livetranslate.realtime")

_YIELD_WATER = 0.25  # a fast sender yields to the reader above this fill of the replay buffer,
_YIELD_EVERY = 8  # (every this many writes)
_HIGH_WATER = 0.75  # waits above this one ...
_LOW_WATER = 0.5  # ... until it is back under this one
_AHEAD_MS = 2000.0  # a sender this far ahead of real time counts as unpaced
_PROCESSED_AFTER = 30.0  # seconds after which audio sent at real-time pace counts as processed
_STALL = 5.0  # seconds without a release before a fast sender stops waiting for one
_STABLE = 30.0  # a connection that lived this long (or finished an utterance) made progress
_CONFIGURING = (SessionState.CONNECTING, SessionState.CONFIGURING)
_LIVE = (SessionState.READY, SessionState.RESPONDING, SessionState.CLOSING)
_READY = (SessionState.READY, SessionState.RESPONDING)

Cause = Literal["connection_lost", "rotation"]


def optional_seconds(name: str, value: object) -> float | None:
    """Validate a ``float | None`` deadline option (None turns it off).

    Raises:
        ConfigurationError: Not None and not a positive number.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ConfigurationError(
            f"{name} must be a positive number of seconds or None, got {value!r}."
        )
    return float(value)


async def finish_session(conn: Connection, before: Callable[[RealtimeProtocol], object]) -> None:
    """Send ``session.finish`` and wait for ``session.finished``, across reconnects.

    A connection lost while finishing is replaced like any other; its protocol then sends
    ``session.finish`` again after the replay. ``before`` runs on each protocol just before its
    ``finish()`` (to send the last buffered audio).
    """
    asked: RealtimeProtocol | None = None
    while not conn.finished:
        protocol = conn.live_protocol()
        if protocol is not asked and protocol.state in _READY:
            before(protocol)
            protocol.finish()
        if protocol.state is SessionState.CLOSING:
            asked = protocol  # (a resumed protocol that was finishing finishes by itself)
        await conn.write()
        done = asked

        def progressed(
            p: RealtimeProtocol = protocol, done: RealtimeProtocol | None = done
        ) -> bool:
            return conn.finished or conn.protocol is not p or (p is not done and p.state in _READY)

        await conn.wait_until(progressed)


def make_resumer(reconnect: object, *, open_timeout: float) -> Resumer | None:
    """Return the resumer for a session's ``reconnect=`` option (False: none).

    Raises:
        ConfigurationError: ``reconnect`` is not a bool or a `ReconnectPolicy`.
    """
    if reconnect is False:
        return None
    if reconnect is True:
        return Resumer(ReconnectPolicy(), open_timeout=open_timeout)
    if isinstance(reconnect, ReconnectPolicy):
        return Resumer(reconnect, open_timeout=open_timeout)
    raise ConfigurationError(
        f"reconnect must be True, False or a ReconnectPolicy, got {type(reconnect).__name__}."
    )


class Resumer:
    """Reconnects one session's connection according to a policy.

    Args:
        policy: The reconnect policy.
        open_timeout: Seconds allowed for each new connection to be configured.
        rand: Source of uniform floats in ``[0, 1)`` for the backoff jitter.
    """

    def __init__(
        self,
        policy: ReconnectPolicy,
        *,
        open_timeout: float,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self.policy = policy
        self.open_timeout = open_timeout
        self.rand = rand
        self.reconnects = 0
        self.connected_at = 0.0  # loop time the current connection opened
        self._failed = 0  # failed attempts in the current outage
        self._lost_at: float | None = None  # loop time the current outage began
        self._cause: Cause = "connection_lost"
        self._code: int | None = None
        self._pending = False  # a new connection is waiting for its session.updated
        self._configure_by: float | None = None
        self._first_audio_at: float | None = None
        self._stalled_at_release: int | None = None
        self._releases_at_ready = 0  # the replay buffer's releases when the connection got ready
        self._sent_marks: deque[tuple[float, float]] = deque()  # (loop time, stream ms sent)
        self._writes = 0

    # ------------------------------------------------------------------------- deadlines

    def deadline(self, protocol: RealtimeProtocol, now: float) -> float | None:
        """When the reader must check on the connection next (loop time), or None.

        The configure deadline applies to a new connection until ``session.updated``; the
        rotation deadline to every live connection (once due, it is checked every second until
        an utterance boundary comes).
        """
        due: float | None = None
        if self._pending and protocol.state in _CONFIGURING and self._configure_by is not None:
            due = self._configure_by
        limit = self.policy.rotate_after_seconds
        if limit is not None and protocol.state in (SessionState.READY, SessionState.RESPONDING):
            at = max(self.connected_at + limit, now + 1.0)
            due = at if due is None else min(due, at)
        return due

    def check_configure(self, protocol: RealtimeProtocol, now: float) -> None:
        """Raise TransportTimeout when a new connection was not configured in time."""
        if (
            self._pending
            and protocol.state in _CONFIGURING
            and self._configure_by is not None
            and now >= self._configure_by
        ):
            raise TransportTimeout(
                f"The new connection was not configured within {self.open_timeout:g} s "
                "(open_timeout)."
            )

    def rotation_due(self, protocol: RealtimeProtocol, now: float) -> bool:
        """Whether to move to a fresh connection now (its age, at an utterance boundary)."""
        if self.policy.rotate_after_seconds is None or protocol.state not in (
            SessionState.READY,
            SessionState.RESPONDING,
        ):
            return False
        age = now - self.connected_at
        replay = protocol.replay
        at_boundary = protocol.state is SessionState.READY
        if replay is not None:  # audio time counts too: an unpaced sender ages it faster
            age = max(age, (replay.end_ms - protocol.offset_ms) / 1000.0)
            # a boundary counts once this connection has finished an utterance (so that a long
            # replay never makes it rotate again before any progress)
            at_boundary = at_boundary and replay.releases > self._releases_at_ready
        return self.policy.rotation_due(age, at_boundary=at_boundary)

    # ------------------------------------------------------------------------- recovery

    async def recover(
        self,
        conn: Connection,
        lost: ClientConnection | None,
        error: LiveTranslateError | None,
        *,
        rotate: bool = False,
    ) -> LiveTranslateError | None:
        """Re-open after a lost connection (or a rotation); return None once a new one is open.

        Switches the connection to the next protocol at once, then tries to connect, backing off
        between attempts. The new connection is announced when it is configured (``announce``).

        Returns:
            None when a new socket is open (the reader goes on with it), else the error to end
            the session with (fatal, or the last one once the attempts are used up).
        """
        loop = asyncio.get_running_loop()
        if error is not None and classify_error(error) == "fatal":
            return error
        protocol = conn.live_protocol()
        if protocol.replay is None or protocol.state is SessionState.CLOSED:
            return error
        if protocol.configuration_error is not None:  # rejected: fatal (the opener raises it)
            return error
        if self._lost_at is None:  # a new outage (or rotation) begins
            replay = protocol.replay
            if (
                rotate
                or replay.releases > self._releases_at_ready
                or (loop.time() - self.connected_at >= _STABLE)
            ):
                self._failed = 0  # the last connection made progress: a fresh outage
            self._lost_at = loop.time()
            self._cause = "rotation" if rotate else "connection_lost"
            self._code = None if lost is None or rotate else lost.close_code
            if not rotate:
                logger.info(
                    "realtime connection lost (%s); reconnecting",
                    type(error).__name__ if error is not None else "closed",
                )
        conn.switch(protocol.resume())
        self._sent_marks.clear()  # the next connection has processed none of it yet
        if lost is not None:  # (after the switch: sends never see a dead protocol)
            if rotate:
                logger.info("rotating the realtime connection before the service's session cap")
            code = 1002 if isinstance(error, RemoteProtocolError) else 1000
            conn.retire(lost, code, "rotating" if rotate else "")
        immediate = rotate
        while True:
            if self._failed >= self.policy.attempts:
                logger.warning(
                    "giving up after %d reconnect attempts: %s",
                    self._failed,
                    type(error).__name__ if error is not None else "closed",
                )
                return error
            if not immediate:
                retry_after = error.retry_after if isinstance(error, RateLimitError) else None
                delay = self.policy.delay(self._failed, retry_after=retry_after, rand=self.rand)
                await asyncio.sleep(delay)
            immediate = False
            if conn.closed:
                return error
            try:
                await conn.open_socket(self.open_timeout)
            except LiveTranslateError as exc:
                self._failed += 1
                error = exc
                if classify_error(exc) == "fatal":
                    return exc
                continue
            self._failed += 1  # counted until the connection is configured
            self._pending = True
            self.connected_at = loop.time()
            self._configure_by = self.connected_at + self.open_timeout
            return None

    def opened(self) -> None:
        """Note that the first connection is open (its age counts from now)."""
        self.connected_at = asyncio.get_running_loop().time()

    def announce(self, protocol: RealtimeProtocol) -> SessionReconnected | None:
        """Return the event for a new connection that just got its ``session.updated``."""
        if not self._pending or protocol.state not in _LIVE:
            return None
        loop = asyncio.get_running_loop()
        self._pending = False
        self.reconnects += 1
        attempts = self._failed  # reset once this connection makes progress (see recover)
        lost_at, self._lost_at = self._lost_at, None
        replay = protocol.replay
        self._releases_at_ready = 0 if replay is None else replay.releases
        dropped = replay.take_dropped_ms() if replay is not None else 0.0
        if dropped:
            logger.warning(
                "the replay buffer overflowed: %.0f ms of input audio could not be replayed "
                "(raise ReconnectPolicy.replay_seconds)",
                dropped,
            )
        session = protocol.server_session
        event = SessionReconnected(
            attempt=max(1, attempts),
            reconnects=self.reconnects,
            gap_ms=round((loop.time() - (lost_at or loop.time())) * 1000),
            replayed_ms=round(protocol.replayed_ms),
            dropped_ms=round(dropped),
            offset_ms=protocol.offset_ms,
            cause=self._cause,
            code=self._code,
            session_id=None if session is None else session.id,
        )
        logger.info(
            "reconnected (%s) after %d ms; replayed %d ms of audio",
            event.cause,
            event.gap_ms,
            event.replayed_ms,
        )
        return event

    # ------------------------------------------------------------------------- throttling

    async def throttle(self, conn: Connection) -> None:
        """Keep the replay buffer useful while the app sends (called after every write).

        - A sender at real-time pace never waits while connected. Audio it sent more than
          ``_PROCESSED_AFTER`` seconds ago that no utterance in flight covers has been processed
          (the service would have reported speech in it by then): it is released, so that long
          silences do not fill the buffer.
        - A sender faster than real time yields to the reader once the buffer is a quarter full
          (so that the service's answers are read and release audio), and above three quarters
          waits for releases while the service has a response in flight; after ``_STALL``
          seconds without a release it stops waiting until the next one (the oldest audio is then
          dropped, and counted).
        - While the connection is down, a sender waits above three quarters until it is back, or
          the session ends.
        """
        protocol = conn.protocol
        replay = None if protocol is None else protocol.replay
        if protocol is None or replay is None or not replay.end:
            return
        now = asyncio.get_running_loop().time()
        if self._first_audio_at is None:
            self._first_audio_at = now
        live = conn.ws is not None and protocol.state in _LIVE
        ahead = replay.end_ms - (now - self._first_audio_at) * 1000.0 > _AHEAD_MS
        if live and not ahead:
            self._release_processed(protocol, replay, now)
        if replay.size <= replay.capacity * _YIELD_WATER:
            return
        if replay.size <= replay.capacity * _HIGH_WATER or (
            live and not (ahead and self._worth_waiting(protocol, replay))
        ):
            self._writes += 1
            if not self._writes % _YIELD_EVERY:
                await asyncio.sleep(0)  # let the reader take in the service's answers
            return
        low = replay.capacity * _LOW_WATER

        def ready() -> bool:
            current = conn.protocol
            back = conn.ws is not None and current is not None and current.state in _LIVE
            return conn.closed or conn.finished or replay.size <= low or (not live and back)

        releases = replay.releases
        with conn.busy_scope():
            if not live:
                await conn.wait_until(ready)
                return
            try:
                async with asyncio.timeout(_STALL):
                    await conn.wait_until(ready)
            except TimeoutError:
                if replay.releases == releases:
                    self._stalled_at_release = releases

    def _worth_waiting(self, protocol: RealtimeProtocol, replay: ReplayBuffer) -> bool:
        if replay.releases == self._stalled_at_release:
            return False  # waited in vain before: not until the service releases something
        return replay.releases > 0 or bool(protocol.pending_response_ids)

    def _release_processed(
        self, protocol: RealtimeProtocol, replay: ReplayBuffer, now: float
    ) -> None:
        marks = self._sent_marks
        if not marks or now - marks[-1][0] >= 1.0:
            marks.append((now, replay.end_ms))
        released = None
        while marks and now - marks[0][0] >= _PROCESSED_AFTER:
            released = marks.popleft()[1]
        if released is not None:
            protocol.release_processed(released)
