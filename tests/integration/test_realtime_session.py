"""RealtimeSession over real loopback WebSockets: the emulator, plus scripted failure servers."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import sys
import time
from collections.abc import AsyncIterable, AsyncIterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import websockets

from livetranslate import testing as lt_testing
from livetranslate.events import ErrorEvent, UnknownServerEvent
from livetranslate.exceptions import (
    AudioError,
    AuthenticationError,
    ConfigurationError,
    ConnectError,
    LocalProtocolError,
    PermissionDeniedError,
    RateLimitError,
    RemoteProtocolError,
    ServerError,
    SessionClosedError,
    SessionClosedOK,
    SessionError,
    TransportTimeout,
    UsageError,
)
from livetranslate.protocol import SessionState
from livetranslate.realtime import RealtimeSession, connect
from livetranslate.testing import Emulator, Script
from tests.conftest import MS
from tests.integration import scenario_server as sc
from tests.integration.scenario_server import ScenarioServer

KEY = "sk-itest-4f1c9a7e2b8d0e6f"
DENIED = "sk-denied-9e8d7c6b5a4f3e2d"
SAMPLE = Path(lt_testing.__file__).parent / "data" / "sample_zh.wav"
ROOT = Path(__file__).resolve().parents[2]
MODELS = [
    "qwen3-livetranslate-flash-realtime",
    "qwen3.5-livetranslate-flash-realtime",
    "qwen3.8-livetranslate-flash-realtime",
]
QWEN35 = MODELS[1]
SCRIPT = Script.sample()
SOURCES = [u.source for u in SCRIPT.utterances]
TRANSLATIONS = [u.translations["en"] for u in SCRIPT.utterances]
JPEG = b"\xff\xd8\xff\xe0" + bytes(200) + b"\xff\xd9"


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(api_key=KEY, script=SCRIPT, latency=0) as server:
        yield server


@pytest.fixture
async def denying_emu() -> AsyncIterator[Emulator]:
    """Accepts any key, but closes with 1007 "Access denied" for DENIED."""
    async with Emulator(denied_keys=[DENIED], script=SCRIPT, latency=0) as server:
        yield server


def session(url: str, model: str = QWEN35, **options: Any) -> RealtimeSession:
    options.setdefault("api_key", KEY)
    return RealtimeSession(model=model, base_url=url, **options)


def state(s: RealtimeSession) -> SessionState:
    """The session's state (a call, so mypy does not narrow it across awaits)."""
    return s.state


def pcm(seconds: float) -> bytes:
    """The first seconds of the sample (starts with silence)."""
    return SCRIPT.read_audio()[: int(16000 * seconds) * 2]


# ----------------------------------------------------------------------------- happy paths


@pytest.mark.parametrize("modalities", [("text",), ("text", "audio")], ids=["text", "audio"])
@pytest.mark.parametrize("model", MODELS)
async def test_translates_the_sample(
    emu: Emulator, model: str, modalities: tuple[Any, ...]
) -> None:
    async with session(emu.realtime_url, model, modalities=modalities) as s:
        assert s.state is SessionState.READY
        assert s.server_session is not None
        seconds = await s.stream(SAMPLE, realtime=False)
        summary = await s.finish()
    finals = [segment async for segment in s.segments()]
    assert [seg.source_text for seg in finals] == SOURCES
    assert [seg.translated_text for seg in finals] == TRANSLATIONS
    assert all(seg.final for seg in finals)
    if "audio" in modalities:
        assert all(len(seg.audio) > 0 for seg in finals)
    else:
        assert all(seg.audio == b"" for seg in finals)
    assert seconds == pytest.approx(14.895, abs=0.01)
    assert summary.segments == 3
    assert summary.usage.total_tokens > 0
    assert summary.cost.total > 0
    assert summary.audio_seconds_sent == pytest.approx(seconds)
    assert summary.duration_seconds > 0
    assert state(s) is SessionState.CLOSED
    assert emu.sessions[0].finished
    assert await s.finish() is summary  # idempotent


