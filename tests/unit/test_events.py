"""Event models: every documented wire example parses, round-trips and fails cleanly."""

from __future__ import annotations

import base64
import json
import struct
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from livetranslate import events as ev
from livetranslate.events import (
    SERVER_EVENT_TYPES,
    AudioFormat,
    AudioInputParams,
    AudioOutputParams,
    AudioParams,
    ChatCompletionChunk,
    ChatUsage,
    ClientModel,
    Corpus,
    InputAudioBufferAppendEvent,
    InputAudioTranscription,
    InputImageBufferAppendEvent,
    RealtimeUsage,
    ResponseAudioDeltaEvent,
    ServerModel,
    SessionInfo,
    SessionParams,
    SessionParams38,
    SessionUpdateEvent,
    TranslationParams,
    TurnDetection,
    TurnDetection38,
    UnknownServerEvent,
    parse_chat_chunk,
    parse_client_event,
    parse_server_event,
    parse_server_event_dict,
)
from livetranslate.exceptions import RemoteProtocolError
from livetranslate.usage import Usage

WIRE = Path(__file__).resolve().parent.parent / "fixtures" / "wire"

SERVER_FIXTURES: dict[str, type[BaseModel]] = {
    "protocol__error": ev.ErrorEvent,
    "protocol__session.created": ev.SessionCreatedEvent,
    "protocol__session.created__qwen3": ev.SessionCreatedEvent,
    "protocol__session.updated": ev.SessionUpdatedEvent,
    "protocol__session.finished": ev.SessionFinishedEvent,
    "protocol__input_audio_buffer.speech_started": ev.InputAudioBufferSpeechStartedEvent,
    "protocol__input_audio_buffer.speech_stopped": ev.InputAudioBufferSpeechStoppedEvent,
    "protocol__input_audio_buffer.committed": ev.InputAudioBufferCommittedEvent,
    "protocol__input_audio_buffer.cleared": ev.InputAudioBufferClearedEvent,
    "protocol__conversation.item.created": ev.ConversationItemCreatedEvent,
    "protocol__response.created": ev.ResponseCreatedEvent,
    "protocol__response.output_item.added": ev.ResponseOutputItemAddedEvent,
    "protocol__response.output_item.done": ev.ResponseOutputItemDoneEvent,
    "protocol__response.content_part.added": ev.ResponseContentPartAddedEvent,
    "protocol__response.content_part.done": ev.ResponseContentPartDoneEvent,
    "protocol__response.text.text": ev.ResponseTextTextEvent,
    "protocol__response.text.done": ev.ResponseTextDoneEvent,
    "protocol__response.audio_transcript.text": ev.ResponseAudioTranscriptTextEvent,
    "protocol__response.audio_transcript.done": ev.ResponseAudioTranscriptDoneEvent,
    "protocol__response.audio.delta": ev.ResponseAudioDeltaEvent,
    "protocol__response.audio.done": ev.ResponseAudioDoneEvent,
    "protocol__conversation.item.input_audio_transcription.text": (
        ev.InputAudioTranscriptionTextEvent
    ),
    "protocol__conversation.item.input_audio_transcription.completed": (
        ev.InputAudioTranscriptionCompletedEvent
    ),
    "protocol__conversation.item.input_audio_transcription.failed": (
        ev.InputAudioTranscriptionFailedEvent
    ),
    "protocol__response.done": ev.ResponseDoneEvent,
    "protocol38__error": ev.ErrorEvent,
    "protocol38__session.created": ev.SessionCreatedEvent,
    "protocol38__session.updated": ev.SessionUpdatedEvent,
    "protocol38__session.finished": ev.SessionFinishedEvent,
    "protocol38__input_audio_buffer.speech_started": ev.InputAudioBufferSpeechStartedEvent,
    "protocol38__input_audio_buffer.speech_stopped": ev.InputAudioBufferSpeechStoppedEvent,
    "protocol38__conversation.item.created__source": ev.ConversationItemCreatedEvent,
    "protocol38__conversation.item.created__translation": ev.ConversationItemCreatedEvent,
    "protocol38__conversation.item.input_audio_transcription.delta": (
        ev.InputAudioTranscriptionDeltaEvent
    ),
    "protocol38__conversation.item.input_audio_transcription.completed": (
        ev.InputAudioTranscriptionCompletedEvent
    ),
    "protocol38__conversation.item.input_audio_transcription.failed": (
        ev.InputAudioTranscriptionFailedEvent
    ),
    "protocol38__response.created": ev.ResponseCreatedEvent,
    "protocol38__response.output_item.added": ev.ResponseOutputItemAddedEvent,
    "protocol38__response.output_item.done": ev.ResponseOutputItemDoneEvent,
    "protocol38__response.content_part.added": ev.ResponseContentPartAddedEvent,
    "protocol38__response.content_part.done": ev.ResponseContentPartDoneEvent,
    "protocol38__response.text.delta": ev.ResponseTextDeltaEvent,
    "protocol38__response.audio_transcript.delta": ev.ResponseAudioTranscriptDeltaEvent,
    "protocol38__response.audio_transcript.done": ev.ResponseAudioTranscriptDoneEvent,
    "protocol38__response.audio.delta": ev.ResponseAudioDeltaEvent,
    "protocol38__response.audio.done": ev.ResponseAudioDoneEvent,
    "protocol38__response.done": ev.ResponseDoneEvent,
}

