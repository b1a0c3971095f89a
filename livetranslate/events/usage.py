"""Token usage exactly as each API reports it, and its conversion to `Usage`.

The realtime API reports usage inside ``response.done`` (``response.usage``), the file API in the
last streamed chunk (``usage``, when ``stream_options.include_usage`` is on). Every count may be
missing or ``null`` on the wire; ``to_usage()`` applies documented rules to fill the gaps, so the
rest of the SDK only ever sees [`Usage`][livetranslate.usage.Usage]. Negative counts are treated as
zero.
"""

from __future__ import annotations

from livetranslate.events._base import ServerModel
from livetranslate.usage import Usage

__all__ = [
    "ChatCompletionTokensDetails",
    "ChatPromptTokensDetails",
    "ChatUsage",
    "RealtimeInputTokensDetails",
    "RealtimeOutputTokensDetails",
    "RealtimeUsage",
]


def _n(value: int | None) -> int:
    return value if value is not None and value > 0 else 0


class RealtimeInputTokensDetails(ServerModel):
    """Input tokens of one realtime response, by kind (``usage.input_tokens_details``).

    Attributes:
        text_tokens: Text input tokens.
        audio_tokens: Audio input tokens.
        image_tokens: Image (camera frame) input tokens (not in the docs; the name is a guess).
        cached_tokens: Cached input tokens (a subset of the others; not used for billing here).
    """

    text_tokens: int | None = None
    audio_tokens: int | None = None
    image_tokens: int | None = None
    cached_tokens: int | None = None


class RealtimeOutputTokensDetails(ServerModel):
    """Output tokens of one realtime response, by kind (``usage.output_tokens_details``).

    Attributes:
        text_tokens: Text output tokens (translation, and billed source transcripts).
        audio_tokens: Audio output tokens (translated speech); missing for text-only output.
    """

    text_tokens: int | None = None
    audio_tokens: int | None = None


class RealtimeUsage(ServerModel):
    """Usage of one realtime response, as sent in ``response.done`` (``response.usage``).

    Attributes:
        total_tokens: Input plus output tokens (may be absent).
        input_tokens: All input tokens.
        output_tokens: All output tokens.
        input_tokens_details: Input tokens by kind.
        output_tokens_details: Output tokens by kind.
    """

    total_tokens: int | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    input_tokens_details: RealtimeInputTokensDetails | None = None
    output_tokens_details: RealtimeOutputTokensDetails | None = None

    def to_usage(self) -> Usage:
        """Convert to [`Usage`][livetranslate.usage.Usage].

        Rules (missing or ``null`` counts are 0 unless a rule says otherwise):

        - Input, with ``input_tokens_details``: text and audio are the detail counts; image is
          ``image_tokens`` when given, else whatever of ``input_tokens`` is left after text and
          audio (``max(0, input - text - audio)``; the docs show no image field, and the
          official demo counts non-audio input as image tokens).
        - Input, without details: all of ``input_tokens`` is text.
        - Output, with ``output_tokens_details``: audio is ``audio_tokens`` (0 when missing, as
          for text-only output); text is ``text_tokens`` when given, else the rest of
          ``output_tokens`` after audio.
        - Output, without details: all of ``output_tokens`` is text.
        - ``total_tokens`` is not used: the total of the result is always input plus output.

        Returns:
            The usage by kind.
        """
        in_total = _n(self.input_tokens)
        ind = self.input_tokens_details
        if ind is None:
            in_text, in_audio, in_image = in_total, 0, 0
        else:
            in_text, in_audio = _n(ind.text_tokens), _n(ind.audio_tokens)
            if ind.image_tokens is not None:
                in_image = _n(ind.image_tokens)
            else:
                in_image = max(0, in_total - in_text - in_audio)
        out_total = _n(self.output_tokens)
        outd = self.output_tokens_details
        if outd is None:
            out_text, out_audio = out_total, 0
        else:
            out_audio = _n(outd.audio_tokens)
            if outd.text_tokens is not None:
                out_text = _n(outd.text_tokens)
            else:
                out_text = max(0, out_total - out_audio)
        return Usage(
            input_text_tokens=in_text,
            input_audio_tokens=in_audio,
            input_image_tokens=in_image,
            output_text_tokens=out_text,
            output_audio_tokens=out_audio,
        )


