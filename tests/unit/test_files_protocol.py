"""The sans-I/O file-translation core: input checks, request building, the chunk reducer."""

from __future__ import annotations

import base64
import json
import struct
import subprocess
import sys
from typing import Any

import pytest

from livetranslate.exceptions import (
    AudioError,
    ConfigurationError,
    RemoteProtocolError,
    StreamInterrupted,
)
from livetranslate.protocol.files import (
    OUTPUT_SAMPLE_RATE,
    MediaFormat,
    TranslationAccumulator,
    TranslationAudioDelta,
    TranslationTextDelta,
    TranslationUsage,
    build_request,
    data_url,
    format_from_name,
    media_from_bytes,
    media_from_url,
    resolve_options,
    sniff_format,
)
from livetranslate.usage import Usage

FILE_MODEL = "qwen3-livetranslate-flash"


def wav_header(pcm_len: int, *, extra_chunk: bool = False) -> bytes:
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 24000, 48000, 2, 16)
    extra = b"LIST" + struct.pack("<I", 5) + b"abcde\x00" if extra_chunk else b""
    body = b"WAVE" + fmt + extra + b"data" + struct.pack("<I", pcm_len)
    return b"RIFF" + struct.pack("<I", len(body) + pcm_len) + body


def chunk(
    *,
    content: str | None = None,
    audio: str | None = None,
    audio_id: str = "audio_1",
    role: str | None = None,
    finish: str | None = None,
    usage: dict[str, Any] | None = None,
    empty: bool = False,
) -> dict[str, Any]:
    delta: dict[str, Any] = {"content": content, "role": role}
    if audio is not None:
        delta["audio"] = {"data": audio, "id": audio_id, "expires_at": 1}
    choices = [] if empty else [{"index": 0, "finish_reason": finish, "delta": delta}]
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": FILE_MODEL,
        "choices": choices,
        "usage": usage,
    }


USAGE = {
    "prompt_tokens": 415,
    "completion_tokens": 242,
    "total_tokens": 657,
    "completion_tokens_details": {"audio_tokens": 191, "text_tokens": 51},
    "prompt_tokens_details": {"audio_tokens": 415, "text_tokens": 0, "video_tokens": None},
}


# ------------------------------------------------------------------------------ formats


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (wav_header(0), ("wav", "audio")),
        (b"RIFF\x00\x00\x00\x00AVI LIST", ("avi", "video")),
        (b"fLaC\x00\x00\x00\x22", ("flac", "audio")),
        (b"OggS\x00\x02" + bytes(22) + b"\x01\x1evorbis", ("ogg", "audio")),
        (b"OggS\x00\x02" + bytes(22) + b"OpusHead", ("opus", "audio")),
        (b"#!AMR\n", ("amr", "audio")),
        (b"ID3\x04\x00", ("mp3", "audio")),
        (b"\xff\xfb\x90\x64", ("mp3", "audio")),
        (b"\xff\xf1\x50\x80", ("aac", "audio")),
        (b"\x30\x26\xb2\x75\x8e\x66\xcf\x11\xa6\xd9", ("wma", "audio")),
        (b"\x00\x00\x00\x20ftypM4A \x00", ("m4a", "audio")),
        (b"\x00\x00\x00\x14ftypqt  \x00", ("mov", "video")),
        (b"\x00\x00\x00\x14ftypM4V \x00", ("m4v", "video")),
        (b"\x00\x00\x00\x1cftypisom\x00", ("mp4", "video")),
        (b"\x1a\x45\xdf\xa3\x01\x00\x00\x00\x42\x82\x84webm", ("webm", "video")),
        (b"\x1a\x45\xdf\xa3\x01\x00\x00\x00\x42\x82\x88matroska", ("mkv", "video")),
        (b"FLV\x01\x05", ("flv", "video")),
    ],
)
def test_sniff_format_recognises_magic_bytes(head: bytes, expected: tuple[str, str]) -> None:
    assert sniff_format(head) == MediaFormat(*expected)  # type: ignore[arg-type]


@pytest.mark.parametrize("head", [b"", b"hello world", b"\x89PNG\r\n\x1a\n", b"RIFF\0\0\0\0XXXX"])
def test_sniff_format_rejects_other_bytes(head: bytes) -> None:
    assert sniff_format(head) is None


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("talk.MP3", MediaFormat("mp3", "audio")),
        ("/a/b/clip.wave", MediaFormat("wav", "audio")),
        ("x.mpga", MediaFormat("mp3", "audio")),
        ("movie.mov", MediaFormat("mov", "video")),
        ("movie.qt", MediaFormat("mov", "video")),
        ("notes.txt", None),
        ("no_extension", None),
        ("dir.d/file", None),
    ],
)
def test_format_from_name(name: str, expected: MediaFormat | None) -> None:
    assert format_from_name(name) == expected


