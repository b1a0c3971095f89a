"""The emulator's chat-completions endpoint over loopback, spoken to with raw HTTP and openai."""

from __future__ import annotations

import asyncio
import base64
import copy
import hashlib
import io
import json
import wave
from collections.abc import AsyncIterator
from typing import Any

import httpx
import openai
import pytest

from livetranslate.testing import Emulator, Script
from livetranslate.testing._synth import synthesize
from tests.conftest import MS

MODEL = "qwen3-livetranslate-flash"
KEY = "sk-emu-http-0123456789"


def wav_bytes(seconds: float = 0.5, rate: int = 16000) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(b"\x10\x00" * int(seconds * rate))
    return out.getvalue()


WAV = wav_bytes()
DIGEST = hashlib.sha256(WAV).hexdigest()


def request(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "model": MODEL,
        "messages": [
            {
                "role": "user",
                "content": [
                    {
                        "type": "input_audio",
                        "input_audio": {
                            "data": "data:audio/wav;base64," + base64.b64encode(WAV).decode(),
                            "format": "wav",
                        },
                    }
                ],
            }
        ],
        "modalities": ["text"],
        "stream": True,
        "stream_options": {"include_usage": True},
        "translation_options": {"source_lang": "zh", "target_lang": "en"},
    }
    body.update(changes)
    return body


def sse_events(raw: bytes) -> list[str]:
    text = raw.decode("utf-8")
    assert text.endswith("\n\n")
    events = text[:-2].split("\n\n")
    assert all(e.startswith("data: ") for e in events)
    return [e[len("data: ") :] for e in events]


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(latency=0) as emulator:
        yield emulator


async def post(
    emu: Emulator, body: object, *, key: str | None = KEY, read_timeout: float = 5.0
) -> httpx.Response:
    headers = {"Authorization": f"Bearer {key}"} if key is not None else {}
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    async with httpx.AsyncClient(timeout=read_timeout) as client:
        return await client.post(
            f"{emu.base_url}/chat/completions", content=content, headers=headers
        )


async def test_text_stream_has_the_service_shape(emu: Emulator) -> None:
    response = await post(emu, request())
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["x-request-id"]
    events = sse_events(response.content)
    assert events[-1] == "[DONE]"
    chunks = [json.loads(e) for e in events[:-1]]
    assert {c["id"] for c in chunks} == {chunks[0]["id"]}
    assert chunks[0]["id"].startswith("chatcmpl-")
    assert {c["created"] for c in chunks} == {chunks[0]["created"]}
    for c in chunks:
        assert c["object"] == "chat.completion.chunk"
        assert c["model"] == MODEL
        assert c["service_tier"] is None
        assert c["system_fingerprint"] is None
    *content, stop, usage = chunks
    assert content[0]["choices"][0]["delta"]["role"] == "assistant"
    assert all(c["choices"][0]["delta"]["role"] is None for c in content[1:])
    for c in content:
        (choice,) = c["choices"]
        assert choice["finish_reason"] is None
        assert choice["logprobs"] is None
        assert choice["delta"]["tool_calls"] is None
        assert "audio" not in choice["delta"]
        assert c["usage"] is None
    text = "".join(c["choices"][0]["delta"]["content"] for c in content)
    assert text == f"[emulated en translation {DIGEST[:8]}]"
    assert stop["choices"][0]["finish_reason"] == "stop"
    assert usage["choices"] == []
    u = usage["usage"]
    assert u["prompt_tokens"] == u["prompt_tokens_details"]["audio_tokens"] == 13  # 1 s minimum
    assert u["prompt_tokens_details"]["text_tokens"] == 0
    assert u["prompt_tokens_details"]["video_tokens"] is None
    assert u["completion_tokens_details"]["audio_tokens"] == 0
    assert u["total_tokens"] == u["prompt_tokens"] + u["completion_tokens"]
    (record,) = emu.http.requests
    assert (record.outcome, record.status, record.input_kind, record.digest) == (
        "ok",
        200,
        "data",
        DIGEST,
    )
    assert (record.target_language, record.source_language, record.input_format) == (
        "en",
        "zh",
        "wav",
    )
    assert record.chunks_sent == len(chunks)


