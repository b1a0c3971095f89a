"""Contract tests against the real DashScope service (opt-in).

Skipped unless ``DASHSCOPE_API_KEY`` is set. Select them alone with ``pytest -m live``. Optional:
``LIVETRANSLATE_REGION`` (``intl``, the default, or ``cn``: keys work only in their region) and
``LIVETRANSLATE_WORKSPACE`` (for workspace hosts, required by qwen3.8).
These are the only tests allowed to leave the machine (``enable_socket``); everything else runs
against the emulator on loopback.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from livetranslate import (
    AuthenticationError,
    FileTranslator,
    RealtimeSession,
    create_temporary_key,
)

KEY = os.environ.get("DASHSCOPE_API_KEY", "")
REGION = os.environ.get("LIVETRANSLATE_REGION", "intl")
WORKSPACE = os.environ.get("LIVETRANSLATE_WORKSPACE") or None
SAMPLE = (
    Path(__file__).resolve().parents[2] / "livetranslate" / "testing" / "data" / "sample_zh.wav"
)

pytestmark = [
    pytest.mark.live,
    pytest.mark.enable_socket,
    pytest.mark.skipif(not KEY, reason="set DASHSCOPE_API_KEY to run the live contract tests"),
]


@pytest.mark.parametrize(
    "model",
    [
        "qwen3-livetranslate-flash-realtime",
        "qwen3.5-livetranslate-flash-realtime",
        pytest.param(
            "qwen3.8-livetranslate-flash-realtime",
            marks=pytest.mark.skipif(not WORKSPACE, reason="3.8 is documented on workspace hosts"),
        ),
    ],
)
async def test_realtime_interprets_the_sample(model: str) -> None:
    async with RealtimeSession(
        model=model,
        source_language=None if model.startswith("qwen3.8") else "zh",
        target_language="en",
        region=REGION,
        workspace=WORKSPACE,
        reconnect=False,
    ) as session:
        await session.stream(SAMPLE, realtime=True)
        summary = await session.finish()
    assert summary.segments >= 1
    assert summary.usage.input_audio_tokens > 0
    assert summary.usage.output_tokens > 0


async def test_file_translation_of_the_sample() -> None:
    async with FileTranslator(region=REGION, workspace=WORKSPACE) as ft:
        result = await ft.translate(SAMPLE, target_language="en", modalities=("text", "audio"))
    assert result.text.strip()
    assert result.audio is not None
    assert result.usage.total_tokens > 0


async def test_temporary_key_opens_a_session() -> None:
    temporary = await create_temporary_key(region=REGION, workspace=WORKSPACE, expire_in_seconds=60)
    async with RealtimeSession(
        api_key=temporary.token.reveal(), region=REGION, workspace=WORKSPACE, reconnect=False
    ) as session:
        await session.finish()


async def test_a_wrong_key_is_refused_at_the_handshake() -> None:
    with pytest.raises(AuthenticationError, match="region"):
        async with RealtimeSession(api_key="sk-livetranslate-invalid", region=REGION):
            pass
