"""The emulator's sans-I/O engine, driven with JSON strings and synthetic PCM (no sockets)."""

from __future__ import annotations

import base64
import itertools
import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from livetranslate.events import UnknownServerEvent, parse_server_event
from livetranslate.testing import Script
from livetranslate.testing._engine import IMAGE_BEFORE_AUDIO
from livetranslate.testing._responses import split_units
from tests.unit.emulator_driver import (
    JPEG,
    M3,
    M35,
    M38,
    MODELS,
    Driver,
    compact,
    error_of,
    only,
    silence,
    tone,
)

# ------------------------------------------------------------------------- segment events

SEQ_35 = [
    "input_audio_buffer.speech_started",
    "response.created",
    "response.output_item.added",
    "conversation.item.created",
    "response.content_part.added",
]
TAIL = [
    "response.content_part.done",
    "response.output_item.done",
    "response.done",
]


def one_segment(model: str, **session: Any) -> Driver:
    d = Driver(model)
    if session:
        d.update(**session)
    d.sent.clear()
    d.append(silence(300) + tone(1500) + silence(1200))
    return d


def test_segment_sequence_qwen35_audio() -> None:
    d = one_segment(M35)
    types = d.types()
    assert types[:5] == SEQ_35
    assert compact(types)[-10:] == [
        "input_audio_buffer.speech_stopped",
        "conversation.item.input_audio_transcription.text",
        "conversation.item.input_audio_transcription.completed",
        "response.audio_transcript.text",
        "response.audio.delta",
        "response.audio_transcript.done",
        "response.audio.done",
        *TAIL,
    ]
    assert "response.audio.delta" in types[5 : types.index("input_audio_buffer.speech_stopped")]
    assert "response.audio_transcript.text" in types[5:10]
    started = only(d.sent, "input_audio_buffer.speech_started")[0]
    stopped = only(d.sent, "input_audio_buffer.speech_stopped")[0]
    assert started == {
        "event_id": started["event_id"],
        "type": started["type"],
        "audio_start_ms": 300,
    }
    assert stopped["audio_end_ms"] == 1800
    assert d.record.segments == [(300, 1800)]


def test_segment_sequence_qwen38() -> None:
    d = one_segment(M38)
    types = compact(d.types())
    assert types[:6] == [
        "input_audio_buffer.speech_started",
        "conversation.item.created",
        "response.created",
        "response.output_item.added",
        "conversation.item.created",
        "response.content_part.added",
    ]
    assert types[-10:] == [
        "input_audio_buffer.speech_stopped",
        "conversation.item.input_audio_transcription.delta",
        "conversation.item.input_audio_transcription.completed",
        "response.audio_transcript.delta",
        "response.audio.delta",
        "response.audio_transcript.done",
        "response.audio.done",
        *TAIL,
    ]
    assert not any(t.endswith(".text") for t in types)
    started = only(d.sent, "input_audio_buffer.speech_started")[0]
    source_item, translation_item = only(d.sent, "conversation.item.created")
    assert started["item_id"] == source_item["item"]["id"]
    assert started["speaker_id"] == 1
    assert source_item["item"]["content"] == [{"type": "input_audio"}]
    assert translation_item["previous_item_id"] == started["item_id"]
    deltas = only(d.sent, "conversation.item.input_audio_transcription.delta")
    completed = only(d.sent, "conversation.item.input_audio_transcription.completed")[0]
    assert "".join(e["delta"] for e in deltas) == completed["transcript"] == "[emulated speech 1]"
    assert set(completed) == {"event_id", "type", "item_id", "content_index", "transcript"}
    tdeltas = only(d.sent, "response.audio_transcript.delta")
    done = only(d.sent, "response.audio_transcript.done")[0]
    assert (
        "".join(e["delta"] for e in tdeltas) == done["transcript"] == "[emulated en translation 1]"
    )


