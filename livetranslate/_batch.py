"""Batches of file translations: bounded workers, rate limit, retries, resumable results.

Private; ``FileTranslator.translate_many`` is the public entry point, and the result types are
re-exported by ``livetranslate.files``.

- ``concurrency`` worker tasks share one iterator over the sources, so nothing is created per
  file up front and a generator of millions of paths is fine.
- Every request start goes through one sliding-window limiter (the service's requests per
  minute); a 429 also pauses every worker for its ``retry-after``.
- Transient failures (429, 5xx, network errors, timeouts, a cut stream) are retried with
  backoff; anything else fails the item at once. 401/403/404 stop the batch (every later item
  would fail the same way).
- Each finished item is appended to the results file as one JSON line, flushed at once; on a
  rerun, items already done (same target and modalities) are skipped.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import re
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping, Sized
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal, TypeAlias

import numpy as np
from numpy.typing import NDArray

from livetranslate.exceptions import (
    APIStatusError,
    AudioError,
    AuthenticationError,
    ConnectError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    StreamInterrupted,
    TransportTimeout,
)
from livetranslate.pricing import CostEstimate, cost_of
from livetranslate.protocol.backoff import Backoff, RequestWindow
from livetranslate.protocol.files import TranslationOptions
from livetranslate.protocol.http import retry_delay, should_retry
from livetranslate.usage import Usage

if TYPE_CHECKING:
    from livetranslate.files import TranslationResult

__all__ = [
    "BatchItemResult",
    "BatchProgress",
    "BatchSummary",
    "Source",
    "is_transient",
    "run_batch",
]

logger = logging.getLogger("livetranslate.files")

Source: TypeAlias = (
    "str | os.PathLike[str] | bytes | bytearray | memoryview "
    "| NDArray[np.int16] | NDArray[np.float32] | NDArray[np.float64]"
)
"""One input: an http(s) URL, a local path, the file's bytes, or a numpy array of samples."""

_FATAL = (AuthenticationError, PermissionDeniedError, NotFoundError)
_TRANSIENT = (RateLimitError, ServerError, ConnectError, TransportTimeout, StreamInterrupted)
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def is_transient(exc: BaseException) -> bool:
    """Return whether a failure may go away on retry (429, 5xx, network, timeout, cut stream)."""
    if isinstance(exc, RateLimitError | ServerError):
        return should_retry(exc.status_code, exc.headers, code=exc.code)
    return isinstance(exc, _TRANSIENT)


@dataclass(frozen=True, slots=True)
class BatchItemResult:
    """What became of one item of a batch.

    Attributes:
        id: The item's id (mapping key, URL or path as given, or ``sha256:<prefix>``).
        source: A short description of the input.
        status: ``"done"``, ``"failed"``, or ``"skipped"`` (done by an earlier run).
        text: The translation (done and skipped items).
        audio_path: Where the translated speech was written, if any.
        usage: Tokens used (done and skipped items).
        cost: The price of ``usage``.
        error: Why it failed (one sentence), for failed items.
        error_type: The exception class name, for failed items.
        attempts: Requests made for it in this run.
    """

    id: str
    source: str
    status: Literal["done", "failed", "skipped"]
    text: str | None = None
    audio_path: str | None = None
    usage: Usage | None = None
    cost: CostEstimate | None = None
    error: str | None = None
    error_type: str | None = None
    attempts: int = 0


@dataclass(frozen=True, slots=True)
class BatchProgress:
    """Running counts, passed to ``on_progress`` after each item.

    Attributes:
        total: The number of items, when the sources have a length.
        done: Items translated in this run.
        failed: Items that failed in this run.
        skipped: Items already done by an earlier run.
        usage: Tokens used in this run so far.
        cost: Their price.
        last: The item that just finished.
    """

    total: int | None
    done: int
    failed: int
    skipped: int
    usage: Usage
    cost: CostEstimate
    last: BatchItemResult

    @property
    def finished(self) -> int:
        """Items finished in any way."""
        return self.done + self.failed + self.skipped


