"""Reliability soak: many realtime sessions stream real speech while the emulator injects faults.

Run ``python bench/soak.py`` (a few minutes) or ``python bench/soak.py --quick`` (under a minute).
Two phases, both against the local emulator (in a child process, so the memory figures are the
SDK's own):

1. **Fault matrix**: many sessions stream the bundled Mandarin recording (looped) unpaced, while
   the emulator drops connections, closes them with error codes, goes silent (half-open), sends
   malformed frames and ``error`` events, slows down, and refuses handshakes, all at seeded random
   points.
2. **Long session**: one session streams a simulated 3 hours of speech (time-compressed: unpaced),
   with faults, the service's 120-minute session cap, and the SDK's rotation before it; the
   process's resident memory is sampled every simulated 15 minutes.

Every session is checked: each connection's audio must be one contiguous slice of what the app
sent (CRC-32), the slices together must cover all of it (**audio bytes lost**), and every
utterance the emulator translated on any connection must reach the app exactly once, at the same
place in the stream (**duplicated segments**, **missing segments**). Any exception that escapes a
session is reported; only ``livetranslate`` exceptions are documented. The script exits with
status 1 if a figure that must be zero is not.

The same harness (``run_session``, ``check``) runs, smaller and seeded, in
``tests/integration/test_reliability.py``.
"""
# ruff: noqa: E402  (the repository root goes on sys.path before the first livetranslate import)

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import resource
import sys
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

ROOT: Final = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import itertools

from livetranslate import LiveTranslateError, RealtimeSession, ReconnectPolicy
from livetranslate.events import SessionReconnected
from livetranslate.protocol.backoff import Backoff
from livetranslate.testing import EmulatedSession, Script

SAMPLE_RATE: Final = 16000
CHUNK: Final = SAMPLE_RATE // 10 * 2  # 100 ms of PCM16 per send
MODEL: Final = "qwen3.5-livetranslate-flash-realtime"
KEY: Final = "sk-soak-0123456789abcdef"
RANDOM_KINDS: Final = ("drop", "close", "silent", "malformed", "error", "delay")


# ----------------------------------------------------------------------------------- the audio


class AudioLoop:
    """The bundled recording repeated forever: any slice of the stream, without storing it."""

    def __init__(self, pcm: bytes | None = None) -> None:
        self.pcm = pcm if pcm is not None else Script.sample().read_audio()
        self.period = len(self.pcm)

    def slice(self, start: int, end: int) -> bytes:
        """Bytes ``start``..``end`` of the looped stream."""
        out = bytearray()
        while start < end:
            offset = start % self.period
            take = min(end - start, self.period - offset)
            out += self.pcm[offset : offset + take]
            start += take
        return bytes(out)

    def crc32(self, start: int, length: int) -> int:
        """CRC-32 of bytes ``start``..``start+length`` (computed in pieces)."""
        crc, end = 0, start + length
        while start < end:
            piece = min(end, start + self.period * 4)
            crc = zlib.crc32(self.slice(start, piece), crc)
            start = piece
        return crc


def ground_truth(audio: AudioLoop, total: int) -> list[tuple[int, int]]:
    """The utterances a fault-free emulator connection finds in the first ``total`` bytes."""
    from livetranslate.testing._segmenter import Segmenter, SpeechEnded

    segmenter = Segmenter(SAMPLE_RATE)
    found: list[tuple[int, int]] = []
    for start in range(0, total, CHUNK * 50):
        for event in segmenter.feed(audio.slice(start, min(total, start + CHUNK * 50))):
            if isinstance(event, SpeechEnded):
                found.append((event.start_ms, event.end_ms))
    found += [(e.start_ms, e.end_ms) for e in segmenter.flush() if isinstance(e, SpeechEnded)]
    return found


# ------------------------------------------------------------------------------- one session


@dataclass
class SessionResult:
    """What one client session saw."""

    name: str
    sent_bytes: int = 0
    initial_id: str | None = None
    reconnects: list[SessionReconnected] = field(default_factory=list)
    finals: list[tuple[int, int]] = field(default_factory=list)
    error: str | None = None
    documented: bool = True
    wall: float = 0.0


@dataclass(frozen=True)
class Record:
    """What the emulator saw on one connection (a picklable summary of ``EmulatedSession``)."""

    index: int
    session_id: str | None
    audio_bytes: int
    audio_crc32: int
    segments: tuple[tuple[int, int], ...]
    faults: tuple[str, ...]

    @classmethod
    def of(cls, session: EmulatedSession) -> Record:
        return cls(
            session.index,
            session.config.get("id"),
            session.audio_bytes,
            session.audio_crc32,
            tuple((int(s), int(e)) for s, e in session.segments),
            tuple(session.faults),
        )