def test_qwen3_has_no_transcription_by_default_and_language_when_on() -> None:
    d = one_segment(M3)
    assert not [t for t in d.types() if "input_audio_transcription" in t]
    d = one_segment(
        M3, input_audio_transcription={"model": "qwen3-asr-flash-realtime", "language": "zh"}
    )
    completed = only(d.sent, "conversation.item.input_audio_transcription.completed")[0]
    assert completed["language"] == "zh"
    assert "emotion" not in completed


def test_qwen35_transcription_carries_language_and_emotion() -> None:
    d = one_segment(M35)
    completed = only(d.sent, "conversation.item.input_audio_transcription.completed")[0]
    assert (completed["language"], completed["emotion"]) == ("en", "neutral")
    for e in only(d.sent, "conversation.item.input_audio_transcription.text"):
        assert set(e) >= {"text", "stash", "language", "emotion", "item_id"}


def test_translation_pairs_with_the_source_item() -> None:
    d = one_segment(M35)
    created = only(d.sent, "conversation.item.created")[0]
    completed = only(d.sent, "conversation.item.input_audio_transcription.completed")[0]
    assert created["previous_item_id"] == completed["item_id"]
    done = only(d.sent, "response.done")[0]["response"]
    assert done["output"][0]["id"] == created["item"]["id"]
    assert done["status"] == "completed"


@pytest.mark.parametrize("model", MODELS)
def test_text_mode_has_no_audio(model: str) -> None:
    key = "output_modalities" if model == M38 else "modalities"
    d = one_segment(model, **{key: ["text"]})
    types = set(d.types())
    assert not {t for t in types if t.startswith("response.audio")}
    assert "response.text.done" in types
    assert ("response.text.delta" if model == M38 else "response.text.text") in types
    done = only(d.sent, "response.done")[0]["response"]
    assert done["output"][0]["content"] == [{"type": "text", "text": "[emulated en translation 1]"}]
    assert done["usage"]["output_tokens_details"]["audio_tokens"] == 0
    part = only(d.sent, "response.content_part.added")[0]["part"]
    assert part == {"type": "text", "text": ""}


@pytest.mark.parametrize("model", MODELS)
def test_every_event_parses_with_the_sdk_models(model: str) -> None:
    d = one_segment(model)
    d.update(translation={"language": "xx"})
    for event in d.sent:
        parsed = parse_server_event(json.dumps(event))
        assert not isinstance(parsed, UnknownServerEvent), event["type"]


@pytest.mark.parametrize("mode", ["cumulative", "fragment"])
def test_text_modes(mode: str) -> None:
    script = Script.from_pairs([("one two three four five six", "uno dos tres cuatro cinco seis")])
    d = Driver(M35, script=script, text_mode=mode)
    d.append(tone(3000) + silence(1200))
    events = only(d.sent, "response.audio_transcript.text")
    final = "uno dos tres cuatro cinco seis"
    assert len(events) > 2
    assert events[-1]["stash"] == ""
    if mode == "cumulative":
        for a, b in itertools.pairwise(events):
            assert b["text"].startswith(a["text"])
        assert events[-1]["text"] == final
    else:
        assert "".join(e["text"] for e in events) == final
    for e in events[:-1]:  # the tentative tail is the next words
        assert (e["text"] + e["stash"]).strip() in final


def test_script_entries_are_used_in_order_then_generated() -> None:
    script = Script.from_pairs([("a", "A"), ("b", "B")], source_language="fr")
    d = Driver(M35, script=script)
    d.update(translation={"language": "de"})
    for _ in range(3):
        d.append(tone(600) + silence(1100))
    done = [e["transcript"] for e in only(d.sent, "response.audio_transcript.done")]
    assert done == ["A", "B", "[emulated de translation 3]"]
    src = only(d.sent, "conversation.item.input_audio_transcription.completed")
    assert [e["transcript"] for e in src] == ["a", "b", "[emulated speech 3]"]
    assert {e["language"] for e in src} == {"fr"}


