from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from livetranslate.usage import Usage

counts = st.integers(min_value=0, max_value=10**9)
usages = st.builds(Usage, counts, counts, counts, counts, counts, counts)


def test_zero_and_totals() -> None:
    assert Usage().total_tokens == 0
    u = Usage(
        input_text_tokens=1,
        input_audio_tokens=2,
        input_image_tokens=3,
        input_video_tokens=4,
        output_text_tokens=5,
        output_audio_tokens=6,
    )
    assert (u.input_tokens, u.output_tokens, u.total_tokens) == (10, 11, 21)
    assert u.as_dict()["output_audio_tokens"] == 6


@pytest.mark.parametrize("bad", [-1, 1.5, True, "3"])
def test_rejects_bad_counts(bad: object) -> None:
    with pytest.raises(ValueError, match="input_audio_tokens"):
        Usage(input_audio_tokens=bad)  # type: ignore[arg-type]


def test_add_other_type_is_not_implemented() -> None:
    with pytest.raises(TypeError):
        Usage() + 1  # type: ignore[operator]


@given(usages, usages, usages)
def test_addition_is_associative_commutative_with_zero(a: Usage, b: Usage, c: Usage) -> None:
    assert a + b == b + a
    assert (a + b) + c == a + (b + c)
    assert a + Usage() == a
    assert (a + b).total_tokens == a.total_tokens + b.total_tokens
