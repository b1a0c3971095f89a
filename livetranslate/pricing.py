"""Token and cost estimates: list prices, token estimators and exact ``Decimal`` money.

Two entry points:

- [`cost_of`][livetranslate.pricing.cost_of] prices a measured
  [`Usage`][livetranslate.usage.Usage] (what the service reported). Money is
  ``tokens * price / 1_000_000`` per kind, computed exactly: no rounding happens inside, so
  ``cost_of(a + b) == cost_of(a) + cost_of(b)``.
- [`estimate_cost`][livetranslate.pricing.estimate_cost] plans a job from durations and sizes. It
  turns seconds into tokens with the documented rates, rounding **up** to whole tokens, and then
  calls ``cost_of``.

Prices are per million tokens, in CNY as the vendor lists them. Nothing is invented: where the
vendor publishes no price (the file model outside Beijing, input text everywhere) the price is
``None`` and counts as 0, the kind is listed in ``CostEstimate.unpriced`` and the estimate is not
``confirmed``. USD sheets exist only where a USD figure can be derived, and are never confirmed.
Free quotas are not deducted.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Context, Decimal, Inexact
from typing import Final

from livetranslate.exceptions import AudioError, ConfigurationError
from livetranslate.registry import DEFAULT_FILE_MODEL, ModelInfo, Region, get_model, get_region
from livetranslate.types import RegionName
from livetranslate.usage import Usage

__all__ = [
    "ESTIMATED_TEXT_TOKENS_PER_SECOND",
    "PRICE_KINDS",
    "CostEstimate",
    "PriceSheet",
    "audio_input_tokens",
    "audio_output_tokens",
    "cost_of",
    "estimate_cost",
    "get_prices",
    "image_tokens",
    "list_prices",
    "video_tokens",
]

PRICE_KINDS: Final[tuple[str, ...]] = (
    "input_text",
    "input_audio",
    "input_image",
    "input_video",
    "output_text",
    "output_audio",
)
"""The token kinds that are priced, in display order (``Usage`` field names without ``_tokens``)."""

ESTIMATED_TEXT_TOKENS_PER_SECOND: Final = Decimal("3.3")
"""Heuristic text tokens per second of speech, used when ``output_text_tokens`` is not given.