def test_the_configured_source_language_wins() -> None:
    d = Driver(M35, script=Script.sample())
    d.update(input_audio_transcription={"model": "qwen3-asr-flash-realtime", "language": "yue"})
    d.append(tone(600) + silence(1100))
    completed = only(d.sent, "conversation.item.input_audio_transcription.completed")[0]
    assert completed["language"] == "yue"


def test_ids_are_deterministic_and_event_ids_unique() -> None:
    a, b = one_segment(M35), one_segment(M35)
    assert a.sent == b.sent
    ids = [e["event_id"] for e in a.sent]
    assert len(set(ids)) == len(ids)


def test_events_do_not_depend_on_chunking() -> None:
    pcm = silence(200) + tone(900) + silence(400) + tone(700) + silence(1500)
    a, b = Driver(M35), Driver(M35)
    a.append(pcm, chunk=3200)
    b.append(pcm, chunk=1234)
    assert a.sent == b.sent


def test_usage_numbers() -> None:
    for model, rate in ((M3, 12.5), (M35, 7), (M38, 7)):
        d = Driver(model)
        d.update(input_audio_transcription={"model": "qwen3-asr-flash-realtime"})
        d.append(tone(2000) + silence(1100))
        usage = only(d.sent, "response.done")[0]["response"]["usage"]
        audio_bytes = sum(
            len(base64.b64decode(e["delta"])) for e in only(d.sent, "response.audio.delta")
        )
        out_seconds = audio_bytes / 2 / 24000
        source = "[emulated speech 1]"
        target = "[emulated en translation 1]"
        text = math.ceil(len(target) / 4) + (0 if model == M38 else math.ceil(len(source) / 4))
        assert usage["input_tokens_details"] == {
            "text_tokens": 0,
            "audio_tokens": round(2.0 * rate),
        }
        assert usage["output_tokens_details"] == {
            "text_tokens": text,
            "audio_tokens": round(out_seconds * 12.5),
        }
        assert usage["input_tokens"] == sum(usage["input_tokens_details"].values())
        assert usage["output_tokens"] == sum(usage["output_tokens_details"].values())
        assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]


def test_translated_audio_is_24khz_pcm_in_100ms_chunks() -> None:
    d = one_segment(M35)
    chunks = [base64.b64decode(e["delta"]) for e in only(d.sent, "response.audio.delta")]
    assert all(len(c) == 4800 for c in chunks[:-1])
    assert 0 < len(chunks[-1]) <= 4800
    pcm = np.frombuffer(b"".join(chunks), "<i2")
    assert np.abs(pcm).max() > 1000  # speech-like, not silence


def test_latency_delays_the_translation_but_not_the_source() -> None:
    d = Driver(M35, latency_ms=1000)
    d.append(tone(2000))
    types = d.types()
    assert "conversation.item.input_audio_transcription.text" in types
    first_tr = [e for e in d.sent if e["type"] == "response.audio_transcript.text"]
    assert len(first_tr) < 3  # only what was due a second ago
    more = d.drain(now=d.engine.audio_ms + 1000)
    assert only(more, "response.audio_transcript.text")
    assert not only(more, "response.done")


def test_finish_flushes_everything_in_order_then_finished() -> None:
    d = Driver(M35, latency_ms=5000)
    d.append(silence(200) + tone(1000))  # no trailing silence: the segment is still open
    assert "response.done" not in d.types()
    out = d.finish()
    types = [e["type"] for e in out]
    assert types[-1] == "session.finished"
    assert "input_audio_buffer.speech_stopped" in types
    assert types.index("response.done") < types.index("session.finished")
    assert d.record.segments == [(200, 1200)]
    assert d.record.finished
    assert d.send({"type": "input_audio_buffer.append", "audio": ""}) == []  # ignored now
    assert d.record.client_events[-1] == "input_audio_buffer.append"


def test_finish_without_speech_sends_finished_at_once() -> None:
    d = Driver(M38)
    d.append(silence(500))
    assert [e["type"] for e in d.finish()] == ["session.finished"]


