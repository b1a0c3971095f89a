"""Fault injection for the emulator's realtime endpoint (private; re-exported by the package).

A [`FaultPlan`][livetranslate.testing.FaultPlan] says what goes wrong, and when, on each
connection: drop the TCP connection without a close frame, close with a chosen code, go silent
(stop reading and answering, keep TCP open: a half-open connection), send a malformed frame or an
``error`` event, slow every event down, refuse handshakes, and cap a session's length the way the
service does. Faults trigger at a point in the audio a connection has received, or after a number
of server events; random plans draw them from a seed, so a run is reproducible.

```python
from livetranslate.testing import Emulator, Fault, FaultPlan

plan = FaultPlan({0: Fault.drop(after_audio_ms=3000)}, refuse=2)  # then refuse 2 reconnects
async with Emulator(faults=plan, latency=0) as emu:
    ...
    emu.fault_log.injected  # [(0, "drop")]
```

The HTTP file endpoint has its own faults (429/5xx bursts, streams cut mid-way): see
``emu.http.inject``.
"""

from __future__ import annotations

import asyncio
import json
import random as _random
import threading
from collections.abc import Awaitable, Callable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias

from livetranslate.testing._engine import EmulatedSession

__all__ = ["Fault", "FaultKind", "FaultLog", "FaultPlan", "Injector"]

FaultKind: TypeAlias = Literal["drop", "close", "silent", "malformed", "error", "delay"]
"""What a [`Fault`][livetranslate.testing.Fault] does."""

_RANDOM_KINDS: tuple[FaultKind, ...] = ("drop", "close", "silent", "malformed", "error")
_RANDOM_CLOSE_CODES = (1001, 1011, 1012, 1013)
_Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
CAP_REASON = "Session duration limit reached."
"""The close reason at a plan's session-length cap."""
MALFORMED_FRAME = '{"type":"response.audio.delta","delta":"AAAA'
"""What a ``malformed`` fault sends by default: a frame cut in the middle of its JSON."""


@dataclass(frozen=True, slots=True)
class Fault:
    """One fault on one emulated connection.

    It triggers once every given condition holds (none given: at once, right after the
    handshake). Build it with the class methods.

    Attributes:
        kind: ``"drop"`` (TCP closed without a close frame: the client sees 1006), ``"close"``
            (a close frame with ``code`` and ``reason``), ``"silent"`` (stop reading and sending,
            keep TCP open for ``seconds``: pings go unanswered), ``"malformed"`` (send ``payload``
            as a text frame), ``"error"`` (send an ``error`` event), ``"delay"`` (wait ``seconds``
            before every later event).
        after_audio_ms: Trigger once the connection has received this much audio.
        after_events: Trigger once the emulator has sent this many events on the connection.
        after_finish: Trigger only once the client has sent ``session.finish``.
        code: Close code for ``"close"``.
        reason: Close reason for ``"close"``.
        seconds: Delay per event for ``"delay"``; how long to stay silent for ``"silent"``
            (the connection then closes, unless the client gave up first).
        payload: The frame a ``"malformed"`` fault sends.
        error_code: ``error.code`` of an ``"error"`` fault.
        message: ``error.message`` of an ``"error"`` fault.
    """

    kind: FaultKind
    after_audio_ms: float | None = None
    after_events: int | None = None
    after_finish: bool = False
    code: int = 1011
    reason: str = ""
    seconds: float = 0.0
    payload: str = MALFORMED_FRAME
    error_code: str = "InternalError"
    message: str = "Internal server error, please retry."

    @classmethod
    def drop(
        cls,
        *,
        after_audio_ms: float | None = None,
        after_events: int | None = None,
        after_finish: bool = False,
    ) -> Fault:
        """Drop the connection without a close frame (the client sees code 1006)."""
        return cls("drop", after_audio_ms, after_events, after_finish)

    @classmethod
    def close(
        cls,
        code: int = 1011,
        reason: str = "",
        *,
        after_audio_ms: float | None = None,
        after_events: int | None = None,
    ) -> Fault:
        """Close the connection with ``code`` and ``reason``."""
        return cls("close", after_audio_ms, after_events, code=code, reason=reason)

    @classmethod
    def silent(
        cls,
        seconds: float = 60.0,
        *,
        after_audio_ms: float | None = None,
        after_events: int | None = None,
    ) -> Fault:
        """Go silent: stop reading and answering (pings too), keep TCP open for ``seconds``."""
        return cls("silent", after_audio_ms, after_events, seconds=seconds)

    @classmethod
    def malformed(
        cls,
        payload: str = MALFORMED_FRAME,
        *,
        after_audio_ms: float | None = None,
        after_events: int | None = None,
    ) -> Fault:
        """Send ``payload`` as a text frame (by default JSON cut in the middle)."""
        return cls("malformed", after_audio_ms, after_events, payload=payload)

    @classmethod
    def error(
        cls,
        code: str = "InternalError",
        message: str = "Internal server error, please retry.",
        *,
        after_audio_ms: float | None = None,
        after_events: int | None = None,
    ) -> Fault:
        """Send an ``error`` event; the connection stays open."""
        return cls("error", after_audio_ms, after_events, error_code=code, message=message)

    @classmethod
    def delay(
        cls,
        seconds: float,
        *,
        after_audio_ms: float | None = None,
        after_events: int | None = None,
    ) -> Fault:
        """Wait ``seconds`` (wall clock) before each later event on the connection."""
        return cls("delay", after_audio_ms, after_events, seconds=seconds)

    def due(self, audio_ms: float, events: int, *, finishing: bool = False) -> bool:
        """Whether the trigger holds after ``audio_ms`` of audio and ``events`` events sent."""
        if self.after_audio_ms is not None and audio_ms < self.after_audio_ms:
            return False
        if self.after_finish and not finishing:
            return False
        return self.after_events is None or events >= self.after_events


