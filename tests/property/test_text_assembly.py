"""Text assembly laws: encodings agree, and grouping never changes the outputs (style.md §16.3)."""

from __future__ import annotations

from typing import Any

from hypothesis import assume, given, strategies as st

from livetranslate.events import parse_server_event_dict
from livetranslate.exceptions import RemoteProtocolError
from livetranslate.protocol import SegmentAssembler, TextSnapshot, apply_delta, apply_text_stash
from tests.unit.protocol import (
    Event,
    asr_completed,
    asr_delta,
    asr_failed,
    asr_text,
    audio_delta,
    feed,
    finished,
    item_created,
    make,
    output_item_added,
    ready,
    response_created,
    response_done,
    speech_started,
    speech_stopped,
    text_done,
    transcript_delta,
    transcript_done,
    transcript_text,
)

words = st.text(alphabet="ab 你好.", max_size=6)
steps = st.lists(st.tuples(words, st.none() | words), min_size=1, max_size=8)


def _fragments_are_unambiguous(fragments: list[str]) -> bool:
    """The demo's rule misreads a fragment that starts with everything confirmed so far."""
    confirmed = ""
    for fragment in fragments:
        if confirmed and fragment.startswith(confirmed):
            return False
        confirmed += fragment
    return True


@given(steps)
def test_cumulative_and_fragment_text_give_the_same_snapshots(
    updates: list[tuple[str, str | None]],
) -> None:
    fragments = [fragment for fragment, _ in updates]
    assume(_fragments_are_unambiguous(fragments))
    cumulative = fragment = delta = TextSnapshot()
    confirmed = ""
    for piece, stash in updates:
        confirmed += piece
        cumulative = apply_text_stash(cumulative, confirmed, stash)
        fragment = apply_text_stash(fragment, piece, stash)
        delta = apply_delta(delta, piece)
        assert cumulative == fragment
        assert fragment.text == confirmed + (stash or "")
    assert delta.text == cumulative.confirmed == "".join(fragments)


def _stream(updates: list[tuple[str, str | None]], *, cumulative: bool, final: str) -> list[Event]:
    events: list[Event] = [
        response_created("r1"),
        output_item_added("r1", "t1"),
        item_created("t1", "s1"),
    ]
    confirmed = ""
    for piece, stash in updates:
        confirmed += piece
        text = confirmed if cumulative else piece
        events.append(asr_text("s1", text, stash))
        events.append(transcript_text("r1", "t1", text, stash))
    events += [asr_completed("s1", final), transcript_done("r1", "t1", final), response_done("r1")]
    return events


@given(steps, st.sampled_from(["", "Final."]))
def test_cumulative_and_fragment_streams_give_the_same_segments(
    updates: list[tuple[str, str | None]], final: str
) -> None:
    assume(_fragments_are_unambiguous([piece for piece, _ in updates]))
    outputs = []
    for cumulative in (True, False):
        assembler = SegmentAssembler()
        segments = []
        for event in _stream(updates, cumulative=cumulative, final=final):
            segments += assembler.feed(parse_server_event_dict(event))
        outputs.append(segments)
    assert outputs[0] == outputs[1]
    [last] = [s for s in outputs[0] if s.final]
    confirmed = "".join(piece for piece, _ in updates)
    expected = final or confirmed + (updates[-1][1] or "")
    assert (last.source_text, last.translated_text) == (expected, expected)


# ------------------------------------------------------------------ arbitrary event streams

sids = st.sampled_from(["s1", "s2", "s3"])
rids = st.sampled_from(["r1", "r2", "r3"])
tids = st.sampled_from(["t1", "t2", "t3"])
maybe_sid = st.none() | sids

server_events = st.one_of(
    st.builds(speech_started, st.integers(0, 10_000), maybe_sid, st.none() | st.integers(0, 3)),
    st.builds(speech_stopped, st.integers(0, 10_000), maybe_sid),
    st.builds(item_created, sids | tids, st.none() | sids | tids, source=st.booleans()),
    st.builds(asr_text, sids, words, st.none() | words),
    st.builds(asr_delta, sids, words),
    st.builds(asr_completed, sids, words),
    st.builds(asr_failed, sids),
    st.builds(response_created, rids),
    st.builds(response_done, rids, output=st.none() | words),
    st.builds(output_item_added, rids, tids),
    st.builds(transcript_text, rids, tids, words, st.none() | words),
    st.builds(transcript_delta, rids, tids, words),
    st.builds(transcript_done, rids, tids, words),
    st.builds(text_done, rids, tids, words),
    st.builds(audio_delta, rids, tids, st.binary(max_size=4)),
)


@given(st.lists(server_events, max_size=40))
def test_every_utterance_is_final_exactly_once(events: list[Event]) -> None:
    assembler = SegmentAssembler()
    segments = []
    for event in events:
        segments += assembler.feed(parse_server_event_dict(event))
    segments += assembler.flush()
    done = [s for s in segments if s.final]
    assert [s.index for s in done] == list(range(len(done)))
    for key in ("response_id", "source_item_id", "translation_item_id"):
        values = [getattr(s, key) for s in done if getattr(s, key) is not None]
        assert len(values) == len(set(values)), key
    assert assembler.flush() == []


def _drain(protocol: Any) -> tuple[list[str], list[str], list[Any]]:
    return (
        protocol.data_to_send(),
        [e.type for e in protocol.events_received()],
        protocol.segments_received(),
    )


@given(st.lists(server_events, max_size=30), st.data())
def test_grouping_does_not_change_the_outputs(events: list[Event], data: st.DataObject) -> None:
    events = [*events, finished()]
    whole = ready(make())
    whole.append_audio(b"\x00\x00")
    whole.data_to_send()  # a command's output is drained right away (the contract)
    try:
        feed(whole, *events)
    except RemoteProtocolError:
        return  # a stream the protocol rejects; grouping is irrelevant then
    expected = _drain(whole)

    split = ready(make())
    split.append_audio(b"\x00\x00")
    split.data_to_send()
    got: tuple[list[str], list[str], list[Any]] = ([], [], [])
    for event in events:
        feed(split, event)
        if data.draw(st.booleans()):
            for bucket, part in zip(got, _drain(split), strict=True):
                bucket += part
    for bucket, part in zip(got, _drain(split), strict=True):
        bucket += part
    assert got == expected
    assert whole.state is split.state