async def test_speech_stream_carries_pcm_audio_chunks(emu: Emulator) -> None:
    body = request(modalities=["text", "audio"], audio={"voice": "Ethan", "format": "wav"})
    response = await post(emu, body)
    chunks = [json.loads(e) for e in sse_events(response.content)[:-1]]
    audio_chunks = [c for c in chunks if c["choices"] and "audio" in c["choices"][0]["delta"]]
    assert audio_chunks
    ids = set()
    pcm = b""
    for c in audio_chunks:
        delta = c["choices"][0]["delta"]
        assert delta["content"] is None
        assert delta["audio"]["expires_at"] == c["created"]
        ids.add(delta["audio"]["id"])
        pcm += base64.b64decode(delta["audio"]["data"])
    assert len(ids) == 1
    assert next(iter(ids)).startswith("audio_")
    text = emu.http.requests[0].text
    assert pcm == synthesize(text, voice="Ethan")  # headerless PCM16 at 24 kHz
    usage = chunks[-1]["usage"]
    assert usage["completion_tokens_details"]["audio_tokens"] > 0


async def test_script_translations_and_url_inputs_are_answered_without_fetching() -> None:
    script = Script.from_pairs([("你好", "Hello."), ("再见", "Goodbye.")], target_language="en")
    async with Emulator(latency=0, script=script) as emu:
        url = "https://files.example.invalid/talk.mp3"
        content = [{"type": "input_audio", "input_audio": {"data": url, "format": "mp3"}}]
        response = await post(emu, request(messages=[{"role": "user", "content": content}]))
        assert response.status_code == 200
        (record,) = emu.http.requests
        assert record.text == "Hello. Goodbye."
        assert (record.input_kind, record.digest) == (
            "url",
            hashlib.sha256(url.encode()).hexdigest(),
        )
        other = await post(emu, request(translation_options={"target_lang": "de"}))
        assert other.status_code == 200
        assert emu.http.requests[1].text == (
            "[emulated de translation 1] [emulated de translation 2]"
        )


async def test_video_input_reports_video_tokens(emu: Emulator) -> None:
    mp4 = b"\x00\x00\x00\x1cftypisom" + bytes(40)
    part = {
        "type": "video_url",
        "video_url": {"url": "data:video/mp4;base64," + base64.b64encode(mp4).decode()},
    }
    response = await post(emu, request(messages=[{"role": "user", "content": [part]}]))
    usage = json.loads(sse_events(response.content)[-2])["usage"]
    assert usage["prompt_tokens_details"]["video_tokens"] > 0
    assert usage["prompt_tokens"] == (
        usage["prompt_tokens_details"]["video_tokens"]
        + usage["prompt_tokens_details"]["audio_tokens"]
    )


def _with_content(part: dict[str, Any]) -> dict[str, Any]:
    return {"messages": [{"role": "user", "content": [part]}]}


def _data(url: str) -> dict[str, Any]:
    return _with_content({"type": "input_audio", "input_audio": {"data": url, "format": "wav"}})


