"""The events of one translation response, for each wire dialect (private; used by the engine).

A [`Responder`][] turns "a segment started / progressed / ended" into the service's events and
hands them to a scheduler with the time each is due. Text is revealed unit by unit (a word, or one
CJK character): on 3/3.5 as ``text`` + ``stash`` snapshots (the last two revealed units stay in
the stash until the end), on 3.8 as append-only ``delta`` events. Translated speech is synthesised
for newly confirmed text and sent in 100 ms chunks.
"""

from __future__ import annotations

import base64
import math
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from livetranslate.registry import ModelInfo
from livetranslate.testing._dialects import EffectiveConfig
from livetranslate.testing._script import Script, Utterance
from livetranslate.testing._synth import OUTPUT_SAMPLE_RATE, duration_ms, synthesize

__all__ = ["Responder", "Response", "TextMode", "split_units"]

TextMode = Literal["cumulative", "fragment"]
Schedule = Callable[[float, dict[str, Any]], None]

_AUDIO_CHUNK = OUTPUT_SAMPLE_RATE // 10 * 2  # 100 ms of 24 kHz PCM16
_TENTATIVE = 2  # units of a text/stash stream that stay in the stash until the end
_SOURCE, _TARGET = 0, 1  # scheduling lanes: times never go back within a lane


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def split_units(text: str) -> list[str]:
    """Split text into reveal units: one per wide (CJK) character, else one per word.

    Whitespace stays attached to the unit before it, so ``"".join(split_units(t)) == t``.
    """
    units: list[str] = []
    current = ""
    for char in text:
        if char.isspace():
            current += char
            continue
        if current and (_is_wide(char) or current[-1].isspace() or _is_wide(current[-1])):
            units.append(current)
            current = ""
        current += char
    if current:
        if units and current.isspace():
            units[-1] += current
        else:
            units.append(current)
    return units


def _tokens(text: str) -> int:
    return math.ceil(len(text) / 4) if text else 0


@dataclass(eq=False)
class _Stream:
    units: list[str]
    revealed: int = 0
    confirmed: int = 0

    @property
    def text(self) -> str:
        return "".join(self.units)


@dataclass(eq=False)
class Response:
    """One segment's response in flight."""

    number: int
    cfg: EffectiveConfig
    utterance: Utterance | None
    input_item: str
    output_item: str
    response_id: str
    source: _Stream
    target: _Stream
    language: str
    start_ms: int
    expected_ms: int
    lanes: list[float] = field(default_factory=lambda: [0.0, 0.0])
    audio_buf: bytearray = field(default_factory=bytearray)
    audio_out_bytes: int = 0

    @property
    def ids(self) -> dict[str, Any]:
        """The id fields of every ``response.*`` part event."""
        return {
            "response_id": self.response_id,
            "item_id": self.output_item,
            "output_index": 0,
            "content_index": 0,
        }