async def test_event_iterator_in_one_task_finish_in_another(emu: Emulator) -> None:
    async with session(emu.realtime_url) as s:

        async def consume() -> list[str]:
            return [event.type async for event in s]

        async with asyncio.TaskGroup() as group:
            events = group.create_task(consume())
            partials = group.create_task(collect(s.segments(partial=True)))
            await s.stream(SAMPLE, realtime=False)
            await s.finish()
    types = events.result()
    assert types[:2] == ["session.created", "session.updated"]
    assert types[-1] == "session.finished"
    assert types.count("response.done") == 3
    assert types == emu.sessions[0].server_events
    segments = partials.result()
    assert any(not seg.final for seg in segments)
    assert [seg.translated_text for seg in segments if seg.final] == TRANSLATIONS
    assert s.dropped_events == s.dropped_segments == 0


async def collect(iterator: AsyncIterable[Any]) -> list[Any]:
    return [item async for item in iterator]


@pytest.mark.parametrize("model", MODELS)
async def test_hot_update_of_keywords(emu: Emulator, model: str) -> None:
    async with session(emu.realtime_url, model) as s:
        await s.send_audio(pcm(1.0))
        config = await s.update(keywords={"人工智能": "AI"})
        assert dict(config.keywords or {}) == {"人工智能": "AI"}
        assert s.config is config
        await s.stream(SAMPLE, realtime=False)
    record = emu.sessions[0]
    assert record.config["translation"]["corpus"]["phrases"] == {"人工智能": "AI"}
    assert record.client_events.count("session.update") == 2


async def test_invalid_update_fails_before_the_wire(emu: Emulator) -> None:
    async with session(emu.realtime_url) as s:
        sent = len(emu.sessions[0].client_events)
        with pytest.raises(ConfigurationError):
            await s.update(target_language="klingon")
        assert len(emu.sessions[0].client_events) == sent
        assert s.config.target_language == "en"


async def test_concurrent_updates_both_take_effect(emu: Emulator) -> None:
    async with session(emu.realtime_url) as s:
        await asyncio.gather(s.update(keywords={"人工智能": "AI"}), s.update(target_language="fr"))
        assert dict(s.config.keywords or {}) == {"人工智能": "AI"}  # the second kept the first
        assert s.config.target_language == "fr"
        await s.close()
    assert emu.sessions[0].config["translation"]["corpus"]["phrases"] == {"人工智能": "AI"}


async def test_await_connect_and_async_with_connect(emu: Emulator) -> None:
    s = await connect(api_key=KEY, base_url=emu.realtime_url, modalities=("text",))
    assert s.state is SessionState.READY
    await s.send_audio(pcm(0.5))
    summary = await s.finish()
    assert summary.audio_seconds_sent == pytest.approx(0.5)
    with pytest.raises(UsageError):
        await s.send_audio(pcm(0.1))
    async with connect(api_key=KEY, base_url=emu.realtime_url) as t:
        assert t.state is SessionState.READY
    async with await connect(api_key=KEY, base_url=emu.realtime_url) as u:
        assert u.state is SessionState.READY
    assert [record.finished for record in emu.sessions] == [True, True, True]


