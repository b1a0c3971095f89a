"""Temporary API keys: the pure request/response layer, the httpx call, and the emulator route."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

import livetranslate
from livetranslate import RealtimeSession, ReconnectPolicy
from livetranslate._secret import Secret
from livetranslate.exceptions import (
    APIStatusError,
    AuthenticationError,
    ConfigurationError,
    ConnectError,
    PermissionDeniedError,
    RateLimitError,
    RemoteProtocolError,
    ServerError,
    TransportTimeout,
)
from livetranslate.protocol.backoff import Backoff
from livetranslate.protocol.tokens import (
    MAX_TTL,
    TemporaryKey,
    build_token_request,
    parse_token_response,
)
from livetranslate.testing import Emulator, Fault, FaultPlan, Script

MAIN = "sk-main-0123456789abcdef"
SPEECH = Script.sample().read_audio()


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(api_key=MAIN, latency=0, denied_keys=["sk-denied-key-000"]) as server:
        yield server


# ------------------------------------------------------------------------------- pure layer


def test_request_for_each_host() -> None:
    key = Secret(MAIN)
    intl = build_token_request(key)
    assert intl.url == "https://dashscope-intl.aliyuncs.com/api/v1/tokens?expire_in_seconds=60"
    assert intl.method == "POST"
    assert intl.headers()["Authorization"] == f"Bearer {MAIN}"
    assert "X-DashScope-WorkSpace" not in intl.headers()
    cn = build_token_request(key, region="cn", expire_in_seconds=1800)
    assert cn.url == "https://dashscope.aliyuncs.com/api/v1/tokens?expire_in_seconds=1800"
    ws = build_token_request(key, workspace="llm-abc123")
    assert ws.url.startswith("https://llm-abc123.ap-southeast-1.maas.aliyuncs.com/api/v1/tokens")
    assert ws.headers()["X-DashScope-WorkSpace"] == "llm-abc123"
    local = build_token_request(key, base_url="http://127.0.0.1:9/")
    assert local.url == "http://127.0.0.1:9/api/v1/tokens?expire_in_seconds=60"
    assert MAIN not in repr(intl)


@pytest.mark.parametrize(
    "options",
    [
        {"expire_in_seconds": 0},
        {"expire_in_seconds": MAX_TTL + 1},
        {"expire_in_seconds": 1.5},
        {"expire_in_seconds": True},
        {"base_url": "ws://127.0.0.1:9"},
        {"base_url": "http://127.0.0.1:9/?a=b"},
        {"region": "mars"},
    ],
)
def test_bad_requests_fail_before_the_wire(options: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError):
        build_token_request(Secret(MAIN), **options)


def test_parse_the_answer() -> None:
    key = parse_token_response(200, {}, b'{"token":"st-abc","expires_at":1744080369}')
    assert isinstance(key, TemporaryKey)
    assert key.token.reveal() == "st-abc"
    assert key.expires_at == 1744080369.0
    assert key.expires_in(1744080300.0) == 69.0
    assert "st-abc" not in repr(key)
    assert "st-abc" not in str(key.token)


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (200, b"not json", RemoteProtocolError),
        (200, b"[]", RemoteProtocolError),
        (200, b'{"token": "", "expires_at": 1}', RemoteProtocolError),
        (200, b'{"token": "st a", "expires_at": 1}', RemoteProtocolError),
        (200, b'{"token": "st-a", "expires_at": "soon"}', RemoteProtocolError),
        (200, b'{"token": "st-a", "expires_at": true}', RemoteProtocolError),
        (200, b'{"token": "st-a"' + b" " * 70_000 + b"}", RemoteProtocolError),
        (200, b"[" * 100_000 + b"]" * 100_000, RemoteProtocolError),
        (
            401,
            b'{"code":"InvalidApiKey","message":"Invalid API-key provided."}',
            AuthenticationError,
        ),
        (403, b'{"code":"AccessDenied","message":"no"}', PermissionDeniedError),
        (400, b'{"code":"Arrearage","message":"pay"}', PermissionDeniedError),
        (429, b"{}", RateLimitError),
        (503, b"oops", ServerError),
        (418, b"", APIStatusError),
    ],
)
def test_parse_errors(status: int, body: bytes, kind: type[Exception]) -> None:
    with pytest.raises(kind):
        parse_token_response(status, {"retry-after": "2"}, body, key=Secret(MAIN))


def test_error_messages_never_echo_the_key() -> None:
    body = json.dumps({"code": "InvalidApiKey", "message": f"bad key {MAIN}"}).encode()
    with pytest.raises(AuthenticationError) as info:
        parse_token_response(401, {}, body, key=Secret(MAIN))
    assert MAIN not in f"{info.value} {info.value!r} {info.value.body!r}"


# ------------------------------------------------------------------------------ the HTTP call


async def test_network_failures_are_mapped(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    for handler, kind in ((refuse, ConnectError), (slow, TransportTimeout)):
        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as client:
            with pytest.raises(kind) as info:
                await livetranslate.create_temporary_key(api_key=MAIN, http_client=client)
        assert isinstance(info.value.__cause__, httpx.HTTPError)
        assert MAIN not in str(info.value)
    monkeypatch.delenv("DASHSCOPE_API_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="DASHSCOPE_API_KEY"):
        await livetranslate.create_temporary_key()


async def test_the_request_on_the_wire() -> None:
    seen: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"token": "st-xyz", "expires_at": 99})

    async with httpx.AsyncClient(transport=httpx.MockTransport(answer)) as client:
        key = await livetranslate.create_temporary_key(
            api_key=MAIN, region="cn", expire_in_seconds=120, http_client=client
        )
    assert key.token.reveal() == "st-xyz"
    (request,) = seen
    assert request.method == "POST"
    assert str(request.url) == "https://dashscope.aliyuncs.com/api/v1/tokens?expire_in_seconds=120"
    assert request.headers["Authorization"] == f"Bearer {MAIN}"


# -------------------------------------------------------------------------------- the emulator


async def test_a_temporary_key_opens_a_realtime_session(emu: Emulator) -> None:
    before = time.time()
    key = await livetranslate.create_temporary_key(
        api_key=MAIN, base_url=emu.origin, expire_in_seconds=300
    )
    assert key.token.reveal().startswith("st-")
    assert before + 299 <= key.expires_at <= time.time() + 301
    async with RealtimeSession(
        base_url=emu.realtime_url, api_key=key.token.reveal(), modalities=("text",)
    ) as session:
        await session.send_audio(SPEECH[: 32000 * 6])
        await session.finish()
    assert [s.final for s in [x async for x in session.segments()]] == [True]
    assert emu.tokens.issued == 1
    for record in emu.sessions:  # the emulator records no key and no token
        assert key.token.reveal() not in repr(vars(record))
        assert MAIN not in repr(vars(record))


async def test_the_emulator_checks_keys_and_lifetimes(emu: Emulator) -> None:
    async with httpx.AsyncClient() as client:

        async def post(key: str, ttl: int | str = 60) -> httpx.Response:
            return await client.post(
                f"{emu.origin}/api/v1/tokens",
                params={"expire_in_seconds": ttl},
                headers={"Authorization": f"Bearer {key}"},
            )

        assert (await post("sk-wrong")).json()["code"] == "InvalidApiKey"
        assert (await post("sk-denied-key-000")).status_code == 401  # not the emulator's key
        for ttl in (0, MAX_TTL + 1, "soon"):
            answer = await post(MAIN, ttl)
            assert (answer.status_code, answer.json()["code"]) == (400, "InvalidParameter")
        token = (await post(MAIN)).json()["token"]
        assert (await post(token)).status_code == 401  # a temporary key cannot mint another


async def _read_all(session: RealtimeSession) -> None:
    async for _ in session:
        pass


async def test_an_expired_key_is_refused_and_ends_a_reconnecting_session(emu: Emulator) -> None:
    key = await livetranslate.create_temporary_key(
        api_key=MAIN, base_url=emu.origin, expire_in_seconds=1
    )
    emu.faults = FaultPlan({0: Fault.drop(after_audio_ms=3000)})
    policy = ReconnectPolicy(backoff=Backoff(initial=0.01, maximum=0.02))
    async with RealtimeSession(
        base_url=emu.realtime_url, api_key=key.token.reveal(), reconnect=policy
    ) as session:
        store = emu.app.settings.temporary_keys  # expire the key now rather than in a second
        store.update(dict.fromkeys(store, time.time() - 1))
        await session.send_audio(SPEECH[: 32000 * 6])
        with pytest.raises(AuthenticationError) as info:
            await _read_all(session)
    assert key.token.reveal() not in str(info.value)
    assert emu.fault_log.handshakes == 2  # the key is checked once more, then no retry
