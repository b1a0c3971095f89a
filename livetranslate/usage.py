"""Token usage as one immutable value that adds up.

Both APIs report usage on the wire in their own shape (realtime
``response.done.response.usage``, chat-completions ``usage``); the event models convert either
into [`Usage`][livetranslate.usage.Usage], which the protocol folds (``total = total + usage``)
and [`livetranslate.pricing`][] prices.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

__all__ = ["Usage"]


@dataclass(frozen=True, slots=True)
class Usage:
    """Tokens by kind, for one response, one file or a whole session.

    Instances add with ``+`` and compare by value; ``Usage()`` is zero.

    Attributes:
        input_text_tokens: Text tokens on the input side.
        input_audio_tokens: Audio tokens on the input side (for video, its audio track).
        input_image_tokens: Image tokens on the input side (realtime camera frames).
        input_video_tokens: Video-frame tokens on the input side (file API).
        output_text_tokens: Text tokens generated (translation, and billed source transcripts).
        output_audio_tokens: Audio tokens generated (translated speech).
    """

    input_text_tokens: int = 0
    input_audio_tokens: int = 0
    input_image_tokens: int = 0
    input_video_tokens: int = 0
    output_text_tokens: int = 0
    output_audio_tokens: int = 0

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise ValueError(f"Usage.{f.name} must be a non-negative int, got {value!r}")

    def __add__(self, other: Usage) -> Usage:
        if not isinstance(other, Usage):
            return NotImplemented
        return Usage(
            input_text_tokens=self.input_text_tokens + other.input_text_tokens,
            input_audio_tokens=self.input_audio_tokens + other.input_audio_tokens,
            input_image_tokens=self.input_image_tokens + other.input_image_tokens,
            input_video_tokens=self.input_video_tokens + other.input_video_tokens,
            output_text_tokens=self.output_text_tokens + other.output_text_tokens,
            output_audio_tokens=self.output_audio_tokens + other.output_audio_tokens,
        )

    @property
    def input_tokens(self) -> int:
        """All input tokens."""
        return (
            self.input_text_tokens
            + self.input_audio_tokens
            + self.input_image_tokens
            + self.input_video_tokens
        )

    @property
    def output_tokens(self) -> int:
        """All output tokens."""
        return self.output_text_tokens + self.output_audio_tokens

    @property
    def total_tokens(self) -> int:
        """Input plus output tokens."""
        return self.input_tokens + self.output_tokens

    def as_dict(self) -> dict[str, int]:
        """Return the token counts by kind as a plain dict (for JSON output)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}