CLIENT_FIXTURES: dict[str, type[BaseModel]] = {
    "protocol__session.update": ev.SessionUpdateEvent,
    "protocol__input_audio_buffer.append": ev.InputAudioBufferAppendEvent,
    "protocol__input_image_buffer.append": ev.InputImageBufferAppendEvent,
    "protocol__input_audio_buffer.commit": ev.InputAudioBufferCommitEvent,
    "protocol__input_audio_buffer.clear": ev.InputAudioBufferClearEvent,
    "protocol__session.finish": ev.SessionFinishEvent,
    "protocol38__session.update": ev.SessionUpdateEvent,
    "protocol38__session.update__minimal": ev.SessionUpdateEvent,
    "protocol38__input_audio_buffer.append": ev.InputAudioBufferAppendEvent,
    "protocol38__input_image_buffer.append": ev.InputImageBufferAppendEvent,
    "protocol38__session.finish": ev.SessionFinishEvent,
}

CHUNK_FIXTURES = [
    "protocol__chat.completion.chunk",
    "protocol__chat.completion.chunk__audio",
    "protocol__chat.completion.chunk__usage",
]


def _text(name: str) -> str:
    return (WIRE / f"{name}.json").read_text(encoding="utf-8")


def _load(name: str) -> dict[str, Any]:
    data = json.loads(_text(name))
    assert isinstance(data, dict)
    return data


# ------------------------------------------------------------------ fixtures


def test_every_fixture_file_is_mapped() -> None:
    on_disk = {p.stem for p in WIRE.glob("*.json")}
    mapped = set(SERVER_FIXTURES) | set(CLIENT_FIXTURES) | set(CHUNK_FIXTURES)
    assert on_disk == mapped


def test_every_known_server_type_has_a_fixture() -> None:
    covered = {_load(name)["type"] for name in SERVER_FIXTURES}
    assert covered == SERVER_EVENT_TYPES


@pytest.mark.parametrize("name", sorted(SERVER_FIXTURES))
def test_server_fixture_parses_to_its_class_and_round_trips(name: str) -> None:
    raw = _text(name)
    event = parse_server_event(raw)
    assert type(event) is SERVER_FIXTURES[name]
    assert event.type == _load(name)["type"]
    again = parse_server_event(event.model_dump_json(by_alias=True, exclude_unset=True))
    assert again == event
    assert parse_server_event(raw.encode()) == event
    assert parse_server_event_dict(_load(name)) == event
    assert json.loads(event.to_json()) == _load(name)
    assert event.to_dict() == _load(name)


@pytest.mark.parametrize("name", sorted(CLIENT_FIXTURES))
def test_client_fixture_parses_and_reserializes_identically(name: str) -> None:
    event = parse_client_event(_text(name))
    assert type(event) is CLIENT_FIXTURES[name]
    assert json.loads(event.to_json()) == _load(name)
    assert event.to_dict() == _load(name)


@pytest.mark.parametrize("name", CHUNK_FIXTURES)
def test_chunk_fixture_parses_and_round_trips(name: str) -> None:
    chunk = parse_chat_chunk(_text(name))
    assert chunk.object == "chat.completion.chunk"
    assert chunk.model == "qwen3-livetranslate-flash"
    assert parse_chat_chunk(chunk.model_dump_json(exclude_unset=True)) == chunk
    assert parse_chat_chunk(_load(name)) == chunk
    assert chunk.to_dict() == _load(name)


