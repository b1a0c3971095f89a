"""Text reducers and segment assembly (protocol.md §3.7, §3.11-3.19; protocol-3.8.md §3)."""

from __future__ import annotations

import pytest

from livetranslate.events import parse_server_event_dict
from livetranslate.protocol import (
    Segment,
    SegmentAssembler,
    SessionState,
    TextSnapshot,
    apply_delta,
    apply_final,
    apply_text_stash,
)
from livetranslate.usage import Usage
from tests.unit.protocol import (
    M3,
    M35,
    M38,
    Event,
    asr_completed,
    asr_delta,
    asr_failed,
    asr_text,
    audio_delta,
    audio_done,
    committed,
    created,
    error,
    feed,
    finished,
    item_created,
    make,
    output_item_added,
    output_item_done,
    part_added,
    part_done,
    ready,
    response_created,
    response_done,
    speech_started,
    speech_stopped,
    state_of,
    text_delta,
    text_done,
    text_text,
    transcript_delta,
    transcript_done,
    transcript_text,
    usage,
)

PCM_A = b"\x01\x00\x02\x00"
PCM_B = b"\x03\x00"


def assemble(
    *events: Event, transcription: bool = True, source_language: str | None = None
) -> tuple[SegmentAssembler, list[Segment]]:
    assembler = SegmentAssembler(source_language=source_language, transcription=transcription)
    out: list[Segment] = []
    for event in events:
        out += assembler.feed(parse_server_event_dict(event))
    return assembler, out


def finals(segments: list[Segment]) -> list[Segment]:
    return [s for s in segments if s.final]


def pairs(segments: list[Segment]) -> list[tuple[str, str]]:
    return [(s.source_text, s.translated_text) for s in finals(segments)]


# ------------------------------------------------------------------ reducers


def test_text_stash_cumulative_and_fragment_readings() -> None:
    s = apply_text_stash(TextSnapshot(), "", "Hel")
    assert (s.confirmed, s.stash, s.text) == ("", "Hel", "Hel")
    cumulative = apply_text_stash(apply_text_stash(s, "Hello", " wor"), "Hello world", "!")
    fragment = apply_text_stash(apply_text_stash(s, "Hello", " wor"), " world", "!")
    assert cumulative == fragment == TextSnapshot("Hello world", "!")
    assert apply_text_stash(cumulative, "", None).text == "Hello world"


def test_delta_and_final() -> None:
    s = apply_delta(apply_delta(TextSnapshot(), "Hel"), "lo")
    assert s == TextSnapshot("Hello")
    done = apply_final(s, "Hello.")
    assert done == TextSnapshot("Hello.", done=True)
    assert apply_final(done, "other") is done
    assert apply_delta(done, "x") is done
    assert apply_text_stash(done, "x", "y") is done
    assert apply_final(TextSnapshot("a", "b"), "").text == "ab"
    assert apply_final(TextSnapshot("a", "b"), None) == TextSnapshot("ab", done=True)


def test_segment_durations() -> None:
    segment = Segment(index=0, final=True, audio=b"\x00" * 48000, start_ms=1200, end_ms=3400)
    assert segment.duration_ms == 2200
    assert segment.audio_seconds == 1.0
    assert Segment(index=0, final=False, start_ms=5).duration_ms is None
    assert Segment(index=0, final=False).audio_seconds == 0.0
    assert "audio=" not in repr(segment)


# ------------------------------------------------------------------ qwen3.5 (protocol.md §3.19)