@dataclass(frozen=True, slots=True)
class BatchSummary:
    """The outcome of ``translate_many``.

    Attributes:
        items: Every item seen, in finishing order.
        done: Items translated in this run.
        failed: Items that failed in this run (rerun to retry them).
        skipped: Items already done by an earlier run.
        not_attempted: Items left untouched because the batch stopped.
        usage: Tokens used in this run.
        cost: Their price.
        stopped: Why the batch stopped early (an account-level error), else None.
        results_path: The results file, if any.
        elapsed_seconds: Wall-clock duration of the run.
    """

    items: tuple[BatchItemResult, ...]
    done: int
    failed: int
    skipped: int
    not_attempted: int
    usage: Usage
    cost: CostEstimate
    stopped: str | None
    results_path: Path | None
    elapsed_seconds: float

    @property
    def failures(self) -> tuple[BatchItemResult, ...]:
        """The items that failed in this run."""
        return tuple(item for item in self.items if item.status == "failed")

    @property
    def ok(self) -> bool:
        """Whether every item is done (now or earlier)."""
        return self.failed == 0 and self.not_attempted == 0 and self.stopped is None

    def describe(self, *, max_failures: int = 5) -> str:
        """Return a few lines for people: counts, tokens, cost, and why items failed.

        Args:
            max_failures: How many failed item ids to list per reason.

        Returns:
            The text, without a trailing newline.
        """
        lines = [
            f"done {self.done}, skipped {self.skipped} (done before), failed {self.failed}, "
            f"not attempted {self.not_attempted} in {self.elapsed_seconds:.1f} s",
            f"tokens {self.usage.total_tokens} ({self.usage.input_tokens} in, "
            f"{self.usage.output_tokens} out); cost {self.cost.describe()}",
        ]
        if self.stopped:
            lines.append(f"stopped early: {self.stopped}")
        reasons: Counter[str] = Counter()
        examples: dict[str, list[str]] = {}
        for item in self.failures:
            reason = f"{item.error_type}: {item.error}"
            reasons[reason] += 1
            examples.setdefault(reason, []).append(item.id)
        for reason, count in reasons.most_common():
            ids = examples[reason]
            shown = ", ".join(ids[:max_failures]) + (", ..." if len(ids) > max_failures else "")
            lines.append(f"failed x{count}: {reason} [{shown}]")
        return "\n".join(lines)


# ------------------------------------------------------------------------------ helpers


def _digest(data: bytes) -> str:
    return "sha256:" + hashlib.sha256(data).hexdigest()[:16]


def _identify(
    sources: Iterable[Source] | Mapping[str, Source],
) -> Iterator[tuple[str, str, Source]]:
    """Yield (id, label, source) for each item."""
    if isinstance(sources, Mapping):
        for key, value in sources.items():
            yield str(key), _label(value), value
        return
    for n, item in enumerate(sources):
        src: object = item
        if isinstance(src, str):
            yield src, src, item
        elif isinstance(src, os.PathLike):
            path = os.fspath(src)
            yield str(path), str(path), item
        elif isinstance(src, bytes | bytearray | memoryview):
            yield _digest(bytes(src)), f"<{len(src)} bytes>", item
        elif isinstance(src, np.ndarray):
            yield _digest(np.ascontiguousarray(src).tobytes()), f"<array {len(src)}>", item
        else:
            yield f"item-{n}", type(src).__name__, item


def _label(src: object) -> str:
    if isinstance(src, str | os.PathLike):
        return os.fspath(src)
    if isinstance(src, bytes | bytearray | memoryview):
        return f"<{len(src)} bytes>"
    return f"<{type(src).__name__}>"


def _audio_name(item_id: str, label: str, target: str) -> str:
    stem = Path(label.split("?", 1)[0]).stem if not label.startswith("<") else "item"
    stem = _UNSAFE.sub("_", stem).strip("._")[:60] or "item"
    return f"{stem}-{hashlib.sha256(item_id.encode()).hexdigest()[:8]}.{target}.wav"


def _usage_from(data: object) -> Usage | None:
    if not isinstance(data, dict):
        return None
    try:
        return Usage(**{k: v for k, v in data.items() if isinstance(k, str)})
    except (TypeError, ValueError):
        return None


