"""Price sheets, token estimators and cost estimates (livetranslate.pricing)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from livetranslate import pricing
from livetranslate.exceptions import AudioError, ConfigurationError, LiveTranslateError
from livetranslate.pricing import (
    CostEstimate,
    audio_input_tokens,
    audio_output_tokens,
    cost_of,
    estimate_cost,
    get_prices,
    image_tokens,
    video_tokens,
)
from livetranslate.registry import get_model
from livetranslate.usage import Usage

Q3 = "qwen3-livetranslate-flash-realtime"
Q35 = "qwen3.5-livetranslate-flash-realtime"
Q38 = "qwen3.8-livetranslate-flash-realtime"
QF = "qwen3-livetranslate-flash"
D = Decimal

# ------------------------------------------------------------------------------ price sheets

PRICE_ROWS = [
    # model, region, currency, (input audio, input image, output text, output audio), confirmed
    (Q35, "cn", "CNY", ("40", "3.3", "100", "160"), True),
    (Q35, "intl", "CNY", ("56.207", "4.122", "149.884", "224.826"), True),
    (Q3, "cn", "CNY", ("64", "8", "64", "240"), True),
    (Q3, "intl", "CNY", ("73.392", "9.541", "73.392", "278.891"), True),
    (Q38, "cn", "CNY", ("40", "3.3", "100", "160"), True),
    (Q38, "intl", "CNY", ("54.688", "4.01", "145.835", "218.752"), True),
    (QF, "cn", "CNY", ("10", "4", "10", "40"), True),
    (Q3, "intl", "USD", ("10", "1.3", "10", "38"), False),
    (Q38, "intl", "USD", ("7.5", "0.55", "20", "30"), False),
]


@pytest.mark.parametrize(("model", "region", "currency", "prices", "confirmed"), PRICE_ROWS)
def test_price_rows(
    model: str, region: str, currency: str, prices: tuple[str, ...], confirmed: bool
) -> None:
    sheet = get_prices(model, region=region, currency=currency)
    assert (sheet.model, sheet.region, sheet.currency) == (model, region, currency)
    got = (sheet.input_audio, sheet.input_image, sheet.output_text, sheet.output_audio)
    assert got == tuple(D(p) for p in prices)
    assert sheet.input_text is None  # no input text price is listed anywhere
    assert sheet.price("input_video") == sheet.input_image
    assert sheet.confirmed is confirmed
    assert sheet.source


def test_every_sheet_is_listed_and_every_price_is_decimal() -> None:
    sheets = pricing.list_prices()
    assert len(sheets) == len(PRICE_ROWS) + 1  # plus the unpublished file-model intl sheet
    for sheet in sheets:
        for kind in pricing.PRICE_KINDS:
            price = sheet.price(kind)
            assert price is None or isinstance(price, Decimal)
        if sheet.currency == "USD":
            assert not sheet.confirmed
            assert any("UNCONFIRMED" in n for n in sheet.notes)


def test_file_model_intl_price_is_absent_not_invented() -> None:
    sheet = get_prices(QF, region="intl")
    assert not sheet.confirmed
    assert all(sheet.price(k) is None for k in pricing.PRICE_KINDS)


def test_snapshots_and_aliases_price_like_their_model() -> None:
    assert get_prices("qwen3.5-livetranslate-flash-realtime-2026-05-19", region="beijing") is (
        get_prices(Q35, region="cn")
    )
    assert get_prices("qwen3-livetranslate-flash-2025-12-01", region="CN") is get_prices(
        QF, region="cn"
    )
    assert get_prices(get_model(Q3), region="singapore", currency="usd").currency == "USD"


def test_get_prices_errors() -> None:
    with pytest.raises(ConfigurationError) as err:
        get_prices(Q35, currency="USD")
    assert "No USD prices" in str(err.value)
    assert err.value.suggestions == ("CNY",)
    with pytest.raises(ConfigurationError, match="did you mean"):
        get_prices("qwen3.5-livetranslate-flash", region="intl")
    with pytest.raises(ConfigurationError, match="'intl' \\(Singapore\\)"):
        get_prices(Q35, region="us")
    with pytest.raises(ConfigurationError, match="Unknown token kind"):
        get_prices(Q35).price("input_tokens")


# --------------------------------------------------------------------------------- cost_of


def test_cost_of_is_exact() -> None:
    usage = Usage(
        input_audio_tokens=27, output_text_tokens=2, output_audio_tokens=7, input_image_tokens=460
    )
    est = cost_of(usage, model=Q35)
    assert est.by_kind == {
        "input_text": D(0),
        "input_audio": D("0.001517589"),  # 27 * 56.207 / 1e6
        "input_image": D("0.00189612"),  # 460 * 4.122 / 1e6
        "input_video": D(0),
        "output_text": D("0.000299768"),
        "output_audio": D("0.001573782"),
    }
    assert est.total == sum(est.by_kind.values())
    assert est.total == D("0.005287259")
    assert est.confirmed
    assert est.unpriced == ()
    assert est.notes == ()
    assert (est.model, est.region, est.currency) == (Q35, "intl", "CNY")
    assert est.tokens == usage


def test_cost_of_beijing_mentions_free_quota() -> None:
    est = cost_of(Usage(input_audio_tokens=1_000_000), model=Q3, region="cn")
    assert est.total == D(64)
    assert any("free quota" in n for n in est.notes)


def test_cost_of_video_uses_image_price() -> None:
    est = cost_of(Usage(input_video_tokens=1_000_000), model=QF, region="cn")
    assert est.by_kind["input_video"] == D(4) == est.total


def test_input_text_is_unpriced() -> None:
    est = cost_of(Usage(input_text_tokens=20, input_audio_tokens=1000), model=Q38, region="cn")
    assert est.by_kind["input_text"] == 0
    assert est.unpriced == ("input_text",)
    assert est.confirmed  # no sheet prices input text: noted, not held against the estimate
    assert any("input_text" in n and "counted as 0" in n for n in est.notes)


def test_unpublished_prices_make_the_estimate_unconfirmed() -> None:
    est = cost_of(Usage(input_audio_tokens=100, output_text_tokens=5), model=QF, region="intl")
    assert est.total == 0
    assert not est.confirmed
    assert est.unpriced == ("input_audio", "output_text")
    assert any("No international price is published" in n for n in est.notes)


def test_usd_estimates_are_never_confirmed() -> None:
    est = cost_of(Usage(output_audio_tokens=1_000_000), model=Q3, currency="USD")
    assert est.total == D(38)
    assert est.currency == "USD"
    assert not est.confirmed


def test_zero_usage_costs_zero() -> None:
    for sheet in pricing.list_prices():
        est = cost_of(Usage(), model=sheet.model, region=sheet.region, currency=sheet.currency)
        assert est.total == 0
        assert est.unpriced == ()
        assert est.confirmed is sheet.confirmed


def test_estimates_add() -> None:
    a = cost_of(Usage(input_audio_tokens=10, input_text_tokens=1), model=Q35, region="cn")
    b = cost_of(Usage(output_audio_tokens=20), model=Q35, region="cn")
    total = a + b
    assert total == cost_of(a.tokens + b.tokens, model=Q35, region="cn")
    assert sum([a, b]) == total
    assert total.confirmed
    assert total.unpriced == ("input_text",)
    with pytest.raises(ConfigurationError, match="Cannot add"):
        _ = a + cost_of(Usage(), model=Q35, region="intl")
    with pytest.raises(TypeError):
        _ = a + 1  # type: ignore[operator]


def test_rounded_for_display() -> None:
    est = cost_of(Usage(input_audio_tokens=27), model=Q35)
    shown = est.rounded()
    assert shown.total == D("0.0015")
    assert str(shown.total) == "0.0015"
    assert shown.by_kind["input_audio"] == D("0.0015")
    assert est.rounded(2).total == D("0.00")
    assert cost_of(Usage(output_audio_tokens=2500), model=Q35, region="cn").rounded(2).total == (
        D("0.40")
    )
    assert isinstance(shown, CostEstimate)
    assert shown.tokens == est.tokens


# ------------------------------------------------------------------------- token estimators


@pytest.mark.parametrize(
    ("model", "seconds", "tokens"),
    [
        (Q35, 60, 420),
        (Q38, 1, 7),
        (Q35, 0.1, 1),
        (Q35, D("0.5"), 4),
        (Q3, 60, 750),
        (Q3, 0.4, 5),  # 0.4 * 12.5 == 5 exactly (no float artefact)
        (Q3, 0.41, 6),
        (QF, 10, 125),
        (Q35, 0, 0),
    ],
)
def test_audio_input_tokens(model: str, seconds: float | Decimal, tokens: int) -> None:
    assert audio_input_tokens(seconds, model=model) == tokens


def test_file_model_bills_short_audio_as_one_second() -> None:
    assert audio_input_tokens(0.2, model=QF) == 13  # ceil(1 * 12.5)
    assert audio_input_tokens(1, model=QF) == 13
    assert audio_input_tokens(1.2, model=QF) == 15
    assert audio_input_tokens(0, model=QF) == 0
    assert audio_input_tokens(0.2, model=Q3) == 3  # no minimum on the realtime models


def test_audio_output_tokens() -> None:
    assert audio_output_tokens(60, model=Q35) == 750
    assert audio_output_tokens(0.2, model=QF) == 3  # the minimum is for input only
    assert audio_output_tokens(0, model=Q38) == 0


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf"), D("-0.5"), "5", None, True])
def test_bad_durations(bad: object) -> None:
    with pytest.raises(ConfigurationError, match="seconds"):
        audio_input_tokens(bad, model=Q35)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("model", "width", "height", "tokens"),
    [
        (Q3, 1280, 720, 598),  # ceil(1280/28)=46, ceil(720/28)=26: 1196 blocks / 2
        (Q35, 1280, 720, 460),  # 40 * 23 = 920 blocks / 2
        (Q38, 640, 480, 150),  # 20 * 15 = 300 blocks / 2
        (Q35, 32, 32, 1),
        (Q35, 33, 32, 1),  # 2 blocks -> 1 token
        (Q35, 33, 33, 2),  # 4 blocks -> 2 tokens
        (Q35, 96, 32, 2),  # 3 blocks -> 1.5 -> 2 tokens
        (Q3, 1, 1, 1),
    ],
)
def test_image_tokens(model: str, width: int, height: int, tokens: int) -> None:
    assert image_tokens(width, height, model=model) == tokens


def test_image_tokens_errors() -> None:
    with pytest.raises(ConfigurationError, match="takes no images"):
        image_tokens(1280, 720, model=QF)
    with pytest.raises(ConfigurationError, match="width"):
        image_tokens(0, 720, model=Q35)
    with pytest.raises(ConfigurationError, match="height"):
        image_tokens(10, 7.5, model=Q35)  # type: ignore[arg-type]


# Hand-computed with the reference script (protocol.md §7), step by step in the comments.
@pytest.mark.parametrize(
    ("width", "height", "total_frames", "fps", "tokens"),
    [
        # 10 s at 30 fps: nframes = 300/30*2 = 20; max_pixels = 768*1024; round(22.5)=22 (even)
        # -> 704x1280 = 901120 > 786432, beta = sqrt(921600/786432) = 1.0825:
        # H = floor(665.1/32)*32 = 640, W = floor(1182.4/32)*32 = 1152 -> 10 * 20 * 36 + 2.
        (1280, 720, 300, 30, 7202),
        # 2 s at 25 fps: nframes 4; 480x640 fits -> ceil(4/2) * 15 * 20 + 2.
        (640, 480, 50, 25, 602),
        # 5 s at 10 fps: nframes 10; 96x96 < min_pixels, beta = sqrt(131072/10000) = 3.62:
        # H = W = ceil(362.0/32)*32 = 384 -> 5 * 12 * 12 + 2.
        (100, 100, 50, 10, 722),
        # 10 min at 30 fps: nframes capped at 128; max_pixels = 16384*1024/128*2 = 262144;
        # beta = sqrt(921600/262144) = 1.875: H = 384, W = floor(682.67/32)*32 = 672
        # -> 64 * 12 * 21 + 2.
        (1280, 720, 18000, 30, 16130),
        # 2.5 s at 30 fps (75 frames): fraction 0.5 is not > 0.5, so total = ceil(2*30) = 60
        # and nframes = 60/30*2 = 4 -> 2 * 15 * 20 + 2.
        (640, 480, 75, 30, 602),
        # 80 frames at 30 fps = 2.67 s: fraction > 0.5 -> total 80, nframes int(5.33) = 5
        # -> ceil(5/2) = 3 -> 3 * 15 * 20 + 2.
        (640, 480, 80, 30, 902),
        # Portrait 720x1280 mirrors the landscape case.
        (720, 1280, 300, 30, 7202),
    ],
)
def test_video_tokens_reference_values(
    width: int, height: int, total_frames: int, fps: float, tokens: int
) -> None:
    assert video_tokens(width=width, height=height, total_frames=total_frames, fps=fps) == tokens


def test_video_tokens_raise_where_the_script_raises() -> None:
    with pytest.raises(AudioError, match="too short") as err:
        video_tokens(width=640, height=480, total_frames=1, fps=30)
    assert isinstance(err.value, ValueError)
    assert isinstance(err.value, LiveTranslateError)
    with pytest.raises(ValueError, match="too short"):
        video_tokens(width=640, height=480, total_frames=15, fps=30)  # 0.5 s: 0 frames
    assert video_tokens(width=640, height=480, total_frames=16, fps=30) == 602  # 0.53 s: 4
    with pytest.raises(ValueError, match="aspect ratio"):
        video_tokens(width=6432, height=32, total_frames=300, fps=30)  # 201:1
    assert video_tokens(width=6400, height=32, total_frames=300, fps=30) > 0  # 200:1 is fine


@pytest.mark.parametrize(
    "kwargs",
    [
        {"width": 0, "height": 480, "total_frames": 300, "fps": 30},
        {"width": 640, "height": 480, "total_frames": 0, "fps": 30},
        {"width": 640, "height": 480, "total_frames": 300, "fps": 0},
        {"width": 640, "height": 480, "total_frames": 300, "fps": float("inf")},
    ],
)
def test_video_tokens_bad_arguments(kwargs: dict[str, float]) -> None:
    with pytest.raises(ConfigurationError):
        video_tokens(**kwargs)  # type: ignore[arg-type]


# --------------------------------------------------------------------------- estimate_cost


def test_estimate_cost_defaults_for_a_minute_on_35() -> None:
    est = estimate_cost(model=Q35, region="cn", input_audio_seconds=60)
    # 60 s * 3.3 = 198 text tokens, doubled for the billed transcript.
    assert est.tokens == Usage(
        input_audio_tokens=420, output_text_tokens=396, output_audio_tokens=750
    )
    assert est.total == D("0.1764")  # 420*40 + 396*100 + 750*160, per million
    assert est.confirmed
    assert any("3.3 tokens per second" in n and "transcript" in n for n in est.notes)
    assert any("as long as the input" in n for n in est.notes)
    priced = cost_of(est.tokens, model=Q35, region="cn")
    assert (est.by_kind, est.total, est.unpriced) == (priced.by_kind, priced.total, ())
    assert set(priced.notes) <= set(est.notes)


def test_estimate_cost_38_does_not_bill_transcripts() -> None:
    est = estimate_cost(model=Q38, input_audio_seconds=60)
    assert est.tokens.output_text_tokens == 198
    assert not any("transcript" in n for n in est.notes)


def test_estimate_cost_text_only() -> None:
    full = estimate_cost(model=Q3, input_audio_seconds=30)
    text = estimate_cost(model=Q3, input_audio_seconds=30, text_only=True)
    assert text.tokens.output_audio_tokens == 0
    assert text.tokens.output_text_tokens == full.tokens.output_text_tokens == 2 * 99
    assert text.total < full.total
    assert not any("as long as the input" in n for n in text.notes)
    with pytest.raises(ConfigurationError, match="text_only=True produces no speech"):
        estimate_cost(model=Q3, input_audio_seconds=30, text_only=True, output_audio_seconds=5)
    assert estimate_cost(model=Q3, text_only=True, output_audio_seconds=0).total == 0


def test_estimate_cost_explicit_overrides() -> None:
    est = estimate_cost(
        model=Q35, input_audio_seconds=10, output_audio_seconds=12, output_text_tokens=50
    )
    assert est.tokens == Usage(
        input_audio_tokens=70, output_text_tokens=50, output_audio_tokens=150
    )
    assert not any("heuristic" in n for n in est.notes)
    assert not any("as long as the input" in n for n in est.notes)


def test_estimate_cost_zero() -> None:
    est = estimate_cost(model=Q35)
    assert est.total == 0
    assert est.tokens == Usage()
    assert est.confirmed


def test_estimate_cost_images() -> None:
    est = estimate_cost(model=Q35, input_audio_seconds=10, images=20)
    assert est.tokens.input_image_tokens == 20 * 460
    assert not est.confirmed  # the image rounding is UNCONFIRMED
    assert any("rounding is UNCONFIRMED" in n for n in est.notes)
    small = estimate_cost(model=Q3, images=2, image_size=(640, 480))
    assert small.tokens.input_image_tokens == 2 * image_tokens(640, 480, model=Q3)
    with pytest.raises(ConfigurationError, match="takes no images"):
        estimate_cost(model=QF, images=1)
    with pytest.raises(ConfigurationError, match="images"):
        estimate_cost(model=Q35, images=-1)


def test_estimate_cost_video_on_the_file_model() -> None:
    est = estimate_cost(
        model=QF, region="cn", video_seconds=10, video_size=(1280, 720), video_fps=30
    )
    assert est.tokens.input_video_tokens == 7202
    assert est.tokens.input_audio_tokens == 125  # the audio track: 10 s * 12.5
    assert est.tokens.output_audio_tokens == 125
    assert est.tokens.output_text_tokens == 33  # the file model returns no billed transcript
    assert not est.confirmed  # the file model's audio token rate is UNCONFIRMED
    assert not any("1280x720 at 30 fps" in n for n in est.notes)
    assumed = estimate_cost(model=QF, region="cn", video_seconds=10)
    assert assumed.tokens == est.tokens
    assert any("1280x720 at 30 fps" in n for n in assumed.notes)
    with pytest.raises(ConfigurationError, match="takes no video"):
        estimate_cost(model=Q35, video_seconds=10)
    with pytest.raises(AudioError, match="too short"):
        estimate_cost(model=QF, video_seconds=0.5)


def test_estimate_cost_file_model_minimum() -> None:
    est = estimate_cost(model=QF, region="cn", input_audio_seconds=0.3, text_only=True)
    assert est.tokens.input_audio_tokens == 13


def test_estimate_cost_errors() -> None:
    with pytest.raises(ConfigurationError, match="did you mean"):
        estimate_cost(model="qwen3.5-livetranslate-flash-realtim")
    with pytest.raises(ConfigurationError, match="Unknown region"):
        estimate_cost(model=Q35, region="eu")
    with pytest.raises(ConfigurationError, match="input_audio_seconds"):
        estimate_cost(model=Q35, input_audio_seconds=-3)
    with pytest.raises(ConfigurationError, match="output_text_tokens"):
        estimate_cost(model=Q35, output_text_tokens=-3)
    with pytest.raises(ConfigurationError, match="No USD prices"):
        estimate_cost(model=Q35, currency="USD")


def test_estimates_only_add_to_estimates_or_zero() -> None:
    est = cost_of(Usage(input_audio_tokens=10), model=Q35, region="cn")
    assert 0 + est == est
    with pytest.raises(TypeError):
        _ = 1 + est


def test_describe_never_shows_an_unpublished_price_as_zero() -> None:
    priced = cost_of(Usage(input_audio_tokens=1_000_000), model=Q35, region="cn")
    assert priced.describe() == "40.000000 CNY"
    assert priced.describe(places=2) == "40.00 CNY"
    unpriced = cost_of(Usage(input_audio_tokens=100), model=QF, region="intl")
    assert unpriced.describe().startswith("no published CNY price for qwen3-livetranslate-flash")
    usd = cost_of(Usage(output_audio_tokens=1_000_000), model=Q3, currency="USD")
    assert usd.describe() == "38.000000 USD (includes unconfirmed prices)"