# ------------------------------------------------------------------------ input errors


@pytest.mark.parametrize(
    ("event", "code"),
    [
        ("{not json", "invalid_event"),
        ('["a list"]', "invalid_event"),
        ({"type": "response.create", "response": {}}, "invalid_event"),
        ({"type": "response.cancel"}, "invalid_event"),
        ({"type": "conversation.item.create", "item": {}}, "invalid_event"),
        ({"type": "input_audio_buffer.append", "audio": "!!!"}, "invalid_value"),
        (
            {"type": "input_audio_buffer.append", "audio": base64.b64encode(b"abc").decode()},
            "invalid_value",
        ),
        ({"type": "input_audio_buffer.append"}, "missing_required_parameter"),
    ],
)
def test_bad_client_events_get_an_error(event: dict[str, Any] | str, code: str) -> None:
    d = Driver(M35)
    err = error_of(d.send(event))
    assert err["code"] == code
    if isinstance(event, dict) and event["type"].startswith(("response.", "conversation.")):
        assert event["type"] in err["message"]
    assert d.record.audio_bytes == 0


def test_audio_is_counted_and_recorded_on_request() -> None:
    d = Driver(M35, record_audio=True)
    d.append(tone(100))
    assert d.record.audio_bytes == 3200
    assert bytes(d.record.audio) == tone(100)
    assert Driver(M35).record.audio == bytearray()


# ------------------------------------------------------------------------------ images


def image(data: bytes) -> dict[str, Any]:
    return {"type": "input_image_buffer.append", "image": base64.b64encode(data).decode()}


def test_image_before_audio_is_an_error() -> None:
    err = error_of(Driver(M38).send(image(JPEG)))
    assert err["message"] == IMAGE_BEFORE_AUDIO


@pytest.mark.parametrize(
    "data", [b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, b"\xff\xd8" + b"\x00" * (500 * 1024)]
)
def test_large_or_non_jpeg_images_are_errors(data: bytes) -> None:
    d = Driver(M35)
    d.append(silence(100))
    error_of(d.send(image(data)))
    assert d.record.images == 0


def test_images_are_counted_and_rate_violations_recorded() -> None:
    d = Driver(M35)
    d.append(silence(100))
    for _ in range(5):  # five images within one second of audio time
        assert d.send(image(JPEG)) == []
    d.append(silence(1100))
    assert d.send(image(JPEG)) == []
    assert d.record.images == 6
    assert d.record.image_rate_violations == 3


# ------------------------------------------------------------------------- commit / clear


@pytest.mark.parametrize("model", MODELS)
def test_commit_is_an_error_in_vad_mode(model: str) -> None:
    d = Driver(model)
    d.append(tone(300))
    err = error_of(d.send({"type": "input_audio_buffer.commit"}))
    assert err["code"] == "invalid_event"


@pytest.mark.parametrize("model", [M3, M38])
def test_manual_mode_and_clear_are_35_only(model: str) -> None:
    d = Driver(model)
    error_of(d.send({"type": "input_audio_buffer.clear"}))


def test_manual_commit_on_qwen35() -> None:
    d = Driver(M35)
    d.update(turn_detection=None)
    err = error_of(d.send({"type": "input_audio_buffer.commit"}))
    assert err["code"] == "input_audio_buffer_commit_empty"
    assert d.append(tone(1000) + silence(1500)) == []  # no VAD in manual mode
    d.sent.clear()
    out = d.send({"type": "input_audio_buffer.commit"})
    types = compact([e["type"] for e in out])
    assert types[:6] == [
        "input_audio_buffer.committed",
        "conversation.item.created",
        "response.created",
        "response.output_item.added",
        "conversation.item.created",
        "response.content_part.added",
    ]
    assert types[-1] == "response.done"
    user_item = out[1]["item"]
    assert (user_item["role"], user_item["content"]) == ("user", [{"type": "input_audio"}])
    assert out[0]["item_id"] == user_item["id"]
    usage = only(out, "response.done")[0]["response"]["usage"]
    assert usage["input_tokens_details"]["audio_tokens"] == round(2.5 * 7)
    error_of(d.send({"type": "input_audio_buffer.commit"}))  # empty again


