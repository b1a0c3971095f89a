"""livetranslate.subtitles: SRT/WebVTT that independent parsers read back with the right cues."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import pytest
import srt
import webvtt

from livetranslate.exceptions import MediaError
from livetranslate.protocol import Segment
from livetranslate.subtitles import to_srt, to_vtt, write_srt, write_vtt
from tests.test_import_isolation import _loaded_after_import

SEGMENTS = [
    Segment(
        index=0,
        final=True,
        source_text="大家好，欢迎来到今天的发布会。",
        translated_text="Hello everyone, and welcome to today's launch event.",
        start_ms=520,
        end_ms=5060,
    ),
    Segment(index=1, final=False, source_text="我们", translated_text="We", start_ms=6360),
    Segment(
        index=1,
        final=True,
        source_text="我们将介绍\n\n最新的技术。",
        translated_text="We will introduce <the> latest & best --> technology.",
        start_ms=6360,
        end_ms=10880,
    ),
    Segment(
        index=2,
        final=True,
        source_text="谢谢。",
        translated_text="Thank you.",
        start_ms=3_723_004,  # past an hour
        end_ms=3_725_500,
    ),
]


def ms(delta: timedelta) -> int:
    return round(delta.total_seconds() * 1000)


def test_srt_parses_back_with_cue_count_timing_and_text() -> None:
    cues = list(srt.parse(to_srt(SEGMENTS)))
    assert len(cues) == 3  # the partial segment is not a cue
    assert [(ms(c.start), ms(c.end)) for c in cues] == [
        (520, 5060),
        (6360, 10880),
        (3_723_004, 3_725_500),
    ]
    assert cues[0].content == "Hello everyone, and welcome to today's launch event."
    assert [c.index for c in cues] == [1, 2, 3]
    assert "01:02:03,004 --> 01:02:05,500" in to_srt(SEGMENTS)


def test_bilingual_puts_the_source_line_above_and_never_leaves_a_blank_line() -> None:
    text = to_srt(SEGMENTS, bilingual=True)
    cues = list(srt.parse(text))
    assert len(cues) == 3
    assert cues[0].content.split("\n") == [
        "大家好，欢迎来到今天的发布会。",
        "Hello everyone, and welcome to today's launch event.",
    ]
    assert cues[1].content.split("\n") == [
        "我们将介绍",
        "最新的技术。",
        "We will introduce <the> latest & best --> technology.",
    ]


def test_vtt_parses_back_and_escapes_markup() -> None:
    text = to_vtt(SEGMENTS, bilingual=True)
    assert text.startswith("WEBVTT\n\n")
    captions = webvtt.from_buffer(io.StringIO(text)).captions
    assert len(captions) == 3
    assert [(c.start, c.end) for c in captions] == [
        ("00:00:00.520", "00:00:05.060"),
        ("00:00:06.360", "00:00:10.880"),
        ("01:02:03.004", "01:02:05.500"),
    ]
    assert "&lt;the&gt; latest &amp; best --&gt; technology." in text
    assert captions[0].text.splitlines()[0] == "大家好，欢迎来到今天的发布会。"


def test_cues_are_ordered_by_time_and_untimed_segments_follow() -> None:
    out_of_order = [
        Segment(index=0, final=True, translated_text="second", start_ms=4000, end_ms=5000),
        Segment(index=1, final=True, translated_text="first", start_ms=1000, end_ms=2000),
        Segment(index=2, final=True, translated_text="untimed, with speech", audio=bytes(48000)),
        Segment(index=3, final=True, translated_text="untimed, no speech"),
        Segment(index=4, final=True, translated_text="", source_text="only source", start_ms=0),
        Segment(index=5, final=True, translated_text="zero length", start_ms=6000, end_ms=6000),
    ]
    cues = list(srt.parse(to_srt(out_of_order)))
    assert [c.content for c in cues] == [
        "first",
        "second",
        "zero length",
        "untimed, with speech",
        "untimed, no speech",
    ]
    # zero length: 60 ms per character, at least 1 s; untimed: after the last cue, as long as
    # the speech (1 s of 24 kHz PCM16), then by text length
    assert [(ms(c.start), ms(c.end)) for c in cues[2:]] == [
        (6000, 7000),
        (7000, 8000),
        (8000, 9080),
    ]
    bilingual = list(srt.parse(to_srt(out_of_order, bilingual=True)))
    assert "only source" in [c.content for c in bilingual]  # shown when the source is asked for
    assert to_srt([]) == ""
    assert to_vtt([]) == "WEBVTT\n"


def test_write_files(tmp_path: Path) -> None:
    write_srt(SEGMENTS, tmp_path / "a.srt", bilingual=True)
    write_vtt(SEGMENTS, tmp_path / "a.vtt")
    assert len(list(srt.parse((tmp_path / "a.srt").read_text(encoding="utf-8")))) == 3
    assert len(webvtt.read(str(tmp_path / "a.vtt")).captions) == 3
    with pytest.raises(MediaError, match="Cannot write subtitles"):
        write_srt(SEGMENTS, tmp_path / "missing" / "a.srt")


def test_subtitles_stay_pure() -> None:
    loaded = _loaded_after_import(["livetranslate.subtitles"])
    heavy = sorted(m for m in loaded if m.split(".")[0] in {"numpy", "soundfile", "asyncio", "av"})
    assert not heavy, heavy