async def test_env_key_is_used(emu: Emulator, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASHSCOPE_API_KEY", KEY)
    async with RealtimeSession(base_url=emu.realtime_url) as s:
        assert s.state is SessionState.READY


async def test_numpy_audio_and_images(emu: Emulator) -> None:
    async with session(emu.realtime_url) as s:
        with pytest.raises(LocalProtocolError):
            await s.send_image(JPEG)  # the service rejects an image before any audio
        samples = np.frombuffer(pcm(0.3), dtype="<i2")
        await s.send_audio(samples)
        await s.send_audio(samples.astype(np.float32) / 32768)
        with pytest.raises(AudioError, match="mono"):
            await s.send_audio(np.zeros((100, 2), dtype=np.int16))
        started = time.monotonic()
        await s.send_image(JPEG)
        await s.send_image(JPEG)
        assert time.monotonic() - started >= 0.25  # at most 2 frames per second
    record = emu.sessions[0]
    assert record.audio_bytes == 2 * len(samples) * 2
    assert record.images == 2
    assert record.errors == []


async def test_manual_commit(emu: Emulator) -> None:
    async with session(emu.realtime_url) as s:
        with pytest.raises(LocalProtocolError, match="manual"):
            await s.commit()
    async with session(emu.realtime_url, turn_detection="manual") as s:
        await s.send_audio(pcm(6.0))
        await s.commit()
    assert "input_audio_buffer.commit" in emu.sessions[1].client_events


async def test_stream_options_and_image_paths(emu: Emulator, tmp_path: Path) -> None:
    frame = tmp_path / "frame.jpg"
    frame.write_bytes(JPEG)
    async with session(emu.realtime_url) as s:
        for bad in (5, 101, 50.0):
            with pytest.raises(ConfigurationError, match="chunk_ms"):
                await s.stream(b"", chunk_ms=bad)  # type: ignore[arg-type]
        await s.send_audio(b"")  # nothing to send
        await s.send_audio(pcm(0.2))
        await s.send_image(frame)
    assert emu.sessions[0].images == 1


async def test_paced_stream_takes_about_real_time(emu: Emulator) -> None:
    audio = pcm(0.6)
    async with session(emu.realtime_url) as s:
        started = time.monotonic()
        seconds = await s.stream(audio, realtime=True, chunk_ms=100)
        elapsed = time.monotonic() - started
    assert seconds == pytest.approx(0.6)
    assert elapsed >= 0.5 * seconds


async def test_stream_rejoins_split_samples_from_an_async_iterator(emu: Emulator) -> None:
    audio = pcm(1.0)

    async def odd_chunks() -> AsyncIterator[bytes]:
        for start in range(0, len(audio), 777):
            yield audio[start : start + 777]

    async with session(emu.realtime_url) as s:
        assert await s.stream(odd_chunks(), realtime=False) == pytest.approx(1.0)
    assert emu.sessions[0].audio_bytes == len(audio)


# ------------------------------------------------------------------------- leaving the block


async def test_leaving_the_block_without_finish_finishes_cleanly(emu: Emulator) -> None:
    async with session(emu.realtime_url) as s:
        await s.stream(SAMPLE, realtime=False)
    record = await emu.wait_closed()
    assert record.finished
    assert record.closed_code == 1000
    assert len([seg async for seg in s.segments()]) == 3


async def test_exception_in_the_block_closes_promptly_and_propagates(emu: Emulator) -> None:
    s = session(emu.realtime_url)

    async def failing_block() -> None:
        async with s:
            await s.send_audio(pcm(0.5))
            raise KeyError("app bug")

    with pytest.raises(KeyError, match="app bug"):
        await failing_block()
    record = await emu.wait_closed()
    assert not record.finished
    assert s.state is SessionState.CLOSED


async def test_close_without_finish(emu: Emulator) -> None:
    async with session(emu.realtime_url) as s:
        await s.close()
        await s.close()
        with pytest.raises(UsageError):
            await s.send_audio(pcm(0.1))
        with pytest.raises(UsageError):
            await s.finish()
    assert not (await emu.wait_closed()).finished


# --------------------------------------------------------------------------------- reading


async def test_concurrent_recv_is_a_usage_error_and_cancel_loses_nothing(emu: Emulator) -> None:
    async with session(emu.realtime_url) as s:
        assert (await s.recv()).type == "session.created"
        assert (await s.recv()).type == "session.updated"
        first = asyncio.create_task(s.recv())
        await asyncio.sleep(0)  # let it start waiting
        with pytest.raises(UsageError):
            await s.recv()
        first.cancel()
        with pytest.raises(asyncio.CancelledError):
            await first
        await s.stream(SAMPLE, realtime=False)
        event = await s.recv()
        assert event.type == emu.sessions[0].server_events[2]
        async with asyncio.TaskGroup() as group:
            rest = group.create_task(collect(s))
            await s.finish()
        assert len(rest.result()) == len(emu.sessions[0].server_events) - 3
        with pytest.raises(SessionClosedOK):
            await s.recv()


async def test_unread_kind_drops_oldest_instead_of_blocking(
    emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    async with session(emu.realtime_url, max_queued_events=4) as s, asyncio.TaskGroup() as group:
        finals = group.create_task(collect(s.segments()))
        await s.stream(SAMPLE, realtime=False)
        await s.finish()
    assert len(finals.result()) == 3
    assert s.dropped_events > 0
    assert s.dropped_segments == 0
    warnings = [r for r in caplog.records if "dropping the oldest" in r.getMessage()]
    assert len(warnings) == 1
    assert len([event async for event in s]) == 4


async def test_iterated_kind_applies_backpressure(emu: Emulator) -> None:
    s = session(emu.realtime_url, max_queued_events=2, max_queued_segments=1)
    async with s, asyncio.TaskGroup() as group:
        events = group.create_task(collect(s))
        segments = group.create_task(collect(s.segments(partial=True)))
        await s.stream(SAMPLE, realtime=False)
        await s.finish()
    assert s.dropped_events == s.dropped_segments == 0
    assert len(events.result()) == len(emu.sessions[0].server_events)
    assert sum(seg.final for seg in segments.result()) == 3


# ---------------------------------------------------------------------------- failures: open


async def test_bad_key_is_an_authentication_error_naming_the_region(emu: Emulator) -> None:
    bad = "sk-wrong-0123456789abcdef"
    for region in ("intl", "cn"):
        with pytest.raises(AuthenticationError) as info:
            async with session(emu.realtime_url, api_key=bad, region=region):
                pass
        err = info.value
        assert err.status_code == 401
        assert err.code == "InvalidApiKey"
        assert f"'{region}'" in str(err)
        assert "region" in str(err)
        assert isinstance(err.__cause__, websockets.exceptions.InvalidStatus)
        assert bad not in f"{err} {err!r} {err.body!r}"


async def test_missing_key_is_a_configuration_error(
    emu: Emulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DASHSCOPE_API_KEY", raising=False)
    with pytest.raises(ConfigurationError, match=r"api_key.*DASHSCOPE_API_KEY"):
        async with RealtimeSession(base_url=emu.realtime_url):
            pass
    assert emu.sessions == []


async def test_unknown_language_fails_before_connecting() -> None:
    with pytest.raises(ConfigurationError, match="klingon"):
        async with session("ws://127.0.0.1:9/nowhere", target_language="klingon"):
            pass


async def test_access_denied_close_is_permission_denied(denying_emu: Emulator) -> None:
    with pytest.raises(PermissionDeniedError, match="Access denied") as info:
        async with session(denying_emu.realtime_url, api_key=DENIED):
            pass
    assert DENIED not in str(info.value)


async def test_connection_refused_is_a_connect_error() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(ConnectError) as info:
        async with session(f"ws://127.0.0.1:{port}/api-ws/v1/realtime"):
            pass
    assert isinstance(info.value.__cause__, OSError)


@pytest.mark.parametrize(
    ("status", "kind"),
    [(403, PermissionDeniedError), (429, RateLimitError), (503, ServerError)],
)
async def test_handshake_status_mapping(status: int, kind: type[Exception]) -> None:
    body = {"code": "Some.Code", "message": "nope", "request_id": "req-1"}
    step = {"http": status, "body": body, "headers": {"Retry-After": "3"}}
    async with ScenarioServer([step]) as server:
        with pytest.raises(kind) as info:
            async with session(server.url, reconnect=False):  # (else 429/5xx are retried)
                pass
    err = info.value
    assert getattr(err, "request_id", None) == "req-1"
    assert getattr(err, "code", None) == "Some.Code"
    if isinstance(err, RateLimitError):
        assert err.retry_after == 3.0


async def test_handshake_headers_and_url() -> None:
    async with ScenarioServer([*sc.handshake(), {"hang": True}]) as server:
        s = await connect(api_key=KEY, base_url=server.url, workspace="llm-abc123")
        await s.close()
    headers = server.headers[0]
    assert headers["Authorization"] == f"Bearer {KEY}"
    assert headers["User-Agent"].startswith("livetranslate/")
    assert headers["X-DashScope-WorkSpace"] == "llm-abc123"
    assert "Sec-WebSocket-Extensions" not in headers  # no permessage-deflate
    assert server.paths == [f"/api-ws/v1/realtime?model={QWEN35}"]


async def test_configuration_rejected_at_open_is_a_session_error() -> None:
    steps = [
        sc.created(),
        {"expect": "session.update"},
        sc.error("invalid_value", "Invalid modalities.", "session.modalities"),
    ]
    async with ScenarioServer(steps) as server:
        with pytest.raises(SessionError) as info:
            async with session(server.url):
                pass
        await server.closed.wait()
    assert info.value.code == "invalid_value"
    assert info.value.param == "session.modalities"
    assert info.value.message == "Invalid modalities."


async def test_no_session_created_times_out() -> None:
    async with ScenarioServer([{"hang": True}]) as server:
        with pytest.raises(TransportTimeout, match=r"session\.created"):
            async with session(server.url, open_timeout=300 * MS):
                pass
        await server.closed.wait()


# ------------------------------------------------------------------------ failures: midstream


async def test_rejected_update_raises_and_keeps_the_previous_config() -> None:
    steps = [
        *sc.handshake(),
        {"expect": "session.update"},
        sc.error("invalid_value", "Unsupported voice.", "session.voice"),
        {"hang": True},
    ]
    async with ScenarioServer(steps) as server, session(server.url) as s:
        with pytest.raises(SessionError, match="Unsupported voice"):
            await s.update(keywords={"a": "b"})
        assert s.config.keywords is None
        assert s.state is SessionState.READY
        await s.close()


async def test_error_event_mid_stream_is_delivered_as_an_event() -> None:
    steps = [*sc.handshake(), sc.error("server_error", "Transient failure."), {"hang": True}]
    async with ScenarioServer(steps) as server, session(server.url) as s:
        types = [(await s.recv()).type for _ in range(2)]
        event = await s.recv()
        assert types == ["session.created", "session.updated"]
        assert isinstance(event, ErrorEvent)
        assert event.error.code == "server_error"
        assert s.state is SessionState.READY
        await s.close()


async def test_unknown_event_type_is_delivered_as_unknown_server_event() -> None:
    novel = {"type": "response.brand_new", "event_id": "ev_x", "payload": {"a": 1}}
    steps = [*sc.handshake(), {"send": novel}, {"hang": True}]
    async with ScenarioServer(steps) as server, session(server.url) as s:
        events = [await s.recv() for _ in range(3)]
        assert isinstance(events[2], UnknownServerEvent)
        assert events[2].raw == novel
        await s.close()


async def test_server_close_mid_stream_after_buffered_events() -> None:
    started = {"type": "input_audio_buffer.speech_started", "audio_start_ms": 100}
    steps = [*sc.handshake(), {"send": started}, {"close": 1011, "reason": "Internal error"}]
    seen: list[str] = []

    async def read_all(s: RealtimeSession) -> None:
        async for event in s:
            seen.append(event.type)

    async with ScenarioServer(steps) as server, session(server.url, reconnect=False) as s:
        with pytest.raises(SessionClosedError) as info:
            await read_all(s)
        assert seen == ["session.created", "session.updated", started["type"]]
        assert (info.value.code, info.value.reason) == (1011, "Internal error")
        with pytest.raises(SessionClosedError):
            await s.send_audio(pcm(0.1))
        assert s.state is SessionState.FAILED
        # leaving the block does not raise again what the app has already seen


async def test_abrupt_close_unseen_by_the_app_raises_on_leaving() -> None:
    async def wait_in_block(s: RealtimeSession, server: ScenarioServer) -> None:
        async with s:
            await server.closed.wait()

    async with ScenarioServer([*sc.handshake(), {"abort": True}]) as server:
        with pytest.raises(SessionClosedError) as info:
            await wait_in_block(session(server.url, reconnect=False), server)
    assert info.value.code == 1006


async def test_invalid_frame_is_a_remote_protocol_error() -> None:
    steps = [*sc.handshake(), {"send_raw": "not json"}]
    async with ScenarioServer(steps) as server, session(server.url, reconnect=False) as s:
        with pytest.raises(RemoteProtocolError):
            await collect(s.segments())
        assert s.state is SessionState.FAILED
        await server.closed.wait()


async def test_clean_server_close_before_finished_is_session_closed_ok() -> None:
    async with ScenarioServer([*sc.handshake(), {"close": 1001, "reason": "going away"}]) as server:
        s = await connect(api_key=KEY, base_url=server.url, reconnect=False)
        assert [event.type async for event in take(s, 2)] == ["session.created", "session.updated"]
        with pytest.raises(SessionClosedOK) as info:
            await s.recv()
        assert info.value.code == 1001
        with pytest.raises(SessionClosedOK):
            await s.finish()


async def take(s: RealtimeSession, count: int) -> AsyncIterator[Any]:
    for _ in range(count):
        yield await s.recv()


async def test_connection_lost_during_finish() -> None:
    steps = [*sc.handshake(), {"expect": "session.finish"}, {"close": 1011, "reason": "crash"}]
    async with ScenarioServer(steps) as server:
        s = await connect(api_key=KEY, base_url=server.url, reconnect=False)
        with pytest.raises(SessionClosedError) as info:
            await s.finish()
        assert info.value.code == 1011
        with pytest.raises(SessionClosedError):
            await s.finish()  # still no summary: the last utterance may be lost


async def test_finish_timeout() -> None:
    async with ScenarioServer([*sc.handshake(), {"hang": True}]) as server:
        s = await connect(api_key=KEY, base_url=server.url, finish_timeout=200 * MS)
        with pytest.raises(TransportTimeout, match=r"session\.finished"):
            await s.finish()
        assert s.state is SessionState.FAILED


# -------------------------------------------------------------------------------- secrecy


async def test_key_never_appears_in_logs_reprs_or_errors(
    emu: Emulator, denying_emu: Emulator, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="livetranslate")
    errors: list[BaseException] = []
    async with session(emu.realtime_url) as s:
        shown = repr(s)
        await s.stream(pcm(6.0), realtime=False)
    for url, key in (
        (emu.realtime_url, "sk-wrong-5ecret5ecret"),
        (denying_emu.realtime_url, DENIED),
    ):
        try:
            async with session(url, api_key=key):
                pass
        except (AuthenticationError, PermissionDeniedError) as failure:
            errors.append(failure)
    assert len(errors) == 2
    assert any(r.levelno == logging.DEBUG for r in caplog.records)
    assert "Authorization: Bearer ***" in caplog.text  # websockets' handshake log, masked
    for text in (*SOURCES, *TRANSLATIONS):
        assert text not in caplog.text
    for secret in (KEY, "sk-wrong-5ecret5ecret", DENIED):
        assert secret not in caplog.text
        assert secret not in shown
        for error in errors:
            assert secret not in f"{error} {error.args!r}"


# -------------------------------------------------------------------------------- example


async def test_example_interprets_the_sample_against_the_emulator(tmp_path: Path) -> None:
    out = tmp_path / "speech.wav"
    async with Emulator(script=SCRIPT, latency=0) as server:
        env = {
            **os.environ,
            "LIVETRANSLATE_BASE_URL": server.realtime_url,
            "DASHSCOPE_API_KEY": KEY,
            "PYTHONPATH": str(ROOT),
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(ROOT / "examples" / "realtime_file.py"),
            "--fast",
            "--save-audio",
            str(out),
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        stdout, stderr = await process.communicate()
    text = stdout.decode()
    assert process.returncode == 0, stderr.decode()
    assert all(translation in text for translation in TRANSLATIONS if translation)
    assert "3 utterances" in text
    assert out.stat().st_size > 44
