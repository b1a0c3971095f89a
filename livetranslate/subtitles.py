"""Subtitles from a session's segments: SRT and WebVTT, translation only or bilingual.

Timing comes from the speech offsets the service reports for each utterance
(``Segment.start_ms`` / ``end_ms``, in milliseconds from the start of the input audio), so the
cues line up with the source recording. Pure: no I/O except in the ``write_*`` helpers.

```python
from livetranslate.subtitles import write_srt

segments = [segment async for segment in session.segments()]
write_srt(segments, "talk.en.srt", bilingual=True)  # source line above the translation
```

Rules:

- Only final segments become cues (partial updates are skipped), in order of start time.
- A segment without timing (manual turn detection, or a model that reports none) starts where
  the previous cue ended and lasts as long as its translated speech, or 60 ms per character of
  text (1 to 7 s) when there is no speech.
- A cue with no text to show (nothing translated, and nothing transcribed in bilingual mode)
  is left out; nothing else is.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from livetranslate.exceptions import MediaError
from livetranslate.protocol import Segment

__all__ = ["to_srt", "to_vtt", "write_srt", "write_vtt"]

_SPEECH_BYTES_PER_MS = 48  # translated speech: PCM16 mono at 24 kHz
_MS_PER_CHAR = 60
_MIN_MS, _MAX_MS = 1000, 7000


@dataclass(frozen=True, slots=True)
class _Cue:
    start_ms: int
    end_ms: int
    lines: tuple[str, ...]


def _clean(text: str) -> list[str]:
    """Non-empty lines of ``text`` (a blank line would end an SRT cue early)."""
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


def _fallback_ms(segment: Segment) -> int:
    if segment.audio:
        return max(1, len(segment.audio) // _SPEECH_BYTES_PER_MS)
    chars = len(segment.translated_text) or len(segment.source_text)
    return min(_MAX_MS, max(_MIN_MS, chars * _MS_PER_CHAR))


def _cues(segments: Iterable[Segment], bilingual: bool) -> list[_Cue]:
    finals = [s for s in segments if s.final]
    timed = sorted(
        (s for s in finals if s.start_ms is not None),
        key=lambda s: (s.start_ms or 0, s.index),
    )
    untimed = [s for s in finals if s.start_ms is None]
    cues: list[_Cue] = []
    end = 0
    for segment in [*timed, *untimed]:
        lines = _clean(segment.translated_text)
        if bilingual:
            lines = _clean(segment.source_text) + lines
        start = segment.start_ms if segment.start_ms is not None else end
        stop = segment.end_ms if segment.end_ms is not None else start + _fallback_ms(segment)
        if stop <= start:
            stop = start + _fallback_ms(segment)
        end = max(end, stop)
        if lines:
            cues.append(_Cue(max(0, start), max(1, stop), tuple(lines)))
    return cues


def _timestamp(ms: int, separator: str) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}{separator}{millis:03d}"


def to_srt(segments: Iterable[Segment], *, bilingual: bool = False) -> str:
    """Render final segments as SubRip (``.srt``) text.

    Args:
        segments: Segments from ``session.segments()`` (partials are skipped).
        bilingual: Put the source-language line above each translation.

    Returns:
        The SRT document (cues numbered from 1; empty string when there are no cues).
    """
    blocks = []
    for number, cue in enumerate(_cues(segments, bilingual), start=1):
        timing = f"{_timestamp(cue.start_ms, ',')} --> {_timestamp(cue.end_ms, ',')}"
        blocks.append(f"{number}\n{timing}\n" + "\n".join(cue.lines) + "\n")
    return "\n".join(blocks)


def _escape_vtt(line: str) -> str:
    return line.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_vtt(segments: Iterable[Segment], *, bilingual: bool = False) -> str:
    """Render final segments as WebVTT (``.vtt``) text.

    Args:
        segments: Segments from ``session.segments()`` (partials are skipped).
        bilingual: Put the source-language line above each translation.

    Returns:
        The WebVTT document, starting with the ``WEBVTT`` header.
    """
    blocks = ["WEBVTT\n"]
    for number, cue in enumerate(_cues(segments, bilingual), start=1):
        timing = f"{_timestamp(cue.start_ms, '.')} --> {_timestamp(cue.end_ms, '.')}"
        text = "\n".join(_escape_vtt(line) for line in cue.lines)
        blocks.append(f"{number}\n{timing}\n{text}\n")
    return "\n".join(blocks)


def _write(path: str | os.PathLike[str], text: str) -> None:
    target = Path(path)
    try:
        target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise MediaError(
            f"Cannot write subtitles to {target}: {exc.strerror or exc}; check the folder exists "
            "and is writable."
        ) from exc


def write_srt(
    segments: Iterable[Segment], path: str | os.PathLike[str], *, bilingual: bool = False
) -> None:
    """Write final segments to a SubRip file (UTF-8).

    Args:
        segments: Segments from ``session.segments()``.
        path: Where to write (replaced if it exists).
        bilingual: Put the source-language line above each translation.

    Raises:
        MediaError: The file cannot be written.
    """
    _write(path, to_srt(segments, bilingual=bilingual))


def write_vtt(
    segments: Iterable[Segment], path: str | os.PathLike[str], *, bilingual: bool = False
) -> None:
    """Write final segments to a WebVTT file (UTF-8).

    Args:
        segments: Segments from ``session.segments()``.
        path: Where to write (replaced if it exists).
        bilingual: Put the source-language line above each translation.

    Raises:
        MediaError: The file cannot be written.
    """
    _write(path, to_vtt(segments, bilingual=bilingual))
