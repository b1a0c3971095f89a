"""Pure parts of the realtime transport: key, URL, headers, error mapping, media, channels."""

from __future__ import annotations

import array
import asyncio
import json
import logging
import pickle
import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile
from websockets.datastructures import Headers
from websockets.exceptions import (
    ConnectionClosedError,
    ConnectionClosedOK,
    InvalidHeader,
    InvalidStatus,
    InvalidURI,
    PayloadTooBig,
)
from websockets.frames import Close
from websockets.http11 import Response

from livetranslate._realtime_io import END, Channel, ChannelIterator, _map_ws_errors
from livetranslate._realtime_media import (
    chunk_size,
    load_jpeg,
    paced_chunks,
    pcm16_from,
    pcm_pieces,
)
from livetranslate._realtime_setup import (
    API_KEY_ENV,
    USER_AGENT,
    build_headers,
    build_url,
    error_from_close,
    error_from_handshake,
    resolve_api_key,
    session_error,
    wire_type,
)
from livetranslate._secret import Secret, redact
from livetranslate.events import ErrorEvent, parse_server_event
from livetranslate.exceptions import (
    APIStatusError,
    AudioError,
    AuthenticationError,
    ConfigurationError,
    ConnectError,
    LiveTranslateError,
    MediaError,
    NotFoundError,
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
from livetranslate.realtime import RealtimeSession, SessionSummary, connect

KEY = "sk-unit-0a1b2c3d4e5f6a7b8c9d"
SECRET = Secret(KEY)
MODEL = "qwen3.5-livetranslate-flash-realtime"


# ------------------------------------------------------------------------------- secrets


def test_secret_never_shows_the_key() -> None:
    assert KEY not in f"{SECRET!r} {SECRET!s} {SECRET}"
    assert repr(SECRET) == "Secret('sk-***')"
    assert str(Secret("abc")) == "***"
    assert SECRET.reveal() == KEY
    assert Secret(KEY) == SECRET
    assert Secret("sk-other") != SECRET
    assert hash(Secret(KEY)) == hash(SECRET)
    with pytest.raises(TypeError):
        pickle.dumps(SECRET)


def test_redact() -> None:
    assert redact(f"bad key {KEY}!", SECRET) == "bad key sk-***!"
    assert redact("nothing here", SECRET) == "nothing here"
    assert redact(f"x {KEY}", None) == f"x {KEY}"


# -------------------------------------------------------------------- key, URL and headers


def test_key_from_argument_then_environment() -> None:
    assert resolve_api_key(f"  {KEY} ", {}).reveal() == KEY
    assert resolve_api_key(None, {API_KEY_ENV: KEY}).reveal() == KEY
    assert resolve_api_key(KEY, {API_KEY_ENV: "sk-env"}).reveal() == KEY


@pytest.mark.parametrize("environ", [{}, {API_KEY_ENV: "   "}])
def test_missing_key_names_both_sources(environ: dict[str, str]) -> None:
    with pytest.raises(ConfigurationError, match=r"api_key.*DASHSCOPE_API_KEY"):
        resolve_api_key(None, environ)


def test_key_with_control_characters_is_rejected_without_echo() -> None:
    with pytest.raises(ConfigurationError) as info:
        resolve_api_key("sk-abc\r\nInjected: 1", {})
    assert "Injected" not in str(info.value)


def test_urls() -> None:
    assert build_url(MODEL) == f"wss://dashscope-intl.aliyuncs.com/api-ws/v1/realtime?model={MODEL}"
    assert build_url(MODEL, region="cn").startswith("wss://dashscope.aliyuncs.com/")
    assert build_url(MODEL, workspace="llm-x1").startswith(
        "wss://llm-x1.ap-southeast-1.maas.aliyuncs.com/api-ws/v1/realtime?model="
    )
    snapshot = "qwen3.5-livetranslate-flash-realtime-2026-05-19"
    assert build_url(snapshot).endswith(f"?model={snapshot}")
    assert (
        build_url(MODEL, base_url="ws://127.0.0.1:1234/api-ws/v1/realtime")
        == f"ws://127.0.0.1:1234/api-ws/v1/realtime?model={MODEL}"
    )


@pytest.mark.parametrize(
    ("base_url", "match"),
    [
        ("http://example.com/x", "ws://"),
        ("example.com", "ws://"),
        ("ws://h/x?model=a", "query"),
    ],
)
def test_bad_base_url(base_url: str, match: str) -> None:
    with pytest.raises(ConfigurationError, match=match):
        build_url(MODEL, base_url=base_url)


def test_bad_region_and_workspace() -> None:
    with pytest.raises(ConfigurationError, match="region"):
        build_url(MODEL, region="mars")
    with pytest.raises(ConfigurationError, match="workspace"):
        build_url(MODEL, workspace="bad id!")


def test_headers_and_user_agent() -> None:
    assert build_headers(SECRET) == [("Authorization", f"Bearer {KEY}")]
    assert build_headers(SECRET, "llm-x1")[1] == ("X-DashScope-WorkSpace", "llm-x1")
    assert re.fullmatch(r"livetranslate/\d+\.\d+\.\d+\S* python/3\.\d+", USER_AGENT)


# ------------------------------------------------------------------------- error mapping


def body(**fields: object) -> bytes:
    return json.dumps(fields).encode()


@pytest.mark.parametrize("region", ["intl", "cn"])
def test_401_explains_keys_are_per_region(region: str) -> None:
    err = error_from_handshake(
        401, {}, body(code="InvalidApiKey", message="Invalid API-key provided.", request_id="r1"),
        region=region, model=MODEL, key=SECRET,
    )  # fmt: skip
    assert isinstance(err, AuthenticationError)
    text = str(err)
    assert f"region '{region}'" in text
    assert "Beijing" in text
    assert "Singapore" in text
    assert (err.status_code, err.code, err.request_id) == (401, "InvalidApiKey", "r1")


@pytest.mark.parametrize(
    ("status", "payload", "kind"),
    [
        (403, body(code="AccessDenied", message="denied"), PermissionDeniedError),
        (400, body(code="Arrearage", message="Access denied"), PermissionDeniedError),
        (404, body(code="ModelNotFound", message="Model not exist."), NotFoundError),
        (429, b"", RateLimitError),
        (500, b"oops", ServerError),
        (503, b"", ServerError),
        (418, body(), APIStatusError),
    ],
)
def test_handshake_status_to_exception(status: int, payload: bytes, kind: type) -> None:
    err = error_from_handshake(status, {}, payload, region="intl", model=MODEL)
    assert type(err) is kind
    assert err.status_code == status


def test_403_names_what_to_check() -> None:
    err = error_from_handshake(403, {}, b"", region="intl", model=MODEL)
    assert all(word in str(err) for word in ("activate", "workspace", "arrears", MODEL))


@pytest.mark.parametrize(
    ("value", "expected"), [("3", 3.0), ("0.5", 0.5), ("soon", None), ("-1", None)]
)
def test_retry_after(value: str, expected: float | None) -> None:
    err = error_from_handshake(429, {"Retry-After": value}, b"", region="intl", model=MODEL)
    assert isinstance(err, RateLimitError)
    assert err.retry_after == expected


def test_nested_error_body_and_text_body() -> None:
    nested = body(error={"code": "invalid_api_key", "message": "Incorrect key."}, request_id="r9")
    err = error_from_handshake(401, {}, nested, region="intl", model=MODEL)
    assert (err.code, err.request_id) == ("invalid_api_key", "r9")
    err = error_from_handshake(502, {}, b"<html>Bad gateway</html>", region="intl", model=MODEL)
    assert (err.body, err.code) == ("<html>Bad gateway</html>", None)


def test_echoed_key_and_auth_headers_are_removed() -> None:
    payload = body(code="InvalidApiKey", message=f"Key {KEY} is invalid", echo=KEY)
    headers = {"Authorization": f"Bearer {KEY}", "X-Request-Id": "r"}
    err = error_from_handshake(401, headers, payload, region="intl", model=MODEL, key=SECRET)
    assert KEY not in f"{err} {err.body!r} {err.headers!r}"


@pytest.mark.parametrize(
    ("code", "reason", "kind", "expected_code"),
    [
        (1007, "Access denied", PermissionDeniedError, None),
        (1008, "Access denied, please make sure your account is in good standing.",
         PermissionDeniedError, None),
        (1000, "", SessionClosedOK, 1000),
        (1001, "going away", SessionClosedOK, 1001),
        (None, "", SessionClosedError, 1006),
        (1006, "", SessionClosedError, 1006),
        (1011, "Internal error", SessionClosedError, 1011),
        (1007, "Invalid payload", SessionClosedError, 1007),
    ],
)  # fmt: skip
def test_close_to_exception(
    code: int | None, reason: str, kind: type, expected_code: int | None
) -> None:
    err = error_from_close(code, reason, model=MODEL, region="intl")
    assert type(err) is kind
    if expected_code is not None:
        assert isinstance(err, (SessionClosedOK, SessionClosedError))
        assert (err.code, err.reason) == (expected_code, reason)


def test_close_reason_echoing_the_key_is_redacted() -> None:
    err = error_from_close(1011, f"bad key {KEY}", model=MODEL, region="intl", key=SECRET)
    assert isinstance(err, SessionClosedError)
    assert KEY not in f"{err} {err.reason}"


def test_session_error_from_event() -> None:
    event = parse_server_event(
        '{"type":"error","event_id":"e1","error":{"type":"invalid_request_error",'
        f'"code":"invalid_value","message":"Bad voice {KEY}","param":"session.voice"}}}}'
    )
    assert isinstance(event, ErrorEvent)
    err = session_error(event, SECRET)
    assert isinstance(err, SessionError)
    assert (err.code, err.param, err.error_type, err.event_id) == (
        "invalid_value", "session.voice", "invalid_request_error", "e1",
    )  # fmt: skip
    assert err.event is event
    assert KEY not in str(err)


def test_wire_type() -> None:
    assert wire_type('{"event_id":"x","type":"input_audio_buffer.append","audio":"AAAA"}') == (
        "input_audio_buffer.append"
    )
    assert wire_type(b'{"type":"session.update"}') == "session.update"
    assert wire_type("garbage") == "?"


# ------------------------------------------------------------- the exception boundary


def mapped(exc: BaseException) -> LiveTranslateError:
    with (
        pytest.raises(LiveTranslateError) as info,
        _map_ws_errors(
            model=MODEL, region="intl", host="h", key=SECRET, timeout=lambda: "too slow"
        ),
    ):
        raise exc
    assert info.value.__cause__ is exc or isinstance(exc, LiveTranslateError)
    return info.value


def status(code: int, payload: bytes = b"") -> InvalidStatus:
    return InvalidStatus(Response(code, "x", Headers({"Retry-After": "2"}), payload))


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (status(401), AuthenticationError),
        (status(429), RateLimitError),
        (InvalidURI("ws//bad", "no scheme"), ConfigurationError),
        (InvalidHeader("Sec-WebSocket-Accept", KEY), ConnectError),
        (ConnectionClosedError(None, None), SessionClosedError),
        (ConnectionClosedError(Close(1007, "Access denied"), None), PermissionDeniedError),
        (ConnectionClosedOK(Close(1000, ""), Close(1000, ""), True), SessionClosedOK),
        (PayloadTooBig(None, 10, 20), RemoteProtocolError),
        (TimeoutError(), TransportTimeout),
        (OSError(111, f"Connection refused {KEY}"), ConnectError),
        (ConnectionRefusedError(111, "Connection refused"), ConnectError),
        (UsageError("mine"), UsageError),
    ],
)
def test_map_ws_errors(exc: BaseException, kind: type) -> None:
    err = mapped(exc)
    assert type(err) is kind
    assert KEY not in f"{err} {err.args!r}"
    if isinstance(err, TransportTimeout):
        assert str(err) == "too slow"
    if isinstance(err, SessionClosedError):
        assert err.code in (1006, 1007)