def _as_tuple(faults: Fault | Iterable[Fault] | None) -> tuple[Fault, ...]:
    if faults is None:
        return ()
    if isinstance(faults, Fault):
        return (faults,)
    return tuple(faults)


class FaultPlan:
    """What goes wrong on which connection of an [`Emulator`][livetranslate.testing.Emulator].

    Connections are numbered from 0 in the order the emulator accepts them (refused handshakes
    are not connections). Pass the plan as ``Emulator(faults=...)``, or set ``emu.faults`` between
    connections.

    Args:
        connections: Faults per connection index.
        every: Faults for every connection (after the per-connection ones).
        refuse: Refuse ``refuse`` WebSocket handshakes with ``refuse_status``: the first ones,
            or those right after the first ``refuse_after``.
        refuse_after: Handshakes let through before the refusals start.
        refuse_status: HTTP status of a refused handshake (429 adds ``Retry-After``).
        retry_after: The ``Retry-After`` seconds sent with a 429.
        refuse_rate: Probability that any later handshake is refused too (seeded).
        max_session_seconds: Close each connection once it is this old, like the service's cap
            (about 120 minutes). The age is emulator time: audio received, moving on with the
            wall clock while no audio arrives, so an unpaced client reaches it quickly.
        cap_code: The close code at the cap.
        random_rate: Probability that a connection gets one random fault (seeded, per index).
        random_kinds: The kinds a random fault is drawn from.
        random_within_ms: A random fault triggers at a uniformly drawn point in the first this
            many milliseconds of a connection's audio.
        silent_seconds: How long a random ``silent`` fault keeps TCP open.
        seed: Seed of every random draw; the same seed gives the same faults.
    """

    def __init__(
        self,
        connections: Mapping[int, Fault | Sequence[Fault]] | None = None,
        *,
        every: Fault | Sequence[Fault] | None = None,
        refuse: int = 0,
        refuse_after: int = 0,
        refuse_status: int = 503,
        retry_after: float | None = None,
        refuse_rate: float = 0.0,
        max_session_seconds: float | None = None,
        cap_code: int = 1000,
        random_rate: float = 0.0,
        random_kinds: Sequence[FaultKind] = _RANDOM_KINDS,
        random_within_ms: float = 30_000.0,
        silent_seconds: float = 30.0,
        seed: int = 0,
    ) -> None:
        if refuse < 0 or refuse_after < 0:
            raise ValueError("refuse and refuse_after must be >= 0.")
        if not 0 <= refuse_rate <= 1 or not 0 <= random_rate <= 1:
            raise ValueError("refuse_rate and random_rate must be within [0, 1].")
        if not 400 <= refuse_status < 600:
            raise ValueError(f"refuse_status must be an HTTP error status, got {refuse_status}.")
        if max_session_seconds is not None and max_session_seconds <= 0:
            raise ValueError("max_session_seconds must be positive (or None).")
        if random_rate and not random_kinds:
            raise ValueError("random_kinds must not be empty when random_rate > 0.")
        self.connections = {index: _as_tuple(f) for index, f in (connections or {}).items()}
        self.every = _as_tuple(every)
        self.refuse = refuse
        self.refuse_after = refuse_after
        self.refuse_status = refuse_status
        self.retry_after = retry_after
        self.refuse_rate = refuse_rate
        self.max_session_seconds = max_session_seconds
        self.cap_code = cap_code
        self.random_rate = random_rate
        self.random_kinds = tuple(random_kinds)
        self.random_within_ms = random_within_ms
        self.silent_seconds = silent_seconds
        self.seed = seed

    def __repr__(self) -> str:
        return (
            f"<FaultPlan connections={sorted(self.connections)} refuse={self.refuse} "
            f"random_rate={self.random_rate} seed={self.seed}>"
        )

    @classmethod
    def random(
        cls,
        rate: float,
        *,
        seed: int = 0,
        kinds: Sequence[FaultKind] = _RANDOM_KINDS,
        within_ms: float = 30_000.0,
        refuse_rate: float = 0.0,
        max_session_seconds: float | None = None,
        silent_seconds: float = 30.0,
    ) -> FaultPlan:
        """A plan of random faults: each connection gets one with probability ``rate``.

        Args:
            rate: Probability per connection.
            seed: The seed; the same seed gives the same faults.
            kinds: The kinds to draw from.
            within_ms: Faults trigger within this much of a connection's audio.
            refuse_rate: Probability that a handshake is refused (HTTP 503).
            max_session_seconds: The session-length cap (see the class).
            silent_seconds: How long a ``silent`` fault keeps TCP open.

        Returns:
            The plan.
        """
        return cls(
            random_rate=rate,
            seed=seed,
            random_kinds=kinds,
            random_within_ms=within_ms,
            refuse_rate=refuse_rate,
            max_session_seconds=max_session_seconds,
            silent_seconds=silent_seconds,
        )

    def faults_for(self, index: int) -> tuple[Fault, ...]:
        """Return the faults of connection ``index`` (deterministic)."""
        faults = self.connections.get(index, ()) + self.every
        if self.random_rate:
            rng = _random.Random(f"{self.seed}:connection:{index}")
            if rng.random() < self.random_rate:
                faults += (self._draw(rng),)
        return faults

    def _draw(self, rng: _random.Random) -> Fault:
        kind = rng.choice(self.random_kinds)
        at = rng.uniform(0.0, self.random_within_ms)
        if kind == "close":
            return Fault.close(rng.choice(_RANDOM_CLOSE_CODES), "injected", after_audio_ms=at)
        if kind == "silent":
            return Fault.silent(self.silent_seconds, after_audio_ms=at)
        if kind == "delay":
            return Fault.delay(rng.uniform(0.0, 0.05), after_audio_ms=at)
        if kind == "error":
            return Fault.error(after_audio_ms=at)
        if kind == "malformed":
            return Fault.malformed(after_audio_ms=at)
        return Fault.drop(after_audio_ms=at)

    def refusal(self, handshake: int) -> int | None:
        """Return the HTTP status refusing handshake number ``handshake`` (0-based), or None."""
        if self.refuse_after <= handshake < self.refuse_after + self.refuse:
            return self.refuse_status
        if self.refuse_rate:
            rng = _random.Random(f"{self.seed}:handshake:{handshake}")
            if rng.random() < self.refuse_rate:
                return 503
        return None