class _ResultsFile:
    """The JSON Lines results file: read what is done, append what finishes."""

    def __init__(self, path: Path, options: TranslationOptions) -> None:
        self.path = path
        self._target = options.target_language
        self._modalities = list(options.modalities)
        self._fh: IO[str] | None = None

    def load(self) -> dict[str, dict[str, Any]]:
        """Return the latest record of each item already done for this target and output."""
        latest: dict[str, dict[str, Any]] = {}
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        for line in text.splitlines():
            try:
                record = json.loads(line)
            except ValueError:  # a line cut short by a crash
                continue
            if (
                isinstance(record, dict)
                and isinstance(record.get("id"), str)
                and record.get("target_language") == self._target
                and record.get("modalities") == self._modalities
            ):
                latest[record["id"]] = record
        return {k: v for k, v in latest.items() if v.get("status") == "done"}

    def open(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        needs_newline = False
        if self.path.exists() and self.path.stat().st_size:
            with self.path.open("rb") as fh:
                fh.seek(-1, os.SEEK_END)
                needs_newline = fh.read(1) != b"\n"
        self._fh = self.path.open("a", encoding="utf-8")
        if needs_newline:
            self._fh.write("\n")

    def append(self, record: dict[str, Any]) -> None:
        assert self._fh is not None
        self._fh.write(json.dumps(record, ensure_ascii=False, separators=(",", ":")) + "\n")
        self._fh.flush()

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


# ---------------------------------------------------------------------------------- run


class _Batch:
    """The mutable state of one run, shared by its workers (all on one event loop)."""

    def __init__(
        self,
        translate_one: Callable[[Source], Awaitable[TranslationResult]],
        *,
        options: TranslationOptions,
        model: str,
        region: str,
        total: int | None,
        store: _ResultsFile | None,
        audio_dir: Path | None,
        requests_per_minute: int | None,
        max_retries: int,
        backoff: Backoff,
        on_progress: Callable[[BatchProgress], object] | None,
        sleep: Callable[[float], Awaitable[object]],
        rand: Callable[[], float],
    ) -> None:
        self.translate_one = translate_one
        self.options = options
        self.model = model
        self.region = region
        self.total = total
        self.store = store
        self.audio_dir = audio_dir
        self.window = RequestWindow(requests_per_minute) if requests_per_minute else None
        self.max_retries = max_retries
        self.backoff = backoff
        self.on_progress = on_progress
        self.sleep = sleep
        self.rand = rand
        self.loop = asyncio.get_running_loop()
        self.previous = store.load() if store is not None else {}
        self.items: list[BatchItemResult] = []
        self.counts = {"done": 0, "failed": 0, "skipped": 0}
        self.not_attempted = 0
        self.usage = Usage()
        self.cost = cost_of(Usage(), model=model, region=region)
        self.stopped: str | None = None
        self.pause_until = 0.0
        self.seen: set[str] = set()

    async def acquire(self) -> None:
        """Wait for a 429 pause to end and for a slot in the requests-per-minute window."""
        while (wait := self.pause_until - self.loop.time()) > 0:
            await self.sleep(wait)
        if self.window is not None:
            wait = self.window.reserve(self.loop.time())
            if wait > 0:
                await self.sleep(wait)

    async def attempt(self, item_id: str, label: str, src: Source) -> BatchItemResult | None:
        """Translate one item, retrying transient failures; None if the batch stopped on it."""
        attempts = 0
        while True:
            await self.acquire()
            attempts += 1
            try:
                result = await self.translate_one(src)
            except Exception as exc:
                if isinstance(exc, _FATAL):
                    self.stopped = self.stopped or f"{type(exc).__name__}: {exc}"
                    return None
                if attempts <= self.max_retries and is_transient(exc):
                    headers = exc.headers if isinstance(exc, APIStatusError) else None
                    delay = retry_delay(attempts - 1, headers, backoff=self.backoff, rand=self.rand)
                    if isinstance(exc, RateLimitError):
                        self.pause_until = max(self.pause_until, self.loop.time() + delay)
                    logger.debug("batch: retry %s in %.3f s (%s)", label, delay, type(exc).__name__)
                    await self.sleep(delay)
                    continue
                return BatchItemResult(
                    item_id,
                    label,
                    "failed",
                    error=str(exc),
                    error_type=type(exc).__name__,
                    attempts=attempts,
                )
            audio_path = None
            if result.audio is not None and self.audio_dir is not None:
                path = self.audio_dir / _audio_name(item_id, label, self.options.target_language)
                try:
                    await asyncio.to_thread(result.save_audio, path)
                except (OSError, AudioError) as exc:
                    return BatchItemResult(
                        item_id,
                        label,
                        "failed",
                        error=f"Cannot write {path}: {exc}",
                        error_type=type(exc).__name__,
                        attempts=attempts,
                    )
                audio_path = str(path)
            return BatchItemResult(
                item_id,
                label,
                "done",
                text=result.text,
                audio_path=audio_path,
                usage=result.usage,
                cost=result.cost,
                attempts=attempts,
            )

    def finish(self, item: BatchItemResult) -> None:
        """Count a finished item, append its line, report progress."""
        self.items.append(item)
        self.counts[item.status] += 1
        if item.status == "done" and item.usage is not None and item.cost is not None:
            self.usage = self.usage + item.usage
            self.cost = self.cost + item.cost
        if self.store is not None and item.status != "skipped":
            self.store.append(_record(item, self.model, self.options))
        if self.on_progress is not None:
            c = self.counts
            progress = BatchProgress(
                self.total, c["done"], c["failed"], c["skipped"], self.usage, self.cost, item
            )
            self.on_progress(progress)

    def skipped(self, item_id: str, label: str, before: dict[str, Any]) -> BatchItemResult:
        """The result of an item an earlier run finished."""
        usage = _usage_from(before.get("usage"))
        cost = None if usage is None else cost_of(usage, model=self.model, region=self.region)
        text, audio = before.get("text"), before.get("audio_path")
        return BatchItemResult(
            item_id,
            label,
            "skipped",
            text=text if isinstance(text, str) else None,
            audio_path=audio if isinstance(audio, str) else None,
            usage=usage,
            cost=cost,
        )

    async def worker(self, queue: Iterator[tuple[str, str, Source]]) -> None:
        """Take items from the shared iterator until it is exhausted."""
        for item_id, label, src in queue:
            if item_id in self.seen:
                continue
            self.seen.add(item_id)
            if self.stopped is not None:
                self.not_attempted += 1
                continue
            before = self.previous.get(item_id)
            if before is not None:
                self.finish(self.skipped(item_id, label, before))
                continue
            item = await self.attempt(item_id, label, src)
            if item is None:  # an account-level failure, not the item's: it stays to do
                self.not_attempted += 1
                continue
            self.finish(item)


async def run_batch(
    translate_one: Callable[[Source], Awaitable[TranslationResult]],
    sources: Iterable[Source] | Mapping[str, Source],
    *,
    options: TranslationOptions,
    model: str,
    region: str,
    concurrency: int,
    results_path: Path | None,
    audio_dir: Path | None,
    requests_per_minute: int | None,
    max_retries: int,
    backoff: Backoff,
    on_progress: Callable[[BatchProgress], object] | None,
    sleep: Callable[[float], Awaitable[object]],
    rand: Callable[[], float],
) -> BatchSummary:
    """Run a batch (see ``FileTranslator.translate_many``); return its summary."""
    store = _ResultsFile(results_path, options) if results_path is not None else None
    batch = _Batch(
        translate_one,
        options=options,
        model=model,
        region=region,
        total=len(sources) if isinstance(sources, Sized) else None,
        store=store,
        audio_dir=audio_dir,
        requests_per_minute=requests_per_minute,
        max_retries=max_retries,
        backoff=backoff,
        on_progress=on_progress,
        sleep=sleep,
        rand=rand,
    )
    started = batch.loop.time()
    queue = _identify(sources)
    if store is not None:
        store.open()
    try:
        async with asyncio.TaskGroup() as tg:
            for _ in range(concurrency):
                tg.create_task(batch.worker(queue))
    except BaseExceptionGroup as group:  # e.g. on_progress raised: surface it, not a group
        raise group.exceptions[0] from group
    finally:
        if store is not None:
            store.close()
    return BatchSummary(
        items=tuple(batch.items),
        done=batch.counts["done"],
        failed=batch.counts["failed"],
        skipped=batch.counts["skipped"],
        not_attempted=batch.not_attempted,
        usage=batch.usage,
        cost=batch.cost,
        stopped=batch.stopped,
        results_path=results_path,
        elapsed_seconds=batch.loop.time() - started,
    )


def _record(item: BatchItemResult, model: str, options: TranslationOptions) -> dict[str, Any]:
    cost = item.cost
    return {
        "id": item.id,
        "source": item.source,
        "status": item.status,
        "model": model,
        "target_language": options.target_language,
        "modalities": list(options.modalities),
        "text": item.text,
        "audio_path": item.audio_path,
        "usage": item.usage.as_dict() if item.usage is not None else None,
        "cost": (
            {"total": str(cost.total), "currency": cost.currency, "confirmed": cost.confirmed}
            if cost is not None
            else None
        ),
        "error": item.error,
        "error_type": item.error_type,
        "attempts": item.attempts,
        "finished_at": datetime.fromtimestamp(time.time(), UTC).isoformat(timespec="seconds"),
    }