class Responder:
    """Builds response events for one connection.

    Args:
        info: The model.
        script: Where sentences come from.
        text_mode: ``"cumulative"`` or ``"fragment"`` ``text`` in 3/3.5 ``*.text`` events.
        conversation_id: The ``conversation_id`` of every response.
        schedule: Called with ``(due_ms, payload)`` for every event.
    """

    def __init__(
        self,
        info: ModelInfo,
        script: Script,
        text_mode: TextMode,
        conversation_id: str,
        schedule: Schedule,
    ) -> None:
        self.info = info
        self.generation = info.generation
        self.script = script
        self.text_mode = text_mode
        self.conversation_id = conversation_id
        self._schedule = schedule
        self._segments = 0
        self._items = 0
        self._last_output_item: str | None = None

    def _emit(self, resp: Response, lane: int, due: float, payload: dict[str, Any]) -> None:
        due = max(due, resp.lanes[lane])
        resp.lanes[lane] = due
        self._schedule(due, payload)

    def _next_item(self) -> str:
        self._items += 1
        return f"item_{self._items}"

    # ------------------------------------------------------------------------------ start

    def start(
        self,
        cfg: EffectiveConfig,
        start_ms: int,
        at: float,
        *,
        manual: bool,
        announce: bool = True,
    ) -> Response:
        """Open the response of the next segment (speech detected, or audio committed)."""
        self._segments += 1
        number = self._segments
        utt = self.script.utterance(number - 1)
        source = utt.source if utt else f"[emulated speech {number}]"
        target = (utt.translation(cfg.target_language) if utt else None) or (
            f"[emulated {cfg.target_language} translation {number}]"
        )
        language = (
            cfg.source_language
            or (utt.language if utt else None)
            or self.script.source_language
            or "en"
        )
        resp = Response(
            number=number,
            cfg=cfg,
            utterance=utt,
            input_item=self._next_item(),
            output_item=self._next_item(),
            response_id=f"resp_{number}",
            source=_Stream(split_units(source)),
            target=_Stream(split_units(target)),
            language=language,
            start_ms=start_ms,
            expected_ms=max(500, (utt.duration_ms if utt else None) or duration_ms(source)),
            lanes=[at, at],
        )
        user_item = {
            "id": resp.input_item,
            "object": "realtime.item",
            "type": "message",
            "status": "in_progress",
            "role": "user" if manual else "assistant",
            "content": [{"type": "input_audio"}],
        }
        if manual:
            if announce:
                committed = {"type": "input_audio_buffer.committed", "item_id": resp.input_item}
                self._emit(resp, _SOURCE, at, committed)
            self._emit(resp, _SOURCE, at, {"type": "conversation.item.created", "item": user_item})
        else:
            started: dict[str, Any] = {
                "type": "input_audio_buffer.speech_started",
                "audio_start_ms": start_ms,
            }
            if self.generation == "3.8":
                started["item_id"] = resp.input_item
                started["speaker_id"] = utt.speaker if utt else 1
            self._emit(resp, _SOURCE, at, started)
            if self.generation == "3.8":
                created: dict[str, Any] = {"type": "conversation.item.created"}
                if self._last_output_item is not None:
                    created["previous_item_id"] = self._last_output_item
                created["item"] = user_item
                self._emit(resp, _SOURCE, at, created)
        self._last_output_item = resp.output_item
        item = {
            "id": resp.output_item,
            "object": "realtime.item",
            "type": "message",
            "status": "in_progress",
            "role": "assistant",
            "content": [],
        }
        part = {"type": "audio" if cfg.audio_out else "text", "text": ""}
        for payload in (
            {"type": "response.created", "response": self._response_obj(resp, "in_progress")},
            {
                "type": "response.output_item.added",
                "response_id": resp.response_id,
                "output_index": 0,
                "item": item,
            },
            {
                "type": "conversation.item.created",
                "previous_item_id": resp.input_item,
                "item": dict(item),
            },
            {"type": "response.content_part.added", **resp.ids, "part": part},
        ):
            self._emit(resp, _SOURCE, at, payload)
        return resp

    def _response_obj(self, resp: Response, status: str) -> dict[str, Any]:
        cfg = resp.cfg
        return {
            "id": resp.response_id,
            "object": "realtime.response",
            "conversation_id": self.conversation_id,
            "status": status,
            "modalities": list(cfg.modalities),
            "voice": cfg.voice,
            "output_audio_format": cfg.output_format,
            "output": [],
        }

    # ------------------------------------------------------------------------ text streams

    def advance(self, resp: Response, frac: float, src_due: float, tgt_due: float) -> None:
        """Reveal ``frac`` of the sentence: the source at ``src_due``, the rest at ``tgt_due``."""
        frac = max(0.0, min(1.0, frac))
        if self._transcribes(resp):
            self._reveal_source(resp, frac, src_due, final=False)
        self._reveal_target(resp, frac, tgt_due, final=False)

    def _transcribes(self, resp: Response) -> bool:
        return self.generation == "3.8" or resp.cfg.transcribe

    def _step(self, stream: _Stream, frac: float, final: bool) -> dict[str, str] | None:
        """Advance a stream; return the text fields of the event to send, or None."""
        n = len(stream.units)
        k = n if final else min(math.floor(frac * n), max(n - 1, 0))
        if k <= stream.revealed and not final:
            return None
        if self.generation == "3.8":
            delta = "".join(stream.units[stream.revealed : k])
            stream.revealed = stream.confirmed = k
            return {"delta": delta} if delta else None
        before = stream.confirmed
        stream.revealed = max(k, stream.revealed)
        stream.confirmed = k if final else max(before, k - _TENTATIVE)
        if self.text_mode == "fragment":
            text = "".join(stream.units[before : stream.confirmed])
        else:
            text = "".join(stream.units[: stream.confirmed])
        return {"text": text, "stash": "".join(stream.units[stream.confirmed : stream.revealed])}

    def _language_fields(self, resp: Response) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.generation != "3.8":
            out["language"] = resp.language
        if self.generation == "3.5":
            out["emotion"] = resp.utterance.emotion if resp.utterance else "neutral"
        return out

    def _reveal_source(self, resp: Response, frac: float, due: float, *, final: bool) -> None:
        fields = self._step(resp.source, frac, final)
        if fields is None:
            return
        suffix = "delta" if self.generation == "3.8" else "text"
        payload: dict[str, Any] = {
            "type": f"conversation.item.input_audio_transcription.{suffix}",
            "item_id": resp.input_item,
            "content_index": 0,
            **fields,
        }
        if self.generation == "3.5":
            payload.update(self._language_fields(resp))
        self._emit(resp, _SOURCE, due, payload)

    def _reveal_target(self, resp: Response, frac: float, due: float, *, final: bool) -> None:
        before = resp.target.confirmed
        fields = self._step(resp.target, frac, final)
        if fields is not None:
            family = "audio_transcript" if resp.cfg.audio_out else "text"
            suffix = "delta" if self.generation == "3.8" else "text"
            payload = {"type": f"response.{family}.{suffix}", **resp.ids, **fields}
            self._emit(resp, _TARGET, due, payload)
        if resp.cfg.audio_out:
            spoken = "".join(resp.target.units[before : resp.target.confirmed])
            if spoken:
                resp.audio_buf.extend(synthesize(spoken, voice=resp.cfg.voice))
            buf = resp.audio_buf
            while len(buf) >= _AUDIO_CHUNK or (final and buf):
                chunk = bytes(buf[:_AUDIO_CHUNK])
                del buf[:_AUDIO_CHUNK]
                resp.audio_out_bytes += len(chunk)
                delta = base64.b64encode(chunk).decode("ascii")
                payload = {"type": "response.audio.delta", **resp.ids, "delta": delta}
                self._emit(resp, _TARGET, due, payload)

    # ------------------------------------------------------------------------------ close

    def stopped(self, resp: Response, at: float, end_ms: int) -> None:
        """Send ``speech_stopped`` (VAD mode)."""
        payload: dict[str, Any] = {
            "type": "input_audio_buffer.speech_stopped",
            "audio_end_ms": end_ms,
        }
        if self.generation == "3.8":
            payload["item_id"] = resp.input_item
        self._emit(resp, _SOURCE, at, payload)

    def close(self, resp: Response, src_due: float, final_due: float, seconds: float) -> None:
        """Finish the source at ``src_due`` and the translation at ``final_due``.

        Args:
            resp: The response.
            src_due: When the source transcript completes.
            final_due: When the translation completes (``response.done``).
            seconds: Input audio of the segment, for usage.
        """
        cfg = resp.cfg
        if self._transcribes(resp):
            self._reveal_source(resp, 1.0, src_due, final=True)
            completed = {
                "type": "conversation.item.input_audio_transcription.completed",
                "item_id": resp.input_item,
                "content_index": 0,
                "transcript": resp.source.text,
                **self._language_fields(resp),
            }
            self._emit(resp, _SOURCE, src_due, completed)
        self._reveal_target(resp, 1.0, final_due, final=True)
        ids = resp.ids
        text = resp.target.text
        part_type = "audio" if cfg.audio_out else "text"
        final: list[dict[str, Any]] = []
        if cfg.audio_out:
            final.append({"type": "response.audio_transcript.done", **ids, "transcript": text})
            final.append({"type": "response.audio.done", **ids})
        else:
            final.append({"type": "response.text.done", **ids, "text": text})
        final.append(
            {"type": "response.content_part.done", **ids, "part": {"type": part_type, "text": text}}
        )
        item = {
            "id": resp.output_item,
            "object": "realtime.item",
            "type": "message",
            "status": "completed",
            "role": "assistant",
            "content": [{"type": part_type, "text": text}],
        }
        final.append(
            {
                "type": "response.output_item.done",
                "response_id": resp.response_id,
                "output_index": 0,
                "item": item,
            }
        )
        content = (
            {"type": "audio", "transcript": text}
            if cfg.audio_out
            else {"type": "text", "text": text}
        )
        done = self._response_obj(resp, "completed")
        done["output"] = [{**item, "content": [content]}]
        done["usage"] = self._usage(resp, seconds)
        final.append({"type": "response.done", "response": done})
        for payload in final:
            self._emit(resp, _TARGET, final_due, payload)

    def _usage(self, resp: Response, input_seconds: float) -> dict[str, Any]:
        info = self.info
        audio_in = round(input_seconds * float(info.input_audio_tokens_per_second))
        text_out = _tokens(resp.target.text)
        if resp.cfg.transcribe and info.transcription_billed:
            text_out += _tokens(resp.source.text)
        out_seconds = resp.audio_out_bytes / 2 / OUTPUT_SAMPLE_RATE
        audio_out = round(out_seconds * float(info.output_audio_tokens_per_second))
        return {
            "total_tokens": audio_in + text_out + audio_out,
            "input_tokens": audio_in,
            "output_tokens": text_out + audio_out,
            "input_tokens_details": {"text_tokens": 0, "audio_tokens": audio_in},
            "output_tokens_details": {"text_tokens": text_out, "audio_tokens": audio_out},
        }
