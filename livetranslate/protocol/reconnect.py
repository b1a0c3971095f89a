"""Reconnection policy and the replay buffer: pure decisions for surviving a dropped connection.

A realtime session that loses its connection should not lose the speaker. The transport (see
[`RealtimeSession`][livetranslate.realtime.RealtimeSession]) executes what this module decides:

- [`ReconnectPolicy`][livetranslate.protocol.reconnect.ReconnectPolicy]: how many attempts, how
  long to back off between them (exponential, with jitter), how much audio to keep for replay, and
  when to rotate to a fresh connection before the service's session cap (about 120 minutes).
- [`classify_close`][livetranslate.protocol.reconnect.classify_close] and
  [`classify_error`][livetranslate.protocol.reconnect.classify_error]: whether a failure is worth
  another attempt (``"retry"``) or can never succeed (``"fatal"``: a bad or revoked key, access
  denied, arrears, an unknown model, a configuration the service rejects).
- [`ReplayBuffer`][livetranslate.protocol.reconnect.ReplayBuffer]: the input audio the service has
  not finished with, addressed by its offset in the session's input stream. The protocol releases
  audio once the utterance it belongs to is final (up to that utterance's ``end_ms``, or up to the
  commit in manual mode); after a reconnect the rest is replayed as one contiguous slice, so
  together the connections receive every byte, and no finished utterance is translated twice.

No clock, no sockets, no logging: randomness comes from the ``rand`` argument and time from the
caller.
"""

from __future__ import annotations

import math
import random
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Final, Literal, TypeAlias

from livetranslate.exceptions import (
    APIStatusError,
    AuthenticationError,
    ConfigurationError,
    ConnectError,
    LocalProtocolError,
    NotFoundError,
    PermissionDeniedError,
    RemoteProtocolError,
    SessionClosed,
    SessionError,
    TransportTimeout,
    UsageError,
)
from livetranslate.protocol.backoff import Backoff
from livetranslate.protocol.http import FATAL_ERROR_CODES, MAX_RETRY_AFTER, RETRY_STATUSES

__all__ = [
    "COMMIT",
    "DEFAULT_RECONNECT_BACKOFF",
    "ReconnectPolicy",
    "ReplayBuffer",
    "ReplayPiece",
    "Verdict",
    "classify_close",
    "classify_error",
]

Verdict: TypeAlias = Literal["fatal", "retry"]
"""``"retry"``: another attempt may succeed. ``"fatal"``: it never will; raise at once."""

DEFAULT_RECONNECT_BACKOFF: Final = Backoff(initial=0.2, multiplier=2.0, maximum=5.0, jitter=0.5)
"""0.2 s doubling to at most 5 s, spread by ±50 % so that many clients dropped together do not
come back in lockstep."""

# Error codes of a setup `error` event that a later attempt may not see again.
_TRANSIENT_CODES: Final = ("throttling", "ratelimit", "internal", "servererror", "unavailable")
# Close codes that mean "what you sent can never work here": protocol error, unsupported data,
# invalid payload (also the service's "Access denied"), policy violation, message too big,
# missing extension.
_FATAL_CLOSE_CODES: Final = frozenset({1002, 1003, 1007, 1008, 1009, 1010})
_NOT_ALNUM = re.compile(r"[^a-z0-9]")


def _norm(text: str | None) -> str:
    return _NOT_ALNUM.sub("", (text or "").lower())


def _has_fatal_code(text: str | None) -> bool:
    norm = _norm(text)
    # Substring match: close reasons and messages embed the code in free text.
    return bool(norm) and any(code in norm for code in FATAL_ERROR_CODES)


def classify_close(code: int | None, reason: str = "", status: int | None = None) -> Verdict:
    """Decide whether a lost or refused connection is worth another attempt.

    Args:
        code: The WebSocket close code (None or 1006 when the connection dropped without a close
            frame).
        reason: The close reason, or the error code/message of a refused handshake. A reason that
            names a fatal error code (``InvalidApiKey``, ``AccessDenied``, ``Arrearage``, ...) is
            fatal whatever the code.
        status: The HTTP status of a refused handshake, when there was one.

    Returns:
        ``"fatal"`` for 4xx handshake statuses other than 408/409/429, for close codes 1002, 1003,
        1007, 1008, 1009 and 1010, and for fatal reasons; ``"retry"`` otherwise (a drop, a
        timeout, a server error, a restart, a clean close before ``session.finished``).
    """
    if _has_fatal_code(reason):
        return "fatal"
    if status is not None:
        return "retry" if status in RETRY_STATUSES or 500 <= status < 600 else "fatal"
    return "fatal" if code in _FATAL_CLOSE_CODES else "retry"