BAD_REQUESTS: list[tuple[str, Any, int, str, str]] = [
    ("not json", b"{nope", 400, "invalid_parameter_error", "Required body invalid"),
    ("not an object", b"[1]", 400, "invalid_parameter_error", "Required body invalid"),
    ("unknown model", {"model": "qwen9"}, 404, "model_not_found", "does not exist"),
    (
        "realtime model",
        {"model": "qwen3-livetranslate-flash-realtime"},
        404,
        "model_not_found",
        "does not exist",
    ),
    ("no messages", {"messages": []}, 400, "invalid_parameter_error", "non-empty array"),
    (
        "system role",
        {"messages": [{"role": "system", "content": "be nice"}, {"role": "user", "content": []}]},
        400,
        "invalid_parameter_error",
        "system role is not supported",
    ),
    (
        "two user messages",
        {"messages": [{"role": "user", "content": []}, {"role": "user", "content": []}]},
        400,
        "invalid_parameter_error",
        "exactly one user message",
    ),
    ("stream false", {"stream": False}, 400, "invalid_parameter_error", "only support stream mode"),
    (
        "stream missing",
        {"stream": None},
        400,
        "invalid_parameter_error",
        "only support stream mode",
    ),
    ("max_tokens", {"max_tokens": 0}, 400, "invalid_parameter_error", "Range of max_tokens"),
    ("modalities", {"modalities": ["audio"]}, 400, "invalid_parameter_error", "Invalid modalities"),
    (
        "speech without voice",
        {"modalities": ["text", "audio"]},
        400,
        "invalid_parameter_error",
        "voice is required",
    ),
    (
        "speech as mp3",
        {"modalities": ["text", "audio"], "audio": {"voice": "Cherry", "format": "mp3"}},
        400,
        "invalid_parameter_error",
        "only 'wav'",
    ),
    (
        "unknown voice",
        {"modalities": ["text", "audio"], "audio": {"voice": "Tina", "format": "wav"}},
        400,
        "invalid_parameter_error",
        "Voice 'Tina' is not supported",
    ),
    (
        "voice lacks target",
        {"modalities": ["text", "audio"], "audio": {"voice": "Dylan", "format": "wav"}},
        400,
        "invalid_parameter_error",
        "does not support the target language",
    ),
    (
        "speech for a text-only target",
        {
            "modalities": ["text", "audio"],
            "audio": {"voice": "Cherry", "format": "wav"},
            "translation_options": {"target_lang": "th"},
        },
        400,
        "invalid_parameter_error",
        "not supported for target language 'th'",
    ),
    (
        "no target",
        {"translation_options": {}},
        400,
        "invalid_parameter_error",
        "target_lang is required",
    ),
    (
        "unknown target",
        {"translation_options": {"target_lang": "xx"}},
        400,
        "invalid_parameter_error",
        "Unsupported language",
    ),
    (
        "unknown source",
        {"translation_options": {"target_lang": "en", "source_lang": "fi"}},
        400,
        "invalid_parameter_error",
        "Unsupported language",
    ),
    (
        "content is text",
        {"messages": [{"role": "user", "content": "hi"}]},
        400,
        "invalid_parameter_error",
        "one input_audio",
    ),
    (
        "text part",
        _with_content({"type": "text", "text": "hi"}),
        400,
        "invalid_parameter_error",
        "Unsupported content type",
    ),
    (
        "no format",
        _with_content({"type": "input_audio", "input_audio": {"data": "https://x.test/a"}}),
        400,
        "invalid_parameter_error",
        "format is required",
    ),
    (
        "odd format",
        _with_content(
            {"type": "input_audio", "input_audio": {"data": "https://x/a", "format": "aiff"}}
        ),
        400,
        "invalid_parameter_error",
        "Unsupported audio format",
    ),
    (
        "file URL",
        _data("file:///etc/passwd"),
        400,
        "invalid_parameter_error",
        "does not appear to be valid",
    ),
    (
        "not base64",
        _data("data:audio/wav;base64,@@@"),
        400,
        "invalid_parameter_error",
        "does not appear",
    ),
    (
        "no base64 flag",
        _data("data:audio/wav,abc"),
        400,
        "invalid_parameter_error",
        "does not appear",
    ),
    ("empty audio", _data("data:;base64,"), 400, "invalid_parameter_error", "The audio is empty"),
]


@pytest.mark.parametrize(
    ("change", "status", "code", "needle"),
    [case[1:] for case in BAD_REQUESTS],
    ids=[case[0] for case in BAD_REQUESTS],
)
async def test_invalid_requests_get_the_service_errors(
    emu: Emulator, change: Any, status: int, code: str, needle: str
) -> None:
    body: bytes | dict[str, Any]
    if isinstance(change, bytes):
        body = change
    else:
        body = request(**copy.deepcopy(change))
        if body["stream"] is None:
            del body["stream"]
    response = await post(emu, body)
    assert response.status_code == status
    error = response.json()
    assert set(error) == {"error", "id", "request_id"}
    assert error["error"]["code"] == code
    assert needle in error["error"]["message"]
    assert error["error"]["type"] == "invalid_request_error"
    assert response.headers["x-request-id"] == error["request_id"]
    assert emu.http.requests[-1].outcome == "rejected"


async def test_authentication_and_denied_keys() -> None:
    async with Emulator(latency=0, api_key=KEY) as emu:
        missing = await post(emu, request(), key=None)
        wrong = await post(emu, request(), key="sk-wrong")
        assert (missing.status_code, wrong.status_code) == (401, 401)
        assert wrong.json()["error"]["code"] == "invalid_api_key"
        assert (await post(emu, request())).status_code == 200
    async with Emulator(latency=0, denied_keys=["sk-denied"]) as emu:
        denied = await post(emu, request(), key="sk-denied")
        assert denied.status_code == 403
        assert denied.json()["error"]["code"] == "access_denied"
        assert (await post(emu, request(), key="sk-anything")).status_code == 200


