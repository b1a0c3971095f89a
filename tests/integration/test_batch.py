"""translate_many against the emulator: bounded, rate-limited, retried, resumable, lossless."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import wave
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from livetranslate.exceptions import ConfigurationError
from livetranslate.files import BatchProgress, FileTranslator
from livetranslate.protocol.backoff import Backoff
from livetranslate.testing import Emulator
from livetranslate.testing._http import HttpExchange
from tests.conftest import MS

KEY = "sk-batch-itest-7a8b9c0d1e"
NO_WAIT = Backoff(initial=0, maximum=0, jitter=0)


def tiny_wav(n: int) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(8000)
        wav.writeframes(int(n).to_bytes(2, "little", signed=True) * 80)  # 10 ms, unique content
    return out.getvalue()


def make_files(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"clip{n:03d}.wav"
        path.write_bytes(tiny_wav(n))
        paths.append(path)
    return paths


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(latency=0) as emulator:
        yield emulator


@pytest.fixture
async def ft(emu: Emulator) -> AsyncIterator[FileTranslator]:
    async with FileTranslator(
        api_key=KEY, base_url=emu.base_url, max_retries=3, retry_backoff=NO_WAIT
    ) as translator:
        yield translator


async def test_200_files_with_injected_failures_resume_to_completion(
    emu: Emulator, ft: FileTranslator, tmp_path: Path
) -> None:
    paths = make_files(tmp_path / "in", 200)
    digests = {digest(p): p for p in paths}
    broken = {digest(p) for p in paths[5:200:20]}  # 10 files fail on every attempt
    assert len(broken) == 10
    # 60 other files fail once each, in every way a request can fail before or during the stream
    flaky = [digest(p) for n, p in enumerate(paths) if n % 20 != 5][:60]
    for n, d in enumerate(flaky):
        match = (lambda want: lambda r: r.digest == want)(d)
        if n % 4 == 0:
            emu.http.inject("status", status=429, retry_after=0, when=match)
        elif n % 4 == 1:
            emu.http.inject("status", status=503, when=match)
        elif n % 4 == 2:
            emu.http.inject("cut", after_chunks=2, when=match)  # mid-stream: the item is redone
        else:
            emu.http.inject("cut", after_chunks=0, when=match)
    emu.http.inject("status", status=500, times=None, when=lambda r: r.digest in broken)
    results = tmp_path / "results.jsonl"
    progress: list[BatchProgress] = []

    first = await ft.translate_many(
        (str(p) for p in paths),  # a generator: read lazily
        target_language="en",
        concurrency=16,
        results_path=results,
        requests_per_minute=None,
        on_progress=progress.append,
    )
    assert (first.done, first.failed, first.skipped, first.not_attempted) == (190, 10, 0, 0)
    assert not first.ok
    assert first.stopped is None
    assert {f.error_type for f in first.failures} == {"ServerError"}
    assert {f.attempts for f in first.failures} == {4}  # 1 + max_retries
    assert {Path(f.id).name for f in first.failures} == {p.name for p in paths[5:200:20]}
    assert len(progress) == 200
    assert progress[-1].finished == 200
    assert progress[-1].total is None
    assert "failed x10: ServerError" in first.describe()
    assert first.usage.total_tokens == sum(i.usage.total_tokens for i in first.items if i.usage)
    assert len(lines(results)) == 200

    emu.http.clear_faults()
    second = await ft.translate_many(
        [str(p) for p in paths],
        target_language="en",
        concurrency=16,
        results_path=results,
        requests_per_minute=None,
    )
    assert (second.done, second.failed, second.skipped) == (10, 0, 190)
    assert second.ok

    # nothing done twice: one successful request per file, over both runs
    ok = Counter(r.digest for r in emu.http.requests if r.outcome == "ok")
    assert set(ok) == set(digests)
    assert set(ok.values()) == {1}
    # nothing lost: every file has exactly one "done" line, with its own translation
    records = lines(results)
    assert len(records) == 210
    done = [r for r in records if r["status"] == "done"]
    assert Counter(r["id"] for r in done) == Counter(str(p) for p in paths)
    for record in done:
        d = digests_of_id(record["id"])
        assert record["text"] == f"[emulated en translation {d[:8]}]"
        assert record["usage"]["input_audio_tokens"] == 13
        assert record["cost"]["currency"] == "CNY"
        assert record["error"] is None
        assert record["modalities"] == ["text"]
        assert record["model"] == "qwen3-livetranslate-flash"
    assert KEY not in results.read_text(encoding="utf-8")

    before = len(emu.http.requests)
    third = await ft.translate_many(
        [str(p) for p in paths], results_path=results, requests_per_minute=None
    )
    assert (third.done, third.skipped) == (0, 200)
    assert len(emu.http.requests) == before  # a finished batch sends nothing


def digests_of_id(item_id: str) -> str:
    return hashlib.sha256(Path(item_id).read_bytes()).hexdigest()


async def test_speech_batch_writes_audio_files(ft: FileTranslator, tmp_path: Path) -> None:
    paths = make_files(tmp_path / "in", 4)
    results = tmp_path / "out" / "speech.jsonl"
    summary = await ft.translate_many(
        paths, target_language="en", modalities=("text", "audio"), results_path=results
    )
    assert summary.done == 4
    for record in lines(results):
        audio = Path(record["audio_path"])
        assert audio.parent == tmp_path / "out" / "speech.audio"
        assert audio.name.startswith("clip")
        assert audio.name.endswith(".en.wav")
        with wave.open(str(audio), "rb") as wav:
            assert wav.getframerate() == 24000
            assert wav.getnframes() > 0
    other = tmp_path / "elsewhere"
    again = await ft.translate_many(
        paths, target_language="de", modalities=("text", "audio"), audio_dir=other
    )
    assert again.done == 4
    assert len(list(other.glob("*.de.wav"))) == 4
    with pytest.raises(ConfigurationError, match="audio_dir"):
        await ft.translate_many(paths, modalities=("text", "audio"))


async def test_resume_is_per_target_and_survives_a_torn_last_line(
    emu: Emulator, ft: FileTranslator, tmp_path: Path
) -> None:
    paths = make_files(tmp_path / "in", 6)
    results = tmp_path / "r.jsonl"
    await ft.translate_many(paths[:3], results_path=results)
    with results.open("a", encoding="utf-8") as fh:
        fh.write('{"id": "torn')  # a crash in the middle of a line
    summary = await ft.translate_many(paths, results_path=results)
    assert (summary.done, summary.skipped) == (3, 3)
    skipped = [i for i in summary.items if i.status == "skipped"]
    assert all(i.text and i.usage and i.cost for i in skipped)
    german = await ft.translate_many(paths, target_language="de", results_path=results)
    assert (german.done, german.skipped) == (6, 0)  # another target is other work
    for line in results.read_text(encoding="utf-8").splitlines()[4:]:
        json.loads(line)  # every line after the torn one is whole
    assert len(emu.http.requests) == 12


async def test_account_level_errors_stop_the_batch_and_leave_items_to_do(tmp_path: Path) -> None:
    paths = make_files(tmp_path / "in", 30)
    results = tmp_path / "r.jsonl"
    async with Emulator(latency=0, api_key="sk-not-this-one") as emu:
        async with FileTranslator(api_key=KEY, base_url=emu.base_url) as ft:
            summary = await ft.translate_many(paths, concurrency=4, results_path=results)
        assert summary.stopped is not None
        assert "AuthenticationError" in summary.stopped
        assert summary.done == summary.failed == 0
        assert summary.not_attempted == 30
        assert len(emu.http.requests) <= 4  # the workers in flight, then nothing more
        assert "stopped early" in summary.describe()
    assert results.read_text(encoding="utf-8") == ""  # a rerun will do them all


async def test_item_failures_are_reported_and_do_not_stop_the_batch(
    ft: FileTranslator, tmp_path: Path
) -> None:
    good = make_files(tmp_path / "in", 3)
    empty = tmp_path / "in" / "empty.wav"
    empty.write_bytes(b"")
    sources: list[Any] = [*good, str(tmp_path / "missing.wav"), empty, b"\x00\x00", 7]
    summary = await ft.translate_many(sources)
    assert (summary.done, summary.failed) == (3, 4)
    errors = {f.id: f for f in summary.failures}
    assert errors[str(empty)].error_type == "AudioError"
    assert "No such file" in (errors[str(tmp_path / "missing.wav")].error or "")
    assert errors["item-6"].error_type == "AudioError"  # the 7th source, an int
    assert any(i.startswith("sha256:") for i in errors)


async def test_ids_duplicates_mappings_and_arrays(
    emu: Emulator, ft: FileTranslator, tmp_path: Path
) -> None:
    paths = make_files(tmp_path / "in", 3)
    summary = await ft.translate_many([paths[0], str(paths[0]), paths[1], paths[1]])
    assert summary.done == 2  # the same id twice is done once
    named = await ft.translate_many({"first": paths[2], "second": tiny_wav(99)})
    assert sorted(i.id for i in named.items) == ["first", "second"]
    arrays = await ft.translate_many(
        [np.zeros(800, np.int16), np.ones(800, np.int16)], sample_rate=8000
    )
    assert arrays.done == 2
    assert all(i.id.startswith("sha256:") for i in arrays.items)
    assert len(emu.http.requests) == 6


async def test_workers_are_bounded_and_sources_read_lazily(
    emu: Emulator, ft: FileTranslator, tmp_path: Path
) -> None:
    paths = make_files(tmp_path / "in", 40)
    pulled = 0
    peak_tasks = 0

    def sources() -> Iterator[str]:
        nonlocal pulled
        for p in paths:
            pulled += 1
            yield str(p)

    def on_progress(progress: BatchProgress) -> None:
        nonlocal peak_tasks
        peak_tasks = max(peak_tasks, len(asyncio.all_tasks()))
        # never more than the workers' items (plus the one finishing) taken from the source
        assert pulled <= progress.finished + 4

    summary = await ft.translate_many(sources(), concurrency=4, on_progress=on_progress)
    assert summary.done == 40
    assert peak_tasks < 20  # 4 workers (+ the test, the emulator's connections): not 40


async def test_requests_per_minute_is_respected(
    emu: Emulator, ft: FileTranslator, tmp_path: Path
) -> None:
    paths = make_files(tmp_path / "in", 12)
    waits: list[float] = []

    async def sleep(seconds: float) -> None:  # no real waiting: the clock stands still
        waits.append(seconds)

    ft._sleep = sleep
    summary = await ft.translate_many(paths, concurrency=3, requests_per_minute=5)
    assert summary.done == 12
    assert sorted(round(w) for w in waits) == [60] * 5 + [120] * 2


async def test_429_pauses_every_worker(emu: Emulator, ft: FileTranslator, tmp_path: Path) -> None:
    paths = make_files(tmp_path / "in", 8)
    emu.http.inject("status", status=429, retry_after=50 * MS, times=1)
    started = asyncio.get_running_loop().time()
    summary = await ft.translate_many(paths, concurrency=4, requests_per_minute=None)
    assert summary.done == 8
    assert asyncio.get_running_loop().time() - started >= 45 * MS
    retried = [i for i in summary.items if i.attempts == 2]
    assert len(retried) == 1


def test_progress_and_summary_types_are_exported() -> None:
    from livetranslate import files

    for name in ("BatchItemResult", "BatchProgress", "BatchSummary"):
        assert name in files.__all__
    assert HttpExchange(index=0).outcome == "rejected"


async def test_bad_batch_options(ft: FileTranslator) -> None:
    with pytest.raises(ConfigurationError, match="concurrency"):
        await ft.translate_many([], concurrency=0)
    with pytest.raises(ConfigurationError, match="requests_per_minute"):
        await ft.translate_many([], requests_per_minute=0)
    empty = await ft.translate_many([])
    assert empty.ok
    assert empty.items == ()
    assert empty.cost.total == 0


async def test_a_failing_progress_callback_surfaces_as_itself(
    ft: FileTranslator, tmp_path: Path
) -> None:
    paths = make_files(tmp_path / "in", 3)

    def explode(progress: BatchProgress) -> None:
        raise RuntimeError("callback bug")

    with pytest.raises(RuntimeError, match="callback bug"):
        await ft.translate_many(paths, on_progress=explode)
