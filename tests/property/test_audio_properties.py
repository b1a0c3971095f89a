"""Audio laws (style.md §16.3): lossless chunking; resampling keeps duration, ignores splits."""

from __future__ import annotations

import numpy as np
from hypothesis import given, strategies as st

from livetranslate import media

RATES = [8000, 11025, 16000, 22050, 24000, 32000, 44100, 48000]
pcm = st.binary(max_size=20_000).map(lambda b: b[: len(b) - len(b) % 2])


@given(pcm, st.sampled_from([8000, 16000, 24000]), st.integers(min_value=1, max_value=200))
def test_chunk_then_join_returns_the_original(data: bytes, rate: int, chunk_ms: int) -> None:
    chunks = list(media.chunk_pcm(data, sample_rate=rate, chunk_ms=chunk_ms))
    assert b"".join(chunks) == data
    size = media.chunk_bytes(rate, chunk_ms)
    assert all(len(c) == size for c in chunks[:-1])
    assert not chunks or 0 < len(chunks[-1]) <= size


@given(
    st.integers(min_value=1, max_value=30_000),
    st.sampled_from(RATES),
    st.sampled_from([8000, 16000]),
    st.integers(min_value=1, max_value=4),
)
def test_resampling_keeps_the_duration_within_one_sample(
    frames: int, src: int, dst: int, channels: int
) -> None:
    audio = np.random.default_rng(frames).uniform(-0.5, 0.5, (frames, channels))
    out = media.convert_audio(audio.astype(np.float32), sample_rate=src, target_rate=dst)
    assert abs(len(out) - frames * dst / src) <= 1


@given(
    st.sampled_from(RATES),
    st.lists(st.integers(min_value=0, max_value=12_000), max_size=12),
    st.booleans(),
)
def test_streaming_equals_one_shot_for_any_split(src: int, cuts: list[int], as_bytes: bool) -> None:
    rng = np.random.default_rng(src + len(cuts))
    samples = (rng.uniform(-0.4, 0.4, 12_000) * 32767).astype("<i2")
    one_shot = media.convert_audio(samples, sample_rate=src)
    converter = media.AudioConverter(src)
    parts: list[bytes] = []
    if as_bytes:  # byte pieces may even split a sample
        raw = samples.tobytes()
        bounds = sorted({min(c, len(raw)) for c in cuts})
        for piece in np.split(np.frombuffer(raw, dtype=np.uint8), bounds):
            parts.append(converter.convert(piece.tobytes()))
    else:
        for piece in np.split(samples, sorted(cuts)):
            parts.append(converter.convert(piece))
    parts.append(converter.flush())
    streamed = np.frombuffer(b"".join(parts), dtype="<i2")
    assert len(streamed) == len(one_shot)
    assert np.max(np.abs(streamed.astype(int) - one_shot.astype(int)), initial=0) <= 1