def test_other_exceptions_are_not_translated() -> None:
    with (
        pytest.raises(KeyError),
        _map_ws_errors(model=MODEL, region="intl", host="h", key=None, timeout=lambda: ""),
    ):
        raise KeyError("bug")


# --------------------------------------------------------------------------------- media


def test_pcm_bytes_pass_through_and_odd_lengths_fail() -> None:
    assert pcm16_from(b"\x01\x02\x03\x04", sample_rate=16000) == b"\x01\x02\x03\x04"
    assert pcm16_from(memoryview(array.array("h", [1, 2])), sample_rate=16000) == (
        b"\x01\x00\x02\x00"
    )
    with pytest.raises(AudioError, match="2-byte samples"):
        pcm16_from(b"\x01\x02\x03", sample_rate=16000)


def test_pcm_from_arrays() -> None:
    ints = np.array([0, 1, -1, 32767], dtype=np.int16)
    assert pcm16_from(ints, sample_rate=16000) == ints.astype("<i2").tobytes()
    assert pcm16_from(ints.astype(">i2"), sample_rate=16000) == ints.astype("<i2").tobytes()
    assert pcm16_from(ints.reshape(-1, 1), sample_rate=16000) == ints.astype("<i2").tobytes()
    floats = np.array([0.0, 0.5, -1.0, 1.0, 1.7, -2.0], dtype=np.float32)
    out = np.frombuffer(pcm16_from(floats, sample_rate=16000), dtype="<i2")
    assert out.tolist() == [0, 16384, -32767, 32767, 32767, -32767]  # overshoot clipped
    assert pcm16_from(np.zeros(0, dtype=np.float64), sample_rate=16000) == b""


