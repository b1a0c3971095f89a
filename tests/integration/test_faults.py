"""The emulator's fault injection, seen by a raw websockets client (no SDK code)."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, ConnectionClosedError, InvalidStatus

from livetranslate.testing import Emulator, Fault, FaultLog, FaultPlan, Script
from livetranslate.testing._faults import CAP_REASON, MALFORMED_FRAME
from tests.conftest import MS

M35 = "qwen3.5-livetranslate-flash-realtime"
KEY = {"Authorization": "Bearer sk-test-key"}
WAIT = 10.0  # seconds; only ever reached when something is broken
SPEECH = Script.sample().read_audio()


def url(emulator: Emulator) -> str:
    return f"{emulator.realtime_url}?model={M35}"


async def recv(ws: ClientConnection) -> dict[str, Any]:
    async with asyncio.timeout(WAIT):
        data = json.loads(await ws.recv())
    assert isinstance(data, dict)
    return data


async def open_session(emu: Emulator) -> AsyncIterator[ClientConnection]:
    # (a short close timeout: a client that stops reading mid-stream never sees the close reply)
    async with connect(
        url(emu), additional_headers=KEY, ping_interval=None, close_timeout=0.2
    ) as ws:
        assert (await recv(ws))["type"] == "session.created"
        await ws.send(json.dumps({"type": "session.update", "session": {"modalities": ["text"]}}))
        assert (await recv(ws))["type"] == "session.updated"
        yield ws


async def send_audio(ws: ClientConnection, pcm: bytes) -> None:
    for i in range(0, len(pcm), 3200):
        chunk = base64.b64encode(pcm[i : i + 3200]).decode()
        await ws.send(json.dumps({"type": "input_audio_buffer.append", "audio": chunk}))


async def drain(ws: ClientConnection) -> list[str]:
    """Receive until the connection ends; return the raw frames."""
    frames: list[str] = []
    async with asyncio.timeout(WAIT):
        try:
            while True:
                message = await ws.recv()
                assert isinstance(message, str)
                frames.append(message)
        except ConnectionClosed:
            pass
    return frames


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(latency=0) as emulator:
        yield emulator


async def test_drop_closes_tcp_without_a_close_frame(emu: Emulator) -> None:
    emu.faults = FaultPlan({0: Fault.drop(after_audio_ms=1000)})
    async for ws in open_session(emu):
        await send_audio(ws, SPEECH[: 32000 * 2])
        await drain(ws)
        assert ws.close_code == 1006
    record = await emu.wait_closed(0)
    assert record.faults == ["drop"]
    assert 32000 <= record.audio_bytes <= 2 * 32000
    assert emu.fault_log.injected == [(0, "drop")]


async def test_close_with_a_chosen_code_and_reason(emu: Emulator) -> None:
    emu.faults = FaultPlan(every=Fault.close(1013, "try later", after_events=2))
    async for ws in open_session(emu):
        with pytest.raises(ConnectionClosedError) as info:
            await recv(ws)
        assert info.value.rcvd is not None
        assert (info.value.rcvd.code, info.value.rcvd.reason) == (1013, "try later")


async def test_malformed_frame_and_error_event(emu: Emulator) -> None:
    emu.faults = FaultPlan(
        {
            0: [
                Fault.malformed(after_events=2),
                Fault.error("Throttling", "slow down", after_events=2),
            ]
        }
    )
    async for ws in open_session(emu):
        assert await ws.recv() == MALFORMED_FRAME
        event = await recv(ws)
        assert event["type"] == "error"
        assert event["error"]["code"] == "Throttling"
        assert event["error"]["message"] == "slow down"
        await send_audio(ws, SPEECH[: 32000 * 7])  # the connection still works
        assert (await recv(ws))["type"] == "input_audio_buffer.speech_started"
    assert sorted(emu.sessions[0].faults) == ["error", "malformed"]


async def test_delay_slows_every_later_event(emu: Emulator) -> None:
    emu.faults = FaultPlan({0: Fault.delay(100 * MS)})
    loop = asyncio.get_running_loop()
    async for ws in open_session(emu):
        await send_audio(ws, SPEECH[: 32000 * 7])
        started = loop.time()
        for _ in range(3):
            await recv(ws)
        assert loop.time() - started >= 250 * MS


async def test_refused_handshakes_then_accepted(emu: Emulator) -> None:
    emu.faults = FaultPlan(refuse=2, refuse_status=429, retry_after=7)
    for _ in range(2):
        with pytest.raises(InvalidStatus) as info:
            async with asyncio.timeout(WAIT), connect(url(emu), additional_headers=KEY):
                pass
        response = info.value.response
        assert response.status_code == 429
        assert response.headers["Retry-After"] == "7"
        assert json.loads(response.body or b"")["code"] == "Throttling.RateQuota"
    async for ws in open_session(emu):
        assert ws.close_code is None
    assert (emu.fault_log.handshakes, emu.fault_log.refused, len(emu.sessions)) == (3, 2, 1)


async def test_refusals_can_start_later(emu: Emulator) -> None:
    emu.faults = FaultPlan(refuse=1, refuse_after=1)
    async for _ws in open_session(emu):
        pass
    with pytest.raises(InvalidStatus) as info:
        async with asyncio.timeout(WAIT), connect(url(emu), additional_headers=KEY):
            pass
    assert info.value.response.status_code == 503
    async for _ws in open_session(emu):
        pass
    assert len(emu.sessions) == 2


async def test_silent_connection_answers_no_ping(emu: Emulator) -> None:
    emu.faults = FaultPlan({0: Fault.silent(after_audio_ms=500)})
    async for ws in open_session(emu):
        await send_audio(ws, SPEECH[: 32000 * 2])
        async with asyncio.timeout(WAIT):
            while not emu.fault_log.injected:  # noqa: ASYNC110 - the log has no event to wait on
                await asyncio.sleep(10 * MS)
        await send_audio(ws, SPEECH[:3200])  # queued unread: the server stops reading the socket
        await asyncio.sleep(50 * MS)
        pong = await ws.ping()
        with pytest.raises(TimeoutError):
            async with asyncio.timeout(300 * MS):
                await pong
        ws.transport.abort()
    async for _ws in open_session(emu):  # the silent connection ends once the client moved on
        pass
    record = await emu.wait_closed(0)
    assert record.faults == ["silent"]


async def test_session_length_cap_closes_like_the_service(emu: Emulator) -> None:
    emu.faults = FaultPlan(max_session_seconds=3.0, cap_code=1001)
    async for ws in open_session(emu):
        await send_audio(ws, SPEECH[: 32000 * 5])
        frames = await drain(ws)
        assert frames
        assert ws.close_code == 1001
        assert ws.close_reason == CAP_REASON
    assert emu.fault_log.capped == 1


async def test_drop_after_finish(emu: Emulator) -> None:
    emu.faults = FaultPlan({0: Fault.drop(after_finish=True)})
    async for ws in open_session(emu):
        await send_audio(ws, SPEECH[: 32000 * 2])
        await ws.send(json.dumps({"type": "session.finish"}))
        frames = await drain(ws)
        assert not any('"session.finished"' in frame for frame in frames)
        assert ws.close_code == 1006


def test_random_plans_are_deterministic_and_validated() -> None:
    plan = FaultPlan.random(0.5, seed=3, within_ms=1000.0, refuse_rate=0.5)
    again = FaultPlan.random(0.5, seed=3, within_ms=1000.0, refuse_rate=0.5)
    faults = [plan.faults_for(i) for i in range(40)]
    assert faults == [again.faults_for(i) for i in range(40)]
    assert [plan.refusal(i) for i in range(40)] == [again.refusal(i) for i in range(40)]
    drawn = [f for group in faults for f in group]
    assert 5 < len(drawn) < 35
    assert all(f.after_audio_ms is not None and 0 <= f.after_audio_ms <= 1000 for f in drawn)
    assert {f.kind for f in drawn} <= {"drop", "close", "silent", "malformed", "error"}
    assert {plan.refusal(i) for i in range(40)} == {None, 503}
    other = FaultPlan.random(0.5, seed=4, within_ms=1000.0)
    assert [other.faults_for(i) for i in range(40)] != faults
    every = FaultPlan.random(1.0, kinds=["delay"], seed=1)
    assert every.faults_for(0)[0].kind == "delay"
    assert "seed=3" in repr(plan)
    for bad in (
        {"refuse": -1},
        {"refuse_rate": 2.0},
        {"refuse_status": 200},
        {"max_session_seconds": 0},
        {"random_rate": 0.5, "random_kinds": ()},
    ):
        with pytest.raises(ValueError, match=r"\w"):
            FaultPlan(**bad)


def test_fault_log_counts() -> None:
    log = FaultLog()
    assert log.next_handshake() == 0
    assert log.next_handshake() == 1
    log.note(0, "drop")
    log.note(1, "error")
    assert (log.count(), log.count("drop"), log.count("silent")) == (2, 1, 0)


async def test_faults_setter_checks_the_type() -> None:
    emulator = Emulator()
    with pytest.raises(TypeError, match="FaultPlan"):
        emulator.faults = "drop"  # type: ignore[assignment]
    assert emulator.faults is None
