"""Subtitles in the CLI: live two-line view on a terminal, and SRT/WebVTT files at the end."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import TextIO

from livetranslate.protocol import Segment


class SubtitleView:
    """Render segments as ``source / translation`` line pairs.

    On a terminal, partial updates rewrite the last two lines in place; elsewhere (pipes, CI logs)
    only final segments are printed, so logs stay readable.
    """

    def __init__(
        self, stream: TextIO | None = None, *, source_label: str, target_label: str
    ) -> None:
        self._out = stream or sys.stdout
        self._tty = self._out.isatty()
        self._labels = (source_label, target_label)
        self._live_lines = 0

    def _fit(self, text: str) -> str:
        width = shutil.get_terminal_size((100, 20)).columns - 8
        return text if len(text) <= width else "…" + text[-(width - 1) :]

    def _clear_live(self) -> None:
        if self._live_lines:
            self._out.write("\x1b[F\x1b[2K" * self._live_lines)
            self._live_lines = 0

    def show(self, seg: Segment) -> None:
        """Show a partial or final segment."""
        src, dst = self._labels
        if seg.final:
            self._clear_live()
            when = ""
            if seg.start_ms is not None and seg.end_ms is not None:
                when = f"  [{seg.start_ms / 1000:5.1f}s - {seg.end_ms / 1000:5.1f}s]"
            speaker = f" (speaker {seg.speaker})" if seg.speaker is not None else ""
            self._out.write(f"#{seg.index + 1}{when}{speaker}\n")
            self._out.write(f"  {src}: {seg.source_text}\n  {dst}: {seg.translated_text}\n")
        elif self._tty:
            self._clear_live()
            self._out.write(f"  {src}: {self._fit(seg.source_text)} …\n")
            self._out.write(f"  {dst}: {self._fit(seg.translated_text)} …\n")
            self._live_lines = 2
        self._out.flush()


class SubtitleFiles:
    """Collect final segments and write the requested SRT/WebVTT files at the end."""

    def __init__(self, *, srt: Path | None, vtt: Path | None, bilingual: bool) -> None:
        self._srt, self._vtt, self._bilingual = srt, vtt, bilingual
        self._segments: list[Segment] = []

    def add(self, seg: Segment) -> None:
        """Keep a final segment."""
        self._segments.append(seg)

    def write(self) -> list[tuple[Path, int]]:
        """Write the files asked for; return ``(path, cue count)`` for each."""
        from livetranslate import subtitles

        written = []
        jobs = ((self._srt, subtitles.write_srt), (self._vtt, subtitles.write_vtt))
        for path, write in jobs:
            if path is not None:
                write(self._segments, path, bilingual=self._bilingual)
                written.append((path, path.read_text(encoding="utf-8").count(" --> ")))
        return written
