"""The emulator over real loopback sockets, with a raw websockets client (no SDK code)."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect as sync_connect

from livetranslate.testing import Emulator, Script
from livetranslate.testing.pytest_plugin import livetranslate_emulator  # noqa: F401

M3 = "qwen3-livetranslate-flash-realtime"
M35 = "qwen3.5-livetranslate-flash-realtime"
M38 = "qwen3.8-livetranslate-flash-realtime"
KEY = {"Authorization": "Bearer sk-test-key"}
WAIT = 10.0  # seconds; only ever reached when something is broken


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(script=Script.sample(), latency=0) as emulator:
        yield emulator


def url(emulator: Emulator, model: str | None = M35) -> str:
    return emulator.realtime_url + (f"?model={model}" if model else "")


async def recv(ws: ClientConnection) -> dict[str, Any]:
    async with asyncio.timeout(WAIT):
        data = json.loads(await ws.recv())
    assert isinstance(data, dict)
    return data


async def recv_until(ws: ClientConnection, kind: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    while not out or out[-1]["type"] != kind:
        out.append(await recv(ws))
    return out


async def send(ws: ClientConnection, **event: Any) -> None:
    await ws.send(json.dumps(event))


async def send_audio(ws: ClientConnection, pcm: bytes, chunk: int = 3200) -> None:
    for i in range(0, len(pcm), chunk):
        await send(
            ws,
            type="input_audio_buffer.append",
            audio=base64.b64encode(pcm[i : i + chunk]).decode(),
        )


async def rejected(
    target: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, Any]]:
    with pytest.raises(InvalidStatus) as info:
        async with asyncio.timeout(WAIT), connect(target, additional_headers=headers):
            pass
    response = info.value.response
    assert response.headers["Content-Type"] == "application/json"
    body = json.loads(response.body or b"{}")
    assert isinstance(body, dict)
    return response.status_code, body


# -------------------------------------------------------------------------- handshake


async def test_missing_key_is_401(emu: Emulator) -> None:
    status, body = await rejected(url(emu))
    assert status == 401
    assert (body["code"], body["message"]) == ("InvalidApiKey", "Invalid API-key provided.")
    assert body["request_id"]


async def test_wrong_key_is_401_and_the_right_one_works() -> None:
    async with Emulator(api_key="sk-right", latency=0) as emulator:
        status, body = await rejected(url(emulator), {"Authorization": "Bearer sk-wrong"})
        assert (status, body["code"]) == (401, "InvalidApiKey")
        status, _ = await rejected(url(emulator), {"Authorization": "sk-right"})  # no "Bearer"
        assert status == 401
        async with connect(
            url(emulator), additional_headers={"Authorization": "Bearer sk-right"}
        ) as ws:
            assert (await recv(ws))["type"] == "session.created"
        assert len(emulator.sessions) == 1


@pytest.mark.parametrize(
    "model",
    [
        "qwen-nope-realtime",
        None,
        "qwen3-livetranslate-flash",
        "QWEN3.5-LIVETRANSLATE-FLASH-REALTIME",
    ],
)
async def test_unknown_model_is_404(emu: Emulator, model: str | None) -> None:
    status, body = await rejected(url(emu, model), KEY)
    assert status == 404
    assert (body["code"], body["message"]) == ("ModelNotFound", "Model not exist.")
    assert emu.sessions == []


async def test_snapshot_ids_are_accepted(emu: Emulator) -> None:
    async with connect(
        url(emu, "qwen3.5-livetranslate-flash-realtime-2026-05-19"), additional_headers=KEY
    ) as ws:
        created = await recv(ws)
    assert created["session"]["model"] == "qwen3.5-livetranslate-flash-realtime-2026-05-19"


async def test_other_paths_are_json_404(emu: Emulator) -> None:
    status, body = await rejected(f"ws://127.0.0.1:{emu.port}/api-ws/v1/other?model={M35}", KEY)
    assert (status, body["code"]) == (404, "NotFound")
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{emu.base_url}/embeddings", json={})
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
        response = await client.get(f"http://127.0.0.1:{emu.port}/")
        assert (response.status_code, response.json()["code"]) == (404, "NotFound")


async def test_http_routes_can_be_added(emu: Emulator) -> None:
    async def hello(scope: Any, receive: Any, send: Any) -> None:
        allowed, _ = emu.app.authorize(scope)
        body = json.dumps({"allowed": allowed}).encode()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})

    emu.app.add_route("POST", "/compatible-mode/v1/chat/completions", hello)
    async with httpx.AsyncClient() as client:
        response = await client.post(f"{emu.base_url}/chat/completions", headers=KEY)
        assert response.json() == {"allowed": True}
        response = await client.post(f"{emu.base_url}/chat/completions")
        assert response.json() == {"allowed": False}


async def test_a_denied_key_is_closed_with_1007() -> None:
    async with Emulator(denied_keys=["sk-denied"], latency=0) as emulator:
        headers = {"Authorization": "Bearer sk-denied"}
        async with connect(url(emulator), additional_headers=headers) as ws:
            with pytest.raises(ConnectionClosed) as info:
                await recv(ws)
        assert info.value.rcvd is not None
        assert (info.value.rcvd.code, info.value.rcvd.reason) == (1007, "Access denied")
        record = await emulator.wait_closed()
        assert (record.closed_code, record.server_events) == (1007, [])


async def test_the_key_is_never_recorded() -> None:
    secret = "sk-very-secret-0123456789"
    async with Emulator(api_key=secret, latency=0) as emulator:
        async with connect(
            url(emulator), additional_headers={"Authorization": f"Bearer {secret}"}
        ) as ws:
            await recv(ws)
        record = await emulator.wait_closed()
        assert secret not in repr(emulator)
        assert secret not in repr(vars(emulator))
        assert secret not in repr(record)


# --------------------------------------------------------------------------- sessions


@pytest.mark.parametrize("model", [M3, M35, M38])
async def test_full_session_on_the_bundled_sample(emu: Emulator, model: str) -> None:
    script = Script.sample()
    async with connect(url(emu, model), additional_headers=KEY) as ws:
        assert (await recv(ws))["type"] == "session.created"
        session: dict[str, Any] = {"translation": {"language": "en"}}
        if model != M38:
            session["input_audio_transcription"] = {
                "model": "qwen3-asr-flash-realtime",
                "language": "zh",
            }
        await send(ws, type="session.update", session=session)
        assert (await recv(ws))["type"] == "session.updated"
        await send_audio(ws, script.read_audio())
        await send(ws, type="session.finish")
        events = await recv_until(ws, "session.finished")
    done = [e["response"] for e in events if e["type"] == "response.done"]
    assert len(done) == 3
    assert [r["output"][0]["content"][0]["transcript"] for r in done] == [
        u.translations["en"] for u in script.utterances
    ]
    sources = [e["transcript"] for e in events if e["type"].endswith("transcription.completed")]
    assert sources == [u.source for u in script.utterances]
    record = await emu.wait_closed()
    assert record.closed_code == 1000
    assert record.model == model
    assert len(record.segments) == 3
    assert record.audio_bytes == len(script.read_audio())
    assert record.client_events[0] == "session.update"
    assert record.server_events[-1] == "session.finished"
    assert record.config["translation"]["language"] == "en"


async def test_invalid_update_keeps_the_session_open(emu: Emulator) -> None:
    async with connect(url(emu, M38), additional_headers=KEY) as ws:
        await recv(ws)
        await send(ws, type="session.update", session={"output_modalities": ["audio"]})
        error = await recv(ws)
        assert error["type"] == "error"
        assert error["error"]["param"] == "session.output_modalities"
        await send(ws, type="session.update", session={"translation": {"language": "ja"}})
        updated = await recv(ws)
        assert updated["session"]["translation"]["language"] == "ja"


async def test_manual_commit_over_the_wire(emu: Emulator) -> None:
    async with connect(url(emu, M35), additional_headers=KEY) as ws:
        await recv(ws)
        await send(ws, type="session.update", session={"turn_detection": None})
        await recv(ws)
        await send_audio(ws, Script.sample().read_audio()[: 16000 * 2 * 5])
        await send(ws, type="input_audio_buffer.commit")
        events = await recv_until(ws, "response.done")
    assert events[0]["type"] == "input_audio_buffer.committed"
    assert events[-1]["response"]["output"][0]["content"][0]["transcript"].startswith("Hello")


async def test_images_after_audio(emu: Emulator) -> None:
    jpeg = base64.b64encode(b"\xff\xd8\xff\xe0" + b"\x00" * 64).decode()
    async with connect(url(emu, M38), additional_headers=KEY) as ws:
        await recv(ws)
        await send(ws, type="input_image_buffer.append", image=jpeg)
        error = await recv(ws)
        assert error["error"]["message"] == "Error append image before append audio."
        await send_audio(ws, b"\x00\x00" * 1600)
        await send(ws, type="input_image_buffer.append", image=jpeg)
        await send(ws, type="session.finish")
        assert [e["type"] for e in await recv_until(ws, "session.finished")] == ["session.finished"]
    assert emu.sessions[0].images == 1


async def test_latency_moves_on_with_the_wall_clock_when_audio_stops() -> None:
    # Sentence 1 ends at 5.06 s; 1 s of silence ends the segment at 6.06 s of audio. With 1.2 s
    # latency its translation is due at 6.26 s, after the 6.2 s of audio sent: the wall clock
    # has to carry the session the rest of the way.
    async with (
        Emulator(latency=1.2) as emulator,
        connect(url(emulator), additional_headers=KEY) as ws,
    ):
        await recv(ws)
        await send_audio(ws, Script.sample().read_audio()[: 16000 * 2 * 62 // 10])
        events = await recv_until(ws, "response.done")
    types = [e["type"] for e in events]
    assert types.index("conversation.item.input_audio_transcription.completed") < types.index(
        "response.audio_transcript.done"
    )


async def test_the_server_closes_after_finish_when_the_client_does_not() -> None:
    async with Emulator(latency=0, finish_close_timeout=0.05) as emulator:
        async with connect(url(emulator), additional_headers=KEY) as ws:
            await recv(ws)
            await send(ws, type="session.finish")
            assert (await recv(ws))["type"] == "session.finished"
            with pytest.raises(ConnectionClosed) as info:
                await recv(ws)
        assert info.value.rcvd is not None
        assert info.value.rcvd.code == 1000
        assert (await emulator.wait_closed()).closed_code == 1000


async def test_stopping_the_emulator_closes_connections_with_1012() -> None:
    emulator = Emulator(latency=0)
    await emulator.start()
    async with connect(url(emulator), additional_headers=KEY) as ws:
        await recv(ws)
        await emulator.aclose()
        with pytest.raises(ConnectionClosed) as info:
            await recv(ws)
    assert info.value.rcvd is not None
    assert info.value.rcvd.code == 1012
    assert emulator.sessions[0].closed_code == 1012


def test_the_pytest_fixture_from_sync_code(livetranslate_emulator: Emulator) -> None:  # noqa: F811
    assert livetranslate_emulator.port > 0
    assert livetranslate_emulator.base_url.endswith("/compatible-mode/v1")
    with sync_connect(url(livetranslate_emulator, M3), additional_headers=KEY) as ws:
        assert json.loads(ws.recv(timeout=WAIT))["type"] == "session.created"
        tone = (b"\x00\x40\x00\xc0" * 4000) * 3  # 1.5 s of a loud square wave
        ws.send(
            json.dumps(
                {"type": "input_audio_buffer.append", "audio": base64.b64encode(tone).decode()}
            )
        )
        ws.send(json.dumps({"type": "session.finish"}))
        types: list[str] = []
        while not types or types[-1] != "session.finished":
            types.append(json.loads(ws.recv(timeout=WAIT))["type"])
    assert "response.done" in types
    assert livetranslate_emulator.sessions[0].wait_closed(WAIT)


async def test_the_pytest_fixture_from_async_code(livetranslate_emulator: Emulator) -> None:  # noqa: F811
    async with connect(url(livetranslate_emulator, M38), additional_headers=KEY) as ws:
        assert (await recv(ws))["type"] == "session.created"
    assert (await livetranslate_emulator.wait_closed()).closed_code == 1000
