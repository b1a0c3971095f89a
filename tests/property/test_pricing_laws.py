"""Laws of the price model (style.md §16.3): exact, additive, monotonic, zero at zero.

``cost_of`` has no minimum charges, tiers or rounding, so it is exactly additive. The duration
estimators round each count up to a whole token (and the file model bills input audio under a
second as a second), so they obey weaker, exactly stated laws instead: monotonic in seconds, and
for two parts ``T(a) + T(b) - k <= T(a + b) <= T(a) + T(b)`` with ``k`` the number of rounded terms.
"""

from __future__ import annotations

from dataclasses import fields
from decimal import Decimal

from hypothesis import given, strategies as st

from livetranslate.pricing import (
    PRICE_KINDS,
    CostEstimate,
    PriceSheet,
    audio_input_tokens,
    audio_output_tokens,
    cost_of,
    estimate_cost,
    image_tokens,
    list_prices,
)
from livetranslate.registry import get_model, list_models
from livetranslate.usage import Usage

USAGE_FIELDS = [f.name for f in fields(Usage)]
tokens = st.integers(min_value=0, max_value=10**12)
usages = st.builds(Usage, **dict.fromkeys(USAGE_FIELDS, tokens))
sheets = st.sampled_from(list_prices())
models = st.sampled_from([m.id for m in list_models()])
realtime_models = st.sampled_from([m.id for m in list_models(kind="realtime")])
# Exact durations (milliseconds) up to about three hours.
seconds = st.decimals(min_value=0, max_value=10_000, places=3)
seconds_from_one = st.decimals(min_value=1, max_value=10_000, places=3)


def _cost(usage: Usage, sheet: PriceSheet) -> CostEstimate:
    return cost_of(usage, model=sheet.model, region=sheet.region, currency=sheet.currency)


# ------------------------------------------------------------------------------------ cost_of


@given(usages, usages, sheets)
def test_cost_is_additive(a: Usage, b: Usage, sheet: PriceSheet) -> None:
    assert _cost(a + b, sheet) == _cost(a, sheet) + _cost(b, sheet)


@given(usages, usages, usages, sheets)
def test_adding_estimates_is_associative_and_commutative(
    a: Usage, b: Usage, c: Usage, sheet: PriceSheet
) -> None:
    ca, cb, cc = _cost(a, sheet), _cost(b, sheet), _cost(c, sheet)
    assert (ca + cb) + cc == ca + (cb + cc)
    assert ca + cb == cb + ca


@given(usages, st.sampled_from(USAGE_FIELDS), st.integers(min_value=1, max_value=10**9), sheets)
def test_cost_is_monotonic_in_every_field(
    usage: Usage, field: str, extra: int, sheet: PriceSheet
) -> None:
    more = usage + Usage(**{field: extra})
    low, high = _cost(usage, sheet), _cost(more, sheet)
    assert high.total >= low.total
    assert all(high.by_kind[k] >= low.by_kind[k] for k in PRICE_KINDS)
    kind = field.removesuffix("_tokens")
    if sheet.price(kind):
        assert high.total > low.total


@given(sheets)
def test_zero_usage_costs_zero(sheet: PriceSheet) -> None:
    est = _cost(Usage(), sheet)
    assert est.total == 0
    assert all(v == 0 for v in est.by_kind.values())


@given(usages, sheets)
def test_cost_is_exact_tokens_times_price(usage: Usage, sheet: PriceSheet) -> None:
    est = _cost(usage, sheet)
    expected = Decimal(0)
    for kind in PRICE_KINDS:
        price = sheet.price(kind) or Decimal(0)
        expected += Decimal(getattr(usage, f"{kind}_tokens")) * price / Decimal(10**6)
    assert est.total == expected == sum(est.by_kind.values())
    blocking = [k for k in est.unpriced if k != "input_text"]
    assert est.confirmed == (sheet.confirmed and not blocking)


@given(usages, sheets, st.integers(min_value=0, max_value=8))
def test_rounding_is_for_display_only(usage: Usage, sheet: PriceSheet, places: int) -> None:
    est = _cost(usage, sheet)
    shown = est.rounded(places)
    assert abs(shown.total - est.total) <= Decimal(1).scaleb(-places) / 2
    assert shown.tokens == est.tokens


# --------------------------------------------------------------------------- token estimates