def policy(*, rotate_after: float | None = 110 * 60.0) -> ReconnectPolicy:
    """The reconnect policy of the soak: the default, with fast backoff (the faults are local)."""
    return ReconnectPolicy(
        attempts=8,
        backoff=Backoff(initial=0.01, multiplier=2.0, maximum=0.2, jitter=0.5),
        rotate_after_seconds=rotate_after,
    )


async def run_session(
    url: str,
    audio: AudioLoop,
    seconds: float,
    *,
    name: str = "session",
    reconnect: ReconnectPolicy | bool | None = None,
    on_progress: Callable[[float], None] | None = None,
    **options: Any,
) -> SessionResult:
    """Stream ``seconds`` of the loop unpaced through one session, then finish it.

    Args:
        url: The emulator's realtime URL.
        audio: The audio stream.
        seconds: How much of it to send.
        name: A label for reports.
        reconnect: The reconnect policy (None: `policy()`; False: none).
        on_progress: Called with the seconds of audio sent, every simulated minute.
        **options: More ``RealtimeSession`` options.

    Returns:
        What the session saw; an exception that escaped is recorded, not raised.
    """
    result = SessionResult(name)
    total = int(seconds * SAMPLE_RATE) * 2
    started = time.perf_counter()
    options = {
        "model": MODEL,
        "target_language": "en",
        "ping_interval": 0.25,
        "ping_timeout": 0.25,
        "idle_timeout": 2.0,
        "send_timeout": 2.0,
        "modalities": ("text",),
        **options,
    }
    try:
        async with RealtimeSession(
            base_url=url,
            api_key=KEY,
            reconnect=policy() if reconnect is None else reconnect,
            **options,
        ) as session:
            info = session.server_session
            result.initial_id = None if info is None else info.id

            async def events() -> None:
                async for event in session:
                    if isinstance(event, SessionReconnected):
                        result.reconnects.append(event)

            async def segments() -> None:
                async for segment in session.segments():
                    if segment.start_ms is not None and segment.end_ms is not None:
                        result.finals.append((segment.start_ms, segment.end_ms))

            async with asyncio.TaskGroup() as tasks:
                tasks.create_task(events())
                tasks.create_task(segments())
                minute = SAMPLE_RATE * 2 * 60
                for start in range(0, total, CHUNK):
                    await session.send_audio(audio.slice(start, min(total, start + CHUNK)))
                    result.sent_bytes = min(total, start + CHUNK)
                    if on_progress is not None and result.sent_bytes % minute < CHUNK:
                        on_progress(result.sent_bytes / (SAMPLE_RATE * 2))
                await session.finish()
    except* LiveTranslateError as group:
        result.error = "; ".join(f"{type(e).__name__}: {e}" for e in group.exceptions)
    except* Exception as group:
        result.error = "; ".join(f"{type(e).__name__}: {e}" for e in group.exceptions)
        result.documented = False
    result.wall = time.perf_counter() - started
    return result


# ---------------------------------------------------------------------------------- the checks