@pytest.mark.parametrize(
    ("array", "match"),
    [
        (np.array([0.1, np.nan], dtype=np.float32), "NaN"),
        (np.array([0.1, np.inf]), "NaN or infinite"),
        (np.array([1000.0, -2000.0], dtype=np.float32), "divide by 32768"),
        (np.zeros(4, dtype=np.int32), "int16 PCM or float32"),
        (np.zeros(4, dtype=np.float16), "int16 PCM or float32"),
        (np.zeros((10, 2), dtype=np.int16), "resample/downmix to mono 16000 Hz"),
        (np.zeros((2, 10, 1), dtype=np.int16), "mono"),
    ],
)
def test_bad_arrays(array: np.ndarray[Any, Any], match: str) -> None:
    with pytest.raises(AudioError, match=match):
        pcm16_from(array, sample_rate=16000)


def test_unsupported_audio_type() -> None:
    with pytest.raises(AudioError, match="not list"):
        pcm16_from([1, 2, 3], sample_rate=16000)


def test_chunk_size() -> None:
    assert chunk_size(16000, 100) == 3200
    assert chunk_size(8000, 100) == 1600
    assert chunk_size(16000, 10) == 320


JPEG = b"\xff\xd8\xff\xe0" + bytes(10)


def test_load_jpeg(tmp_path: Path) -> None:
    assert load_jpeg(JPEG) == JPEG
    path = tmp_path / "frame.jpg"
    path.write_bytes(JPEG)
    assert load_jpeg(path) == JPEG
    with pytest.raises(MediaError, match="not a JPEG"):
        load_jpeg(b"\x89PNG\r\n\x1a\n")
    with pytest.raises(MediaError, match="500 KB"):
        load_jpeg(JPEG + bytes(500_000))
    with pytest.raises(MediaError, match="Cannot read image"):
        load_jpeg(tmp_path / "missing.jpg")
    with pytest.raises(MediaError, match="JPEG bytes or a file path"):
        load_jpeg(42)  # type: ignore[arg-type]