def test_data_url_is_the_documented_form() -> None:
    assert data_url(b"abc", MediaFormat("mp3", "audio")) == "data:audio/mp3;base64,YWJj"
    assert data_url(b"abc", MediaFormat("mp4", "video")) == "data:video/mp4;base64,YWJj"
    assert MediaFormat("wav", "audio").mime == "audio/wav"


# -------------------------------------------------------------------------------- inputs


def test_media_from_url_reads_the_extension_and_keeps_the_query() -> None:
    media = media_from_url("https://cdn.example/a/talk.mp3?sig=secret")
    assert (media.kind, media.format, media.size_bytes) == ("audio", "mp3", None)
    assert media.label == "https://cdn.example/a/talk.mp3"
    assert media.url.endswith("?sig=secret")
    part = media.content_part()
    assert part == {
        "type": "input_audio",
        "input_audio": {"data": "https://cdn.example/a/talk.mp3?sig=secret", "format": "mp3"},
    }
    video = media_from_url("http://x.test/v/1.MP4")
    assert video.content_part() == {
        "type": "video_url",
        "video_url": {"url": "http://x.test/v/1.MP4"},
    }


def test_media_from_url_declared_format_and_errors() -> None:
    assert media_from_url("https://x.test/download?id=1", format="wav").format == "wav"
    with pytest.raises(AudioError, match="pass format="):
        media_from_url("https://x.test/download?id=1")
    with pytest.raises(AudioError, match="Unsupported format 'aiff'"):
        media_from_url("https://x.test/a", format="aiff")
    with pytest.raises(AudioError, match="Only http"):
        media_from_url("ftp://x.test/a.wav")


def test_media_from_bytes_sniffs_then_uses_the_name() -> None:
    wav = wav_header(4) + b"\x01\x00\x02\x00"
    media = media_from_bytes(wav, name="talk.mp3")  # the bytes win over a wrong extension
    assert (media.kind, media.format, media.size_bytes, media.label) == (
        "audio",
        "wav",
        12 + 36,
        "talk.mp3",
    )
    assert media.url == "data:audio/wav;base64," + base64.b64encode(wav).decode()
    by_name = media_from_bytes(b"\x00\x01\x02", name="raw.amr")
    assert by_name.format == "amr"
    declared = media_from_bytes(b"\x00\x01", format="FLAC")
    assert declared.format == "flac"
    video = media_from_bytes(b"\x00\x00\x00\x1cftypisom" + bytes(8))
    assert video.content_part()["video_url"]["url"].startswith("data:video/mp4;base64,")
    assert "base64" not in repr(media)
    assert "talk.mp3" in repr(media)


@pytest.mark.parametrize(
    ("data", "kwargs", "match"),
    [
        (b"", {"name": "empty.wav"}, "empty.wav is empty"),
        (b"x" * 11, {"name": "big.wav", "max_bytes": 10}, "over the"),
        (b"plain text", {"name": "notes.txt"}, "unsupported file type"),
        (b"plain text", {}, "unsupported file type"),
        (b"abc", {"format": "aiff"}, "Unsupported format"),
    ],
)
def test_media_from_bytes_rejects(data: bytes, kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(AudioError, match=match):
        media_from_bytes(data, **kwargs)


# ------------------------------------------------------------------------------- options


def test_resolve_options_text_only_defaults() -> None:
    opts = resolve_options(target_language="English")
    assert (opts.model, opts.target_language, opts.source_language) == (FILE_MODEL, "en", None)
    assert opts.modalities == ("text",)
    assert opts.voice is None
    assert not opts.speech


def test_resolve_options_speech_picks_a_voice_that_speaks_the_target() -> None:
    assert resolve_options(target_language="en", modalities=("text", "audio")).voice == "Cherry"
    # Cantonese: the default voice does not speak it, Kiki does
    assert resolve_options(target_language="yue", modalities=["audio", "text"]).voice == "Kiki"
    opts = resolve_options(
        model="qwen3-livetranslate-flash-2025-12-01",
        target_language="de",
        source_language="zh",
        modalities=("text", "audio"),
        voice="ethan",
    )
    assert (opts.model, opts.voice, opts.source_language) == (
        "qwen3-livetranslate-flash-2025-12-01",
        "Ethan",
        "zh",
    )
    assert resolve_options(target_language="en", voice="Ethan").voice is None  # checked, not sent
    assert resolve_options(target_language="en", source_language="auto").source_language is None


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"model": "qwen3.5-livetranslate-flash-realtime"}, "realtime model"),
        ({"target_language": "xx"}, "Unknown language"),
        ({"target_language": "fi"}, "not supported by qwen3-livetranslate-flash"),
        ({"target_language": "th", "modalities": ("text", "audio")}, "text output only"),
        ({"voice": "Dylan", "modalities": ("text", "audio")}, "cannot speak 'en'"),
        ({"voice": "Nobody"}, "Unknown voice"),
        ({"modalities": ("audio",)}, "modalities must be"),
        ({"modalities": "audio"}, "modalities must be"),
        ({"modalities": ("text", "text")}, "modalities must be"),
        ({"modalities": 3}, "modalities must be"),
    ],
)
def test_resolve_options_rejects(kwargs: dict[str, Any], match: str) -> None:
    args: dict[str, Any] = {"target_language": "en", **kwargs}
    with pytest.raises(ConfigurationError, match=match):
        resolve_options(**args)


