"""Checked by mypy (``mypy --strict`` runs over tests/): the public API's types are what users see.

The functions are also collected by pytest; they only build objects and never touch the network.
"""

from __future__ import annotations

from decimal import Decimal
from typing import assert_type

import numpy as np
import numpy.typing as npt

from livetranslate import (
    CostEstimate,
    FileTranslator,
    Language,
    RealtimeSession,
    Segment,
    SessionSummary,
    TranslationResult,
    Usage,
    Voice,
    estimate_cost,
    get_language,
    get_voice,
    list_languages,
)
from livetranslate.events import (
    ResponseAudioDeltaEvent,
    ServerEvent,
    SessionEvent,
    UnknownServerEvent,
    parse_server_event,
)


def test_registry_and_pricing_types() -> None:
    assert_type(get_language("en"), Language)
    assert_type(list_languages(), tuple[Language, ...])
    assert_type(get_voice("Tina"), Voice)
    est = estimate_cost(model="qwen3.5-livetranslate-flash-realtime", input_audio_seconds=60)
    assert_type(est, CostEstimate)
    assert_type(est.total, Decimal)
    assert_type(est.tokens, Usage)
    assert_type(est.currency, str)


def test_parsing_narrows_on_type() -> None:
    event = parse_server_event(
        '{"type":"response.audio.delta","response_id":"r","item_id":"i","delta":""}'
    )
    assert_type(event, ServerEvent)
    if isinstance(event, ResponseAudioDeltaEvent):
        assert_type(event.audio_bytes(), bytes)
    unknown = parse_server_event('{"type":"livetranslate.future","x":1}')
    assert isinstance(unknown, UnknownServerEvent)
    assert unknown.raw == {"type": "livetranslate.future", "x": 1}


async def _session_shapes(session: RealtimeSession) -> None:  # type-checked, never run
    assert_type(await session.recv(), SessionEvent)
    async for event in session:
        assert_type(event, SessionEvent)
    async for seg in session.segments():
        assert_type(seg, Segment)
        assert_type(seg.audio, bytes)
        assert_type(seg.translated_text, str)
    assert_type(await session.finish(), SessionSummary)


async def _file_shapes(ft: FileTranslator) -> None:  # type-checked, never run
    result = await ft.translate("talk.wav", target_language="en")
    assert_type(result, TranslationResult)
    assert_type(result.text, str)
    assert_type(result.audio, npt.NDArray[np.int16] | None)
    assert_type(result.usage, Usage)
    assert_type(result.cost, CostEstimate)


def test_every_lazy_name_is_typed_for_checkers() -> None:
    """Each name loaded lazily at run time must also be imported under TYPE_CHECKING."""
    import ast
    import inspect

    import livetranslate

    tree = ast.parse(inspect.getsource(livetranslate))
    typed: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            for stmt in node.body:
                if isinstance(stmt, ast.ImportFrom):
                    typed.update(alias.asname or alias.name for alias in stmt.names)
    lazy = set(livetranslate._LAZY)
    assert lazy <= typed, f"lazy but untyped: {sorted(lazy - typed)}"


def test_shape_checkers_exist() -> None:
    assert callable(_session_shapes)
    assert callable(_file_shapes)