def test_server_fixture_key_fields() -> None:
    err = parse_server_event(_text("protocol__error"))
    assert isinstance(err, ev.ErrorEvent)
    assert err.error.code == "invalid_value"
    assert err.error.param == "session.modalities"

    text = parse_server_event(_text("protocol__response.text.text"))
    assert isinstance(text, ev.ResponseTextTextEvent)
    assert (text.text, text.stash) == ("How are", " you today?")
    assert text.response_id == "resp_B1lIdtjF4Noqpn5NOjznj"

    asr = parse_server_event(_text("protocol__conversation.item.input_audio_transcription.text"))
    assert isinstance(asr, ev.InputAudioTranscriptionTextEvent)
    assert (asr.text, asr.language, asr.emotion) == ("", "en", "neutral")

    started = parse_server_event(_text("protocol38__input_audio_buffer.speech_started"))
    assert isinstance(started, ev.InputAudioBufferSpeechStartedEvent)
    assert (started.audio_start_ms, started.item_id, started.speaker_id) == (200, "item_1", 1)

    item = parse_server_event(_text("protocol38__conversation.item.created__translation"))
    assert isinstance(item, ev.ConversationItemCreatedEvent)
    assert item.previous_item_id == "item_1"
    assert item.item.id == "item_2"
    assert item.event_id is None

    source = parse_server_event(_text("protocol38__conversation.item.created__source"))
    assert isinstance(source, ev.ConversationItemCreatedEvent)
    assert source.item.content[0].type == "input_audio"
    assert source.item.content[0].value is None

    done = parse_server_event(_text("protocol__response.done"))
    assert isinstance(done, ev.ResponseDoneEvent)
    assert done.response.status == "completed"
    assert done.response.output[0].content[0].value == "Hello? "
    assert done.response.usage is not None
    assert done.response.usage.total_tokens == 56

    item_done = parse_server_event(_text("protocol__response.output_item.done"))
    assert isinstance(item_done, ev.ResponseOutputItemDoneEvent)
    assert item_done.item.content[0].value == "How can I assist you today?"

    failed = parse_server_event(
        _text("protocol__conversation.item.input_audio_transcription.failed")
    )
    assert isinstance(failed, ev.InputAudioTranscriptionFailedEvent)
    assert failed.error.message == "xxx"


def test_server_events_keep_unknown_fields() -> None:
    raw = json.dumps(
        {
            "type": "conversation.item.input_audio_transcription.delta",
            "item_id": "item_1",
            "content_index": 0,
            "delta": "Hi",
            "obfuscation": "abc",
        }
    )
    event = parse_server_event(raw)
    assert isinstance(event, ev.InputAudioTranscriptionDeltaEvent)
    assert event.model_extra == {"obfuscation": "abc"}
    assert json.loads(event.to_json())["obfuscation"] == "abc"


def test_error_detail_accepts_numeric_code() -> None:
    event = parse_server_event('{"type":"error","error":{"code":400,"message":"bad"}}')
    assert isinstance(event, ev.ErrorEvent)
    assert event.error.code == "400"


def test_server_payload_without_type_does_not_invent_one() -> None:
    assert ev.ErrorDetail(code="x").to_dict() == {"code": "x"}
    assert ev.ErrorEvent(error=ev.ErrorDetail()).to_dict() == {"type": "error", "error": {}}


def test_server_event_built_with_kwargs_always_serialises_type() -> None:
    event = ev.SessionFinishedEvent()
    assert event.to_dict() == {"type": "session.finished"}
    assert parse_server_event(event.to_json()) == event
    delta = ev.ResponseTextDeltaEvent(response_id="r", item_id="i", delta="好")
    assert (
        delta.to_json()
        == '{"type":"response.text.delta","response_id":"r","item_id":"i","delta":"好"}'
    )


# ------------------------------------------------------------------ unknown events


def test_unknown_type_becomes_unknown_server_event() -> None:
    raw = '{"type":"response.brand_new","event_id":"event_1","payload":{"a":[1,2]}}'
    event = parse_server_event(raw)
    assert isinstance(event, UnknownServerEvent)
    assert event.type == "response.brand_new"
    assert event.event_id == "event_1"
    assert event.raw == json.loads(raw)
    assert json.loads(event.model_dump_json()) == json.loads(raw)
    assert event.to_dict() == json.loads(raw)
    assert json.loads(event.to_json()) == json.loads(raw)
    assert parse_server_event(event.model_dump_json()) == event
    assert "response.brand_new" not in SERVER_EVENT_TYPES