def test_build_request_is_exactly_the_documented_body() -> None:
    media = media_from_url("https://x.test/cherry.wav")
    text = build_request(media, resolve_options(target_language="en"))
    assert text == {
        "model": FILE_MODEL,
        "messages": [
            {
                "role": "user",
                "content": [
                    {
                        "type": "input_audio",
                        "input_audio": {"data": "https://x.test/cherry.wav", "format": "wav"},
                    }
                ],
            }
        ],
        "modalities": ["text"],
        "stream": True,
        "stream_options": {"include_usage": True},
        "translation_options": {"target_lang": "en"},
    }
    speech = build_request(
        media,
        resolve_options(target_language="en", source_language="zh", modalities=("text", "audio")),
    )
    assert speech["modalities"] == ["text", "audio"]
    assert speech["audio"] == {"voice": "Cherry", "format": "wav"}
    assert speech["translation_options"] == {"source_lang": "zh", "target_lang": "en"}
    json.dumps(speech)  # plain JSON


# ------------------------------------------------------------------------------- reducer


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def test_accumulator_folds_text_audio_and_usage() -> None:
    acc = TranslationAccumulator()
    assert acc.receive_chunk(chunk(role="assistant", content="")) == []
    assert acc.receive_chunk(chunk(content="Hello")) == [TranslationTextDelta("Hello")]
    assert acc.receive_chunk(json.dumps(chunk(content=" world"))) == [
        TranslationTextDelta(" world")
    ]
    events = acc.receive_chunk(json.dumps(chunk(audio=b64(b"\x01\x00\x02\x00"))).encode())
    assert events == [TranslationAudioDelta(b"\x01\x00\x02\x00")]
    assert acc.receive_chunk(chunk(finish="stop", content="")) == []
    assert (acc.text, acc.audio_bytes, acc.chunks_received, acc.complete) == (
        "Hello world",
        4,
        5,
        False,
    )
    (final,) = acc.receive_chunk(chunk(empty=True, usage=USAGE))
    assert isinstance(final, TranslationUsage)
    assert final.usage == Usage(
        input_audio_tokens=415, output_text_tokens=51, output_audio_tokens=191
    )
    assert final.finish_reason == "stop"
    assert final.cost.tokens == final.usage
    out = acc.result()
    assert (out.text, out.audio, out.sample_rate) == ("Hello world", b"\x01\x00\x02\x00", 24000)
    assert (out.finish_reason, out.response_id, out.chunks) == ("stop", "chatcmpl-1", 6)
    assert out.cost.model == FILE_MODEL
    assert "bytes" in repr(events[0])


def test_accumulator_strips_a_wav_header_even_when_split() -> None:
    pcm = bytes(range(10))
    stream = wav_header(len(pcm), extra_chunk=True) + pcm
    acc = TranslationAccumulator()
    out = b""
    for piece in (stream[:3], stream[3:20], stream[20:50], stream[50:]):
        for event in acc.receive_chunk(chunk(audio=b64(piece))):
            assert isinstance(event, TranslationAudioDelta)
            assert len(event.pcm) % 2 == 0
            out += event.pcm
    acc.receive_chunk(chunk(empty=True, usage=USAGE))
    assert out == pcm == acc.result().audio


