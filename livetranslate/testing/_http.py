"""The emulator's file-translation endpoint (private; reached through ``Emulator.http``).

``POST /compatible-mode/v1/chat/completions`` behaves like the service (protocol.md §5, §8):

- The same ``Authorization: Bearer`` rules as the realtime side: 401 ``invalid_api_key`` for a
  missing or wrong key, 403 ``access_denied`` for a denied key.
- Validation like the service, with its OpenAI-style error bodies
  ``{"error": {"message", "type", "param", "code"}, "id", "request_id"}``: 404 for an unknown or
  realtime model; 400 for anything but exactly one ``user`` message with one ``input_audio`` or
  ``video_url`` part, a ``system`` role, ``stream`` not true, bad ``modalities``, speech output
  without ``audio.voice`` (or with a voice that cannot speak the target), ``audio.format`` other
  than ``wav``, a missing or unknown language, a malformed data URL, or empty audio.
- A valid request is answered with SSE exactly like the service: ``chat.completion.chunk``
  objects sharing ``id`` and ``created``, ``delta.role`` only in the first, text pieces in
  ``delta.content``, speech in ``delta.audio{data, id, expires_at}`` (base64 PCM16 24 kHz, no
  header), a ``finish_reason: "stop"`` chunk, a usage chunk with ``choices: []``, then
  ``data: [DONE]``.
- Nothing is fetched: an http(s) URL input gets the scripted answer without a download.

The translation is the script's translations for the target (all utterances, in order), or
``"[emulated <target> translation <digest>]"`` where ``<digest>`` is the first 8 hex digits of
the SHA-256 of the input (the decoded file, or the URL), so every file gets its own text.

Faults for tests ([`inject`][livetranslate.testing._http.ChatCompletions.inject]): an error status
(429 with ``retry-after``, 500, ...), a stream cut after some chunks (the connection closes
without the end of the chunked body), and a slow first byte.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextvars
import hashlib
import io
import json
import logging
import math
import re
import threading
import time
import uuid
import wave
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from livetranslate import pricing, registry
from livetranslate.exceptions import ConfigurationError, LiveTranslateError
from livetranslate.testing._server import EmulatorApp, Receive, Scope, Send
from livetranslate.testing._synth import OUTPUT_SAMPLE_RATE, synthesize

__all__ = ["CHAT_PATH", "ChatCompletions", "FaultKind", "HttpExchange", "HttpFault"]

CHAT_PATH = "/compatible-mode/v1/chat/completions"

FaultKind = Literal["status", "cut", "slow"]
Outcome = Literal["ok", "rejected", "fault", "cut", "disconnected"]

_AUDIO_CHUNK_BYTES = OUTPUT_SAMPLE_RATE // 5 * 2  # 0.2 s of PCM16 per audio chunk
_MAX_BODY = 64 * 1024 * 1024
_DATA_URL = re.compile(r"data:([\w.+-]*/[\w.+-]*)?((?:;[\w.+-]+=[\w.+-]+)*);base64,(.*)", re.S)
_WORD = re.compile(r"\S+\s*|\s+")
_VIDEO_SECONDS = 10.0  # what a video input is taken to be (the emulator decodes no video)
_CUT: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "livetranslate_emulator_cut", default=False
)
_filter_lock = threading.Lock()
_filter_installed = False


def _drop_deliberate_cut(record: logging.LogRecord) -> bool:
    """Keep uvicorn from logging the incomplete responses the emulator sends on purpose."""
    return not _CUT.get()


def _install_log_filter() -> None:
    global _filter_installed
    with _filter_lock:
        if not _filter_installed:
            logging.getLogger("uvicorn.error").addFilter(_drop_deliberate_cut)
            _filter_installed = True


@dataclass(frozen=True, slots=True)
class HttpFault:
    """A failure the emulator plays instead of (or in the middle of) a normal answer.

    Attributes:
        kind: ``"status"`` (answer with ``status``), ``"cut"`` (close the connection after
            ``after_chunks`` chunks) or ``"slow"`` (wait ``delay`` seconds before the first byte,
            then answer normally).
        status: The HTTP status of a ``"status"`` fault.
        retry_after: Seconds for the ``retry-after`` header of a ``"status"`` fault.
        after_chunks: Chunks sent before a ``"cut"``.
        delay: Seconds before the first byte of a ``"slow"`` fault.
    """

    kind: FaultKind
    status: int = 500
    retry_after: float | None = None
    after_chunks: int = 1
    delay: float = 0.0


@dataclass(slots=True)
class HttpExchange:
    """One request the emulator answered, as recorded in ``Emulator.http.requests``.

    Attributes:
        index: Position in arrival order.
        model: The requested model.
        target_language: ``translation_options.target_lang``.
        source_language: ``translation_options.source_lang``.
        modalities: The requested modalities.
        voice: ``audio.voice``.
        input_kind: ``"url"`` (an http(s) URL) or ``"data"`` (a data URL).
        input_format: ``input_audio.format``, or ``"video"`` for a video.
        input_bytes: Size of the decoded data (0 for a URL).
        digest: SHA-256 hex of the decoded data, or of the URL.
        status: The HTTP status answered.
        outcome: ``"ok"``, ``"rejected"`` (validation or auth error), ``"fault"`` (an injected
            status), ``"cut"`` (injected cut) or ``"disconnected"`` (the client went away).
        chunks_sent: Stream chunks sent (not counting ``[DONE]``).
        text: The translation the emulator produced.
    """

    index: int
    model: str | None = None
    target_language: str | None = None
    source_language: str | None = None
    modalities: tuple[str, ...] = ()
    voice: str | None = None
    input_kind: str | None = None
    input_format: str | None = None
    input_bytes: int = 0
    digest: str | None = None
    status: int = 0
    outcome: Outcome = "rejected"
    chunks_sent: int = 0
    text: str = ""
    data: bytes = field(default=b"", repr=False)


@dataclass(slots=True)
class _Rule:
    fault: HttpFault
    times: int | None
    when: Callable[[HttpExchange], bool] | None


class _Rejected(LiveTranslateError):
    """A request the emulator answers with an error (internal control flow, never raised out)."""

    def __init__(self, status: int, code: str, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.param = status, code, message, param


def _bad(message: str, param: str | None = None) -> _Rejected:
    return _Rejected(400, "invalid_parameter_error", message, param)


class ChatCompletions:
    """The chat-completions route of an emulator, with its fault switchboard and request log.

    Reached as ``Emulator.http``. Thread-safe: faults may be injected from another thread
    while the emulator serves in its own.

    Args:
        app: The emulator app to register the route on.
    """

    def __init__(self, app: EmulatorApp) -> None:
        self._app = app
        self._lock = threading.Lock()
        self._rules: list[_Rule] = []
        self.requests: list[HttpExchange] = []
        app.add_route("POST", CHAT_PATH, self)
        _install_log_filter()

    # ----------------------------------------------------------------------------- faults

    def inject(
        self,
        kind: FaultKind,
        *,
        status: int = 500,
        retry_after: float | None = None,
        after_chunks: int = 1,
        delay: float = 0.0,
        times: int | None = 1,
        when: Callable[[HttpExchange], bool] | None = None,
    ) -> None:
        """Play a fault on the next matching valid requests.

        Faults apply after authentication and validation, first injected first. Each rule
        plays ``times`` times (None: for ever) on requests for which ``when`` (given the request
        record, with its ``digest`` and options filled in) returns True.

        Args:
            kind: ``"status"``, ``"cut"`` or ``"slow"`` (see [`HttpFault`][]).
            status: HTTP status of a ``"status"`` fault (429, 500, 503, ...).
            retry_after: ``retry-after`` seconds sent with a ``"status"`` fault.
            after_chunks: Chunks sent before a ``"cut"``.
            delay: Seconds of silence before the first byte of a ``"slow"`` fault.
            times: How many requests the rule applies to; None for every one.
            when: Which requests it applies to; None for any.
        """
        if kind not in ("status", "cut", "slow"):
            raise ValueError(f"kind must be 'status', 'cut' or 'slow', got {kind!r}.")
        fault = HttpFault(kind, status, retry_after, after_chunks, delay)
        with self._lock:
            self._rules.append(_Rule(fault, times, when))

    def clear_faults(self) -> None:
        """Remove every injected fault."""
        with self._lock:
            self._rules.clear()

    def _fault_for(self, record: HttpExchange) -> HttpFault | None:
        with self._lock:
            for rule in self._rules:
                if rule.times is not None and rule.times <= 0:
                    continue
                if rule.when is not None and not rule.when(record):
                    continue
                if rule.times is not None:
                    rule.times -= 1
                return rule.fault
        return None

    # ------------------------------------------------------------------------------- ASGI

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer one ``POST .../chat/completions``."""
        with self._lock:
            record = HttpExchange(index=len(self.requests))
            self.requests.append(record)
        request_id = str(uuid.uuid4())
        try:
            raw = await _read_body(receive)
            accepted, denied = self._app.authorize(scope)
            if not accepted:
                raise _Rejected(401, "invalid_api_key", "Incorrect API key provided. ")
            if denied:
                raise _Rejected(403, "access_denied", "Access denied.")
            request = self._validate(raw, record)
        except _Rejected as exc:
            record.status = exc.status
            await _error(send, exc, request_id)
            return
        fault = self._fault_for(record)
        if fault is not None and fault.kind == "status":
            record.status, record.outcome = fault.status, "fault"
            await _error(send, _fault_error(fault.status), request_id, fault.retry_after)
            return
        delay = self._app.settings.latency_ms / 1000.0
        if fault is not None and fault.kind == "slow":
            delay += fault.delay
        if delay > 0:
            await asyncio.sleep(delay)
        cut_after = fault.after_chunks if fault is not None and fault.kind == "cut" else None
        record.status = 200
        try:
            await self._stream(send, request, record, request_id, cut_after)
        except OSError:  # the client went away mid-stream
            record.outcome = "disconnected"

    # ------------------------------------------------------------------------- validation

    def _validate(self, raw: bytes, record: HttpExchange) -> dict[str, Any]:
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise _bad("Required body invalid, please check the request body format.")
        model = body.get("model")
        record.model = model if isinstance(model, str) else None
        info = _file_model(model)
        if info is None:
            raise _Rejected(
                404,
                "model_not_found",
                f"The model `{model}` does not exist or you do not have access to it.",
            )
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages:
            raise _bad("messages must be a non-empty array.", "messages")
        roles = [m.get("role") if isinstance(m, dict) else None for m in messages]
        if "system" in roles:
            raise _bad(f"The system role is not supported by {info.id}.", "messages")
        if len(messages) != 1 or roles[0] != "user":
            raise _bad(
                f"{info.id} takes exactly one user message; multi-turn conversations are not "
                "supported.",
                "messages",
            )
        if body.get("stream") is not True:
            raise _bad(
                "This model only support stream mode, please enable the stream parameter to "
                "access the model. ",
                "stream",
            )
        max_tokens = body.get("max_tokens")
        if max_tokens is not None and (
            not isinstance(max_tokens, int) or not 1 <= max_tokens <= info.max_output_tokens
        ):
            raise _bad(f"Range of max_tokens should be [1, {info.max_output_tokens}]", "max_tokens")
        modalities = body.get("modalities", ["text"])
        if modalities not in (["text"], ["text", "audio"], ["audio", "text"]):
            raise _bad(
                f"Invalid modalities: {modalities!r}. Supported combinations are: ['text'] and "
                "['audio', 'text'].",
                "modalities",
            )
        record.modalities = tuple(modalities)
        target, source = _languages(body.get("translation_options"), info)
        record.target_language, record.source_language = target.code, source
        speech = "audio" in modalities
        if speech:
            record.voice = _voice(body.get("audio"), info, target)
        self._input(messages[0].get("content"), info, record)
        return {"speech": speech, "created": int(time.time())}

    @staticmethod
    def _input(content: object, info: registry.ModelInfo, record: HttpExchange) -> None:
        if not isinstance(content, list) or len(content) != 1 or not isinstance(content[0], dict):
            raise _bad(
                "messages[0].content must be an array with one input_audio or video_url part.",
                "messages.content",
            )
        part: dict[str, Any] = content[0]
        kind = part.get("type")
        if kind == "input_audio":
            inner = part.get("input_audio")
            url = inner.get("data") if isinstance(inner, dict) else None
            fmt = inner.get("format") if isinstance(inner, dict) else None
            if not isinstance(fmt, str) or not fmt:
                raise _bad("input_audio.format is required.", "input_audio.format")
            if fmt.lower() not in info.input_audio_formats:
                raise _bad(f"Unsupported audio format: {fmt!r}.", "input_audio.format")
            record.input_format = fmt.lower()
        elif kind == "video_url":
            inner = part.get("video_url")
            url = inner.get("url") if isinstance(inner, dict) else None
            record.input_format = "video"
        else:
            raise _bad(
                f"Unsupported content type {kind!r}; use input_audio or video_url.",
                "messages.content.type",
            )
        if not isinstance(url, str) or not url:
            raise _bad(
                "The provided URL does not appear to be valid. Ensure it is correctly formatted."
            )
        if url.startswith(("http://", "https://")):
            record.input_kind = "url"
            record.digest = hashlib.sha256(url.encode("utf-8")).hexdigest()
            return
        match = _DATA_URL.fullmatch(url)
        if match is None:
            raise _bad(
                "The provided URL does not appear to be valid. Ensure it is correctly formatted."
            )
        try:
            data = base64.b64decode(match.group(3), validate=True)
        except (binascii.Error, ValueError):
            raise _bad(
                "The provided URL does not appear to be valid. Ensure it is correctly formatted."
            ) from None
        if not data:
            raise _bad("The audio is empty")
        record.input_kind = "data"
        record.input_bytes = len(data)
        record.digest = hashlib.sha256(data).hexdigest()
        record.data = data

    # -------------------------------------------------------------------------- the answer

    def _sentences(self, target: str, digest: str) -> list[str]:
        script = self._app.settings.script
        if script is not None and script.utterances:
            return [
                u.translation(target) or f"[emulated {target} translation {k + 1}]"
                for k, u in enumerate(script.utterances)
            ]
        return [f"[emulated {target} translation {digest[:8]}]"]

    def _input_seconds(self, record: HttpExchange) -> float:
        if record.input_format == "video":
            return _VIDEO_SECONDS
        if record.input_kind == "url":
            script = self._app.settings.script
            if script is not None and script.audio_path is not None and script.sample_rate:
                return len(script.read_audio()) / (2 * script.sample_rate)
            return 10.0
        return _audio_seconds(record.data, record.input_format or "")

    async def _stream(
        self,
        send: Send,
        request: dict[str, Any],
        record: HttpExchange,
        request_id: str,
        cut_after: int | None,
    ) -> None:
        created: int = request["created"]
        speech: bool = request["speech"]
        chunk_id = f"chatcmpl-{uuid.uuid4()}"
        audio_id = f"audio_{uuid.uuid4()}"
        model = record.model or registry.DEFAULT_FILE_MODEL
        target = record.target_language or "en"
        sentences = self._sentences(target, record.digest or "")
        record.text = " ".join(sentences)
        pieces = _chunks(sentences, speech=speech, voice=record.voice or "")

        def frame(choices: list[dict[str, Any]], usage: dict[str, Any] | None = None) -> bytes:
            chunk = {
                "id": chunk_id,
                "object": "chat.completion.chunk",
                "created": created,
                "model": model,
                "choices": choices,
                "service_tier": None,
                "system_fingerprint": None,
                "usage": usage,
            }
            data = json.dumps(chunk, ensure_ascii=False, separators=(",", ":"))
            return b"data: " + data.encode("utf-8") + b"\n\n"

        headers = [
            (b"content-type", b"text/event-stream;charset=UTF-8"),
            (b"cache-control", b"no-cache"),
            (b"x-request-id", request_id.encode("ascii")),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        audio_bytes = 0
        frames: list[bytes] = []
        first = True
        for text, pcm in pieces:
            delta: dict[str, Any] = {
                "content": text,
                "role": "assistant" if first else None,
                "function_call": None,
                "refusal": None,
                "tool_calls": None,
            }
            if pcm is not None:
                audio_bytes += len(pcm)
                delta["audio"] = {
                    "data": base64.b64encode(pcm).decode("ascii"),
                    "expires_at": created,
                    "id": audio_id,
                }
            first = False
            choice = {"index": 0, "finish_reason": None, "logprobs": None, "delta": delta}
            frames.append(frame([choice]))
        stop = {
            "content": "",
            "role": None,
            "function_call": None,
            "refusal": None,
            "tool_calls": None,
        }
        frames.append(
            frame([{"index": 0, "finish_reason": "stop", "logprobs": None, "delta": stop}])
        )
        frames.append(frame([], self._usage(record, audio_bytes, speech)))
        for n, data in enumerate(frames):
            if cut_after is not None and n >= cut_after:
                record.outcome = "cut"
                _CUT.set(True)  # uvicorn closes the connection mid-body; keep its log quiet
                return
            await send({"type": "http.response.body", "body": data, "more_body": True})
            record.chunks_sent += 1
        await send({"type": "http.response.body", "body": b"data: [DONE]\n\n", "more_body": False})
        record.outcome = "ok"

    def _usage(self, record: HttpExchange, audio_bytes: int, speech: bool) -> dict[str, Any]:
        info = registry.get_model(record.model or registry.DEFAULT_FILE_MODEL)
        seconds = max(float(info.min_billed_audio_seconds), self._input_seconds(record))
        in_audio = math.ceil(seconds * float(info.input_audio_tokens_per_second))
        in_video = None
        if record.input_format == "video":
            in_video = pricing.video_tokens(width=640, height=360, total_frames=300, fps=30.0)
        out_seconds = audio_bytes / (2 * OUTPUT_SAMPLE_RATE)
        out_audio = math.ceil(out_seconds * float(info.output_audio_tokens_per_second))
        out_text = max(1, math.ceil(len(record.text) / 4))
        prompt = in_audio + (in_video or 0)
        completion = out_text + (out_audio if speech else 0)
        return {
            "prompt_tokens": prompt,
            "completion_tokens": completion,
            "total_tokens": prompt + completion,
            "completion_tokens_details": {
                "audio_tokens": out_audio if speech else 0,
                "text_tokens": out_text,
                "reasoning_tokens": None,
                "accepted_prediction_tokens": None,
                "rejected_prediction_tokens": None,
            },
            "prompt_tokens_details": {
                "audio_tokens": in_audio,
                "text_tokens": 0,
                "cached_tokens": None,
                "video_tokens": in_video,
            },
        }


# ------------------------------------------------------------------------------ helpers


def _file_model(model: object) -> registry.ModelInfo | None:
    if not isinstance(model, str):
        return None
    try:
        info = registry.get_model(model)
    except ConfigurationError:
        return None
    if info.kind != "file" or model not in (info.id, *info.snapshots):
        return None
    return info


def _languages(options: object, info: registry.ModelInfo) -> tuple[registry.Language, str | None]:
    if not isinstance(options, dict) or not options.get("target_lang"):
        raise _bad("translation_options.target_lang is required.", "translation_options")
    found: list[registry.Language | None] = []
    for key in ("target_lang", "source_lang"):
        value = options.get(key)
        if value is None:
            found.append(None)
            continue
        try:
            found.append(registry.get_language(str(value), model=info))
        except ConfigurationError:
            raise _bad(f"Unsupported language: {value!r}.", f"translation_options.{key}") from None
    target, source = found
    assert target is not None
    return target, source.code if source is not None else None


def _voice(audio: object, info: registry.ModelInfo, target: registry.Language) -> str:
    voice = audio.get("voice") if isinstance(audio, dict) else None
    if not isinstance(voice, str) or not voice:
        raise _bad("The audio parameter with a voice is required for audio output.", "audio.voice")
    fmt = audio.get("format", "wav") if isinstance(audio, dict) else "wav"
    if fmt != "wav":
        raise _bad(f"Unsupported audio output format {fmt!r}; only 'wav' is supported.", "audio")
    if not target.speech_output:
        raise _bad(
            f"Audio output is not supported for target language '{target.code}'.",
            "translation_options.target_lang",
        )
    match = [v for v in info.voices if v.name == voice]
    if not match:
        raise _bad(f"Voice '{voice}' is not supported by {info.id}.", "audio.voice")
    if not match[0].speaks(target.code):
        raise _bad(
            f"Voice '{voice}' does not support the target language '{target.code}'.",
            "audio.voice",
        )
    return voice


def _audio_seconds(data: bytes, fmt: str) -> float:
    if fmt == "wav":
        try:
            with wave.open(io.BytesIO(data), "rb") as wav:
                return wav.getnframes() / float(wav.getframerate() or 1)
        except (wave.Error, EOFError):
            pass
    try:
        import soundfile

        info = soundfile.info(io.BytesIO(data))
        return float(info.duration)
    except Exception:  # any undecodable file: fall back to its size at 128 kbit/s
        return len(data) / 16000.0


def _chunks(
    sentences: list[str], *, speech: bool, voice: str
) -> list[tuple[str | None, bytes | None]]:
    """Split the answer into (text, audio) chunk payloads: a sentence's words, then its speech."""
    out: list[tuple[str | None, bytes | None]] = []
    for n, sentence in enumerate(sentences):
        text = sentence if n == len(sentences) - 1 else sentence + " "
        out.extend((word, None) for word in _WORD.findall(text))
        if speech:
            pcm = synthesize(sentence, voice=voice)
            for start in range(0, len(pcm), _AUDIO_CHUNK_BYTES):
                out.append((None, pcm[start : start + _AUDIO_CHUNK_BYTES]))
    return out


def _fault_error(status: int) -> _Rejected:
    if status == 429:
        return _Rejected(
            429, "limit_requests", "Requests rate limit exceeded, please try again later."
        )
    if status >= 500:
        return _Rejected(
            status,
            "internal_error",
            "An internal error has occured, please try again later or contact service support.",
        )
    return _Rejected(status, "invalid_parameter_error", "Injected error.")


_ERROR_TYPES = {
    400: "invalid_request_error",
    401: "invalid_request_error",
    403: "invalid_request_error",
    404: "invalid_request_error",
    429: "limit_requests",
}


async def _error(
    send: Send, exc: _Rejected, request_id: str, retry_after: float | None = None
) -> None:
    body = {
        "error": {
            "message": exc.message,
            "type": _ERROR_TYPES.get(exc.status, "internal_error"),
            "param": exc.param,
            "code": exc.code,
        },
        "id": f"chatcmpl-{uuid.uuid4()}",
        "request_id": request_id,
    }
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", b"%d" % len(data)),
        (b"x-request-id", request_id.encode("ascii")),
    ]
    if retry_after is not None:
        headers.append((b"retry-after", f"{retry_after:g}".encode("ascii")))
    await send({"type": "http.response.start", "status": exc.status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


async def _read_body(receive: Receive) -> bytes:
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _bad("The request body was not received.")
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > _MAX_BODY:
            raise _Rejected(413, "invalid_parameter_error", "The request body is too large.")
        parts.append(chunk)
        if not message.get("more_body", False):
            return b"".join(parts)