async def test_injected_status_faults_and_their_bodies(emu: Emulator) -> None:
    emu.http.inject("status", status=429, retry_after=1.5)
    emu.http.inject("status", status=503, times=2)
    limited = await post(emu, request())
    assert limited.status_code == 429
    assert limited.headers["retry-after"] == "1.5"
    assert limited.json()["error"]["code"] == "limit_requests"
    for _ in range(2):
        failed = await post(emu, request())
        assert failed.status_code == 503
        assert failed.json()["error"]["code"] == "internal_error"
    assert (await post(emu, request())).status_code == 200
    assert [r.outcome for r in emu.http.requests] == ["fault", "fault", "fault", "ok"]


async def test_faults_match_requests_and_can_be_cleared(emu: Emulator) -> None:
    emu.http.inject("status", status=500, times=None, when=lambda r: r.target_language == "de")
    assert (await post(emu, request())).status_code == 200
    german = request(translation_options={"target_lang": "de"})
    assert (await post(emu, german)).status_code == 500
    assert (await post(emu, german)).status_code == 500
    emu.http.clear_faults()
    assert (await post(emu, german)).status_code == 200
    with pytest.raises(ValueError, match="kind must be"):
        emu.http.inject("explode")  # type: ignore[arg-type]


async def test_a_cut_stream_breaks_the_chunked_body(emu: Emulator) -> None:
    emu.http.inject("cut", after_chunks=2)
    async with httpx.AsyncClient() as client:
        headers = {"Authorization": f"Bearer {KEY}"}
        url = f"{emu.base_url}/chat/completions"
        parts: list[bytes] = []

        async def read() -> None:
            async with client.stream("POST", url, json=request(), headers=headers) as response:
                assert response.status_code == 200
                async for part in response.aiter_bytes():
                    parts.append(part)

        with pytest.raises(httpx.RemoteProtocolError):
            await read()
    received = b"".join(parts)
    assert received.count(b"data: ") == 2
    assert b"[DONE]" not in received
    (record,) = emu.http.requests
    assert (record.outcome, record.chunks_sent) == ("cut", 2)


async def test_a_slow_first_byte_trips_a_read_timeout(emu: Emulator) -> None:
    emu.http.inject("slow", delay=300 * MS)
    with pytest.raises(httpx.ReadTimeout):
        await post(emu, request(), read_timeout=50 * MS)
    response = await post(emu, request())  # the next request is fast again
    assert response.status_code == 200


async def test_the_official_openai_sdk_streams_from_the_emulator(emu: Emulator) -> None:
    client = openai.AsyncOpenAI(api_key=KEY, base_url=emu.base_url, max_retries=0)
    try:
        url = "data:audio/wav;base64," + base64.b64encode(WAV).decode()
        stream = await client.chat.completions.create(
            model=MODEL,
            messages=[
                {
                    "role": "user",
                    "content": [
                        {"type": "input_audio", "input_audio": {"data": url, "format": "wav"}}
                    ],
                }
            ],
            modalities=["text", "audio"],
            audio={"voice": "Cherry", "format": "wav"},
            stream=True,
            stream_options={"include_usage": True},
            extra_body={"translation_options": {"source_lang": "zh", "target_lang": "en"}},
        )
        text, audio, usage = "", "", None
        async for chunk in stream:
            if chunk.choices:
                delta = chunk.choices[0].delta
                text += delta.content or ""
                piece: Any = getattr(delta, "audio", None)  # a model in new SDKs, a dict in old
                if piece is not None:
                    audio += piece["data"] if isinstance(piece, dict) else piece.data
            if chunk.usage is not None:
                usage = chunk.usage
        assert text == f"[emulated en translation {DIGEST[:8]}]"
        assert base64.b64decode(audio) == synthesize(text, voice="Cherry")
        assert usage is not None
        assert usage.prompt_tokens == 13
        with pytest.raises(openai.BadRequestError, match="only support stream mode"):
            await client.chat.completions.create(
                model=MODEL,
                messages=[{"role": "user", "content": "hello"}],
                extra_body={"translation_options": {"target_lang": "en"}},
            )
    finally:
        await client.close()


def test_the_pytest_fixture_emulator_serves_files_too(livetranslate_emulator: Emulator) -> None:
    async def go() -> int:
        return (await post(livetranslate_emulator, request())).status_code

    assert asyncio.run(go()) == 200
    assert livetranslate_emulator.http.requests[0].outcome == "ok"