def classify_error(error: BaseException) -> Verdict:
    """Decide whether the exception that ended a connection is worth another attempt.

    Args:
        error: What the transport raised (a ``livetranslate`` exception).

    Returns:
        ``"fatal"`` for an invalid or revoked key (401), access denied or arrears (403), an unknown
        model or endpoint (404), a configuration or usage error, a local protocol error, and a
        ``SessionError`` (the service rejected the configuration) unless its code says
        throttling or an internal error. ``"retry"`` for drops and closes (see `classify_close`),
        timeouts, connection failures, rate limits, server errors and data the server sent that
        could not be parsed. Anything else is fatal.
    """
    if isinstance(error, AuthenticationError | PermissionDeniedError | NotFoundError):
        return "fatal"
    if isinstance(error, ConfigurationError | UsageError | LocalProtocolError):
        return "fatal"
    if isinstance(error, APIStatusError):
        return classify_close(None, error.code or "", error.status_code)
    if isinstance(error, SessionError):
        norm = _norm(error.code)
        if any(code in norm for code in _TRANSIENT_CODES) and not _has_fatal_code(norm):
            return "retry"
        return "fatal"
    if isinstance(error, SessionClosed):
        return classify_close(error.code, error.reason)
    if isinstance(error, TransportTimeout | ConnectError | RemoteProtocolError):
        return "retry"
    return "fatal"


@dataclass(frozen=True, slots=True, kw_only=True)
class ReconnectPolicy:
    """How a realtime session survives lost connections (pass it as ``reconnect=``).

    Reconnection is on by default. After an unexpected close or a dead connection the session
    backs off, re-opens, re-sends its full configuration (glossary and voice included), replays
    the audio the service had not finished with, and yields a
    [`SessionReconnected`][livetranslate.events.SessionReconnected] event. Fatal causes (see
    [`classify_error`][livetranslate.protocol.reconnect.classify_error]) raise at once.

    Attributes:
        attempts: Consecutive failed attempts allowed per outage (the count restarts once a new
            connection is configured); the last error is raised after that.
        backoff: Delays between attempts (exponential, with jitter). A rate-limited handshake
            waits at least the ``Retry-After`` it was given (up to 60 s).
        replay_seconds: Bound of the replay buffer: the most input audio kept for replay. Audio
            is released as soon as the service has finished the utterance it belongs to, so
            this only fills during a long utterance or a long outage. When a sender streams faster
            than real time, or while the connection is down, sends wait once it is three
            quarters full; otherwise the oldest audio is dropped, and the drop is reported in
            ``SessionReconnected.dropped_ms`` (and logged) if a reconnect needs it.
        rotate_after_seconds: Move to a fresh connection after this long (the service caps a
            session at about 120 minutes), at the next utterance boundary; None never rotates.
            The age of a connection is its wall-clock time or the audio sent on it, whichever is
            larger.
        rotate_grace_seconds: How long to wait for an utterance boundary before rotating anyway
            (the utterance in progress is then replayed; nothing is lost or duplicated).
    """

    attempts: int = 8
    backoff: Backoff = field(default=DEFAULT_RECONNECT_BACKOFF)
    replay_seconds: float = 60.0
    rotate_after_seconds: float | None = 110 * 60.0
    rotate_grace_seconds: float = 300.0

    def __post_init__(self) -> None:
        attempts: object = self.attempts
        if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 1:
            raise ConfigurationError(
                f"ReconnectPolicy.attempts must be a positive int, got {self.attempts!r}."
            )
        if not isinstance(self.backoff, Backoff):
            raise ConfigurationError("ReconnectPolicy.backoff must be a protocol.backoff.Backoff.")
        _positive("replay_seconds", self.replay_seconds)
        if self.rotate_after_seconds is not None:
            _positive("rotate_after_seconds", self.rotate_after_seconds)
        _positive("rotate_grace_seconds", self.rotate_grace_seconds, zero=True)

    def delay(
        self,
        attempt: int,
        *,
        retry_after: float | None = None,
        rand: Callable[[], float] = random.random,
    ) -> float:
        """Return the seconds to wait before attempt ``attempt`` (0-based) of an outage.

        Args:
            attempt: How many attempts of this outage came before.
            retry_after: The server's ``Retry-After``, when the last attempt was rate limited;
                honoured up to 60 s.
            rand: Source of uniform floats in ``[0, 1)`` for the jitter.

        Returns:
            The delay, in seconds.
        """
        wait = self.backoff.delay(attempt, rand)
        if retry_after is not None and 0 <= retry_after <= MAX_RETRY_AFTER:
            wait = max(wait, retry_after)
        return wait

    def rotation_due(self, age_seconds: float, *, at_boundary: bool) -> bool:
        """Whether a connection of this age should be replaced now.

        Args:
            age_seconds: The connection's age (wall-clock or audio time, whichever is larger).
            at_boundary: Whether the session is between utterances (no response in flight).

        Returns:
            True once the age passes ``rotate_after_seconds`` at a boundary, or passes it by
            ``rotate_grace_seconds`` anyway.
        """
        limit = self.rotate_after_seconds
        if limit is None or age_seconds < limit:
            return False
        return at_boundary or age_seconds >= limit + self.rotate_grace_seconds