def _segment_35(
    sid: str, rid: str, tid: str, start: int, end: int, *, cumulative: bool
) -> list[Event]:
    src = ["The weather", " is really", " nice today"]
    tr = ["今天", "天气", "真好"]

    def confirmed(parts: list[str], k: int) -> str:
        return "".join(parts[: k + 1]) if cumulative else parts[k]

    events: list[Event] = [
        speech_started(start),
        response_created(rid),
        output_item_added(rid, tid),
        item_created(tid, sid),
        part_added(rid, tid),
    ]
    for k in range(3):
        events.append(
            asr_text(sid, confirmed(src, k), " (tentative)", language="en", emotion="neutral")
        )
        events.append(transcript_text(rid, tid, confirmed(tr, k), "…"))
        events.append(audio_delta(rid, tid, PCM_A if k == 0 else PCM_B))
    events += [
        speech_stopped(end),
        asr_completed(sid, "The weather is really nice today.", language="en", emotion=""),
        transcript_done(rid, tid, "今天天气真好。"),
        audio_done(rid, tid),
        part_done(rid, tid, "今天天气真好。"),
        output_item_done(rid, tid, "今天天气真好。"),
        response_done(rid, usage_=usage(40, 12)),
    ]
    return events


@pytest.mark.parametrize("cumulative", [True, False], ids=["cumulative", "fragment"])
def test_full_35_sequence(cumulative: bool) -> None:
    protocol = ready(make(M35, source_language="en", target_language="zh"))
    feed(protocol, *_segment_35("item_s1", "resp_1", "item_t1", 1200, 3400, cumulative=cumulative))
    feed(protocol, *_segment_35("item_s2", "resp_2", "item_t2", 5000, 7000, cumulative=cumulative))
    segments = protocol.segments_received()
    first, second = finals(segments)
    assert first == Segment(
        index=0,
        final=True,
        source_text="The weather is really nice today.",
        source_language="en",
        translated_text="今天天气真好。",
        audio=PCM_A + PCM_B + PCM_B,
        start_ms=1200,
        end_ms=3400,
        usage=Usage(
            input_text_tokens=33, input_audio_tokens=7, output_text_tokens=9, output_audio_tokens=3
        ),
        emotion="neutral",
        response_id="resp_1",
        source_item_id="item_s1",
        translation_item_id="item_t1",
        status="completed",
    )
    assert (second.index, second.response_id, second.source_item_id) == (1, "resp_2", "item_s2")
    assert second.start_ms == 5000
    partials = [s for s in segments if not s.final]
    assert all(p.audio == b"" and p.usage == Usage() for p in partials)
    assert partials[0].source_text == "The weather (tentative)"
    assert partials[1].translated_text == "今天…"
    assert {p.index for p in partials if p.response_id == "resp_2"} == {1}
    assert protocol.segments_completed == 2


def test_cumulative_and_fragment_readings_emit_identical_segments() -> None:
    outputs = []
    for cumulative in (True, False):
        _, segments = assemble(*_segment_35("s", "r", "t", 0, 10, cumulative=cumulative))
        outputs.append(segments)
    assert outputs[0] == outputs[1]


def test_text_only_mode() -> None:
    _, segments = assemble(
        speech_started(0),
        response_created("r1"),
        output_item_added("r1", "t1"),
        item_created("t1", "s1"),
        asr_text("s1", "你好", "吗"),
        text_text("r1", "t1", "Hello", "?"),
        text_text("r1", "t1", "Hello,", " how"),
        asr_completed("s1", "你好吗"),
        text_done("r1", "t1", "Hello, how are you?"),
        response_done("r1"),
    )
    [final] = finals(segments)
    assert (final.source_text, final.translated_text, final.audio) == (
        "你好吗",
        "Hello, how are you?",
        b"",
    )
    assert [s.translated_text for s in segments if not s.final] == [
        "",
        "Hello?",
        "Hello, how",
        "Hello, how are you?",
    ]


# ------------------------------------------------------------------ qwen3.8 (protocol-3.8.md §3.19)


