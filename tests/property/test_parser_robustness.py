"""Parsers never raise anything but RemoteProtocolError, whatever they are fed."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings, strategies as st

from livetranslate.events import (
    SERVER_EVENT_TYPES,
    parse_chat_chunk,
    parse_client_event,
    parse_server_event,
    parse_server_event_dict,
)
from livetranslate.exceptions import RemoteProtocolError

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
json_values = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=12,
)
field_names = st.sampled_from(
    [
        "event_id",
        "delta",
        "text",
        "stash",
        "transcript",
        "item_id",
        "response_id",
        "content_index",
        "output_index",
        "session",
        "response",
        "item",
        "part",
        "error",
        "audio_start_ms",
        "speaker_id",
        "choices",
        "usage",
        "object",
        "raw",
    ]
) | st.text(max_size=10)
type_values = st.sampled_from(sorted(SERVER_EVENT_TYPES)) | st.text(max_size=30) | json_values
typed_objects = st.builds(
    lambda t, fields: {**fields, "type": t},
    type_values,
    st.dictionaries(field_names, json_values, max_size=6),
)
any_json = json_values | typed_objects


def _must_parse_or_protocol_error(func: Any, data: Any) -> None:
    message = "parsed"
    try:
        func(data)
    except RemoteProtocolError as exc:
        message = str(exc)
    assert message


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(any_json)
def test_server_parser_on_arbitrary_json(value: Any) -> None:
    text = json.dumps(value)
    _must_parse_or_protocol_error(parse_server_event, text)
    _must_parse_or_protocol_error(parse_server_event, text.encode())
    _must_parse_or_protocol_error(parse_server_event_dict, value)


@settings(max_examples=200)
@given(any_json)
def test_chunk_and_client_parsers_on_arbitrary_json(value: Any) -> None:
    text = json.dumps(value)
    _must_parse_or_protocol_error(parse_chat_chunk, text)
    _must_parse_or_protocol_error(parse_chat_chunk, text.encode())
    if isinstance(value, dict):
        _must_parse_or_protocol_error(parse_chat_chunk, value)
    _must_parse_or_protocol_error(parse_client_event, text)


@settings(max_examples=200)
@given(st.binary(max_size=200) | st.text(max_size=200))
def test_parsers_on_arbitrary_bytes_and_text(data: bytes | str) -> None:
    _must_parse_or_protocol_error(parse_server_event, data)
    _must_parse_or_protocol_error(parse_chat_chunk, data)
    _must_parse_or_protocol_error(parse_client_event, data)


def test_parsers_on_pathological_inputs() -> None:
    deep = "[" * 5000 + "]" * 5000
    huge_int = '{"type":"input_audio_buffer.speech_started","audio_start_ms":' + "9" * 5000 + "}"
    lone_surrogate = '{"type":"response.text.delta","delta":"\\ud800"}'
    for data in [deep, deep.encode(), huge_int, lone_surrogate, "\x00", "NaN", '{"type":"a"}' * 2]:
        _must_parse_or_protocol_error(parse_server_event, data)
        _must_parse_or_protocol_error(parse_chat_chunk, data)
        _must_parse_or_protocol_error(parse_client_event, data)
