"""Pure retry timing: exponential backoff with jitter, and a requests-per-minute window.

No clock and no global randomness: the randomness is an injectable ``rand`` callable returning a
float in ``[0, 1)`` (default `random.random`), and the window takes ``now`` from its caller.
Transports own the sleeping; tests pass ``rand=lambda: 0.5`` and a fake ``now``.
"""

from __future__ import annotations

import random
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass

__all__ = ["Backoff", "RequestWindow"]


@dataclass(frozen=True, slots=True)
class Backoff:
    """Exponential backoff with proportional jitter.

    The delay before retry ``attempt`` (0 for the first retry) is
    ``min(maximum, initial * multiplier ** attempt)``, scaled by a random factor in
    ``[1 - jitter, 1 + jitter)`` and capped at ``maximum`` again.

    Attributes:
        initial: Delay before the first retry, in seconds.
        multiplier: Growth factor per attempt.
        maximum: Upper bound of any delay, in seconds.
        jitter: Spread as a fraction of the delay, from 0 (none) to 1.
    """

    initial: float = 0.5
    multiplier: float = 2.0
    maximum: float = 8.0
    jitter: float = 0.25

    def __post_init__(self) -> None:
        if not (self.initial >= 0 and self.maximum >= 0 and self.multiplier >= 1):
            raise ValueError(
                "Backoff needs initial >= 0, maximum >= 0 and multiplier >= 1, got "
                f"initial={self.initial!r}, maximum={self.maximum!r}, "
                f"multiplier={self.multiplier!r}."
            )
        if not 0 <= self.jitter <= 1:
            raise ValueError(f"Backoff jitter must be within [0, 1], got {self.jitter!r}.")

    def delay(self, attempt: int, rand: Callable[[], float] = random.random) -> float:
        """Return the delay in seconds before retry number ``attempt`` (0-based).

        Args:
            attempt: How many retries came before this one.
            rand: Source of uniform floats in ``[0, 1)``.

        Returns:
            The delay, within ``[0, maximum]``.
        """
        base = min(self.maximum, self.initial * self.multiplier ** min(max(attempt, 0), 64))
        factor = 1.0 + self.jitter * (2.0 * rand() - 1.0)
        return max(0.0, min(self.maximum, base * factor))

    def delays(self, rand: Callable[[], float] = random.random) -> Iterator[float]:
        """Yield the delays of retries 0, 1, 2, ... forever.

        Args:
            rand: Source of uniform floats in ``[0, 1)``.

        Returns:
            An endless iterator of delays in seconds.
        """
        attempt = 0
        while True:
            yield self.delay(attempt, rand)
            attempt += 1


class RequestWindow:
    """At most ``limit`` request starts in any sliding ``period`` (the service's RPM limit).

    [`reserve`][livetranslate.protocol.backoff.RequestWindow.reserve] books the earliest slot at
    or after ``now`` and says how long to wait for it, so concurrent callers that each reserve
    and then sleep never exceed the limit.

    Args:
        limit: Requests allowed per period.
        period: The window, in seconds (60 for requests per minute).

    Raises:
        ValueError: ``limit`` below 1 or ``period`` not positive.
    """

    def __init__(self, limit: int, period: float = 60.0) -> None:
        given: object = limit
        if isinstance(given, bool) or not isinstance(given, int) or given < 1:
            raise ValueError(f"RequestWindow limit must be a positive int, got {limit!r}.")
        if not period > 0:
            raise ValueError(f"RequestWindow period must be positive, got {period!r}.")
        self.limit = limit
        self.period = float(period)
        self._starts: deque[float] = deque()

    def reserve(self, now: float) -> float:
        """Book the next request start; return how many seconds from ``now`` until it.

        Args:
            now: The current time on the caller's monotonic clock, in seconds.

        Returns:
            0 when a request may start now, else the wait.
        """
        starts = self._starts
        while starts and starts[0] <= now - self.period:
            starts.popleft()
        start = now
        if len(starts) >= self.limit:
            start = max(now, starts[-self.limit] + self.period)
        starts.append(start)
        return start - now