def _positive(name: str, value: object, *, zero: bool = False) -> None:
    ok = (
        not isinstance(value, bool)
        and isinstance(value, int | float)
        and math.isfinite(value)
        and (value >= 0 if zero else value > 0)
    )
    if not ok:
        kind = "a non-negative" if zero else "a positive"
        raise ConfigurationError(f"ReconnectPolicy.{name} must be {kind} number, got {value!r}.")


class _Commit:
    __slots__ = ()

    def __repr__(self) -> str:
        return "COMMIT"


COMMIT: Final = _Commit()
"""In [`ReplayBuffer.pending`][livetranslate.protocol.reconnect.ReplayBuffer.pending]: send
``input_audio_buffer.commit`` here (manual turn detection)."""

ReplayPiece: TypeAlias = bytes | _Commit
"""A slice of PCM to append, or `COMMIT`."""

_ALIGN_MS: Final = 20  # overflow trims keep the stream aligned to 20 ms frames


class ReplayBuffer:
    """Input audio the service may still need, by offset in the session's input stream (pure).

    Offsets count bytes of PCM16 from the first byte the app sent (``start``..``end``). The
    protocol appends every chunk it sends, marks manual commits, and releases audio once the
    utterance it belongs to is final. What remains is what a new connection must receive again.

    The buffer never holds more than ``max_seconds``: an append past the bound drops the oldest
    audio (in whole 20 ms frames), counted in ``dropped_bytes`` so that the loss is reported, never
    silent. Chunks are kept as given (no copy).

    Args:
        sample_rate: Input samples per second (PCM16 mono).
        max_seconds: The bound, in seconds of audio.

    Raises:
        ConfigurationError: ``sample_rate`` or ``max_seconds`` is not positive.
    """

    def __init__(self, *, sample_rate: int, max_seconds: float) -> None:
        rate: object = sample_rate
        if isinstance(rate, bool) or not isinstance(rate, int) or rate < 1:
            raise ConfigurationError(f"sample_rate must be a positive int, got {sample_rate!r}.")
        _positive("replay_seconds", max_seconds)
        self.sample_rate = sample_rate
        self.capacity = max(2, int(max_seconds * sample_rate) * 2)
        self._chunks: deque[bytes] = deque()
        self._skip = 0  # bytes of the first chunk already released
        self._start = 0
        self._end = 0
        self._commits: deque[int] = deque()
        self.dropped_bytes = 0
        self.releases = 0
        self._reported = 0

    # ------------------------------------------------------------------ positions

    @property
    def start(self) -> int:
        """Offset of the oldest byte kept (everything before it is released or dropped)."""
        return self._start

    @property
    def end(self) -> int:
        """Offset just past the newest byte: the total audio ever appended, in bytes."""
        return self._end

    @property
    def size(self) -> int:
        """Bytes kept (``end - start``)."""
        return self._end - self._start

    def to_ms(self, offset: int) -> float:
        """Convert a byte offset into milliseconds of audio."""
        return offset * 500.0 / self.sample_rate

    def to_offset(self, ms: float) -> int:
        """Convert milliseconds of audio into a byte offset (whole samples)."""
        return max(0, round(ms * self.sample_rate / 1000.0)) * 2

    @property
    def start_ms(self) -> float:
        """`start` in milliseconds of audio."""
        return self.to_ms(self._start)

    @property
    def end_ms(self) -> float:
        """`end` in milliseconds of audio."""
        return self.to_ms(self._end)

    @property
    def duration_ms(self) -> float:
        """Milliseconds of audio kept."""
        return self.to_ms(self.size)

    # ------------------------------------------------------------------ input

    def append(self, pcm: bytes) -> None:
        """Keep a chunk of sent audio; drop (and count) the oldest past the bound.

        Args:
            pcm: PCM16 mono at ``sample_rate`` (an even number of bytes).
        """
        if not pcm:
            return
        self._chunks.append(pcm)
        self._end += len(pcm)
        if self.size > self.capacity:
            frame = max(2, self.to_offset(_ALIGN_MS))
            target = -(-(self._end - self.capacity) // frame) * frame
            dropped = self._forget(target)
            self.dropped_bytes += dropped

    def commit(self) -> None:
        """Mark a manual commit at `end` (replayed after the audio before it)."""
        if not self._commits or self._commits[-1] != self._end:
            self._commits.append(self._end)

    def release(self, until_ms: float) -> None:
        """Forget audio before ``until_ms``: the service has finished with it.

        Args:
            until_ms: A stream position in milliseconds (earlier positions do nothing; later
                ones are capped at `end`).
        """
        self._release(self.to_offset(until_ms))

    def release_commit(self) -> None:
        """Forget audio up to the oldest commit mark (its utterance is final); manual mode."""
        if self._commits:
            self._release(self._commits[0])

    def release_utterance(
        self, end_ms: int | None, *, manual: bool, open_start_ms: int | None = None
    ) -> None:
        """Release the audio of an utterance that became final.

        Args:
            end_ms: Where its speech ended in the input stream, if the service said so.
            manual: Manual turn detection: release up to the oldest commit instead.
            open_start_ms: The earliest start of an utterance still in flight; audio from there
                on is kept whatever ``end_ms`` says.
        """
        if manual:
            self.release_commit()
        elif end_ms is not None:
            until = end_ms if open_start_ms is None else min(end_ms, open_start_ms)
            self.release(until)

    def clear(self) -> None:
        """Forget everything kept (the app cleared the service's input buffer)."""
        self._release(self._end)

    def _release(self, offset: int) -> None:
        if offset > self._start:
            self._forget(offset)
            self.releases += 1

    def _forget(self, offset: int) -> int:
        """Drop bytes before ``offset`` (capped at `end`); return how many."""
        offset = min(offset, self._end)
        forgotten = max(0, offset - self._start)
        remaining = forgotten
        chunks = self._chunks
        while remaining and chunks:
            available = len(chunks[0]) - self._skip
            if available <= remaining:
                chunks.popleft()
                remaining -= available
                self._skip = 0
            else:
                self._skip += remaining
                remaining = 0
        self._start += forgotten
        while self._commits and self._commits[0] <= self._start:
            self._commits.popleft()
        return forgotten

    # ------------------------------------------------------------------ output

    def pending(self, piece_bytes: int | None = None) -> list[ReplayPiece]:
        """Return what a new connection must receive, in order: PCM pieces and `COMMIT` marks.

        Together the pieces are exactly the bytes from `start` to `end`.

        Args:
            piece_bytes: Split the audio into pieces of at most this many bytes (even); None
                keeps each kept chunk whole.

        Returns:
            The pieces.
        """
        out: list[ReplayPiece] = []
        marks = iter(self._commits)
        mark = next(marks, None)
        position = self._start
        limit = piece_bytes if piece_bytes and piece_bytes >= 2 else None
        skip = self._skip
        for chunk in self._chunks:
            view = memoryview(chunk)[skip:]
            skip = 0
            while view.nbytes:
                take = view.nbytes
                if mark is not None:
                    take = min(take, mark - position)
                if limit is not None:
                    take = min(take, limit - limit % 2)
                out.append(bytes(view[:take]))  # (marks lie after `start`: never empty)
                view = view[take:]
                position += take
                while mark is not None and mark <= position:
                    out.append(COMMIT)
                    mark = next(marks, None)
        return out

    def take_dropped_ms(self) -> float:
        """Return the milliseconds dropped over the bound since the last call (for reports)."""
        fresh = self.dropped_bytes - self._reported
        self._reported = self.dropped_bytes
        return self.to_ms(fresh)