def test_unknown_event_with_non_string_event_id() -> None:
    event = parse_server_event_dict({"type": "x.y", "event_id": 5})
    assert isinstance(event, UnknownServerEvent)
    assert event.event_id is None


def test_unknown_server_event_can_be_built_directly() -> None:
    event = UnknownServerEvent(type="x", raw={"type": "x"})
    assert event.raw == {"type": "x"}


def test_server_event_types_is_complete() -> None:
    assert len(SERVER_EVENT_TYPES) == 27
    assert "response.text.text" in SERVER_EVENT_TYPES
    assert "conversation.item.input_audio_transcription.delta" in SERVER_EVENT_TYPES


# ------------------------------------------------------------------ parser errors

SECRET = "TOP-SECRET-TRANSCRIPT"


@pytest.mark.parametrize(
    ("data", "event_type", "fragment"),
    [
        ('{"type": "response.text.text", "text": "' + SECRET, None, "not valid JSON"),
        (b"\xff\xfe" + SECRET.encode(), None, "not valid JSON"),
        ("", None, "not valid JSON"),
        ('["' + SECRET + '"]', None, "an array"),
        ('"' + SECRET + '"', None, "a string"),
        ("42", None, "a number"),
        ("null", None, "null"),
        ('{"text": "' + SECRET + '"}', None, "without a 'type'"),
        ('{"type": 7, "text": "' + SECRET + '"}', None, "'type' is a number"),
        ('{"type": null, "text": "' + SECRET + '"}', None, "without a 'type'"),
        (
            '{"type": "response.text.text", "response_id": "r", "item_id": "i", "stash": "'
            + SECRET
            + '"}',
            "response.text.text",
            "text (missing)",
        ),
        (
            '{"type": "response.audio.delta", "response_id": "r", "item_id": "i", "delta": ["'
            + SECRET
            + '"]}',
            "response.audio.delta",
            "delta (string_type)",
        ),
        (
            '{"type": "session.created", "session": {"translation": {"corpus": {"phrases": {"'
            + SECRET
            + '": 1}}}}}',
            "session.created",
            "session.translation.corpus.phrases.<key> (string_type)",
        ),
    ],
)
def test_parse_server_event_errors(
    data: str | bytes, event_type: str | None, fragment: str
) -> None:
    with pytest.raises(RemoteProtocolError) as info:
        parse_server_event(data)
    message = str(info.value)
    assert fragment in message
    assert SECRET not in message
    assert info.value.event_type == event_type
    if event_type is not None:
        assert event_type in message
    assert info.value.__cause__ is None
    assert info.value.__suppress_context__


def test_parse_server_event_dict_errors() -> None:
    with pytest.raises(RemoteProtocolError, match=r"response\.done") as info:
        parse_server_event_dict({"type": "response.done", "response": {"output": SECRET}})
    assert SECRET not in str(info.value)
    assert info.value.event_type == "response.done"
    with pytest.raises(RemoteProtocolError, match="an array"):
        parse_server_event_dict([SECRET])  # type: ignore[arg-type]
    with pytest.raises(RemoteProtocolError, match="without a 'type'"):
        parse_server_event_dict({})


def test_error_message_lists_at_most_a_few_errors() -> None:
    with pytest.raises(RemoteProtocolError, match="and 1 more"):
        parse_server_event(
            '{"type":"response.content_part.done","output_index":"x","content_index":"y"}'
        )


def test_long_event_type_is_shortened_in_message() -> None:
    long_type = "response.text.text"
    with pytest.raises(RemoteProtocolError) as info:
        parse_server_event(json.dumps({"type": long_type}))
    assert long_type in str(info.value)
    with pytest.raises(RemoteProtocolError) as info2:
        parse_client_event(json.dumps({"type": "z" * 500}))
    assert "z" * 500 not in str(info2.value)
    assert info2.value.event_type == "z" * 500


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ("{", "not valid JSON"),
        ("[]", "an array"),
        ('{"audio": "x"}', "without a 'type'"),
        ('{"type": "response.create"}', "unknown type 'response.create'"),
        ('{"type": "input_audio_buffer.append"}', "audio (missing)"),
        (
            '{"type": "input_audio_buffer.append", "audio": "x", "sesion": 1}',
            "sesion (extra_forbidden)",
        ),
        (
            '{"type": "session.update", "session": {"modalities": ["text"], "audio": {}}}',
            "session.qwen38.modalities (extra_forbidden)",
        ),
        ('{"type": "session.update", "session": {"modalities": ["video"]}}', "literal_error"),
    ],
)
def test_parse_client_event_errors(data: str, fragment: str) -> None:
    with pytest.raises(RemoteProtocolError) as info:
        parse_client_event(data)
    assert fragment in str(info.value)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ("data: {}", "not valid JSON"),
        ("[1]", "an array"),
        ('{"choices": "' + SECRET + '"}', "choices (list_type)"),
        ('{"object": 5}', "'object' is a number"),
        ('{"choices": [{"delta": {"audio": {"data": 5}}}]}', "choices.0.delta.audio.data"),
    ],
)
def test_parse_chat_chunk_errors(data: str, fragment: str) -> None:
    with pytest.raises(RemoteProtocolError) as info:
        parse_chat_chunk(data)
    assert fragment in str(info.value)
    assert SECRET not in str(info.value)