def _segment_38(n: int, speaker: int, previous_translation: str | None) -> list[Event]:
    sid, tid, rid = f"item_{2 * n + 1}", f"item_{2 * n + 2}", f"resp_{n}"
    return [
        speech_started(1000 * n, sid, speaker),
        item_created(sid, previous_translation, source=True),
        response_created(rid),
        output_item_added(rid, tid),
        item_created(tid, sid),
        part_added(rid, tid),
        asr_delta(sid, "Hello"),
        transcript_delta(rid, tid, "你好"),
        audio_delta(rid, tid, PCM_A),
        asr_delta(sid, " world"),
        transcript_delta(rid, tid, "世界"),
        speech_stopped(1000 * n + 800, sid),
        asr_completed(sid, "Hello world."),
        transcript_done(rid, tid, "你好世界。"),
        audio_done(rid, tid),
        part_done(rid, tid, "你好世界。"),
        output_item_done(rid, tid, "你好世界。"),
        response_done(rid, usage_=usage()),
    ]


def test_38_sequence_with_speakers() -> None:
    protocol = ready(make(M38, target_language="zh"))
    feed(protocol, *_segment_38(0, 1, None), *_segment_38(1, 2, "item_2"))
    segments = protocol.segments_received()
    first, second = finals(segments)
    assert (first.speaker, first.source_item_id, first.translation_item_id) == (
        1,
        "item_1",
        "item_2",
    )
    assert (second.speaker, second.source_item_id, second.translation_item_id) == (
        2,
        "item_3",
        "item_4",
    )
    assert (first.start_ms, first.end_ms, second.start_ms, second.end_ms) == (0, 800, 1000, 1800)
    assert first.source_text == second.source_text == "Hello world."
    assert first.translated_text == "你好世界。"
    assert first.audio == PCM_A
    assert first.source_language is None
    assert [s.source_text for s in segments if not s.final][:3] == ["Hello", "Hello", "Hello world"]


def test_38_transcription_is_always_on() -> None:
    protocol = ready(make(M38, transcribe_source=False))
    feed(protocol, speech_started(0, "item_1"), response_created("resp_0"), response_done("resp_0"))
    assert finals(protocol.segments_received()) == []  # waits for the source transcript
    feed(protocol, asr_completed("item_1", "Hi"))
    [final] = protocol.segments_received()
    assert final.final
    assert final.source_text == "Hi"


# ------------------------------------------------------------------ qwen3: pairing by order


def test_qwen3_pairs_by_arrival_order_without_links() -> None:
    protocol = ready(make(M3, source_language="zh"))
    feed(
        protocol,
        speech_started(0),
        response_created("r1"),
        asr_text("s1", "一", None),
        transcript_text("r1", "t1", "One"),
        speech_stopped(500),
        speech_started(900),
        response_created("r2"),
        asr_completed("s1", "一。"),
        asr_text("s2", "二", None),
        transcript_done("r1", "t1", "One."),
        response_done("r1"),
        transcript_text("r2", "t2", "Two"),
        speech_stopped(1500),
        asr_completed("s2", "二。"),
        response_done("r2", output="Two."),
    )
    first, second = finals(protocol.segments_received())
    assert pairs([first, second]) == [("一。", "One."), ("二。", "Two.")]
    assert (first.start_ms, first.end_ms, second.start_ms, second.end_ms) == (0, 500, 900, 1500)
    assert (first.source_item_id, second.source_item_id) == ("s1", "s2")
    assert first.source_language == "zh"


def test_transcription_before_any_speech_event_or_response() -> None:
    _, segments = assemble(
        asr_text("s1", "a"),
        response_created("r1"),
        asr_completed("s1", "a."),
        response_done("r1", output="A."),
    )
    assert pairs(segments) == [("a.", "A.")]


# ------------------------------------------------------------------ overlap and order


