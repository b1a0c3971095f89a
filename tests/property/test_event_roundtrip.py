"""Round trips: client events survive to_json → parse; server events parse → dump → parse."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings, strategies as st
from hypothesis.strategies import SearchStrategy

from livetranslate.events import (
    SERVER_EVENT_TYPES,
    AudioFormat,
    AudioInputParams,
    AudioOutputParams,
    AudioParams,
    ClientEvent,
    Corpus,
    InputAudioBufferAppendEvent,
    InputAudioBufferClearEvent,
    InputAudioBufferCommitEvent,
    InputAudioTranscription,
    InputImageBufferAppendEvent,
    SameLanguageSkipOptions,
    SessionFinishEvent,
    SessionParams,
    SessionParams38,
    SessionUpdateEvent,
    TranslationParams,
    TranslationParams38,
    TurnDetection,
    TurnDetection38,
    UnknownServerEvent,
    VoiceCloneOptions,
    parse_chat_chunk,
    parse_client_event,
    parse_server_event,
)
from tests.factories import (
    SERVER_EVENT_STRATEGIES,
    chat_chunk_dicts,
    server_event_dicts,
    unknown_event_dicts,
)

texts = st.text(max_size=30)
floats = st.floats(allow_nan=False, allow_infinity=False)
ints = st.integers(min_value=0, max_value=48000)
event_ids = st.none() | st.text(min_size=1, max_size=20)


def _maybe(**fields: SearchStrategy[Any]) -> SearchStrategy[dict[str, Any]]:
    """Keyword arguments where each field is independently present or absent (unset)."""
    return st.fixed_dictionaries({}, optional=fields)


def _model(cls: type[Any], **fields: SearchStrategy[Any]) -> SearchStrategy[Any]:
    return _maybe(**fields).map(lambda kwargs: cls(**kwargs))


corpora = _model(Corpus, phrases=st.none() | st.dictionaries(texts, texts, max_size=3))
clone_options = _model(VoiceCloneOptions, frequency=st.sampled_from(["never", "once", "always"]))
modality_lists = st.sampled_from([["text"], ["text", "audio"]])

flat_sessions = _model(
    SessionParams,
    modalities=st.none() | modality_lists,
    voice=st.none() | texts,
    enable_voice_clone=st.booleans(),
    voice_clone_options=clone_options,
    sample_rate=st.sampled_from([8000, 16000]),
    input_audio_format=st.sampled_from(["pcm", "pcm16", "opus"]),
    output_audio_format=st.sampled_from(["pcm", "pcm24"]),
    input_audio_transcription=_model(
        InputAudioTranscription,
        model=st.none() | st.just("qwen3-asr-flash-realtime"),
        language=st.none() | texts,
    ),
    turn_detection=st.none()
    | _model(
        TurnDetection,
        threshold=floats,
        silence_duration_ms=ints,
        prefix_padding_ms=ints,
        create_response=st.booleans(),
        interrupt_response=st.booleans(),
    ),
    translation=_model(
        TranslationParams,
        language=texts,
        corpus=corpora,
        same_language_skip_options=_model(
            SameLanguageSkipOptions, skip_text=st.booleans(), skip_audio=st.booleans()
        ),
    ),
)
formats = _model(AudioFormat, type=st.sampled_from(["pcm", "opus"]), sample_rate=ints)
nested_sessions = _model(
    SessionParams38,
    output_modalities=modality_lists,
    audio=_model(
        AudioParams,
        input=_model(
            AudioInputParams,
            format=formats,
            turn_detection=_model(
                TurnDetection38,
                type=st.sampled_from(["speaker_detection", "server_vad"]),
                threshold=floats,
                silence_duration_ms=ints,
            ),
        ),
        output=_model(AudioOutputParams, voice=texts, format=formats),
    ),
    voice=texts,
    enable_voice_clone=st.booleans(),
    voice_clone_options=clone_options,
    translation=_model(TranslationParams38, language=texts, corpus=corpora),
)


def _event(cls: type[Any], **fields: SearchStrategy[Any]) -> SearchStrategy[Any]:
    return _model(cls, event_id=event_ids, **fields)


client_events: SearchStrategy[ClientEvent] = st.one_of(
    st.builds(SessionUpdateEvent, session=flat_sessions | nested_sessions),
    st.builds(SessionUpdateEvent, session=flat_sessions | nested_sessions, event_id=event_ids),
    st.builds(InputAudioBufferAppendEvent.from_pcm, st.binary(max_size=64), event_id=event_ids),
    st.builds(InputImageBufferAppendEvent.from_jpeg, st.binary(max_size=64), event_id=event_ids),
    _event(InputAudioBufferCommitEvent),
    _event(InputAudioBufferClearEvent),
    _event(SessionFinishEvent),
)


@settings(max_examples=200)
@given(client_events)
def test_client_event_round_trip(event: ClientEvent) -> None:
    wire = event.to_json()
    parsed = parse_client_event(wire)
    assert type(parsed) is type(event)
    assert parsed.to_json() == wire
    assert parse_client_event(wire.encode()).to_json() == wire
    assert json.loads(wire)["type"] == event.type
    assert parsed.model_fields_set == event.model_fields_set
    if _unambiguous(event):
        assert parsed == event


def _unambiguous(event: ClientEvent) -> bool:
    """A 3.8 session with neither ``output_modalities`` nor ``audio`` is also a valid 3.5 one.

    Its wire JSON is identical, so it parses back as `SessionParams`; only the JSON is compared.
    """
    if not isinstance(event, SessionUpdateEvent) or not isinstance(event.session, SessionParams38):
        return True
    return bool({"output_modalities", "audio"} & event.session.model_fields_set)


@settings(max_examples=200)
@given(server_event_dicts())
def test_server_event_round_trip(wire: dict[str, Any]) -> None:
    event = parse_server_event(json.dumps(wire))
    assert event.type == wire["type"]
    assert not isinstance(event, UnknownServerEvent)
    dumped = event.model_dump_json(by_alias=True, exclude_unset=True)
    again = parse_server_event(dumped)
    assert again == event
    assert event.to_dict() == wire


@settings(max_examples=100)
@given(st.sampled_from(sorted(SERVER_EVENT_TYPES)).flatmap(lambda t: SERVER_EVENT_STRATEGIES[t]))
def test_each_server_type_is_reachable(wire: dict[str, Any]) -> None:
    assert type(parse_server_event(json.dumps(wire))).model_fields["type"].default == wire["type"]


@settings(max_examples=100)
@given(unknown_event_dicts())
def test_unknown_server_event_round_trip(wire: dict[str, Any]) -> None:
    event = parse_server_event(json.dumps(wire))
    assert isinstance(event, UnknownServerEvent)
    assert event.raw == wire
    assert parse_server_event(event.model_dump_json()) == event


@settings(max_examples=100)
@given(chat_chunk_dicts())
def test_chat_chunk_round_trip(wire: dict[str, Any]) -> None:
    chunk = parse_chat_chunk(json.dumps(wire))
    assert parse_chat_chunk(chunk.model_dump_json(exclude_unset=True)) == chunk
    assert parse_chat_chunk(wire) == chunk
    assert chunk.to_dict() == wire