@dataclass
class Figures:
    """The soak's figures for a set of sessions."""

    sessions: int = 0
    faults: int = 0
    refused: int = 0
    reconnects: int = 0
    rotations: int = 0
    audio_bytes: int = 0
    audio_bytes_lost: int = 0
    bad_slices: int = 0
    unclaimed_audio: int = 0
    segments: int = 0
    duplicated_segments: int = 0
    missing_segments: int = 0
    errors: list[str] = field(default_factory=list)
    undocumented: int = 0

    def add(self, other: Figures) -> None:
        for name in (
            "sessions",
            "faults",
            "refused",
            "reconnects",
            "rotations",
            "audio_bytes",
            "audio_bytes_lost",
            "bad_slices",
            "unclaimed_audio",
            "segments",
            "duplicated_segments",
            "missing_segments",
            "undocumented",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors += other.errors

    @property
    def ok(self) -> bool:
        return not (
            self.audio_bytes_lost
            or self.bad_slices
            or self.unclaimed_audio
            or self.duplicated_segments
            or self.missing_segments
            or self.errors
        )


def check(results: Sequence[SessionResult], records: Sequence[Record], audio: AudioLoop) -> Figures:
    """Check every session against what the emulator received and translated.

    Returns:
        The figures; ``ok`` is True when nothing was lost, duplicated or missing and no
        exception escaped.
    """
    figures = Figures(sessions=len(results))
    by_id = {r.session_id: r for r in records}
    claimed: set[int] = set()
    for result in results:
        figures.audio_bytes += result.sent_bytes
        figures.reconnects += len(result.reconnects)
        figures.rotations += sum(e.cause == "rotation" for e in result.reconnects)
        if result.error is not None:
            figures.errors.append(f"{result.name}: {result.error}")
            figures.undocumented += not result.documented
        offsets = [(result.initial_id, 0)] + [
            (e.session_id, e.offset_ms) for e in result.reconnects
        ]
        covered: list[tuple[int, int]] = []
        translated: set[tuple[int, int]] = set()
        for session_id, offset_ms in offsets:
            record = by_id.get(session_id)
            if record is None:
                continue
            claimed.add(record.index)
            start = offset_ms * SAMPLE_RATE // 1000 * 2
            if audio.crc32(start, record.audio_bytes) != record.audio_crc32:
                figures.bad_slices += 1
            covered.append((start, start + record.audio_bytes))
            translated |= {(s + offset_ms, e + offset_ms) for s, e in record.segments}
        figures.audio_bytes_lost += _uncovered(covered, result.sent_bytes)
        finals = result.finals
        figures.segments += len(finals)
        figures.duplicated_segments += len(finals) - len(set(finals))
        ordered = sorted(set(finals))
        figures.duplicated_segments += sum(a[1] > b[0] for a, b in itertools.pairwise(ordered))
        figures.missing_segments += len(translated - set(finals))
    figures.unclaimed_audio = sum(r.audio_bytes for r in records if r.index not in claimed)
    figures.faults = sum(len(r.faults) for r in records)
    return figures


def _uncovered(intervals: list[tuple[int, int]], total: int) -> int:
    reached, lost = 0, 0
    for start, end in sorted(intervals):
        if start > reached:
            lost += start - reached
        reached = max(reached, end)
    return lost + max(0, total - reached)


# ------------------------------------------------------------------------ the emulator process


def serve(spec: dict[str, Any]) -> None:
    """Child process: run the emulator with a fault plan; print records when stdin closes."""
    from livetranslate.testing import Emulator, FaultPlan

    logging.getLogger("uvicorn.error").setLevel(logging.CRITICAL)  # refused handshakes log errors

    async def main() -> None:
        plan = FaultPlan.random(
            spec["rate"],
            seed=spec["seed"],
            kinds=spec["kinds"],
            within_ms=spec["within_ms"],
            refuse_rate=spec["refuse_rate"],
            max_session_seconds=spec["cap"],
            silent_seconds=5.0,
        )
        async with Emulator(latency=0, faults=plan, finish_close_timeout=2.0) as emu:
            print(json.dumps({"url": emu.realtime_url}), flush=True)
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, sys.stdin.read)  # until the parent closes stdin
            records = [Record.of(s).__dict__ for s in emu.sessions]
            log = emu.fault_log
            print(json.dumps({"records": records, "refused": log.refused}), flush=True)

    asyncio.run(main())


class Child:
    """The emulator in a child process."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.url = ""
        self.process: asyncio.subprocess.Process | None = None

    async def __aenter__(self) -> Child:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            "--serve",
            json.dumps(self.spec),
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        assert self.process.stdout is not None
        self.url = json.loads(await self.process.stdout.readline())["url"]
        return self

    async def results(self) -> tuple[list[Record], int]:
        """Stop the child; return its records and the number of refused handshakes."""
        process = self.process
        assert process is not None
        assert process.stdin is not None
        assert process.stdout is not None
        process.stdin.close()
        data = json.loads(await process.stdout.readline())
        await process.wait()
        records = [
            Record(
                r["index"],
                r["session_id"],
                r["audio_bytes"],
                r["audio_crc32"],
                tuple((int(a), int(b)) for a, b in r["segments"]),
                tuple(r["faults"]),
            )
            for r in data["records"]
        ]
        return records, int(data["refused"])

    async def __aexit__(self, *exc: object) -> None:
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()


# ----------------------------------------------------------------------------------- reporting


def rss_mb() -> float:
    """The resident set size of this process now, in MB."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:  # not Linux: the peak is the best we have
        return peak_rss_mb()


