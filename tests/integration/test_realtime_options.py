"""Session options reach the wire in each generation's own dialect (checked at the emulator)."""

from __future__ import annotations

from livetranslate import RealtimeSession, connect
from livetranslate.testing import Emulator


async def test_vad_options_reach_the_service_on_35() -> None:
    async with Emulator(latency=0) as emu:
        async with RealtimeSession(
            base_url=emu.realtime_url,
            api_key="sk-test",
            vad_threshold=0.3,
            silence_duration_ms=800,
        ) as session:
            assert session.config.silence_duration_ms == 800
        turn = emu.sessions[0].config["turn_detection"]
        assert turn["type"] == "server_vad"
        assert turn["threshold"] == 0.3
        assert turn["silence_duration_ms"] == 800


async def test_connect_is_the_session_class_and_awaitable() -> None:
    assert connect is RealtimeSession
    async with Emulator(latency=0) as emu:
        session = await connect(base_url=emu.realtime_url, api_key="sk-test", modalities=("text",))
        try:
            assert session.config.modalities == ("text",)
        finally:
            await session.finish()
        assert emu.sessions[0].config["modalities"] == ["text"]