def test_parse_chat_chunk_error_names_chunk_type() -> None:
    with pytest.raises(RemoteProtocolError) as info:
        parse_chat_chunk({"choices": 1})
    assert info.value.event_type == "chat.completion.chunk"
    assert "chat.completion.chunk" in str(info.value)


def test_chat_chunk_keeps_error_payload_as_extra() -> None:
    chunk = parse_chat_chunk('{"error": {"code": "DataInspectionFailed", "message": "m"}}')
    assert chunk.model_extra == {"error": {"code": "DataInspectionFailed", "message": "m"}}
    assert chunk.choices == []


# ------------------------------------------------------------------ audio payloads


def _wav(pcm: bytes, extra_chunk: bytes = b"") -> bytes:
    fmt = b"fmt " + struct.pack("<IHHIIHH", 16, 1, 1, 24000, 48000, 2, 16)
    body = b"WAVE" + fmt + extra_chunk + b"data" + struct.pack("<I", len(pcm)) + pcm
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _audio_event(raw: bytes) -> ResponseAudioDeltaEvent:
    return ResponseAudioDeltaEvent(
        response_id="r", item_id="i", delta=base64.b64encode(raw).decode()
    )


def test_audio_bytes_plain_pcm_is_unchanged() -> None:
    pcm = b"\x01\x02" * 100
    assert _audio_event(pcm).audio_bytes() == pcm


def test_audio_bytes_strips_44_byte_wav_header() -> None:
    pcm = b"\x10\x00\x20\x00" * 50
    wav = _wav(pcm)
    assert wav[:4] == b"RIFF"
    assert len(wav) - len(pcm) == 44
    assert _audio_event(wav).audio_bytes() == pcm


def test_audio_bytes_strips_header_with_extra_chunks() -> None:
    pcm = b"\x10\x00" * 30
    wav = _wav(pcm, extra_chunk=b"LIST" + struct.pack("<I", 3) + b"abc\x00")
    assert _audio_event(wav).audio_bytes() == pcm


def test_audio_bytes_strips_44_bytes_when_chunks_are_unreadable() -> None:
    raw = (
        b"RIFF"
        + b"\x00" * 4
        + b"WAVE"
        + b"junk"
        + struct.pack("<I", 10**6)
        + b"\x00" * 24
        + b"PCM!"
    )
    assert _audio_event(raw).audio_bytes() == b"PCM!"


def test_audio_bytes_riff_without_wave_is_kept() -> None:
    raw = b"RIFF\x00\x00\x00\x00AVI " + b"\x00" * 40
    assert _audio_event(raw).audio_bytes() == raw


def test_audio_bytes_of_fixture() -> None:
    event = parse_server_event(_text("protocol__response.audio.delta"))
    assert isinstance(event, ResponseAudioDeltaEvent)
    assert event.delta.startswith("UklGR")
    assert event.audio_bytes() == b"\x01\x00\xff\xff" * 120
    event38 = parse_server_event(_text("protocol38__response.audio.delta"))
    assert isinstance(event38, ResponseAudioDeltaEvent)
    assert event38.audio_bytes() == b"\x01\x00\xff\xff" * 120


def test_audio_bytes_invalid_base64_raises_protocol_error() -> None:
    event = ResponseAudioDeltaEvent(response_id="r", item_id="i", delta="abc")
    with pytest.raises(RemoteProtocolError, match="base64") as info:
        event.audio_bytes()
    assert info.value.event_type == "response.audio.delta"


