"""The emulator's energy-based speech segmenter, in audio time."""

from __future__ import annotations

import numpy as np
import pytest

from livetranslate.testing import Script
from livetranslate.testing._segmenter import (
    Segmenter,
    SegmenterEvent,
    SpeechEnded,
    SpeechProgress,
    SpeechStarted,
    threshold_to_dbfs,
)

FRAME = 20


def tone(ms: int, rate: int = 16000, amp: float = 0.3) -> bytes:
    t = np.arange(rate * ms // 1000) / rate
    return (amp * 32767 * np.sin(2 * np.pi * 300 * t)).astype("<i2").tobytes()


def silence(ms: int, rate: int = 16000) -> bytes:
    return b"\x00\x00" * (rate * ms // 1000)


def feed_all(seg: Segmenter, pcm: bytes, chunk: int = 3200) -> list[SegmenterEvent]:
    out: list[SegmenterEvent] = []
    for i in range(0, len(pcm), chunk):
        out += seg.feed(pcm[i : i + chunk])
    return out


def state(seg: Segmenter) -> tuple[bool, int | None]:
    return seg.in_speech, seg.speech_start_ms


def segments(events: list[SegmenterEvent]) -> list[tuple[int, int]]:
    return [(e.start_ms, e.end_ms) for e in events if isinstance(e, SpeechEnded)]


def test_tone_bursts_give_one_segment_each_with_frame_accurate_offsets() -> None:
    bursts = [(310, 800), (2500, 1200), (5000, 450)]  # (start, length) in ms
    pcm = b""
    cursor = 0
    for start, length in bursts:
        pcm += silence(start - cursor) + tone(length)
        cursor = start + length
    pcm += silence(1500)
    events = feed_all(Segmenter(silence_ms=1000), pcm)
    found = segments(events)
    assert len(found) == len(bursts)
    for (start, end), (want_start, length) in zip(found, bursts, strict=True):
        assert abs(start - want_start) <= FRAME
        assert abs(end - (want_start + length)) <= FRAME
    starts = [e for e in events if isinstance(e, SpeechStarted)]
    assert [s.at_ms - s.start_ms for s in starts] == [100, 100, 100]  # confirmed after 100 ms


def test_speech_end_is_detected_after_the_silence_duration() -> None:
    events = feed_all(Segmenter(silence_ms=600), tone(500) + silence(1000))
    (end,) = [e for e in events if isinstance(e, SpeechEnded)]
    assert (end.start_ms, end.end_ms, end.at_ms) == (0, 500, 1100)


def test_short_gaps_do_not_split_a_segment() -> None:
    pcm = tone(400) + silence(500) + tone(400) + silence(1200)
    assert segments(feed_all(Segmenter(silence_ms=1000), pcm)) == [(0, 1300)]
    assert segments(feed_all(Segmenter(silence_ms=300), pcm)) == [(0, 400), (900, 1300)]


def test_blips_shorter_than_100_ms_are_not_speech() -> None:
    pcm = silence(200) + tone(60) + silence(300) + tone(80) + silence(2000)
    assert feed_all(Segmenter(), pcm) == []


def test_quiet_sound_is_below_the_threshold() -> None:
    quiet = tone(1000, amp=0.002)  # about -57 dBFS
    assert feed_all(Segmenter(), quiet + silence(1200)) == []
    assert segments(feed_all(Segmenter(threshold_dbfs=-60), quiet + silence(1200))) == [(0, 1000)]


def test_progress_is_reported_per_voiced_frame() -> None:
    events = feed_all(Segmenter(), tone(300))
    progress = [e for e in events if isinstance(e, SpeechProgress)]
    assert [p.at_ms for p in progress] == list(range(120, 301, 20))


@pytest.mark.parametrize("chunk", [2, 322, 3200, 64000])
def test_chunking_does_not_change_the_result(chunk: int) -> None:
    pcm = silence(130) + tone(700) + silence(1100) + tone(300) + silence(1100)
    assert feed_all(Segmenter(), pcm, chunk) == feed_all(Segmenter(), pcm, 3200)


def test_flush_closes_an_open_segment_at_its_last_voiced_frame() -> None:
    seg = Segmenter()
    feed_all(seg, silence(100) + tone(500) + silence(200))
    assert state(seg) == (True, 100)
    (end,) = seg.flush()
    assert isinstance(end, SpeechEnded)
    assert (end.start_ms, end.end_ms) == (100, 600)
    assert state(seg) == (False, None)
    assert seg.flush() == []


def test_other_sample_rates() -> None:
    pcm = silence(250, rate=8000) + tone(600, rate=8000) + silence(1100, rate=8000)
    ((start, end),) = segments(feed_all(Segmenter(8000), pcm))
    assert abs(start - 250) <= FRAME
    assert abs(end - 850) <= FRAME


def test_skip_and_reset_keep_the_clock() -> None:
    seg = Segmenter()
    seg.skip(len(silence(1000)))
    assert seg.position_ms == 1000
    events = feed_all(seg, tone(300) + silence(1100))
    assert segments(events) == [(1000, 1300)]


def test_threshold_mapping() -> None:
    assert threshold_to_dbfs(0.2) == pytest.approx(-40.0)
    assert threshold_to_dbfs(1.0) > threshold_to_dbfs(0.2) > threshold_to_dbfs(-1.0)


def test_bundled_sample_has_three_segments_near_the_script_timing() -> None:
    script = Script.sample()
    events = feed_all(Segmenter(silence_ms=1000), script.read_audio() + silence(1200))
    found = segments(events)
    assert len(found) == len(script.utterances) == 3
    for (start, end), utt in zip(found, script.utterances, strict=True):
        assert utt.start_ms is not None
        assert utt.end_ms is not None
        assert abs(start - utt.start_ms) < 200
        assert abs(end - utt.end_ms) < 200