def test_overlapping_segments_complete_out_of_order() -> None:
    _, segments = assemble(
        speech_started(0, "s1"),
        response_created("r1"),
        asr_text("s1", "one"),
        speech_stopped(100, "s1"),
        speech_started(200, "s2"),
        response_created("r2"),
        asr_text("s2", "two"),
        transcript_text("r2", "t2", "TWO"),
        asr_completed("s2", "two."),
        response_done("r2", output="TWO."),
        asr_completed("s1", "one."),
        response_done("r1", output="ONE."),
    )
    partial_two = [s for s in segments if s.response_id == "r2" and not s.final]
    assert {s.index for s in partial_two} == {1}
    done = finals(segments)
    assert [(s.index, s.response_id) for s in done] == [(0, "r2"), (1, "r1")]
    assert pairs(segments) == [("two.", "TWO."), ("one.", "ONE.")]


# ------------------------------------------------------------------ missing pieces


def test_transcription_off_finalizes_at_response_done() -> None:
    protocol = ready(make(M35, transcribe_source=False, source_language="de"))
    feed(protocol, speech_started(0), response_created("r1"), transcript_text("r1", "t1", "Hi"))
    feed(protocol, response_done("r1"))
    [partial, final] = protocol.segments_received()
    assert not partial.final
    assert (final.source_text, final.translated_text, final.start_ms) == ("", "Hi", 0)
    assert final.source_language == "de"


def test_missing_transcription_completion_is_flushed_at_session_end() -> None:
    protocol = ready(make(M35))
    feed(
        protocol,
        speech_started(0),
        response_created("r1"),
        output_item_added("r1", "t1"),
        item_created("t1", "s1"),
        asr_text("s1", "half a sen", "tence"),
        transcript_done("r1", "t1", "Half a sentence."),
        response_done("r1"),
    )
    assert finals(protocol.segments_received()) == []
    protocol.finish()
    feed(protocol, finished())
    assert state_of(protocol) is SessionState.CLOSED
    [final] = protocol.segments_received()
    assert (final.source_text, final.translated_text, final.status) == (
        "half a sentence",
        "Half a sentence.",
        "completed",
    )


def test_failed_transcription_finalizes_with_running_text() -> None:
    _, segments = assemble(
        response_created("r1"),
        asr_text("s1", "abc", "d"),
        response_done("r1", output="ABCD"),
        asr_failed("s1"),
    )
    assert pairs(segments) == [("abcd", "ABCD")]


def test_response_without_any_source_is_final_at_done() -> None:
    _, segments = assemble(
        response_created("r1"), transcript_delta("r1", "t1", "Hi"), response_done("r1")
    )
    [final] = finals(segments)
    assert (final.source_item_id, final.source_text, final.translated_text) == (None, "", "Hi")


def test_translation_final_falls_back_to_hints_then_running_text() -> None:
    _, segments = assemble(
        response_created("r1"),
        transcript_text("r1", "t1", "run", "ning"),
        part_done("r1", "t1", "from part"),
        response_done("r1"),
        response_created("r2"),
        transcript_text("r2", "t2", "run", "ning"),
        transcript_done("r2", "t2", ""),
        response_done("r2"),
        response_created("r3"),
        text_text("r3", "t3", "abc"),
        output_item_done("r3", "t3", "from item"),
        response_done("r3"),
        response_created("r4"),
        text_delta("r4", "t4", "only running"),
        response_done("r4"),
        transcription=False,
    )
    assert [s.translated_text for s in finals(segments)] == [
        "from part",
        "running",
        "from item",
        "only running",
    ]


def test_empty_transcription_completion_keeps_running_text() -> None:
    _, segments = assemble(
        asr_text("s1", "hello", " there"), asr_completed("s1", ""), response_done("r1")
    )
    assert pairs(segments) == [("hello there", "")]


# ------------------------------------------------------------------ duplicates and late events


