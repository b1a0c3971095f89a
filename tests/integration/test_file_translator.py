"""FileTranslator against the emulator over loopback: every input kind, output, and failure."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import wave
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import numpy as np
import openai
import pytest
import soundfile

import livetranslate
from livetranslate import testing as lt_testing
from livetranslate._openai import map_errors
from livetranslate.exceptions import (
    AudioError,
    AuthenticationError,
    ConfigurationError,
    ConnectError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    StreamInterrupted,
    TransportTimeout,
    UsageError,
)
from livetranslate.files import (
    FileTranslator,
    TranslationAudioDelta,
    TranslationResult,
    TranslationTextDelta,
    TranslationUsage,
)
from livetranslate.protocol.backoff import Backoff
from livetranslate.testing import Emulator, Script
from livetranslate.testing._synth import synthesize
from tests.conftest import MS

KEY = "sk-files-itest-5b7c9d1e3f"
SAMPLE = Path(lt_testing.__file__).parent / "data" / "sample_zh.wav"
FAST = Backoff(initial=MS, multiplier=2, maximum=5 * MS, jitter=0)


def wav_bytes(seconds: float = 0.25, rate: int = 16000, value: int = 100) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(int(value).to_bytes(2, "little", signed=True) * int(seconds * rate))
    return out.getvalue()


def emulated(target: str, data: bytes) -> str:
    return f"[emulated {target} translation {hashlib.sha256(data).hexdigest()[:8]}]"


@pytest.fixture
async def emu() -> AsyncIterator[Emulator]:
    async with Emulator(latency=0) as emulator:
        yield emulator


@pytest.fixture
async def ft(emu: Emulator) -> AsyncIterator[FileTranslator]:
    async with FileTranslator(api_key=KEY, base_url=emu.base_url, retry_backoff=FAST) as translator:
        yield translator


def record_sleeps(translator: FileTranslator) -> list[float]:
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    translator._sleep = sleep
    return waits


# ---------------------------------------------------------------------------- inputs


async def test_url_input_is_passed_through(emu: Emulator, ft: FileTranslator) -> None:
    url = "https://media.example.invalid/talk.mp3?token=abc"
    result = await ft.translate(url, target_language="de", source_language="zh")
    assert result.text == emulated("de", url.encode())
    assert result.audio is None
    assert result.audio_seconds == 0
    assert result.source == "https://media.example.invalid/talk.mp3"
    assert (result.model, result.target_language, result.finish_reason) == (
        "qwen3-livetranslate-flash",
        "de",
        "stop",
    )
    assert result.response_id is not None
    assert result.response_id.startswith("chatcmpl-")
    assert result.usage.input_audio_tokens == 125
    assert result.usage.output_text_tokens > 0
    assert result.cost.tokens == result.usage
    (record,) = emu.http.requests
    assert (record.input_kind, record.input_format, record.source_language) == ("url", "mp3", "zh")
    assert record.modalities == ("text",)
    assert record.voice is None


async def test_local_wav_with_speech_and_save_audio(
    emu: Emulator, ft: FileTranslator, tmp_path: Path
) -> None:
    data = wav_bytes(0.5)
    path = tmp_path / "clip.wav"
    path.write_bytes(data)
    result = await ft.translate(path, target_language="en", modalities=("text", "audio"))
    assert result.text == emulated("en", data)
    assert result.audio is not None
    assert result.audio.dtype == np.int16
    assert result.audio.tobytes() == synthesize(result.text, voice="Cherry")
    assert result.sample_rate == 24000
    assert result.usage.output_audio_tokens > 0
    assert "speech" in repr(result)
    assert "clip.wav" in repr(result)
    out = result.save_audio(tmp_path / "out" / "clip.en.wav")
    with wave.open(str(out), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 24000)
        assert wav.readframes(wav.getnframes()) == result.audio.tobytes()
    flac = result.save_audio(tmp_path / "clip.en.flac")
    samples, rate = soundfile.read(str(flac), dtype="int16")
    assert rate == 24000
    assert np.array_equal(samples, result.audio)
    with pytest.raises(AudioError, match="Cannot write"):
        result.save_audio(tmp_path / "clip.en.nope")
    (record,) = emu.http.requests
    assert (record.input_kind, record.input_format, record.voice) == ("data", "wav", "Cherry")
    assert record.data == data


async def test_other_audio_formats_are_recognised(
    emu: Emulator, ft: FileTranslator, tmp_path: Path
) -> None:
    flac = tmp_path / "speech.flac"
    soundfile.write(str(flac), np.zeros(8000, np.int16), 16000, format="FLAC")
    await ft.translate(str(flac), target_language="fr")
    odd_name = tmp_path / "speech.bin"
    odd_name.write_bytes(flac.read_bytes())
    await ft.translate(odd_name)  # recognised by its magic bytes
    assert [r.input_format for r in emu.http.requests] == ["flac", "flac"]


async def test_bytes_with_and_without_a_declared_format(emu: Emulator, ft: FileTranslator) -> None:
    raw = b"\x00\x01" * 500  # not recognisable
    with pytest.raises(AudioError, match="Pass format="):
        await ft.translate(raw)
    result = await ft.translate(raw, format="mp3")
    assert result.text == emulated("en", raw)
    assert result.source == "<1000 bytes>"
    await ft.translate(bytearray(wav_bytes()))
    assert [r.input_format for r in emu.http.requests] == ["mp3", "wav"]


async def test_numpy_arrays_with_their_rate(emu: Emulator, ft: FileTranslator) -> None:
    ints = (np.arange(16000) % 200).astype(np.int16)
    await ft.translate(ints, sample_rate=16000)
    floats = np.linspace(-0.5, 0.5, 8000, dtype=np.float32)
    await ft.translate(floats, sample_rate=8000)
    first, second = emu.http.requests
    with wave.open(io.BytesIO(first.data), "rb") as wav:
        assert (wav.getframerate(), wav.getnframes()) == (16000, 16000)
        assert np.array_equal(np.frombuffer(wav.readframes(16000), "<i2"), ints)
    with wave.open(io.BytesIO(second.data), "rb") as wav:
        assert wav.getframerate() == 8000
    with pytest.raises(ConfigurationError, match="sample_rate="):
        await ft.translate(ints)
    with pytest.raises(AudioError, match="empty"):
        await ft.translate(np.zeros(0, np.int16), sample_rate=16000)
    with pytest.raises(AudioError, match="NaN"):
        await ft.translate(np.array([0.0, np.nan], np.float32), sample_rate=16000)
    with pytest.raises(AudioError, match=r"shape \(2, 2, 2\)"):
        await ft.translate(np.zeros((2, 2, 2), np.int16), sample_rate=16000)
    assert len(emu.http.requests) == 2
    # Stereo at a rate the service does not take: downmixed and resampled on the way.
    stereo = np.zeros((9600, 2), np.float32)
    await ft.translate(stereo, sample_rate=96000)
    with wave.open(io.BytesIO(emu.http.requests[2].data), "rb") as wav:
        assert (wav.getnchannels(), wav.getframerate(), wav.getnframes()) == (1, 16000, 1600)


async def test_video_file_goes_as_video_url(
    emu: Emulator, ft: FileTranslator, tmp_path: Path
) -> None:
    mp4 = tmp_path / "clip.mp4"
    mp4.write_bytes(b"\x00\x00\x00\x1cftypisom" + bytes(100))
    result = await ft.translate(mp4, target_language="ja")
    assert result.usage.input_video_tokens > 0
    assert emu.http.requests[0].input_format == "video"


async def test_script_translation_of_the_sample() -> None:
    async with (
        Emulator(latency=0, script=Script.sample()) as emu,
        FileTranslator(api_key=KEY, base_url=emu.base_url) as ft,
    ):
        result = await ft.translate(SAMPLE, source_language="zh", modalities=("text", "audio"))
    expected = " ".join(u.translations["en"] for u in Script.sample().utterances)
    assert result.text == expected
    assert result.audio_seconds > 5


async def test_stream_yields_text_audio_then_usage(ft: FileTranslator) -> None:
    data = wav_bytes()
    events = [e async for e in ft.stream(data, target_language="zh", modalities=("text", "audio"))]
    kinds = [type(e) for e in events]
    assert kinds[-1] is TranslationUsage
    assert kinds.count(TranslationUsage) == 1
    text = "".join(e.text for e in events if isinstance(e, TranslationTextDelta))
    pcm = b"".join(e.pcm for e in events if isinstance(e, TranslationAudioDelta))
    assert text == emulated("zh", data)
    assert pcm == synthesize(text, voice="Cherry")
    first_audio = kinds.index(TranslationAudioDelta)
    assert all(k is TranslationTextDelta for k in kinds[:first_audio])
    result = await ft.translate(data, target_language="zh", modalities=("text", "audio"))
    final = events[-1]
    assert isinstance(final, TranslationUsage)
    assert (result.text, result.usage) == (text, final.usage)


async def test_concurrent_translations_share_one_translator(
    emu: Emulator, ft: FileTranslator
) -> None:
    inputs = [wav_bytes(value=v) for v in range(12)]
    results = await asyncio.gather(*(ft.translate(d) for d in inputs))
    assert [r.text for r in results] == [emulated("en", d) for d in inputs]
    assert len(emu.http.requests) == 12


# ------------------------------------------------------------------- local validation


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"target_language": "xx"}, ConfigurationError, "Unknown language"),
        (
            {"target_language": "th", "modalities": ("text", "audio")},
            ConfigurationError,
            "text output only",
        ),
        ({"voice": "Dylan", "modalities": ("text", "audio")}, ConfigurationError, "cannot speak"),
        ({"modalities": ("audio",)}, ConfigurationError, "modalities"),
    ],
)
async def test_bad_options_fail_before_any_request(
    emu: Emulator, ft: FileTranslator, kwargs: dict[str, Any], error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        await ft.translate("https://x.test/a.wav", **kwargs)
    with pytest.raises(error, match=match):
        async for _ in ft.stream("https://x.test/a.wav", **kwargs):
            pass
    assert emu.http.requests == []


async def test_bad_files_fail_before_any_request(emu: Emulator, tmp_path: Path) -> None:
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    big = tmp_path / "big.wav"
    big.write_bytes(wav_bytes(1.0))
    async with FileTranslator(api_key=KEY, base_url=emu.base_url, max_file_bytes=1000) as ft:
        with pytest.raises(AudioError, match="unsupported file type"):
            await ft.translate(text)
        with pytest.raises(AudioError, match="empty"):
            await ft.translate(empty)
        with pytest.raises(AudioError, match="over the"):
            await ft.translate(big)
        with pytest.raises(AudioError, match="No such file"):
            await ft.translate(tmp_path / "missing.wav")
        with pytest.raises(AudioError, match="is a directory"):
            await ft.translate(tmp_path)
        with pytest.raises(AudioError, match="Cannot translate a int"):
            await ft.translate(42)  # type: ignore[arg-type]
        with pytest.raises(AudioError, match="over the"):
            await ft.translate(wav_bytes(1.0))
    assert emu.http.requests == []


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"model": "qwen3.5-livetranslate-flash-realtime"}, "realtime model"),
        ({"base_url": "ws://127.0.0.1:1/compatible-mode/v1"}, "http"),
        ({"base_url": "http://127.0.0.1:1/compatible-mode/v1/chat/completions"}, "without"),
        ({"base_url": "http://127.0.0.1:1/compatible-mode/v1?x=1"}, "query string"),
        ({"region": "mars"}, "Unknown region"),
        ({"max_retries": -1}, "max_retries"),
        ({"max_retries": 1.5}, "max_retries"),
        ({"timeout": 0}, "timeout"),
        ({"max_file_bytes": 0}, "max_file_bytes"),
        ({"api_key": ""}, "No API key"),
    ],
)
def test_constructor_checks(kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ConfigurationError, match=match):
        FileTranslator(**{"api_key": KEY, **kwargs})


def test_key_comes_from_the_environment_and_never_shows(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DASHSCOPE_API_KEY", raising=False)
    with pytest.raises(ConfigurationError, match="DASHSCOPE_API_KEY"):
        FileTranslator()
    monkeypatch.setenv("DASHSCOPE_API_KEY", KEY)
    ft = FileTranslator(region="cn", workspace="ws-1")
    assert KEY not in repr(ft)
    assert "sk-***" in repr(ft)
    assert ft.base_url == "https://ws-1.cn-beijing.maas.aliyuncs.com/compatible-mode/v1"
    assert ft.model == "qwen3-livetranslate-flash"
    assert livetranslate.FileTranslator is FileTranslator
    assert livetranslate.TranslationResult is TranslationResult


async def test_closed_translator_raises_usage_error(emu: Emulator) -> None:
    ft = FileTranslator(api_key=KEY, base_url=emu.base_url)
    assert (await ft.translate(wav_bytes())).text  # works without `async with`
    await ft.close()
    await ft.close()  # idempotent
    assert "closed" in repr(ft)
    with pytest.raises(UsageError, match="closed"):
        await ft.translate(wav_bytes())
    with pytest.raises(UsageError, match="closed"):
        async with ft:
            pass
    with pytest.raises(UsageError, match="closed"):
        await ft.translate_many([wav_bytes()])


# ---------------------------------------------------------------------- service errors


async def test_wrong_key_is_an_authentication_error_without_the_key() -> None:
    async with Emulator(latency=0, api_key="sk-the-right-one") as emu:
        async with FileTranslator(api_key=KEY, base_url=emu.base_url) as ft:
            with pytest.raises(AuthenticationError) as info:
                await ft.translate(wav_bytes())
        err = info.value
        assert err.status_code == 401
        assert err.code == "invalid_api_key"
        assert err.request_id
        assert KEY not in str(err)
        assert KEY not in repr(err.headers)
        assert KEY not in json.dumps(err.body)
        assert isinstance(err.__cause__, openai.AuthenticationError)
        assert len(emu.http.requests) == 1  # never retried


async def test_denied_key_and_unknown_endpoint() -> None:
    async with Emulator(latency=0, denied_keys=[KEY]) as emu:
        async with FileTranslator(api_key=KEY, base_url=emu.base_url) as ft:
            with pytest.raises(PermissionDeniedError, match="Access denied"):
                await ft.translate(wav_bytes())
        async with FileTranslator(api_key="sk-other", base_url=emu.base_url + "/v2") as ft:
            with pytest.raises(NotFoundError, match="HTTP 404"):
                await ft.translate(wav_bytes())


async def test_429_is_retried_after_retry_after(emu: Emulator, ft: FileTranslator) -> None:
    waits = record_sleeps(ft)
    emu.http.inject("status", status=429, retry_after=0.25)
    result = await ft.translate(wav_bytes())
    assert result.text
    assert waits == [0.25]
    assert [r.outcome for r in emu.http.requests] == ["fault", "ok"]


async def test_429_that_persists_raises_rate_limit_error(emu: Emulator, ft: FileTranslator) -> None:
    waits = record_sleeps(ft)
    emu.http.inject("status", status=429, retry_after=2, times=None)
    with pytest.raises(RateLimitError) as info:
        await ft.translate(wav_bytes())
    assert info.value.retry_after == 2.0
    assert waits == [2.0, 2.0]
    assert len(emu.http.requests) == 3  # max_retries=2


async def test_500_is_retried_with_backoff(emu: Emulator, ft: FileTranslator) -> None:
    waits = record_sleeps(ft)
    emu.http.inject("status", status=500, times=2)
    assert (await ft.translate(wav_bytes())).text
    assert waits == [MS, 2 * MS]
    emu.http.inject("status", status=502, times=None)
    with pytest.raises(ServerError, match="HTTP 502"):
        await ft.translate(wav_bytes())


async def test_a_cut_mid_stream_says_how_much_arrived(emu: Emulator, tmp_path: Path) -> None:
    async with FileTranslator(api_key=KEY, base_url=emu.base_url) as ft:
        emu.http.inject("cut", after_chunks=3)
        with pytest.raises(StreamInterrupted) as info:
            await ft.translate(wav_bytes(), modalities=("text", "audio"))
        err = info.value
        assert err.events_received == 3
        assert err.text_received > 0
        assert "broke off after 3 chunks" in str(err)
        assert len(emu.http.requests) == 1  # not retried once data had arrived
        emu.http.inject("cut", after_chunks=2)
        received: list[object] = []

        async def consume() -> None:
            async for event in ft.stream(wav_bytes()):
                received.append(event)

        with pytest.raises(StreamInterrupted):
            await consume()
        assert len(received) == 2
        assert all(isinstance(e, TranslationTextDelta) for e in received)


async def test_a_cut_before_the_first_chunk_is_retried(emu: Emulator, ft: FileTranslator) -> None:
    emu.http.inject("cut", after_chunks=0)
    assert (await ft.translate(wav_bytes())).text
    assert [r.outcome for r in emu.http.requests] == ["cut", "ok"]


async def test_slow_first_byte_times_out_then_retries(emu: Emulator) -> None:
    async with FileTranslator(
        api_key=KEY, base_url=emu.base_url, timeout=100 * MS, max_retries=0
    ) as ft:
        emu.http.inject("slow", delay=400 * MS)
        with pytest.raises(TransportTimeout, match="did not answer"):
            await ft.translate(wav_bytes())
    async with FileTranslator(
        api_key=KEY, base_url=emu.base_url, timeout=100 * MS, retry_backoff=FAST
    ) as ft:
        emu.http.inject("slow", delay=400 * MS)
        assert (await ft.translate(wav_bytes())).text


async def test_unreachable_server_is_a_connect_error() -> None:
    async with Emulator(latency=0) as emu:
        url = emu.base_url
    async with FileTranslator(api_key=KEY, base_url=url, max_retries=1, retry_backoff=FAST) as ft:
        waits = record_sleeps(ft)
        with pytest.raises(ConnectError, match="Could not reach"):
            await ft.translate(wav_bytes())
        assert len(waits) == 1


def test_error_mapping_of_stream_errors_and_raw_http_errors() -> None:
    import httpx

    def mapped(exc: Exception, *, streaming: bool) -> BaseException:
        try:
            with map_errors(streaming=streaming, host="h", model="m", region="intl", key=None):
                raise exc
        except Exception as caught:
            return caught
        raise AssertionError("nothing raised")

    request: Any = httpx.Request("POST", "http://h/chat/completions")
    inside = openai.APIError("boom", request, body={"code": "internal_error", "message": "bad"})
    err = mapped(inside, streaming=True)
    assert isinstance(err, ServerError)
    assert err.code == "internal_error"
    assert isinstance(mapped(httpx.ReadTimeout("slow"), streaming=True), StreamInterrupted)
    assert isinstance(mapped(httpx.ReadTimeout("slow"), streaming=False), TransportTimeout)
    assert isinstance(mapped(httpx.ReadError("gone"), streaming=True), StreamInterrupted)
    assert isinstance(mapped(OSError("gone"), streaming=False), ConnectError)
    timeout = openai.APITimeoutError(request)
    assert isinstance(mapped(timeout, streaming=True), StreamInterrupted)
    same = UsageError("ours")
    assert mapped(same, streaming=True) is same