def test_chunk_audio_bytes() -> None:
    chunk = parse_chat_chunk(_text("protocol__chat.completion.chunk__audio"))
    audio = chunk.choices[0].delta.audio
    assert audio is not None
    assert audio.audio_bytes() == b"\x01\x00\xff\xff" * 120
    assert audio.id == "audio_5b1e9c7a-2d4f-4e8b-9a6c-3f0d1e2b4c5a"
    assert ev.ChunkAudio(transcript="hi").audio_bytes() == b""
    assert ev.ChunkAudio(data=base64.b64encode(_wav(b"ab")).decode()).audio_bytes() == b"ab"


def test_chunk_text_and_usage() -> None:
    text = parse_chat_chunk(_text("protocol__chat.completion.chunk"))
    assert text.choices[0].delta.content == " of"
    assert text.choices[0].finish_reason is None
    assert text.usage is None
    usage = parse_chat_chunk(_text("protocol__chat.completion.chunk__usage"))
    assert usage.choices == []
    assert usage.usage is not None
    assert usage.usage.to_usage() == Usage(
        input_audio_tokens=415, output_text_tokens=51, output_audio_tokens=191
    )
    assert ChatCompletionChunk().choices == []


# ------------------------------------------------------------------ SessionInfo


def _session(name: str) -> SessionInfo:
    event = parse_server_event(_text(name))
    assert isinstance(event, ev.SessionCreatedEvent | ev.SessionUpdatedEvent)
    return event.session


def test_session_info_35_shape() -> None:
    info = _session("protocol__session.created")
    assert info.effective_output_modalities == ("text", "audio")
    assert info.effective_voice == "Cherry"
    assert info.target_language == "en"
    assert info.input_sample_rate == 16000
    turn = info.effective_turn_detection
    assert turn is not None
    assert (turn.type, turn.threshold, turn.prefix_padding_ms) == ("server_vad", 0.2, 300)
    assert info.translation is not None
    assert info.translation.corpus is not None
    assert info.translation.corpus.phrases == {"人工智能": "Artificial Intelligence"}
    assert info.voice_clone_options is not None
    assert info.voice_clone_options.frequency == "once"


def test_session_info_qwen3_shape() -> None:
    info = _session("protocol__session.created__qwen3")
    assert info.input_audio_format == "pcm16"
    assert info.output_audio_format == "pcm24"
    assert info.input_sample_rate is None
    assert info.effective_turn_detection is None


def test_session_info_38_shape() -> None:
    info = _session("protocol38__session.created")
    assert info.modalities is None
    assert info.effective_output_modalities == ("text", "audio")
    assert info.input_modalities == ["audio"]
    assert info.effective_voice == "Tina"
    assert info.target_language == "en"
    assert info.input_sample_rate == 16000
    turn = info.effective_turn_detection
    assert turn is not None
    assert (turn.type, turn.threshold, turn.silence_duration_ms) == ("speaker_detection", 0.5, 1000)


def test_session_info_38_updated_prefers_clone_directive_and_nested_turn_detection() -> None:
    info = _session("protocol38__session.updated")
    assert info.effective_voice == "default"
    assert info.audio is not None
    assert info.audio.output is not None
    assert info.audio.output.voice == "Tina"
    assert info.turn_detection is not None
    assert info.effective_turn_detection is not None
    assert info.effective_turn_detection.create_response is True


def test_session_info_empty() -> None:
    info = SessionInfo()
    assert info.effective_output_modalities is None
    assert info.effective_voice is None
    assert info.target_language is None
    assert info.input_sample_rate is None
    assert info.effective_turn_detection is None
    assert SessionInfo.model_validate({"audio": {}}).effective_voice is None


def test_session_info_manual_mode_null_turn_detection() -> None:
    info = SessionInfo.model_validate({"turn_detection": None})
    assert info.effective_turn_detection is None


# ------------------------------------------------------------------ client events


def test_client_events_reject_unknown_fields() -> None:
    with pytest.raises(ValidationError):
        SessionParams.model_validate({"modalities": ["text"], "modality": ["text"]})
    with pytest.raises(ValidationError):
        InputAudioBufferAppendEvent.model_validate({"audio": "x", "audoi": "y"})
    with pytest.raises(ValidationError):
        TranslationParams.model_validate({"language": "en", "target": "en"})
    with pytest.raises(ValidationError):
        ev.TranslationParams38.model_validate({"same_language_skip_options": {}})


def test_client_models_are_frozen() -> None:
    event = InputAudioBufferAppendEvent(audio="x")
    with pytest.raises(ValidationError):
        event.audio = "y"  # type: ignore[misc]


