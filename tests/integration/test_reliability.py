"""Reconnect with replay, liveness, rotation: RealtimeSession against a faulty emulator.

Every scenario checks the same promises: each connection received one contiguous slice of the
app's audio and together they cover all of it; every utterance the emulator translated reached
the app exactly once, at its place in the stream (the fault-free segmentation); and only
documented exceptions escape. The seeded fault matrix at the end is a small run of
``bench/soak.py``.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bench.soak import AudioLoop, Record, SessionResult, check, ground_truth, run_session
from livetranslate import RealtimeSession, ReconnectPolicy
from livetranslate.events import ErrorEvent, SessionEvent, SessionReconnected
from livetranslate.exceptions import (
    AuthenticationError,
    LiveTranslateError,
    ServerError,
    SessionClosedError,
)
from livetranslate.protocol.backoff import Backoff
from livetranslate.testing import Emulator, Fault, FaultPlan
from tests.conftest import MS

KEY = "sk-reliable-0123456789"
M3 = "qwen3-livetranslate-flash-realtime"
M35 = "qwen3.5-livetranslate-flash-realtime"
M38 = "qwen3.8-livetranslate-flash-realtime"
AUDIO = AudioLoop()
SECONDS = 3 * AUDIO.period / 32000  # three times the sample: 9 utterances, 44.7 s
TRUTH = ground_truth(AUDIO, int(SECONDS * 16000) * 2)
FAST = Backoff(initial=0.01, multiplier=2.0, maximum=0.05, jitter=0.5)


def fast(**options: Any) -> ReconnectPolicy:
    return ReconnectPolicy(backoff=FAST, **options)


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(latency=0, record_audio=True) as emulator:
        yield emulator


async def stream(emu: Emulator, **options: Any) -> SessionResult:
    options.setdefault("reconnect", fast())
    return await run_session(emu.realtime_url, AUDIO, SECONDS, **options)


def verify(emu: Emulator, result: SessionResult) -> list[SessionReconnected]:
    """Assert every promise for one session; return its reconnect events."""
    assert result.error is None, result.error
    records = [Record.of(s) for s in emu.sessions]
    figures = check([result], records, AUDIO)
    assert figures.ok, figures
    assert result.finals == TRUTH  # exactly once, in order, with continuous timestamps
    for event in result.reconnects:  # each connection got one contiguous slice (byte for byte)
        record = next(s for s in emu.sessions if s.config.get("id") == event.session_id)
        start = event.offset_ms * 32
        assert bytes(record.audio) == AUDIO.slice(start, start + record.audio_bytes)
    return result.reconnects


# ------------------------------------------------------------------------------- lost connections


@pytest.mark.parametrize("model", [M3, M35, M38])
async def test_drop_mid_utterance_reconnects_and_replays(emu: Emulator, model: str) -> None:
    emu.faults = FaultPlan({0: Fault.drop(after_audio_ms=8000)})
    result = await stream(emu, model=model, voice=None, keywords={"人工智能": "AI"})
    (event,) = verify(emu, result)
    assert (event.type, event.attempt, event.reconnects, event.cause) == (
        "livetranslate.reconnected",
        1,
        1,
        "connection_lost",
    )
    assert event.code == 1006
    assert event.offset_ms == TRUTH[0][1]  # the replay starts where the last final ended
    assert event.replayed_ms > 0
    assert event.dropped_ms == 0
    assert event.gap_ms >= 0
    assert event.session_id == "sess_2"
    first, second = emu.sessions
    del first.config["id"], second.config["id"]
    assert second.config == first.config  # the full configuration again, glossary included
    assert second.client_events[0] == "session.update"


async def test_refused_handshakes_are_retried_with_backoff(emu: Emulator) -> None:
    emu.faults = FaultPlan({0: Fault.drop(after_audio_ms=8000)}, refuse=2, refuse_after=1)
    (event,) = verify(emu, await stream(emu))
    assert event.attempt == 3
    assert emu.fault_log.refused == 2


async def test_rate_limited_reconnect_waits_for_retry_after(emu: Emulator) -> None:
    emu.faults = FaultPlan(
        {0: Fault.drop(after_audio_ms=8000)},
        refuse=1,
        refuse_after=1,
        refuse_status=429,
        retry_after=0.3,
    )
    (event,) = verify(emu, await stream(emu))
    assert event.gap_ms >= 300 * MS * 1000
    assert event.attempt == 2


async def test_initial_open_retries_a_busy_service(emu: Emulator) -> None:
    emu.faults = FaultPlan(refuse=2)
    verify(emu, await stream(emu))
    emu.faults = FaultPlan(refuse=1, refuse_after=emu.fault_log.handshakes)
    with pytest.raises(ServerError):
        async with RealtimeSession(base_url=emu.realtime_url, api_key=KEY, reconnect=False):
            pass


async def test_a_fatal_cause_on_reconnect_raises_at_once(emu: Emulator) -> None:
    emu.faults = FaultPlan(
        {0: Fault.drop(after_audio_ms=8000)}, refuse=5, refuse_after=1, refuse_status=401
    )
    result = await stream(emu)
    assert result.error is not None
    assert result.error.startswith("AuthenticationError")
    assert KEY not in result.error
    assert emu.fault_log.handshakes == 2  # no second attempt


async def test_attempts_are_bounded(emu: Emulator) -> None:
    emu.faults = FaultPlan({0: Fault.drop(after_audio_ms=8000)}, refuse=50, refuse_after=1)
    result = await stream(emu, reconnect=fast(attempts=3))
    assert result.error is not None
    assert result.error.startswith("ServerError")
    assert emu.fault_log.handshakes == 1 + 3


async def test_errors_reach_every_reader_when_reconnecting_fails(emu: Emulator) -> None:
    emu.faults = FaultPlan({0: Fault.drop(after_audio_ms=3000)}, refuse=50, refuse_after=1)
    async with RealtimeSession(
        base_url=emu.realtime_url, api_key=KEY, reconnect=fast(attempts=2)
    ) as session:
        await session.send_audio(AUDIO.slice(0, 32000 * 6))
        with pytest.raises(ServerError):
            async for _ in session:
                pass
        with pytest.raises(ServerError):
            await session.send_audio(AUDIO.slice(0, 3200))
        assert session.reconnects == 0


async def test_without_reconnect_a_drop_ends_the_session(emu: Emulator) -> None:
    emu.faults = FaultPlan({0: Fault.drop(after_audio_ms=3000)})
    result = await stream(emu, reconnect=False)
    assert result.error is not None
    assert result.error.startswith("SessionClosedError")
    assert len(emu.sessions) == 1


async def test_a_malformed_frame_reconnects(emu: Emulator) -> None:
    emu.faults = FaultPlan({0: Fault.malformed(after_audio_ms=8000)})
    (event,) = verify(emu, await stream(emu))
    assert event.code is None  # a local decision, not a close by the server


async def test_error_events_are_delivered_and_the_session_goes_on(emu: Emulator) -> None:
    emu.faults = FaultPlan(every=Fault.error("InternalError", "hiccup", after_audio_ms=5000))
    errors: list[ErrorEvent] = []
    async with RealtimeSession(base_url=emu.realtime_url, api_key=KEY) as session:

        async def read() -> None:
            async for event in session:
                if isinstance(event, ErrorEvent):
                    errors.append(event)

        async with asyncio.TaskGroup() as tasks:
            tasks.create_task(read())
            await session.send_audio(AUDIO.slice(0, 32000 * 8))
            await session.finish()
    assert [e.error.code for e in errors] == ["InternalError"]
    assert session.reconnects == 0


# ------------------------------------------------------------------------------------ liveness


async def test_a_half_open_connection_is_detected_by_pings(emu: Emulator) -> None:
    emu.faults = FaultPlan({0: Fault.silent(after_audio_ms=8000)})
    loop = asyncio.get_running_loop()
    started = loop.time()
    result = await stream(emu, ping_interval=0.1, ping_timeout=0.1, idle_timeout=None)
    assert len(verify(emu, result)) == 1
    assert emu.sessions[0].faults == ["silent"]
    assert loop.time() - started < 5.0  # ping_interval + ping_timeout + the 2 s close timeout


async def test_a_stalled_peer_is_detected_by_the_send_timeout(emu: Emulator) -> None:
    emu.faults = FaultPlan({0: Fault.silent(after_audio_ms=2000)})
    audio = AUDIO.slice(0, 32000 * 300)  # enough to fill the socket buffers
    async with RealtimeSession(
        base_url=emu.realtime_url,
        api_key=KEY,
        modalities=("text",),
        ping_interval=None,
        idle_timeout=None,
        send_timeout=0.3,
        reconnect=fast(replay_seconds=600),
    ) as session:
        events: list[SessionEvent] = []

        async def read() -> None:
            events.extend([event async for event in session])

        async with asyncio.TaskGroup() as tasks:
            tasks.create_task(read())
            for i in range(0, len(audio), 3200):
                await session.send_audio(audio[i : i + 3200])
            await session.finish()
    reconnected = [e for e in events if isinstance(e, SessionReconnected)]
    assert len(reconnected) == 1
    assert bytes(emu.sessions[1].audio) == audio[reconnected[0].offset_ms * 32 :]


async def test_an_idle_server_is_detected_while_a_response_is_in_flight(emu: Emulator) -> None:
    emu.faults = FaultPlan({0: Fault.delay(0.4, after_audio_ms=2000)})
    (event,) = verify(emu, await stream(emu, idle_timeout=0.1))
    assert event.offset_ms == 0  # nothing was final yet: everything is replayed


# -------------------------------------------------------------------------------- long sessions


async def test_rotation_before_the_cap_at_an_utterance_boundary(emu: Emulator) -> None:
    events = verify(emu, await stream(emu, reconnect=fast(rotate_after_seconds=12.0)))
    assert events
    assert {(e.cause, e.code) for e in events} == {("rotation", None)}
    ends = {end for _, end in TRUTH}
    assert all(e.offset_ms in ends for e in events)  # each switch right after a final utterance
    assert all(s.closed and not s.finished for s in emu.sessions[:-1])  # replaced, not finished


async def test_the_service_cap_without_rotation_is_a_reconnect(emu: Emulator) -> None:
    emu.faults = FaultPlan(max_session_seconds=20.0)
    events = verify(emu, await stream(emu, reconnect=fast(rotate_after_seconds=None)))
    assert [(e.cause, e.code) for e in events] == [("connection_lost", 1000)] * len(events)
    assert len(events) >= 2
    assert emu.fault_log.capped == len(events)


async def test_a_connection_lost_while_finishing_finishes_on_the_next(emu: Emulator) -> None:
    emu.faults = FaultPlan({0: Fault.drop(after_finish=True)})
    (event,) = verify(emu, await stream(emu))
    assert emu.sessions[1].finished
    assert emu.sessions[1].client_events[-1] == "session.finish"
    assert event.replayed_ms > 0


async def test_manual_commits_are_replayed_in_place(emu: Emulator) -> None:
    emu.faults = FaultPlan({0: Fault.drop(after_audio_ms=9000)})
    pieces = [AUDIO.slice(0, 32000 * 6), AUDIO.slice(32000 * 6, 32000 * 11)]
    async with RealtimeSession(
        base_url=emu.realtime_url, api_key=KEY, turn_detection="manual", reconnect=fast()
    ) as session:
        for piece in pieces:
            await session.send_audio(piece)
            await session.commit()
        await session.finish()
    finals = [segment async for segment in session.segments()]
    assert len(finals) == 2
    assert [s.index for s in finals] == [0, 1]
    assert session.reconnects == 1
    second = emu.sessions[1]
    assert second.client_events.count("input_audio_buffer.commit") == 1
    assert bytes(second.audio) == pieces[1]


async def test_update_during_an_outage_applies_to_the_next_connection(emu: Emulator) -> None:
    emu.faults = FaultPlan({0: Fault.drop(after_audio_ms=2000)}, refuse=2, refuse_after=1)
    async with RealtimeSession(base_url=emu.realtime_url, api_key=KEY, reconnect=fast()) as session:
        await session.send_audio(AUDIO.slice(0, 32000 * 3))
        async with asyncio.timeout(5):
            await emu.wait_closed(0)
        config = await session.update(keywords={"发布": "launch"})
        assert config.keywords == {"发布": "launch"}
        await session.finish()
    assert emu.sessions[-1].config["translation"]["corpus"]["phrases"] == {"发布": "launch"}


# ------------------------------------------------------------------------------ the fault matrix


async def test_seeded_fault_matrix(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="livetranslate")
    plan = FaultPlan.random(
        1.0,
        seed=11,
        kinds=["drop", "close", "malformed", "error"],
        within_ms=20_000.0,
        refuse_rate=0.2,
    )
    async with Emulator(latency=0, faults=plan) as emulator:
        sem = asyncio.Semaphore(4)

        async def one(n: int) -> SessionResult:
            async with sem:
                return await run_session(
                    emulator.realtime_url, AUDIO, SECONDS, name=f"s{n}", reconnect=fast()
                )

        results = await asyncio.gather(*(one(n) for n in range(12)))
        records = [Record.of(s) for s in emulator.sessions]
        refused = emulator.fault_log.refused
    figures = check(results, records, AUDIO)
    assert figures.ok, figures
    assert figures.faults + refused >= 12
    assert figures.reconnects >= 8
    assert figures.audio_bytes_lost == figures.duplicated_segments == 0
    assert all(r.finals == TRUTH for r in results)
    assert not [r for r in caplog.records if "overflowed" in r.getMessage()]


def test_documented_errors_only() -> None:
    """The harness records escaping exceptions by kind; all of these are documented."""
    for kind in (AuthenticationError, ServerError, SessionClosedError):
        assert issubclass(kind, LiveTranslateError)