async def collect(iterator: AsyncIterator[Any]) -> list[Any]:
    return [item async for item in iterator]


async def test_paced_chunks_rejoins_and_splits() -> None:
    audio = bytes(range(256)) * 40  # 10240 bytes = 320 ms at 16 kHz

    def pieces() -> Iterator[bytes]:
        yield audio[:999]
        yield audio[999:5001]
        yield audio[5001:]

    chunks = await collect(paced_chunks(pieces(), sample_rate=16000, chunk_ms=100, realtime=False))
    assert b"".join(chunks) == audio
    assert [len(c) for c in chunks] == [3200, 3200, 3200, 640]


async def test_paced_chunks_rejects_a_trailing_half_sample() -> None:
    with pytest.raises(AudioError, match="half a sample"):
        await collect(
            paced_chunks([b"\x00\x00\x00"], sample_rate=16000, chunk_ms=100, realtime=False)
        )


async def test_pcm_pieces_sources(tmp_path: Path) -> None:
    samples = (np.arange(1600) - 800).astype(np.int16)
    good = tmp_path / "good.wav"
    soundfile.write(good, samples, 16000, subtype="PCM_16")
    assert b"".join(await collect(pcm_pieces(good, sample_rate=16000))) == samples.tobytes()
    assert await collect(pcm_pieces(samples, sample_rate=16000)) == [samples.tobytes()]

    async def arrays() -> AsyncIterator[np.ndarray[Any, Any]]:
        yield samples

    assert await collect(pcm_pieces(arrays(), sample_rate=16000)) == [samples.tobytes()]
    # Files at another rate or with several channels are converted (tests/unit/test_audio.py).
    stereo = tmp_path / "stereo.wav"
    soundfile.write(stereo, np.zeros((160, 2), dtype=np.int16), 16000)
    assert b"".join(await collect(pcm_pieces(stereo, sample_rate=16000))) == bytes(320)
    wide = tmp_path / "wide.wav"
    soundfile.write(wide, samples, 48000)
    assert len(b"".join(await collect(pcm_pieces(str(wide), sample_rate=16000)))) == 2 * 1600 // 3
    with pytest.raises(AudioError, match="No such audio file"):
        await collect(pcm_pieces(tmp_path / "missing.wav", sample_rate=16000))
    with pytest.raises(AudioError, match="stream\\(\\) takes"):
        await collect(pcm_pieces(42, sample_rate=16000))