@dataclass(eq=False)
class FaultLog:
    """What an emulator's fault plan did (for assertions and reports).

    Attributes:
        handshakes: WebSocket handshakes seen on the realtime path.
        refused: Handshakes refused by the plan.
        injected: ``(connection index, kind)`` of every fault injected, in order.
        capped: Connections closed at the session-length cap.
    """

    handshakes: int = 0
    refused: int = 0
    injected: list[tuple[int, FaultKind]] = field(default_factory=list)
    capped: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def next_handshake(self) -> int:
        """Count a handshake; return its 0-based number."""
        with self._lock:
            number = self.handshakes
            self.handshakes += 1
            return number

    def note(self, index: int, kind: FaultKind) -> None:
        """Record an injected fault."""
        with self._lock:
            self.injected.append((index, kind))

    def count(self, kind: FaultKind | None = None) -> int:
        """How many faults were injected (of ``kind``, when given)."""
        with self._lock:
            return sum(1 for _, k in self.injected if kind is None or k == kind)


class Injector:
    """The faults of one connection, fired as the connection progresses.

    The server calls `step` whenever the connection moves on (audio received, an event about to
    be sent) and stops serving when it returns ``"end"`` or ``"silent"``.

    Args:
        faults: The connection's faults.
        record: The connection's record (injected fault kinds are appended to ``faults``).
        log: The emulator's fault log.
        cap_ms: The session-length cap in emulator milliseconds, or None.
        cap_code: The close code at the cap.
    """

    def __init__(
        self,
        faults: Sequence[Fault],
        record: EmulatedSession,
        log: FaultLog,
        *,
        cap_ms: float | None = None,
        cap_code: int = 1000,
    ) -> None:
        self._waiting = list(faults)
        self.record = record
        self.log = log
        self.cap_ms = cap_ms
        self.cap_code = cap_code
        self.delay = 0.0
        self.events = 0
        self.silent_seconds = 0.0
        self._errors = 0

    async def step(
        self, now_ms: float, audio_ms: float, send: _Send, *, finishing: bool = False
    ) -> Literal["end", "silent"] | None:
        """Fire what is due; return ``"end"`` (the connection is over) or ``"silent"``."""
        record = self.record
        if self.cap_ms is not None and now_ms >= self.cap_ms:
            await send({"type": "websocket.close", "code": self.cap_code, "reason": CAP_REASON})
            record._mark_closed(self.cap_code, CAP_REASON)
            with self.log._lock:
                self.log.capped += 1
            return "end"
        for fault in self.due(audio_ms, finishing=finishing):
            self.log.note(record.index, fault.kind)
            record.faults.append(fault.kind)
            if fault.kind == "delay":
                self.delay = fault.seconds
            elif fault.kind == "malformed":
                await self.send(send, fault.payload)
            elif fault.kind == "error":
                self._errors += 1
                error = {
                    "type": "server_error",
                    "code": fault.error_code,
                    "message": fault.message,
                    "param": None,
                }
                event = {"event_id": f"event_fault_{self._errors}", "type": "error", "error": error}
                await self.send(send, json.dumps(event, separators=(",", ":")))
            elif fault.kind == "close":
                await send({"type": "websocket.close", "code": fault.code, "reason": fault.reason})
                record._mark_closed(fault.code, fault.reason)
                return "end"
            elif fault.kind == "drop":
                record._mark_closed(1006, "dropped")  # returning closes TCP without a close frame
                return "end"
            else:
                self.silent_seconds = fault.seconds
                return "silent"
        return None

    async def send(self, send: _Send, text: str) -> None:
        """Send one text frame, after the injected delay; count it."""
        if self.delay:
            await asyncio.sleep(self.delay)
        self.events += 1
        await send({"type": "websocket.send", "text": text})

    def wait_ms(self, now_ms: float) -> float | None:
        """Milliseconds until the cap, or None."""
        return None if self.cap_ms is None else max(0.0, self.cap_ms - now_ms)

    @property
    def idle(self) -> bool:
        """Whether nothing is left to inject (the server can skip its checks)."""
        return not self._waiting and self.cap_ms is None and not self.delay

    def due(self, audio_ms: float, *, finishing: bool = False) -> list[Fault]:
        """Return (and forget) the faults whose trigger holds now, in plan order."""
        if not self._waiting:
            return []
        fired = [f for f in self._waiting if f.due(audio_ms, self.events, finishing=finishing)]
        if fired:
            self._waiting = [f for f in self._waiting if not any(f is g for g in fired)]
        return fired