About 200 tokens per minute (``protocol-3.8.md`` §5 calls this figure a guess). It is applied once
for the translation and once more for the source transcript where the model bills transcripts.
"""

# Exact arithmetic: 60 digits is far beyond any real token count, and Inexact is trapped so a
# silent rounding can never happen inside a sum.
_CTX: Final = Context(prec=60, traps=[Inexact])
_MILLION: Final = Decimal(1_000_000)
_ZERO: Final = Decimal(0)


@dataclass(frozen=True, slots=True)
class PriceSheet:
    """List prices for one model in one region and currency, per million tokens.

    Attributes:
        model: The model id (snapshots price like their alias).
        region: ``"intl"`` or ``"cn"``.
        currency: ``"CNY"`` or ``"USD"``.
        input_text: Input text price, or None (none is listed for LiveTranslate).
        input_audio: Input audio price, or None if not published.
        input_image: Input image price (also used for video frames), or None if not published.
        output_text: Output text price (translations, and billed source transcripts), or None.
        output_audio: Output audio price, or None if not published.
        confirmed: False where the figures are derived or UNCONFIRMED.
        source: Where the figures come from.
        notes: Caveats that every estimate using this sheet carries.
    """

    model: str
    region: RegionName
    currency: str
    input_text: Decimal | None
    input_audio: Decimal | None
    input_image: Decimal | None
    output_text: Decimal | None
    output_audio: Decimal | None
    confirmed: bool
    source: str
    notes: tuple[str, ...]

    def price(self, kind: str) -> Decimal | None:
        """Return the price per million tokens of ``kind`` (one of ``PRICE_KINDS``), or None.

        Raises:
            ConfigurationError: ``kind`` is not one of ``PRICE_KINDS``.
        """
        if kind not in PRICE_KINDS:
            raise ConfigurationError(f"Unknown token kind {kind!r}; use one of {PRICE_KINDS}.")
        return {
            "input_text": self.input_text,
            "input_audio": self.input_audio,
            "input_image": self.input_image,
            "input_video": self.input_image,
            "output_text": self.output_text,
            "output_audio": self.output_audio,
        }[kind]


def _sheet(
    model: str,
    region: RegionName,
    prices: tuple[str, str, str, str] | None,
    *,
    currency: str = "CNY",
    confirmed: bool = True,
    source: str,
    notes: tuple[str, ...] = (),
) -> PriceSheet:
    audio, image, text, speech = (Decimal(p) for p in prices) if prices else (None,) * 4
    return PriceSheet(
        model, region, currency, None, audio, image, text, speech, confirmed, source, notes
    )


_FREE_QUOTA = "The Beijing free quota (1M tokens of each kind for 90 days) is not deducted."
_M35, _M38 = "qwen3.5-livetranslate-flash-realtime", "qwen3.8-livetranslate-flash-realtime"
_M3, _MF = "qwen3-livetranslate-flash-realtime", "qwen3-livetranslate-flash"
_PRICING_PAGE = "Chinese pricing page and console metadata (protocol.md §7)"
_MODEL_CARD = "qwen3.8 model card (protocol-3.8.md §5)"

# Columns: input audio, input image/video, output text, output audio (per 1M tokens).
_SHEETS: Final[tuple[PriceSheet, ...]] = (
    _sheet(_M35, "cn", ("40", "3.3", "100", "160"), source=_PRICING_PAGE, notes=(_FREE_QUOTA,)),
    _sheet(_M35, "intl", ("56.207", "4.122", "149.884", "224.826"), source=_PRICING_PAGE),
    _sheet(
        _M38,
        "cn",
        ("40", "3.3", "100", "160"),
        source=_MODEL_CARD,
        notes=("A free quota for qwen3.8 is UNCONFIRMED; none is deducted.",),
    ),
    _sheet(_M38, "intl", ("54.688", "4.01", "145.835", "218.752"), source=_MODEL_CARD),
    _sheet(_M3, "cn", ("64", "8", "64", "240"), source=_PRICING_PAGE, notes=(_FREE_QUOTA,)),
    _sheet(_M3, "intl", ("73.392", "9.541", "73.392", "278.891"), source=_PRICING_PAGE),
    _sheet(_MF, "cn", ("10", "4", "10", "40"), source="Console model metadata (protocol.md §7)"),
    _sheet(
        _MF,
        "intl",
        None,
        confirmed=False,
        source="Not published (protocol.md §7)",
        notes=(f"No international price is published for {_MF}; its amounts count as 0.",),
    ),
    _sheet(
        _M3,
        "intl",
        ("10", "1.3", "10", "38"),
        currency="USD",
        confirmed=False,
        source="Derived: the CNY list is exactly 7.3392 x these round figures (protocol.md §7)",
        notes=("USD prices are UNCONFIRMED: derived from the CNY list at 7.3392 CNY/USD.",),
    ),
    _sheet(
        _M38,
        "intl",
        ("7.5", "0.55", "20", "30"),
        currency="USD",
        confirmed=False,
        source="Derived: the CNY list at 7.2916 CNY/USD (protocol-3.8.md §5)",
        notes=("USD prices are UNCONFIRMED: derived from the CNY list at 7.2916 CNY/USD.",),
    ),
)


def list_prices() -> tuple[PriceSheet, ...]:
    """Return every price sheet (CNY for each model and region, plus the derived USD sheets)."""
    return _SHEETS


def get_prices(
    model: str | ModelInfo, *, region: str | Region = "intl", currency: str = "CNY"
) -> PriceSheet:
    """Return the price sheet of a model (or snapshot) in a region and currency.

    Args:
        model: A model id, snapshot id or ModelInfo.
        region: ``"intl"`` or ``"cn"`` (or an alias such as ``"beijing"``).
        currency: ``"CNY"`` (every model and region) or ``"USD"`` (derived, UNCONFIRMED; only
            for qwen3 and qwen3.8 realtime in ``intl``).

    Raises:
        ConfigurationError: Unknown model or region, or no sheet in that currency.
    """
    info = get_model(model)
    name = get_region(region).name
    raw: object = currency
    cur = raw.strip().upper() if isinstance(raw, str) else repr(raw)
    for sheet in _SHEETS:
        if (sheet.model, sheet.region, sheet.currency) == (info.id, name, cur):
            return sheet
    have = sorted({s.currency for s in _SHEETS if (s.model, s.region) == (info.id, name)})
    raise ConfigurationError(
        f"No {cur} prices for {info.id} in {name!r}; use currency={have[0]!r} (the vendor lists "
        "CNY; USD is only derived where it can be).",
        suggestions=tuple(have),
    )


def _merge_notes(*groups: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    # Sorted and de-duplicated, so that adding estimates is associative and commutative.
    return tuple(sorted({note for group in groups for note in group}))


@dataclass(frozen=True, slots=True)
class CostEstimate:
    """Money for a number of tokens, by kind, in one model, region and currency.

    Estimates of the same model, region and currency add with ``+`` (and ``sum()``). Amounts are
    exact; use [`rounded`][livetranslate.pricing.CostEstimate.rounded] for display.

    Attributes:
        model: The model id.
        region: ``"intl"`` or ``"cn"``.
        currency: ``"CNY"`` or ``"USD"``.
        tokens: The tokens priced.
        by_kind: Money per kind, keyed by ``PRICE_KINDS`` (all six keys, zeros included).
        total: The sum of ``by_kind``.
        confirmed: False if any price or token rule used is UNCONFIRMED or missing.
        notes: Caveats (assumptions, missing prices), sorted.
        unpriced: Kinds that had tokens but no published price (counted as 0).
    """

    model: str
    region: RegionName
    currency: str
    tokens: Usage
    by_kind: dict[str, Decimal]
    total: Decimal
    confirmed: bool
    notes: tuple[str, ...] = ()
    unpriced: tuple[str, ...] = ()

    def __add__(self, other: CostEstimate) -> CostEstimate:
        if not isinstance(other, CostEstimate):
            return NotImplemented
        if (self.model, self.region, self.currency) != (other.model, other.region, other.currency):
            raise ConfigurationError(
                f"Cannot add a {other.model}/{other.region}/{other.currency} estimate to a "
                f"{self.model}/{self.region}/{self.currency} one; convert them separately."
            )
        return CostEstimate(
            model=self.model,
            region=self.region,
            currency=self.currency,
            tokens=self.tokens + other.tokens,
            by_kind={
                k: _CTX.add(self.by_kind.get(k, _ZERO), other.by_kind.get(k, _ZERO))
                for k in PRICE_KINDS
            },
            total=_CTX.add(self.total, other.total),
            confirmed=self.confirmed and other.confirmed,
            notes=_merge_notes(self.notes, other.notes),
            unpriced=tuple(k for k in PRICE_KINDS if k in self.unpriced or k in other.unpriced),
        )

    def __radd__(self, other: object) -> CostEstimate:
        if other == 0:  # lets sum(estimates) start from 0
            return self
        return NotImplemented

    def describe(self, places: int = 6) -> str:
        """Say what this costs, for people: the total, or that no price is published.

        A model and region without a published price are never shown as a misleading zero.

        Args:
            places: Decimals to show.

        Returns:
            e.g. ``"0.042117 CNY"``, ``"... (includes unconfirmed prices)"``, or
            ``"no published CNY price for <model> in region 'intl' (input_audio, ...)"``.
        """
        missing = [kind for kind in self.unpriced if kind != "input_text"]
        if missing:
            return (
                f"no published {self.currency} price for {self.model} in region "
                f"'{self.region}' ({', '.join(missing)})"
            )
        flag = "" if self.confirmed else " (includes unconfirmed prices)"
        return f"{self.total:.{places}f} {self.currency}{flag}"

    def rounded(self, places: int = 4) -> CostEstimate:
        """Return a copy with ``by_kind`` and ``total`` rounded half-up to ``places`` decimals.

        For display only: the rounded parts need not add up to the rounded total.
        """
        quantum = Decimal(1).scaleb(-places)
        by_kind = {k: v.quantize(quantum, ROUND_HALF_UP) for k, v in self.by_kind.items()}
        return replace(self, by_kind=by_kind, total=self.total.quantize(quantum, ROUND_HALF_UP))


def cost_of(
    usage: Usage,
    *,
    model: str | ModelInfo,
    region: str | Region = "intl",
    currency: str = "CNY",
) -> CostEstimate:
    """Price a measured usage: ``tokens * price / 1_000_000`` per kind, exactly.

    Video-frame tokens use the image price. A kind with tokens but no published price counts as
    0 and is listed in ``unpriced``; it makes the estimate unconfirmed, except input text, for
    which no price sheet lists a price (the service reports a few input text tokens per
    realtime response; they are noted, not guessed at).

    Args:
        usage: Token counts, e.g. a session's or a file's total.
        model: A model id, snapshot id or ModelInfo.
        region: ``"intl"`` or ``"cn"`` (or an alias).
        currency: ``"CNY"`` or ``"USD"`` (see [`get_prices`][livetranslate.pricing.get_prices]).

    Raises:
        ConfigurationError: Unknown model or region, or no sheet in that currency.
    """
    sheet = get_prices(model, region=region, currency=currency)
    by_kind: dict[str, Decimal] = {}
    unpriced: list[str] = []
    for kind in PRICE_KINDS:
        count: int = getattr(usage, f"{kind}_tokens")
        price = sheet.price(kind)
        if price is None or count == 0:
            by_kind[kind] = _ZERO
            if price is None and count:
                unpriced.append(kind)
        else:
            by_kind[kind] = _CTX.divide(_CTX.multiply(Decimal(count), price), _MILLION)
    missing = [
        f"No {sheet.currency} price is listed for {k} tokens; counted as 0." for k in unpriced
    ]
    return CostEstimate(
        model=sheet.model,
        region=sheet.region,
        currency=sheet.currency,
        tokens=usage,
        by_kind=by_kind,
        total=sum(by_kind.values(), start=_ZERO),
        confirmed=sheet.confirmed and not [k for k in unpriced if k != "input_text"],
        notes=_merge_notes(sheet.notes, missing),
        unpriced=tuple(unpriced),
    )


# ------------------------------------------------------------------------------ token estimators


def _seconds(value: float | Decimal, what: str) -> Decimal:
    raw: object = value
    if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal):
        raise ConfigurationError(f"{what} must be a number of seconds, got {value!r}.")
    # str() keeps a float's shortest form, so 0.4 s stays 0.4 (Decimal(0.4) would be 0.4000…02).
    seconds = raw if isinstance(raw, Decimal) else Decimal(str(raw))
    if not seconds.is_finite() or seconds < 0:
        raise ConfigurationError(f"{what} must be a finite number of seconds >= 0, got {value!r}.")
    return seconds


def _count(value: int, what: str, *, minimum: int = 0) -> int:
    raw: object = value
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < minimum:
        raise ConfigurationError(f"{what} must be a whole number >= {minimum}, got {value!r}.")
    return raw


def audio_input_tokens(seconds: float | Decimal, *, model: str | ModelInfo) -> int:
    """Estimate billed input audio tokens for ``seconds`` of audio.

    ``ceil(seconds * rate)`` with the model's rate (3: 12.5/s; 3.5 and 3.8: 7/s; file model: 12.5/s,
    UNCONFIRMED). The file model bills audio under one second as one second (the documented
    minimum, where it applies). Realtime usage is reported per segment, so a session's measured
    total can exceed this by up to one token per segment.

    Args:
        seconds: Duration of the input audio (``int``, ``float`` or ``Decimal``, >= 0).
        model: A model id, snapshot id or ModelInfo.

    Raises:
        ConfigurationError: Unknown model, or a negative or non-finite duration.
    """
    info = get_model(model)
    duration = _seconds(seconds, "seconds")
    if duration == 0:
        return 0
    duration = max(duration, Decimal(info.min_billed_audio_seconds))
    return math.ceil(_CTX.multiply(duration, info.input_audio_tokens_per_second))


def audio_output_tokens(seconds: float | Decimal, *, model: str | ModelInfo) -> int:
    """Estimate billed output audio tokens for ``seconds`` of translated speech.

    ``ceil(seconds * 12.5)`` on every model; no minimum applies (the one-second minimum is
    documented for the file model's input only).

    Args:
        seconds: Duration of the translated speech (>= 0).
        model: A model id, snapshot id or ModelInfo.

    Raises:
        ConfigurationError: Unknown model, or a negative or non-finite duration.
    """
    info = get_model(model)
    duration = _seconds(seconds, "seconds")
    return math.ceil(_CTX.multiply(duration, info.output_audio_tokens_per_second))


def image_tokens(width: int, height: int, *, model: str | ModelInfo) -> int:
    """Estimate input tokens for one image (camera frame) on a realtime model.

    Half a token per block of 28x28 px (qwen3) or 32x32 px (3.5, 3.8). The vendor does not
    document the rounding (UNCONFIRMED), so this counts partial blocks on each axis as whole
    blocks and rounds the half tokens up: ``ceil(ceil(w/b) * ceil(h/b) / 2)``. The Omni rule
    (resize, +2 per image, 4..1280 tokens) is not applied.

    Args:
        width: Image width in pixels (>= 1).
        height: Image height in pixels (>= 1).
        model: A realtime model id, snapshot id or ModelInfo.

    Raises:
        ConfigurationError: Unknown model, a model that takes no images, or a bad size.
    """
    info = get_model(model)
    block = info.image_token_block_px
    if block is None:
        raise ConfigurationError(
            f"{info.id} takes no images; use video_tokens() for a video file, or a realtime "
            "model for camera frames."
        )
    w = _count(width, "width", minimum=1)
    h = _count(height, "height", minimum=1)
    blocks = -(-w // block) * -(-h // block)
    return -(-blocks // 2)


# The file model's video-token reference script (protocol.md §7).
_FPS = 2.0
_FRAME_FACTOR = 2
_IMAGE_FACTOR = 32
_MAX_RATIO = 200
_MIN_PIXELS = 128 * 32 * 32
_MAX_PIXELS = 768 * 32 * 32
_MIN_FRAMES = 4
_MAX_FRAMES = 128
_TOTAL_PIXELS = 16384 * 32 * 32


def _round_by(number: float, factor: int) -> int:
    return round(number / factor) * factor  # Python's round: half to even, as in the script


def _ceil_by(number: float, factor: int) -> int:
    return math.ceil(number / factor) * factor


def _floor_by(number: float, factor: int) -> int:
    return math.floor(number / factor) * factor


def _smart_nframes(total_frames: int, video_fps: float) -> int:
    min_frames = _ceil_by(_MIN_FRAMES, _FRAME_FACTOR)
    max_frames = _floor_by(min(_MAX_FRAMES, total_frames), _FRAME_FACTOR)
    duration = total_frames / video_fps
    if duration - int(duration) > 1 / _FPS:
        total_frames = math.ceil(duration * video_fps)
    else:
        total_frames = math.ceil(int(duration) * video_fps)
    nframes = int(min(max(total_frames / video_fps * _FPS, min_frames), max_frames, total_frames))
    if not _FRAME_FACTOR <= nframes <= total_frames:
        raise AudioError(
            f"The video is too short to translate: {nframes} frames would be sampled, and at "
            f"least {_FRAME_FACTOR} are needed (send more than half a second of video)."
        )
    return nframes


def _smart_resize(height: int, width: int, nframes: int) -> tuple[int, int]:
    max_pixels = max(
        min(_MAX_PIXELS, _TOTAL_PIXELS / nframes * _FRAME_FACTOR), int(_MIN_PIXELS * 1.05)
    )
    ratio = max(height, width) / min(height, width)
    if ratio > _MAX_RATIO:
        raise AudioError(
            f"The video's aspect ratio {ratio:.1f}:1 is over the {_MAX_RATIO}:1 limit; crop it."
        )
    h_bar = max(_IMAGE_FACTOR, _round_by(height, _IMAGE_FACTOR))
    w_bar = max(_IMAGE_FACTOR, _round_by(width, _IMAGE_FACTOR))
    if h_bar * w_bar > max_pixels:
        beta = math.sqrt((height * width) / max_pixels)
        h_bar = _floor_by(height / beta, _IMAGE_FACTOR)
        w_bar = _floor_by(width / beta, _IMAGE_FACTOR)
    elif h_bar * w_bar < _MIN_PIXELS:
        beta = math.sqrt(_MIN_PIXELS / (height * width))
        h_bar = _ceil_by(height * beta, _IMAGE_FACTOR)
        w_bar = _ceil_by(width * beta, _IMAGE_FACTOR)
    return h_bar, w_bar


def video_tokens(*, width: int, height: int, total_frames: int, fps: float) -> int:
    """Compute the file model's video-frame tokens with the vendor's reference algorithm.

    Frames are sampled at 2 fps (between 4 and 128, rounded to even bounds); each frame is
    resized to multiples of 32 px within a pixel budget that shrinks as frames grow; then
    ``tokens = int(ceil(nframes / 2) * H/32 * W/32) + 2``. The audio track is billed separately
    as input audio. The result is not monotonic in duration (the budget and the floors interact).

    Args:
        width: Frame width in pixels.
        height: Frame height in pixels.
        total_frames: Number of frames in the video.
        fps: The video's frame rate.

    Raises:
        AudioError: Where the reference script raises: fewer than 2 frames would be sampled, or
            the aspect ratio is over 200:1. (``AudioError`` is a ``ValueError``.)
        ConfigurationError: A size or frame count below 1, or a frame rate that is not positive.
    """
    w = _count(width, "width", minimum=1)
    h = _count(height, "height", minimum=1)
    frames = _count(total_frames, "total_frames", minimum=1)
    rate: object = fps
    if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 < rate < math.inf:
        raise ConfigurationError(f"fps must be a positive frame rate, got {fps!r}.")
    nframes = _smart_nframes(frames, float(rate))
    resized_h, resized_w = _smart_resize(h, w, nframes)
    return int(math.ceil(nframes / _FPS) * resized_h / 32 * resized_w / 32) + 2


# ------------------------------------------------------------------------------------- planning


def estimate_cost(
    *,
    model: str | ModelInfo,
    region: str | Region = "intl",
    input_audio_seconds: float | Decimal = 0,
    output_audio_seconds: float | Decimal | None = None,
    output_text_tokens: int | None = None,
    images: int = 0,
    image_size: tuple[int, int] = (1280, 720),
    video_seconds: float | Decimal = 0,
    video_size: tuple[int, int] | None = None,
    video_fps: float | None = None,
    text_only: bool = False,
    currency: str = "CNY",
) -> CostEstimate:
    """Estimate what a job will cost before running it.

    Speech seconds are ``input_audio_seconds + video_seconds`` (a video's audio track is billed
    as input audio). Defaults, each recorded in ``notes``:

    - translated speech lasts as long as the input speech, unless ``text_only``;
    - output text is ``ceil(speech_seconds * ESTIMATED_TEXT_TOKENS_PER_SECOND)`` for the
      translation, plus the same again for the source transcript where the model bills it
      (qwen3 and 3.5, assuming transcription is on);
    - a video without ``video_size``/``video_fps`` is taken as 1280x720 at 30 fps.

    Law: each token count is ``ceil(seconds * rate)``, so it never decreases as seconds grow,
    and for two parts ``T(a) + T(b) - k <= T(a + b) <= T(a) + T(b)`` where ``k`` is the number of
    rounded terms (1; 2 for billed transcripts). The file model's one-second minimum keeps the
    upper bound but can break the lower one for parts under a second. Video tokens follow
    [`video_tokens`][livetranslate.pricing.video_tokens] and are not monotonic. The money is
    exactly ``cost_of(estimate.tokens)``.

    Args:
        model: A model id, snapshot id or ModelInfo.
        region: ``"intl"`` or ``"cn"`` (or an alias).
        input_audio_seconds: Duration of the audio to translate.
        output_audio_seconds: Duration of translated speech; None means the input duration.
        output_text_tokens: Output text tokens; None means the heuristic above.
        images: Number of camera frames sent (realtime models).
        image_size: ``(width, height)`` of each frame.
        video_seconds: Duration of a video file (file model).
        video_size: ``(width, height)`` of the video; None means 1280x720.
        video_fps: The video's frame rate; None means 30.
        text_only: True for text output only (no speech).
        currency: ``"CNY"`` or ``"USD"`` (see [`get_prices`][livetranslate.pricing.get_prices]).

    Raises:
        ConfigurationError: Unknown model or region, negative amounts, images or video on a
            model that does not take them, or speech seconds together with ``text_only``.
        AudioError: The video is too short or too narrow (see ``video_tokens``).
    """
    info = get_model(model)
    notes: list[str] = []
    rules_confirmed = True
    speech = _seconds(input_audio_seconds, "input_audio_seconds")
    video_s = _seconds(video_seconds, "video_seconds")
    video = 0
    if video_s > 0:
        if not info.supports_video:
            raise ConfigurationError(
                f"{info.id} takes no video files; use model={DEFAULT_FILE_MODEL!r}, or "
                "send camera frames as images=... to a realtime model."
            )
        if video_size is None or video_fps is None:
            notes.append("Video assumed 1280x720 at 30 fps where size or frame rate was not given.")
        vw, vh = video_size or (1280, 720)
        fps = 30.0 if video_fps is None else video_fps
        frames = _CTX.multiply(video_s, Decimal(str(fps))).to_integral_value(ROUND_HALF_UP)
        video = video_tokens(width=vw, height=vh, total_frames=max(1, int(frames)), fps=fps)
        speech += video_s
    count = _count(images, "images")
    image = 0
    if count:
        if not info.supports_images:
            raise ConfigurationError(
                f"{info.id} takes no images; pass a video with video_seconds=... instead."
            )
        image = count * image_tokens(*image_size, model=info)
        notes.append("Image tokens round partial blocks up; the vendor's rounding is UNCONFIRMED.")
        rules_confirmed = False
    audio_in = audio_input_tokens(speech, model=info)
    if speech > 0 and not info.input_audio_tokens_confirmed:
        rate = info.input_audio_tokens_per_second
        notes.append(f"Input audio assumed {rate} tokens/s; {info.id}'s rate is UNCONFIRMED.")
        rules_confirmed = False
    if text_only:
        if (
            output_audio_seconds is not None
            and _seconds(output_audio_seconds, "output_audio_seconds") > 0
        ):
            raise ConfigurationError(
                "text_only=True produces no speech; drop output_audio_seconds or set "
                "text_only=False."
            )
        audio_out = 0
    else:
        if output_audio_seconds is None:
            out_s = speech
            if speech > 0:
                notes.append("Translated speech assumed as long as the input speech.")
        else:
            out_s = _seconds(output_audio_seconds, "output_audio_seconds")
        audio_out = audio_output_tokens(out_s, model=info)
    if output_text_tokens is None:
        per = math.ceil(_CTX.multiply(speech, ESTIMATED_TEXT_TOKENS_PER_SECOND))
        text = per * (2 if info.transcription_billed else 1)
        if speech > 0:
            extra = " plus as many for the billed source transcript" if text > per else ""
            notes.append(
                f"Output text estimated at {ESTIMATED_TEXT_TOKENS_PER_SECOND} tokens per second "
                f"of speech for the translation{extra} (a heuristic)."
            )
    else:
        text = _count(output_text_tokens, "output_text_tokens")
    usage = Usage(
        input_audio_tokens=audio_in,
        input_image_tokens=image,
        input_video_tokens=video,
        output_text_tokens=text,
        output_audio_tokens=audio_out,
    )
    base = cost_of(usage, model=info, region=region, currency=currency)
    return replace(
        base,
        confirmed=base.confirmed and rules_confirmed,
        notes=_merge_notes(base.notes, notes),
    )