def test_unset_fields_are_omitted_and_none_is_null() -> None:
    assert SessionUpdateEvent(session=SessionParams()).to_dict() == {
        "type": "session.update",
        "session": {},
    }
    manual = SessionUpdateEvent(
        session=SessionParams(
            turn_detection=None, input_audio_transcription=InputAudioTranscription(model=None)
        )
    )
    assert manual.to_dict() == {
        "type": "session.update",
        "session": {"turn_detection": None, "input_audio_transcription": {"model": None}},
    }
    assert manual.to_json() == (
        '{"type":"session.update","session":{"input_audio_transcription":{"model":null},'
        '"turn_detection":null}}'
    )
    assert parse_client_event(manual.to_json()) == manual


def test_type_is_always_sent_also_for_nested_defaults() -> None:
    params = SessionParams38(
        audio=AudioParams(
            input=AudioInputParams(
                format=AudioFormat(sample_rate=16000), turn_detection=TurnDetection38()
            ),
            output=AudioOutputParams(voice="default"),
        )
    )
    assert SessionUpdateEvent(session=params).to_dict() == {
        "type": "session.update",
        "session": {
            "audio": {
                "input": {
                    "format": {"type": "pcm", "sample_rate": 16000},
                    "turn_detection": {"type": "speaker_detection"},
                },
                "output": {"voice": "default"},
            }
        },
    }
    assert TurnDetection(threshold=0.3).to_dict() == {"type": "server_vad", "threshold": 0.3}


def test_to_json_is_compact_utf8() -> None:
    event = SessionUpdateEvent(
        event_id="e1",
        session=SessionParams(
            translation=TranslationParams(corpus=Corpus(phrases={"人工智能": "AI"}))
        ),
    )
    text = event.to_json()
    assert " " not in text
    assert "人工智能" in text
    assert text.startswith('{"event_id":"e1","type":"session.update"')


def test_session_update_picks_the_shape() -> None:
    flat = parse_client_event(_text("protocol__session.update"))
    assert isinstance(flat, SessionUpdateEvent)
    assert isinstance(flat.session, SessionParams)
    nested = parse_client_event(_text("protocol38__session.update"))
    assert isinstance(nested, SessionUpdateEvent)
    assert isinstance(nested.session, SessionParams38)
    ambiguous = parse_client_event('{"type":"session.update","session":{"voice":"Tina"}}')
    assert isinstance(ambiguous, SessionUpdateEvent)
    assert isinstance(ambiguous.session, SessionParams)
    built = SessionUpdateEvent.model_validate({"session": SessionParams38(voice="default")})
    assert isinstance(built.session, SessionParams38)


def test_from_pcm_and_from_jpeg() -> None:
    event = InputAudioBufferAppendEvent.from_pcm(b"\x00\x01\x02")
    assert event.to_dict() == {"type": "input_audio_buffer.append", "audio": "AAEC"}
    with_id = InputAudioBufferAppendEvent.from_pcm(b"", event_id="event_1")
    assert with_id.to_dict() == {
        "event_id": "event_1",
        "type": "input_audio_buffer.append",
        "audio": "",
    }
    image = InputImageBufferAppendEvent.from_jpeg(b"\xff\xd8\xff\xd9")
    assert image.to_dict() == {"type": "input_image_buffer.append", "image": "/9j/2Q=="}
    assert InputImageBufferAppendEvent.from_jpeg(b"", event_id="e").event_id == "e"


def test_base_classes() -> None:
    assert issubclass(ev.SessionUpdateEvent, ClientModel)
    assert issubclass(ev.ErrorEvent, ServerModel)
    assert issubclass(ChatCompletionChunk, ServerModel)
    assert ev.ClientEvent is not None
    adapter: TypeAdapter[Any] = TypeAdapter(ev.ServerEvent)
    assert isinstance(adapter.validate_python({"type": "x"}), UnknownServerEvent)


# ------------------------------------------------------------------ usage


def test_realtime_usage_doc_example() -> None:
    usage = RealtimeUsage.model_validate(
        {
            "total_tokens": 56,
            "input_tokens": 47,
            "output_tokens": 9,
            "input_tokens_details": {"text_tokens": 20, "audio_tokens": 27},
            "output_tokens_details": {"text_tokens": 2, "audio_tokens": 7},
        }
    )
    assert usage.to_usage() == Usage(
        input_text_tokens=20, input_audio_tokens=27, output_text_tokens=2, output_audio_tokens=7
    )