# ------------------------------------------------------------------------------ channels


def channel(maxsize: int, busy: set[asyncio.Task[object]] | None = None) -> Channel[int]:
    return Channel("events", maxsize, busy if busy is not None else set(), lambda: None)


async def test_channel_drops_oldest_without_a_consumer(caplog: pytest.LogCaptureFixture) -> None:
    ch = channel(2)
    for item in range(5):
        ch.push(item)
    await ch.wait_for_room()
    assert (len(ch), ch.dropped) == (2, 3)
    assert len([r for r in caplog.records if r.levelno == logging.WARNING]) == 1
    ch.end()
    ch.push(99)  # ignored after the end
    assert [await ch.get(), await ch.get(), await ch.get()] == [3, 4, END]


async def test_channel_applies_backpressure_while_iterated() -> None:
    ch = channel(1)
    iterator = ChannelIterator(ch)
    ch.push(1)
    ch.push(2)  # over the bound, but a consumer exists: nothing dropped
    waiter = asyncio.ensure_future(ch.wait_for_room())
    await asyncio.sleep(0)
    assert not waiter.done()
    assert await iterator.__anext__() == 1
    await waiter
    assert ch.dropped == 0
    await iterator.aclose()
    ch.push(3)
    assert ch.dropped == 1  # no consumer any more


async def test_channel_error_after_buffered_items_and_concurrent_get() -> None:
    ch = channel(4)
    ch.push(1)
    first = asyncio.ensure_future(ChannelIterator(ch).__anext__())
    assert await first == 1
    waiting = asyncio.ensure_future(ch.get())
    await asyncio.sleep(0)
    with pytest.raises(UsageError):
        await ch.get()
    ch.push(2)
    assert await waiting == 2
    ch.push(3)
    ch.end(SessionClosedError("gone", code=1011))
    iterator = ChannelIterator(ch, accept=lambda item: item != 3)
    with pytest.raises(SessionClosedError):
        await iterator.__anext__()
    assert ch.error_raised
    with pytest.raises(StopAsyncIteration):
        await iterator.__anext__()


async def test_busy_consumer_does_not_block_the_reader() -> None:
    busy: set[asyncio.Task[object]] = set()
    ch = channel(1, busy)
    ChannelIterator(ch).owner = task = asyncio.current_task()
    iterator = ChannelIterator(ch)
    iterator.owner = task
    ch.push(1)
    ch.push(2)
    assert ch.dropped == 0
    assert task is not None
    busy.add(task)  # e.g. the iterating task is inside finish()
    await ch.wait_for_room()
    assert ch.dropped == 1


async def _blocked_reader(ch: Channel[int]) -> asyncio.Future[None]:
    """Fill ``ch`` past its bound and return the reader's ``wait_for_room``, still waiting."""
    ch.push(2)
    ch.push(3)
    waiter = asyncio.ensure_future(ch.wait_for_room())
    await asyncio.sleep(0)
    assert not waiter.done()  # a consumer is active: backpressure
    return waiter


async def test_reader_resumes_when_the_consuming_task_ends() -> None:
    ch = channel(1)
    iterator = ChannelIterator(ch)  # still referenced: only the task's end can release it
    got = asyncio.Event()

    async def consume() -> None:
        async for _ in iterator:
            got.set()
            await asyncio.Event().wait()  # a slow consumer, then cancelled

    ch.push(1)
    task = asyncio.ensure_future(consume())
    await got.wait()
    waiter = await _blocked_reader(ch)
    task.cancel()
    async with asyncio.timeout(1):
        await waiter
    assert ch.dropped == 1


async def test_reader_resumes_when_a_consumer_drops_its_iterator() -> None:
    ch = channel(1)
    got, stopped = asyncio.Event(), asyncio.Event()
    go_on = asyncio.Event()

    async def consume() -> None:
        async for _ in ChannelIterator(ch):
            got.set()
            await go_on.wait()
            break  # (no aclose(): the iterator is simply dropped)
        stopped.set()
        await asyncio.Event().wait()  # the task lives on, doing something else

    ch.push(1)
    task = asyncio.ensure_future(consume())
    await got.wait()
    waiter = await _blocked_reader(ch)
    go_on.set()
    await stopped.wait()
    async with asyncio.timeout(1):
        await waiter
    assert ch.dropped == 1
    task.cancel()


