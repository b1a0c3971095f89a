"""The official DashScope SDK (``dashscope>=2.0.2``, websocket-client) against the emulator.

The emulator must accept everything the official SDK sends to every generation: its
``update_session`` always sends the 3.5-style fields (also to 3.8), ``voice: null`` and
``input_audio_transcription: {"model": null}``. Skipped when ``dashscope`` is not installed.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest

from livetranslate.testing import Emulator, Script

dashscope = pytest.importorskip("dashscope")
omni = pytest.importorskip("dashscope.audio.qwen_omni")
omni_realtime = pytest.importorskip("dashscope.audio.qwen_omni.omni_realtime")

MODELS = [
    "qwen3-livetranslate-flash-realtime",
    "qwen3.5-livetranslate-flash-realtime",
    "qwen3.8-livetranslate-flash-realtime",
]
WAIT = 20.0


@pytest.fixture(scope="module")
def emulator() -> Iterator[Emulator]:
    emu = Emulator(script=Script.sample(), latency=0).start_in_thread()
    try:
        yield emu
    finally:
        emu.stop()


_Callback: Any = omni.OmniRealtimeCallback


class Recorder(_Callback):  # type: ignore[misc]
    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []

    def on_event(self, message: dict[str, Any]) -> None:
        self.events.append(message)

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [e for e in self.events if e.get("type") == kind]


@pytest.mark.parametrize("model", MODELS)
def test_official_sdk_session(
    emulator: Emulator, model: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dashscope, "api_key", "sk-emulated")
    script = Script.sample()
    callback = Recorder()
    conversation = omni.OmniRealtimeConversation(
        model=model, callback=callback, url=emulator.realtime_url
    )
    conversation.connect()
    try:
        conversation.update_session(
            output_modalities=[omni.MultiModality.TEXT, omni.MultiModality.AUDIO],
            translation_params=omni_realtime.TranslationParams(language="en"),
        )
        pcm = script.read_audio()
        for i in range(0, len(pcm), 3200):
            conversation.append_audio(base64.b64encode(pcm[i : i + 3200]).decode())
        conversation.end_session(timeout=int(WAIT))  # returns on session.finished
    finally:
        conversation.close()
    assert callback.of("error") == []
    assert len(callback.of("session.updated")) == 1
    done = callback.of("response.done")
    assert len(done) == 3
    transcripts = [d["response"]["output"][0]["content"][0]["transcript"] for d in done]
    assert transcripts == [u.translations["en"] for u in script.utterances]
    assert callback.of("response.audio.delta")
    # The SDK's close() sends the close frame itself (its on_close callback may lag behind).
    record = next(s for s in reversed(emulator.sessions) if s.model == model)
    assert record.wait_closed(WAIT)
    assert record.closed_code == 1000
    assert record.client_events[0] == "session.update"
    assert record.client_events[-1] == "session.finish"