def test_realtime_usage_explicit_image_tokens() -> None:
    usage = RealtimeUsage.model_validate(
        {
            "input_tokens": 100,
            "input_tokens_details": {"text_tokens": 10, "audio_tokens": 30, "image_tokens": 40},
        }
    )
    assert usage.to_usage().input_image_tokens == 40
    assert usage.to_usage().input_text_tokens == 10


def test_realtime_usage_image_tokens_are_the_input_remainder() -> None:
    usage = RealtimeUsage.model_validate(
        {"input_tokens": 100, "input_tokens_details": {"text_tokens": 10, "audio_tokens": 30}}
    )
    assert usage.to_usage() == Usage(
        input_text_tokens=10, input_audio_tokens=30, input_image_tokens=60
    )
    over = RealtimeUsage.model_validate(
        {"input_tokens": 5, "input_tokens_details": {"text_tokens": 10, "audio_tokens": 30}}
    )
    assert over.to_usage().input_image_tokens == 0


def test_realtime_usage_missing_output_audio_is_zero() -> None:
    usage = RealtimeUsage.model_validate(
        {"output_tokens": 9, "output_tokens_details": {"text_tokens": 9}}
    )
    assert usage.to_usage() == Usage(output_text_tokens=9)


def test_realtime_usage_missing_output_text_is_remainder() -> None:
    usage = RealtimeUsage.model_validate(
        {"output_tokens": 9, "output_tokens_details": {"audio_tokens": 7, "text_tokens": None}}
    )
    assert usage.to_usage() == Usage(output_text_tokens=2, output_audio_tokens=7)


def test_realtime_usage_only_totals_go_to_text() -> None:
    usage = RealtimeUsage.model_validate(
        {"total_tokens": 56, "input_tokens": 47, "output_tokens": 9}
    )
    assert usage.to_usage() == Usage(input_text_tokens=47, output_text_tokens=9)


def test_realtime_usage_all_null_and_negative() -> None:
    assert RealtimeUsage().to_usage() == Usage()
    nulls = RealtimeUsage.model_validate(
        {
            "total_tokens": None,
            "input_tokens": None,
            "output_tokens": None,
            "input_tokens_details": None,
            "output_tokens_details": None,
        }
    )
    assert nulls.to_usage() == Usage()
    negative = RealtimeUsage.model_validate(
        {"input_tokens": -3, "input_tokens_details": {"text_tokens": -1, "audio_tokens": None}}
    )
    assert negative.to_usage() == Usage()


def test_chat_usage_doc_example() -> None:
    usage = ChatUsage.model_validate(_load("protocol__chat.completion.chunk__usage")["usage"])
    assert usage.to_usage() == Usage(
        input_audio_tokens=415, input_text_tokens=0, output_text_tokens=51, output_audio_tokens=191
    )


def test_chat_usage_video_and_text_rest() -> None:
    usage = ChatUsage.model_validate(
        {
            "prompt_tokens": 1000,
            "completion_tokens": 300,
            "prompt_tokens_details": {"audio_tokens": 400, "video_tokens": 500},
            "completion_tokens_details": {"audio_tokens": 250},
        }
    )
    assert usage.to_usage() == Usage(
        input_text_tokens=100,
        input_audio_tokens=400,
        input_video_tokens=500,
        output_text_tokens=50,
        output_audio_tokens=250,
    )


def test_chat_usage_image_tokens() -> None:
    usage = ChatUsage.model_validate(
        {"prompt_tokens": 10, "prompt_tokens_details": {"image_tokens": 4, "audio_tokens": 5}}
    )
    assert usage.to_usage() == Usage(
        input_text_tokens=1, input_audio_tokens=5, input_image_tokens=4
    )


def test_chat_usage_only_totals_and_missing_totals() -> None:
    assert ChatUsage.model_validate(
        {"prompt_tokens": 7, "completion_tokens": 3}
    ).to_usage() == Usage(input_text_tokens=7, output_text_tokens=3)
    details_only = ChatUsage.model_validate(
        {
            "prompt_tokens_details": {"text_tokens": 2, "audio_tokens": 4},
            "completion_tokens_details": {"text_tokens": 5, "audio_tokens": 6},
        }
    )
    assert details_only.to_usage() == Usage(
        input_text_tokens=2, input_audio_tokens=4, output_text_tokens=5, output_audio_tokens=6
    )
    assert ChatUsage().to_usage() == Usage()