def test_accumulator_restarts_header_detection_on_a_new_audio_id() -> None:
    acc = TranslationAccumulator()
    acc.receive_chunk(chunk(audio=b64(wav_header(2) + b"\x01\x02"), audio_id="a1"))
    acc.receive_chunk(chunk(audio=b64(b"\x03\x04"), audio_id="a1"))
    acc.receive_chunk(chunk(audio=b64(wav_header(2) + b"\x05\x06"), audio_id="a2"))
    acc.receive_chunk(chunk(empty=True, usage=USAGE))
    assert acc.result().audio == b"\x01\x02\x03\x04\x05\x06"


def test_accumulator_keeps_whole_samples_and_splits_base64_anywhere() -> None:
    pcm = bytes(range(7))  # odd: the last half sample is dropped at the end
    text = b64(pcm)
    acc = TranslationAccumulator()
    got = b""
    for piece in (text[:1], text[1:6], text[6:]):
        for event in acc.receive_chunk(chunk(audio=piece)):
            assert isinstance(event, TranslationAudioDelta)
            got += event.pcm
    acc.receive_chunk(chunk(empty=True, usage=USAGE))
    assert got == pcm[:6] == acc.result().audio


def test_accumulator_short_riff_lookalike_and_headerless_tail() -> None:
    acc = TranslationAccumulator()
    assert acc.receive_chunk(chunk(audio=b64(b"RI"))) == []  # may be a header: held
    assert acc.receive_chunk(chunk(empty=True, usage=USAGE))[0] == TranslationAudioDelta(b"RI")
    incomplete = TranslationAccumulator()
    incomplete.receive_chunk(chunk(audio=b64(wav_header(0)[:30])))  # header never finished
    incomplete.receive_chunk(chunk(empty=True, usage=USAGE))
    assert incomplete.result().audio == b""


def test_accumulator_errors() -> None:
    acc = TranslationAccumulator()
    with pytest.raises(RemoteProtocolError, match="not valid base64"):
        acc.receive_chunk(chunk(audio="!!!!"))
    with pytest.raises(RemoteProtocolError, match="not valid JSON"):
        acc.receive_chunk("{nope")
    done = TranslationAccumulator()
    done.receive_chunk(chunk(empty=True, usage=USAGE))
    with pytest.raises(RemoteProtocolError, match="after the final usage chunk"):
        done.receive_chunk(chunk(content="late"))
    half = TranslationAccumulator()
    half.receive_chunk(chunk(audio="AAA"))
    with pytest.raises(RemoteProtocolError, match="base64 quantum"):
        half.receive_chunk(chunk(empty=True, usage=USAGE))


def test_result_without_usage_is_an_interruption_that_says_how_much_arrived() -> None:
    acc = TranslationAccumulator()
    acc.receive_chunk(chunk(content="Hello"))
    acc.receive_chunk(chunk(audio=b64(bytes(OUTPUT_SAMPLE_RATE * 2))))
    with pytest.raises(StreamInterrupted) as info:
        acc.result()
    err = info.value
    assert (err.events_received, err.text_received, err.audio_bytes_received) == (2, 5, 48000)
    assert "after 2 chunks (5 characters of text and 1.00 s of speech" in str(err)
    assert "final usage chunk" in str(err)
    custom = acc.interrupted("the connection broke")
    assert str(custom).endswith("the connection broke.")


def test_accumulator_prices_in_its_region() -> None:
    acc = TranslationAccumulator(model=FILE_MODEL, region="cn")
    (final,) = acc.receive_chunk(chunk(empty=True, usage=USAGE))
    assert isinstance(final, TranslationUsage)
    assert final.cost.region == "cn"
    assert final.cost.total > 0


def test_file_protocol_modules_import_no_io() -> None:
    code = (
        "import sys\n"
        "import livetranslate.protocol.files, livetranslate.protocol.http, "
        "livetranslate.protocol.backoff\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('asyncio', 'httpx', 'httpx2', 'openai', 'numpy', 'soundfile', 'websockets')]\n"
        "print(','.join(sorted(bad)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_accumulator_takes_parsed_chunks_and_audio_without_an_id() -> None:
    from livetranslate.events.translation import parse_chat_chunk

    acc = TranslationAccumulator()
    raw = chunk(audio=b64(b"\x01\x02"))
    raw["choices"][0]["delta"]["audio"].pop("id")
    assert acc.receive_chunk(parse_chat_chunk(raw)) == [TranslationAudioDelta(b"\x01\x02")]
    acc.receive_chunk(parse_chat_chunk(chunk(empty=True, usage=USAGE)))
    assert acc.result().audio == b"\x01\x02"