@given(models, seconds, seconds)
def test_audio_tokens_are_monotonic_in_seconds(model: str, a: Decimal, b: Decimal) -> None:
    low, high = min(a, b), max(a, b)
    assert audio_input_tokens(low, model=model) <= audio_input_tokens(high, model=model)
    assert audio_output_tokens(low, model=model) <= audio_output_tokens(high, model=model)


@given(realtime_models, seconds, seconds)
def test_realtime_audio_tokens_add_within_one_token(model: str, a: Decimal, b: Decimal) -> None:
    for estimator in (audio_input_tokens, audio_output_tokens):
        ta, tb, tab = (
            estimator(a, model=model),
            estimator(b, model=model),
            estimator(a + b, model=model),
        )
        assert ta + tb - 1 <= tab <= ta + tb


@given(seconds, seconds)
def test_file_model_input_is_subadditive(a: Decimal, b: Decimal) -> None:
    # The one-second minimum keeps the upper bound for any parts ...
    ta = audio_input_tokens(a, model="qwen3-livetranslate-flash")
    tb = audio_input_tokens(b, model="qwen3-livetranslate-flash")
    assert audio_input_tokens(a + b, model="qwen3-livetranslate-flash") <= ta + tb


@given(seconds_from_one, seconds_from_one)
def test_file_model_input_adds_within_one_token_from_one_second(a: Decimal, b: Decimal) -> None:
    # ... and the lower bound only for parts of at least a second.
    m = "qwen3-livetranslate-flash"
    ta, tb = audio_input_tokens(a, model=m), audio_input_tokens(b, model=m)
    assert ta + tb - 1 <= audio_input_tokens(a + b, model=m) <= ta + tb


@given(realtime_models, st.integers(1, 4000), st.integers(1, 4000), st.integers(0, 64))
def test_image_tokens_are_monotonic_in_size(model: str, w: int, h: int, extra: int) -> None:
    base = image_tokens(w, h, model=model)
    assert image_tokens(w + extra, h, model=model) >= base
    assert image_tokens(w, h + extra, model=model) >= base
    block = get_model(model).image_token_block_px
    assert block is not None
    assert base * 2 >= (w * h) / (block * block)  # never below half a token per full block


# ------------------------------------------------------------------------------ estimate_cost


@given(models, st.sampled_from(["intl", "cn"]), seconds, seconds, st.booleans())
def test_estimate_is_monotonic_in_seconds(
    model: str, region: str, a: Decimal, b: Decimal, text_only: bool
) -> None:
    low, high = min(a, b), max(a, b)
    lo = estimate_cost(model=model, region=region, input_audio_seconds=low, text_only=text_only)
    hi = estimate_cost(model=model, region=region, input_audio_seconds=high, text_only=text_only)
    assert hi.total >= lo.total
    for name in USAGE_FIELDS:
        assert getattr(hi.tokens, name) >= getattr(lo.tokens, name)


@given(realtime_models, seconds, seconds)
def test_estimate_tokens_add_within_the_rounding_slack(model: str, a: Decimal, b: Decimal) -> None:
    ea = estimate_cost(model=model, input_audio_seconds=a).tokens
    eb = estimate_cost(model=model, input_audio_seconds=b).tokens
    eab = estimate_cost(model=model, input_audio_seconds=a + b).tokens
    text_terms = 2 if get_model(model).transcription_billed else 1
    for name in USAGE_FIELDS:
        slack = text_terms if name == "output_text_tokens" else 1
        parts = getattr(ea, name) + getattr(eb, name)
        assert parts - slack <= getattr(eab, name) <= parts


@given(models, st.sampled_from(["intl", "cn"]), seconds)
def test_estimate_is_the_cost_of_its_tokens(model: str, region: str, s: Decimal) -> None:
    est = estimate_cost(model=model, region=region, input_audio_seconds=s)
    priced = cost_of(est.tokens, model=model, region=region)
    assert (est.total, est.by_kind, est.unpriced) == (priced.total, priced.by_kind, priced.unpriced)
    assert set(priced.notes) <= set(est.notes)
    assert not est.confirmed or priced.confirmed


@given(models, seconds)
def test_text_only_never_costs_more(model: str, s: Decimal) -> None:
    full = estimate_cost(model=model, region="cn", input_audio_seconds=s)
    text = estimate_cost(model=model, region="cn", input_audio_seconds=s, text_only=True)
    assert text.total <= full.total
    assert text.tokens.output_audio_tokens == 0
    assert text.tokens.output_text_tokens == full.tokens.output_text_tokens