class ChatCompletionTokensDetails(ServerModel):
    """Output tokens of a file translation, by kind (``usage.completion_tokens_details``).

    Attributes:
        audio_tokens: Audio output tokens.
        text_tokens: Text output tokens.
        reasoning_tokens: Always ``null`` for LiveTranslate.
        accepted_prediction_tokens: Always ``null`` for LiveTranslate.
        rejected_prediction_tokens: Always ``null`` for LiveTranslate.
    """

    audio_tokens: int | None = None
    text_tokens: int | None = None
    reasoning_tokens: int | None = None
    accepted_prediction_tokens: int | None = None
    rejected_prediction_tokens: int | None = None


class ChatPromptTokensDetails(ServerModel):
    """Input tokens of a file translation, by kind (``usage.prompt_tokens_details``).

    Attributes:
        audio_tokens: Audio input tokens (for a video, its audio track).
        text_tokens: Text input tokens (always 0 in the docs).
        cached_tokens: Cached input tokens.
        video_tokens: Video-frame tokens; present only for video input.
        image_tokens: Image input tokens (not documented for LiveTranslate).
    """

    audio_tokens: int | None = None
    text_tokens: int | None = None
    cached_tokens: int | None = None
    video_tokens: int | None = None
    image_tokens: int | None = None


class ChatUsage(ServerModel):
    """Usage of one file translation, as sent in the last streamed chunk (``usage``).

    Attributes:
        prompt_tokens: All input tokens.
        completion_tokens: All output tokens.
        total_tokens: Input plus output tokens.
        completion_tokens_details: Output tokens by kind.
        prompt_tokens_details: Input tokens by kind.
    """

    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    total_tokens: int | None = None
    completion_tokens_details: ChatCompletionTokensDetails | None = None
    prompt_tokens_details: ChatPromptTokensDetails | None = None

    def to_usage(self) -> Usage:
        """Convert to [`Usage`][livetranslate.usage.Usage].

        Rules (missing or ``null`` counts are 0 unless a rule says otherwise):

        - Input: video is ``prompt_tokens_details.video_tokens``, audio is
          ``prompt_tokens_details.audio_tokens``, image is ``prompt_tokens_details.image_tokens``;
          text is the rest of ``prompt_tokens`` (``max(0, prompt - video - audio - image)``).
          When ``prompt_tokens`` is missing, text is ``prompt_tokens_details.text_tokens``.
        - Output: audio is ``completion_tokens_details.audio_tokens``; text is the rest of
          ``completion_tokens``. When ``completion_tokens`` is missing, text is
          ``completion_tokens_details.text_tokens``.
        - ``total_tokens`` is not used: the total of the result is always input plus output.

        Returns:
            The usage by kind.
        """
        ptd = self.prompt_tokens_details or ChatPromptTokensDetails()
        in_video, in_audio, in_image = (
            _n(ptd.video_tokens),
            _n(ptd.audio_tokens),
            _n(ptd.image_tokens),
        )
        if self.prompt_tokens is None:
            in_text = _n(ptd.text_tokens)
        else:
            in_text = max(0, self.prompt_tokens - in_video - in_audio - in_image)
        ctd = self.completion_tokens_details or ChatCompletionTokensDetails()
        out_audio = _n(ctd.audio_tokens)
        if self.completion_tokens is None:
            out_text = _n(ctd.text_tokens)
        else:
            out_text = max(0, self.completion_tokens - out_audio)
        return Usage(
            input_text_tokens=in_text,
            input_audio_tokens=in_audio,
            input_image_tokens=in_image,
            input_video_tokens=in_video,
            output_text_tokens=out_text,
            output_audio_tokens=out_audio,
        )