def test_duplicate_done_events_and_late_events_are_ignored() -> None:
    assembler, segments = assemble(
        speech_started(0, "s1"),
        response_created("r1"),
        output_item_added("r1", "t1"),
        item_created("t1", "s1"),
        asr_completed("s1", "one"),
        asr_completed("s1", "ONE?"),
        transcript_done("r1", "t1", "uno"),
        transcript_done("r1", "t1", "UNO?"),
        text_done("r1", "t1", "other"),
        response_done("r1", usage_=usage()),
    )
    late = [
        response_done("r1", usage_=usage()),
        transcript_delta("r1", "t1", "late"),
        output_item_done("r1", "t1", "late"),
        asr_completed("s1", "late"),
        asr_delta("s1", "late"),
        speech_started(5, "s1"),
        speech_stopped(9, "s1"),
        item_created("t1", "s1"),
        item_created("t9", "s1"),
        response_created("r1"),
    ]
    for event in late:
        segments += assembler.feed(parse_server_event_dict(event))
    assert pairs(segments) == [("one", "uno")]
    assert assembler.completed == 1
    assert assembler.flush() == []


def test_audio_deltas_do_not_emit_partials_and_unrelated_events_are_ignored() -> None:
    _, segments = assemble(
        created(),
        error(),
        {"type": "input_audio_buffer.cleared"},
        {"type": "some.future.event"},
        response_created("r1"),
        audio_delta("r1", "t1", PCM_A),
        audio_delta("r1", "t1", b""),
        audio_done("r1", "t1"),
        transcript_text("r1", "t1", "a"),
        transcript_text("r1", "t1", "a"),  # unchanged text: no new partial
    )
    assert [(s.final, s.translated_text) for s in segments] == [(False, "a")]


# ------------------------------------------------------------------ links


def test_link_that_arrives_before_the_output_item() -> None:
    _, segments = assemble(
        asr_text("s1", "one"),
        asr_text("s2", "two"),
        item_created("t2", "s2"),
        item_created("t1", "s1"),
        response_created("r2"),
        output_item_added("r2", "t2"),
        response_created("r1"),
        output_item_added("r1", "t1"),
        asr_completed("s1", "one"),
        asr_completed("s2", "two"),
        response_done("r1", output="ONE"),
        response_done("r2", output="TWO"),
    )
    assert pairs(segments) == [("one", "ONE"), ("two", "TWO")]


def test_links_correct_tentative_order_pairing() -> None:
    _, segments = assemble(
        asr_text("s1", "one"),
        asr_text("s2", "two"),
        response_created("r1"),  # paired with s1 by order, for now
        response_created("r2"),  # paired with s2 by order, for now
        output_item_added("r2", "t2"),
        item_created("t2", "s1"),  # r2 translates s1: r1 loses its source
        output_item_added("r1", "t1"),
        item_created("t1", "s2"),
        asr_completed("s1", "one"),
        asr_completed("s2", "two"),
        response_done("r1", output="TWO"),
        response_done("r2", output="ONE"),
    )
    assert pairs(segments) == [("two", "TWO"), ("one", "ONE")]


def test_unlinked_response_falls_back_to_order_when_done() -> None:
    _, segments = assemble(
        speech_started(0, "s1"),
        response_created("r1"),
        output_item_added("r1", "t1"),
        item_created("t1", "s1"),
        asr_completed("s1", "one"),
        response_done("r1", output="ONE"),
        speech_started(100, "s2"),
        response_created("r2"),  # no link ever arrives for r2
        asr_completed("s2", "two"),
        transcript_done("r2", "t2", "TWO"),
        response_done("r2"),
    )
    assert pairs(segments) == [("one", "ONE"), ("two", "TWO")]


def test_links_to_unknown_or_finished_items_and_items_without_links() -> None:
    _, segments = assemble(
        item_created("t0"),  # a translation item without previous_item_id: no link
        asr_completed("s1", "one"),
        response_created("r1"),
        output_item_added("r1", "t1"),
        item_created("t1", "s1"),
        response_done("r1", output="ONE"),
        response_created("r2"),
        output_item_added("r2", "t2"),
        item_created("t2", "s1"),  # s1 is finished: ignored
        response_done("r2", output="TWO"),
    )
    assert pairs(segments) == [("one", "ONE"), ("", "TWO")]