async def test_reader_resumes_when_the_recv_task_ends() -> None:
    ch = channel(1)
    got = asyncio.Event()

    async def receive() -> None:
        await ch.get(recv=True)
        got.set()
        await asyncio.Event().wait()  # the task that called recv() is busy elsewhere, then ends

    ch.push(1)
    task = asyncio.ensure_future(receive())
    await got.wait()
    waiter = await _blocked_reader(ch)
    task.cancel()
    async with asyncio.timeout(1):
        await waiter
    assert ch.dropped == 1


@pytest.mark.parametrize("bad", [0, -1, True, 1.5])
def test_channel_bound_must_be_positive(bad: int) -> None:
    with pytest.raises(ConfigurationError, match="max_queued_events"):
        channel(bad)


# ------------------------------------------------------------------- session, no network


def test_constructor_validates_transport_options() -> None:
    with pytest.raises(ConfigurationError, match="open_timeout"):
        RealtimeSession(open_timeout=0)
    with pytest.raises(ConfigurationError, match="finish_timeout"):
        connect(finish_timeout=-1)
    with pytest.raises(ConfigurationError, match="max_queued_segments"):
        RealtimeSession(max_queued_segments=0)


async def test_unopened_session() -> None:
    session = RealtimeSession(api_key=KEY, target_language="de")
    assert KEY not in repr(session)
    assert "de" in repr(session)
    assert session.state is SessionState.CONNECTING
    assert session.config.target_language == "de"
    assert session.usage.total_tokens == 0
    assert session.server_session is None
    assert session.dropped_events == session.dropped_segments == 0
    for call in (session.recv(), session.send_audio(b"\x00\x00"), session.finish()):
        with pytest.raises(UsageError):
            await call
    with pytest.raises(UsageError):
        session.segments()
    with pytest.raises(UsageError):
        aiter(session)
    await session.close()  # nothing to close


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"region": "mars"}, "region"),
        ({"base_url": "ws://h/x?model=q"}, "query"),
        ({"target_language": "klingon"}, "klingon"),
        ({"model": "qwen3-livetranslate-flash"}, "file model"),
    ],
)
async def test_options_fail_before_any_network(options: dict[str, str], match: str) -> None:
    session = RealtimeSession(api_key=KEY, **options)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match=match):
        await session
    with pytest.raises(UsageError, match="opens once"):
        await session
    assert session.state is SessionState.CONNECTING


def test_summary_is_frozen() -> None:
    summary_fields = SessionSummary.__dataclass_fields__
    assert list(summary_fields) == [
        "usage",
        "cost",
        "segments",
        "audio_seconds_sent",
        "duration_seconds",
    ]
    assert SessionSummary.__dataclass_params__.frozen  # type: ignore[attr-defined]


def test_handshake_errors_are_worded_for_a_session() -> None:
    assert "open the session (HTTP 503)" in str(
        error_from_handshake(503, {}, b"", region="intl", model=MODEL)
    )
    assert "/api-ws/v1/realtime" in str(
        error_from_handshake(404, {}, b"", region="cn", model=MODEL)
    )
    assert "sessions" in str(error_from_handshake(429, {}, b"", region="intl", model=MODEL))


async def test_no_reconnect_after_the_configuration_was_rejected() -> None:
    # The reader may see the socket close before the opening task has raised the SessionError;
    # the rejected configuration is fatal, and resuming it must not crash the reader task.
    from livetranslate._realtime_io import Connection
    from livetranslate._realtime_resume import Resumer
    from livetranslate.config import SessionConfig
    from livetranslate.protocol import RealtimeProtocol
    from livetranslate.protocol.reconnect import ReconnectPolicy, ReplayBuffer

    resumer = Resumer(ReconnectPolicy(), open_timeout=1.0)
    conn = Connection(4, 4, resumer=resumer)
    config = SessionConfig(model=MODEL).validated()
    conn.protocol = protocol = RealtimeProtocol(
        config, replay=ReplayBuffer(sample_rate=16000, max_seconds=1.0)
    )
    protocol.receive_message(json.dumps({"type": "session.created", "session": {}}))
    rejected = {"type": "error", "error": {"code": "invalid_value", "message": "Bad."}}
    protocol.receive_message(json.dumps(rejected))
    assert protocol.configuration_error is not None
    lost = SessionClosedOK("closed", code=1000)
    assert await resumer.recover(conn, None, lost) is lost
    assert conn.protocol is protocol
