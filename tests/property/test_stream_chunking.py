"""Chunking invariance of the file-translation reducer (style.md §16.3).

However the service splits the text and the base64 audio into chunks (and interleaves them),
the folded result is the same, and the deltas concatenate to it. Arbitrary JSON fed to the
reducer either folds or raises RemoteProtocolError.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import struct
from typing import Any

from hypothesis import given, strategies as st

from livetranslate.exceptions import RemoteProtocolError
from livetranslate.protocol.files import (
    TranslationAccumulator,
    TranslationAudioDelta,
    TranslationOutput,
    TranslationTextDelta,
    TranslationUsage,
)

USAGE = {
    "prompt_tokens": 10,
    "completion_tokens": 5,
    "completion_tokens_details": {"audio_tokens": 2},
}


def header(pcm_len: int) -> bytes:
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 24000, 48000, 2, 16)
    body = b"WAVE" + fmt + b"data" + struct.pack("<I", pcm_len)
    return b"RIFF" + struct.pack("<I", len(body) + pcm_len) + body


def cuts(length: int, points: list[int]) -> list[tuple[int, int]]:
    marks = sorted({0, length, *(p % (length + 1) for p in points)})
    return list(itertools.pairwise(marks))


def chunk(delta: dict[str, Any] | None, usage: dict[str, Any] | None = None) -> str:
    choices = [] if delta is None else [{"index": 0, "finish_reason": None, "delta": delta}]
    return json.dumps(
        {"id": "c", "object": "chat.completion.chunk", "choices": choices, "usage": usage}
    )


def stream(
    text: str, audio_b64: str, text_points: list[int], audio_points: list[int], order: list[bool]
) -> list[str]:
    """Chunks carrying ``text`` and ``audio_b64`` split at the given points, interleaved."""
    texts = [{"content": text[a:b]} for a, b in cuts(len(text), text_points)]
    audios = [
        {"content": None, "audio": {"data": audio_b64[a:b], "id": "audio_1", "expires_at": 1}}
        for a, b in cuts(len(audio_b64), audio_points)
    ]
    out: list[str] = [chunk({"role": "assistant", "content": ""})]
    flags = iter(order)
    while texts or audios:
        take_text = bool(texts) and (not audios or next(flags, True))
        out.append(chunk((texts if take_text else audios).pop(0)))
    out.append(chunk({"content": None}, None))
    out.append(chunk(None, USAGE))
    return out


def fold(chunks: list[str]) -> tuple[TranslationOutput, str, bytes]:
    acc = TranslationAccumulator()
    text, pcm = [], []
    for data in chunks:
        for event in acc.receive_chunk(data):
            if isinstance(event, TranslationTextDelta):
                text.append(event.text)
            elif isinstance(event, TranslationAudioDelta):
                assert len(event.pcm) % 2 == 0
                pcm.append(event.pcm)
            else:
                assert isinstance(event, TranslationUsage)
    return acc.result(), "".join(text), b"".join(pcm)


points = st.lists(st.integers(min_value=0, max_value=10_000), max_size=12)


@given(
    text=st.text(max_size=200),
    pcm=st.binary(max_size=600),
    with_header=st.booleans(),
    split_a=st.tuples(points, points, st.lists(st.booleans(), max_size=40)),
    split_b=st.tuples(points, points, st.lists(st.booleans(), max_size=40)),
)
def test_result_does_not_depend_on_how_the_stream_is_split(
    text: str,
    pcm: bytes,
    with_header: bool,
    split_a: tuple[list[int], list[int], list[bool]],
    split_b: tuple[list[int], list[int], list[bool]],
) -> None:
    raw = (header(len(pcm)) if with_header else b"") + pcm
    audio_b64 = base64.b64encode(raw).decode("ascii")
    one, text_a, pcm_a = fold(stream(text, audio_b64, *split_a))
    two, text_b, pcm_b = fold(stream(text, audio_b64, *split_b))
    whole, _, _ = fold(stream(text, audio_b64, [], [], []))
    expected_pcm = pcm[: len(pcm) - len(pcm) % 2] if with_header else raw[: len(raw) - len(raw) % 2]
    if not with_header and raw[:4] == b"RIFF" and raw[8:12] == b"WAVE":
        expected_pcm = whole.audio  # a random RIFF/WAVE prefix is (rightly) read as a header
    for out, t, p in ((one, text_a, pcm_a), (two, text_b, pcm_b), (whole, text, whole.audio)):
        assert out.text == text == t
        assert out.audio == expected_pcm == p
        assert out.usage == whole.usage


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)


@given(value=json_values | st.fixed_dictionaries({"choices": json_values, "usage": json_values}))
def test_arbitrary_json_folds_or_raises_remote_protocol_error(value: object) -> None:
    acc = TranslationAccumulator()
    with contextlib.suppress(RemoteProtocolError):
        acc.receive_chunk(json.dumps(value))


@given(data=st.binary(max_size=200))
def test_arbitrary_bytes_fold_or_raise_remote_protocol_error(data: bytes) -> None:
    acc = TranslationAccumulator()
    with contextlib.suppress(RemoteProtocolError):
        acc.receive_chunk(data)