def peak_rss_mb() -> float:
    """The peak resident set size of this process so far, in MB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10


def _hms(seconds: float) -> str:
    return f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}"


async def fault_matrix(args: argparse.Namespace, audio: AudioLoop) -> Figures:
    spec = {
        "rate": args.fault_rate,
        "seed": args.seed,
        "kinds": list(RANDOM_KINDS),
        "within_ms": args.session_seconds * 1000 * 0.8,
        "refuse_rate": 0.1,
        "cap": None,
    }
    async with Child(spec) as child:
        limit = asyncio.Semaphore(args.concurrency)

        async def one(n: int) -> SessionResult:
            async with limit:
                return await run_session(child.url, audio, args.session_seconds, name=f"s{n}")

        results = await asyncio.gather(*(one(n) for n in range(args.sessions)))
        records, refused = await child.results()
    figures = check(results, records, audio)
    figures.refused = refused
    return figures


async def long_session(args: argparse.Namespace, audio: AudioLoop) -> tuple[Figures, list[str]]:
    seconds = args.hours * 3600
    cap = args.cap_minutes * 60
    spec = {
        "rate": 0.7,
        "seed": args.seed + 1,
        "kinds": ["drop", "close", "malformed", "error"],
        "within_ms": cap * 1000,
        "refuse_rate": 0.05,
        "cap": cap,
    }
    samples: list[tuple[float, float]] = []
    next_mark = [0.0]
    step = max(60.0, seconds / 12)

    def progress(sent: float) -> None:
        if sent >= next_mark[0]:
            samples.append((sent, rss_mb()))
            next_mark[0] += step

    async with Child(spec) as child:
        result = await run_session(
            child.url,
            audio,
            seconds,
            name="long",
            reconnect=policy(rotate_after=args.rotate_minutes * 60),
            on_progress=progress,
        )
        records, refused = await child.results()
    figures = check([result], records, audio)
    figures.refused = refused
    lines = [f"  {_hms(at)}  {mb:6.1f} MB" for at, mb in samples]
    lines.append(f"  end   {rss_mb():6.1f} MB (after finish)")
    base = next((mb for at, mb in samples if at >= step), samples[0][1])
    growth = max(mb for _, mb in samples) - base
    lines.append(
        f"  wall {result.wall:.1f} s for {_hms(seconds)} of audio "
        f"({seconds / max(result.wall, 1e-9):.0f}x real time); "
        f"RSS growth after the first {_hms(step)}: {growth:+.1f} MB"
    )
    return figures, lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a smaller run, under a minute")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve is not None:
        serve(json.loads(args.serve))
        return 0
    quick = args.quick
    args.sessions = 16 if quick else 64
    args.session_seconds = 60.0 if quick else 120.0
    args.concurrency = 4
    args.fault_rate = 0.9
    args.hours = 0.5 if quick else 3.0
    args.cap_minutes = 12.0 if quick else 120.0
    args.rotate_minutes = 10.0 if quick else 110.0
    logging.basicConfig(level=logging.ERROR)  # the SDK logs each reconnect at INFO
    audio = AudioLoop()
    started = time.perf_counter()
    print(f"livetranslate soak ({'quick' if quick else 'full'}, seed {args.seed})", flush=True)
    matrix = asyncio.run(fault_matrix(args, audio))
    print(
        f"fault matrix: {matrix.sessions} sessions x {args.session_seconds:.0f} s of speech, "
        f"{matrix.faults} faults, {matrix.refused} refused handshakes, "
        f"{matrix.reconnects} reconnects",
        flush=True,
    )
    longrun, lines = asyncio.run(long_session(args, audio))
    print(
        f"long session: {_hms(args.hours * 3600)} of speech, {longrun.faults} faults, "
        f"{longrun.refused} refused handshakes, {longrun.reconnects} reconnects "
        f"({longrun.rotations} rotated before the {args.cap_minutes:.0f}-minute cap); "
        "RSS by simulated time:",
        flush=True,
    )
    print("\n".join(lines))
    total = Figures()
    total.add(matrix)
    total.add(longrun)
    total.refused = matrix.refused + longrun.refused
    rows = [
        ("sessions", total.sessions),
        ("faults injected", total.faults + total.refused),
        ("reconnects", total.reconnects),
        ("audio bytes sent", total.audio_bytes),
        ("audio bytes lost", total.audio_bytes_lost),
        ("duplicated segments", total.duplicated_segments),
        ("missing segments", total.missing_segments),
        ("final segments", total.segments),
        ("exceptions escaped", len(total.errors)),
        ("peak RSS (MB)", round(peak_rss_mb(), 1)),
    ]
    width = max(len(name) for name, _ in rows)
    print("\n".join(f"{name:<{width}}  {value}" for name, value in rows))
    for error in total.errors[:10]:
        print(f"  escaped: {error}")
    if total.bad_slices or total.unclaimed_audio:
        print(f"  bad slices: {total.bad_slices}, unclaimed audio: {total.unclaimed_audio}")
    print(f"{'PASS' if total.ok else 'FAIL'} in {time.perf_counter() - started:.0f} s")
    return 0 if total.ok else 1


if __name__ == "__main__":
    sys.exit(main())