def test_manual_mode_commits_and_source_items() -> None:
    _, segments = assemble(
        committed(),
        item_created("u1", None, source=True),
        response_created("r1"),
        output_item_added("r1", "t1"),
        item_created("t1", "u1"),
        asr_completed("u1", "one"),
        response_done("r1", output="ONE"),
        committed("u2"),
        committed("u2"),
        item_created("u2", "t1", source=True),
        response_created("r2"),
        output_item_added("r2", "t2"),
        item_created("t2", "u2"),
        asr_completed("u2", "two"),
        response_done("r2", output="TWO"),
    )
    assert pairs(segments) == [("one", "ONE"), ("two", "TWO")]
    assert [s.source_item_id for s in finals(segments)] == ["u1", "u2"]


def test_speech_stopped_matching() -> None:
    assembler, segments = assemble(
        speech_stopped(5),  # nothing started: ignored
        speech_started(10),
        speech_stopped(20, "s1"),  # names the anonymous speech segment
        asr_completed("s1", "one"),
        speech_started(30, "s2"),
        speech_stopped(40),
        asr_completed("s2", "two"),
    )
    assert finals(segments) == []
    first, second = assembler.flush()
    assert (first.source_item_id, first.start_ms, first.end_ms) == ("s1", 10, 20)
    assert (second.source_item_id, second.start_ms, second.end_ms) == ("s2", 30, 40)
    assert (first.response_id, first.status, first.usage) == (None, None, Usage())


def test_flush_drops_utterances_without_text_or_response() -> None:
    assembler, _ = assemble(speech_started(0), speech_started(10, "s2"), response_created("r1"))
    [final] = assembler.flush()
    assert (final.response_id, final.start_ms, final.status) == ("r1", 0, "in_progress")
    assert assembler.flush() == []
    assert assembler.completed == 1


# ------------------------------------------------------------------ bounded memory


def test_finished_ids_are_remembered_boundedly() -> None:
    assembler = SegmentAssembler(transcription=False)
    for n in range(600):
        assembler.feed(parse_server_event_dict(response_done(f"r{n}")))
    assert assembler.completed == 600
    late_recent = assembler.feed(parse_server_event_dict(response_done("r599")))
    late_forgotten = assembler.feed(parse_server_event_dict(response_done("r0")))
    assert late_recent == []
    assert [s.response_id for s in late_forgotten] == ["r0"]  # long forgotten: a new utterance


def test_pending_links_are_bounded() -> None:
    events = [item_created(f"t{n}", f"s{n}") for n in range(600)]
    events += [
        asr_completed("s0", "zero"),
        asr_completed("s599", "last"),
        response_created("r0"),
        output_item_added("r0", "t0"),  # its link was forgotten
        response_created("r599"),
        output_item_added("r599", "t599"),
        response_done("r599", output="LAST"),
        response_done("r0", output="ZERO"),
    ]
    _, segments = assemble(*events)
    assert pairs(segments) == [("last", "LAST"), ("zero", "ZERO")]


def test_an_untranslated_utterance_stops_pinning_the_replay_point_once_a_later_one_completes() -> (
    None
):
    # Utterance 1 is heard and transcribed, but the service never answers it (e.g. noise).
    orphan = [
        speech_started(1000, item_id="item_orphan"),
        speech_stopped(2000, item_id="item_orphan"),
        asr_completed("item_orphan", "hmm"),
    ]
    assembler, _ = assemble(*orphan)
    assert assembler.open_start_ms() == 1000  # still in flight: it may yet be translated
    second = _segment_35("item_2", "resp_2", "item_t2", 3000, 5000, cumulative=True)
    for event in second:
        assembler.feed(parse_server_event_dict(event))
    assert assembler.completed == 1
    assert assembler.open_start_ms() is None  # the orphan no longer pins the replay buffer