def test_clear_drops_the_manual_buffer() -> None:
    d = Driver(M35)
    d.update(turn_detection=None)
    d.append(tone(500))
    assert [e["type"] for e in d.send({"type": "input_audio_buffer.clear"})] == [
        "input_audio_buffer.cleared"
    ]
    error_of(d.send({"type": "input_audio_buffer.commit"}))


def test_finish_in_manual_mode_translates_the_uncommitted_audio() -> None:
    d = Driver(M35)
    d.update(turn_detection=None)
    d.append(tone(500))
    types = [e["type"] for e in d.finish()]
    assert "input_audio_buffer.committed" not in types
    assert types[-2:] == ["response.done", "session.finished"]


def test_split_units_round_trips() -> None:
    for text in ["Hello everyone, and welcome.", "大家好，欢迎 to 发布会。", "  lead", ""]:
        assert "".join(split_units(text)) == text
    assert split_units("大家好") == ["大", "家", "好"]
    assert split_units("a b") == ["a ", "b"]


# ------------------------------------------------------------------------------ scripts


def test_script_from_file_and_dict(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text(
        json.dumps(
            {
                "source_language": "fr",
                "utterances": [
                    {"source": "bonjour", "translations": {"en": "hello"}, "speaker": 2},
                    {"source": "merci", "start_ms": 10, "end_ms": 900, "emotion": "happy"},
                ],
            }
        ),
        encoding="utf-8",
    )
    script = Script.from_file(path)
    assert script.source_language == "fr"
    first, second = script.utterances
    assert (first.translation("en"), first.translation("de"), first.speaker) == ("hello", None, 2)
    assert (second.duration_ms, second.emotion) == (890, "happy")
    assert script.utterance(2) is None
    with pytest.raises(ValueError, match="no audio"):
        script.read_audio()
    with pytest.raises(ValueError, match="utterances"):
        Script.from_dict({})
    with pytest.raises(ValueError, match="source"):
        Script.from_dict({"utterances": [{"text": "x"}]})


def test_the_bundled_sample_has_its_audio() -> None:
    script = Script.sample()
    assert (script.source_language, script.sample_rate, len(script.utterances)) == ("zh", 16000, 3)
    assert len(script.read_audio()) == 238324 * 2


def test_speaker_ids_come_from_the_script_on_qwen38() -> None:
    script = Script.from_dict(
        {"utterances": [{"source": "a", "speaker": 1}, {"source": "b", "speaker": 2}]}
    )
    d = Driver(M38, script=script)
    d.append(tone(600) + silence(1100) + tone(600) + silence(1100))
    started = only(d.sent, "input_audio_buffer.speech_started")
    assert [e["speaker_id"] for e in started] == [1, 2]
    source_items = [e for e in only(d.sent, "conversation.item.created") if e["item"]["content"]]
    assert "previous_item_id" not in source_items[0]
    translations = only(d.sent, "response.output_item.added")
    assert source_items[1]["previous_item_id"] == translations[0]["item"]["id"]


def test_server_clock_is_audio_time_then_wall_time() -> None:
    from livetranslate.testing._server import _Clock

    clock = _Clock()
    assert clock.now(100.0) == 0.0  # nothing before the first audio
    clock.audio(0.0, 100.0)
    assert clock.now(105.0) == 0.0
    clock.audio(3000.0, 100.0)  # 3 s of audio arrives at once: an unpaced client
    assert clock.now(100.0) == 3000.0
    assert clock.now(100.5) == 3500.0  # then it goes quiet: the wall clock carries on
    clock.audio(3100.0, 100.5)
    assert clock.now(100.5) == 3500.0  # never goes back
    assert clock.now(101.0) == 4000.0
