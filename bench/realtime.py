"""Side-by-side benchmark of the realtime path: ratios to floors measured in the same run.

Run ``python bench/realtime.py`` (about a minute) or ``python bench/realtime.py --quick``
(10-20 seconds); ``--json PATH`` also writes every number and sample. See ``bench/README.md``
for what each row times. Nothing here asserts on time: the ``ok?`` column compares with the
performance budget in the design, and a noisy machine can move any row.
"""
# ruff: noqa: E402  (the repository root goes on sys.path before the first livetranslate import)

from __future__ import annotations

import argparse
import asyncio
import base64
import contextlib
import gc
import itertools
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any, Final, TypeVar

ROOT: Final = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from pydantic import TypeAdapter
from websockets.asyncio.client import ClientConnection, connect as ws_connect
from websockets.asyncio.server import ServerConnection, serve as ws_serve

import livetranslate
from livetranslate.config import SessionConfig
from livetranslate.events import (
    ResponseAudioDeltaEvent,
    ResponseAudioTranscriptTextEvent,
    ResponseDoneEvent,
    parse_server_event,
)
from livetranslate.protocol import RealtimeProtocol, SessionState
from livetranslate.realtime import RealtimeSession

MODEL: Final = "qwen3.5-livetranslate-flash-realtime"
API_KEY: Final = "sk-bench"
IN_RATE: Final = 16000  # input PCM16 rate
CHUNK: Final = IN_RATE * 2 // 10  # 100 ms of 16 kHz PCM16 = 3200 bytes
OUT_CHUNK: Final = 24000 * 2 // 10  # 100 ms of 24 kHz PCM16 = 4800 bytes
ADDED_BUDGET_NS: Final = 100_000  # "added latency per event ... in the tens of microseconds"
PARSE_BUDGET: Final = 1.5
STREAM_BUDGET: Final = 0.8
RT_BUDGET: Final = 1000.0  # "thousands of times real time"

T = TypeVar("T")


# ====================================================================== parameters


@dataclass(frozen=True)
class Params:
    """How much work each section does (``--quick`` shrinks everything)."""

    batch_ns: int  # target duration of one micro-benchmark batch
    micro_repeats: int
    import_runs: int
    audio_seconds: int  # audio per streaming run
    stream_repeats: int
    deflate_repeats: int
    burst_events: int  # events per burst (about; whole segments)
    burst_repeats: int
    pings: int  # round trips per ping run
    ping_repeats: int


FULL: Final = Params(
    batch_ns=20_000_000,
    micro_repeats=15,
    import_runs=7,
    audio_seconds=600,
    stream_repeats=9,
    deflate_repeats=4,
    burst_events=2000,
    burst_repeats=11,
    pings=500,
    ping_repeats=9,
)
QUICK: Final = Params(
    batch_ns=6_000_000,
    micro_repeats=5,
    import_runs=3,
    audio_seconds=120,
    stream_repeats=3,
    deflate_repeats=2,
    burst_events=1000,
    burst_repeats=5,
    pings=200,
    ping_repeats=3,
)


# ====================================================================== results


@dataclass
class Row:
    """One line of the table: ours against a floor measured in the same run."""

    section: str
    measurement: str
    unit: str  # "ns" (lower is better), "xRT" (higher is better), "ms" (lower is better)
    ours: float
    floor: float
    floor_what: str
    target: str = "info"
    ok: bool | None = None
    kind: str = "sdk"  # "sdk", "peer" (another SDK) or "info" (a reference point)
    ours_samples: list[float] = field(default_factory=list)
    floor_samples: list[float] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def ratio(self) -> float:
        return self.ours / self.floor if self.floor else float("nan")

    def to_json(self) -> dict[str, Any]:
        return {
            "section": self.section,
            "measurement": self.measurement,
            "kind": self.kind,
            "unit": self.unit,
            "ours": self.ours,
            "floor": self.floor,
            "floor_what": self.floor_what,
            "ratio": self.ratio,
            "target": self.target,
            "ok": self.ok,
            "ours_samples": self.ours_samples,
            "floor_samples": self.floor_samples,
            **self.extra,
        }


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def _fmt(value: float, unit: str) -> str:
    if value != value:  # NaN
        return "n/a"
    if unit == "ns":
        if value >= 1e6:
            return f"{value / 1e6:.2f} ms"
        if value >= 1e3:
            return f"{value / 1e3:.2f} µs"
        return f"{value:.0f} ns"
    if unit == "ms":
        return f"{value:.1f} ms"
    if unit == "xRT":
        return f"{value:,.0f}x RT"
    return f"{value:g} {unit}"


def _speedup(peer: float, ours: float) -> str:
    factor = peer / ours
    if factor >= 1:
        return f"ours {factor:.1f}x faster"
    return f"ours {1 / factor:.1f}x slower"


def _log(message: str) -> None:
    print(f"  .. {message}", file=sys.stderr, flush=True)


# ====================================================================== wire frames


def _dumps(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


_SOURCE_TEXT: Final = "大家好欢迎来到今天的发布会我们将为大家介绍最新的人工智能翻译技术"
_TRANSLATION_TEXT: Final = (
    "Hello everyone, welcome to today's launch event. We will introduce the latest artificial "
    "intelligence translation technology to you."
)
_TRANSLATION: Final = _TRANSLATION_TEXT.split()
_OUT_AUDIO_B64: Final = base64.b64encode(random.Random(24).randbytes(OUT_CHUNK)).decode("ascii")
_USAGE: Final = {
    "total_tokens": 120,
    "input_tokens": 32,
    "output_tokens": 88,
    "input_tokens_details": {"text_tokens": 0, "audio_tokens": 32},
    "output_tokens_details": {"text_tokens": 24, "audio_tokens": 64},
}


def _segment(seg: int, steps: int = 20) -> list[dict[str, Any]]:
    """One utterance as the qwen3.5 service sends it (text+audio, source transcription on).

    Shapes follow the emulator's output: 5 opening events, ``steps`` x (source text, translation
    text, 2 x 100 ms of translated speech), then 7 closing events.
    """
    src, tr, resp = f"item_src_{seg}", f"item_tr_{seg}", f"resp_{seg}"
    item: dict[str, Any] = {
        "id": tr,
        "object": "realtime.item",
        "type": "message",
        "status": "in_progress",
        "role": "assistant",
        "content": [],
    }
    part = {"response_id": resp, "item_id": tr, "output_index": 0, "content_index": 0}
    response = {
        "id": resp,
        "object": "realtime.response",
        "conversation_id": "conv_1",
        "status": "in_progress",
        "modalities": ["text", "audio"],
        "voice": "Tina",
        "output_audio_format": "pcm",
        "output": [],
    }
    out: list[dict[str, Any]] = [
        {"type": "input_audio_buffer.speech_started", "audio_start_ms": seg * 6000, "item_id": src},
        {"type": "response.created", "response": response},
        {
            "type": "response.output_item.added",
            "response_id": resp,
            "output_index": 0,
            "item": item,
        },
        {"type": "conversation.item.created", "previous_item_id": src, "item": item},
        {"type": "response.content_part.added", **part, "part": {"type": "audio", "text": ""}},
    ]
    for step in range(steps):
        s_cut = len(_SOURCE_TEXT) * step // steps
        t_cut = len(_TRANSLATION) * step // steps
        out.append(
            {
                "type": "conversation.item.input_audio_transcription.text",
                "item_id": src,
                "content_index": 0,
                "text": _SOURCE_TEXT[:s_cut],
                "stash": _SOURCE_TEXT[s_cut : s_cut + 3],
                "language": "zh",
                "emotion": "neutral",
            }
        )
        out.append(
            {
                "type": "response.audio_transcript.text",
                **part,
                "text": " ".join(_TRANSLATION[:t_cut]),
                "stash": " ".join(_TRANSLATION[t_cut : t_cut + 2]),
            }
        )
        out += [{"type": "response.audio.delta", **part, "delta": _OUT_AUDIO_B64}] * 2
    translation = " ".join(_TRANSLATION)
    done_item = {
        **item,
        "status": "completed",
        "content": [{"type": "audio", "transcript": translation}],
    }
    out += [
        {
            "type": "input_audio_buffer.speech_stopped",
            "audio_end_ms": seg * 6000 + 5000,
            "item_id": src,
        },
        {
            "type": "conversation.item.input_audio_transcription.completed",
            "item_id": src,
            "content_index": 0,
            "transcript": _SOURCE_TEXT,
            "language": "zh",
            "emotion": "neutral",
        },
        {"type": "response.audio_transcript.done", **part, "transcript": translation},
        {"type": "response.audio.done", **part},
        {
            "type": "response.content_part.done",
            **part,
            "part": {"type": "audio", "transcript": translation},
        },
        {
            "type": "response.output_item.done",
            "response_id": resp,
            "output_index": 0,
            "item": done_item,
        },
        {
            "type": "response.done",
            "response": {**response, "status": "completed", "output": [done_item], "usage": _USAGE},
        },
    ]
    return out


def burst_frames(events: int) -> list[str]:
    """Whole utterances, at least ``events`` events; the last one is a ``response.done``."""
    frames: list[str] = []
    for seg in itertools.count():
        for obj in _segment(seg):
            frames.append(_dumps({"event_id": f"event_{len(frames) + 10}", **obj}))
        if len(frames) >= events:
            return frames
    raise AssertionError("unreachable")


def last_response_id(frames: list[str]) -> str:
    last = json.loads(frames[-1])
    assert last["type"] == "response.done"
    return str(last["response"]["id"])


def sample_frames() -> dict[str, str]:
    """The three frames of section 1, picked from the first utterance."""
    seg = [_dumps({"event_id": f"event_{i + 10}", **obj}) for i, obj in enumerate(_segment(0))]

    def pick(event_type: str, index: int) -> str:
        return [f for f in seg if json.loads(f)["type"] == event_type][index]

    return {
        "response.audio_transcript.text": pick("response.audio_transcript.text", 10),
        "response.audio.delta": pick("response.audio.delta", 0),
        "response.done": pick("response.done", 0),
    }


_CREATED: Final = _dumps(
    {"event_id": "event_1", "type": "session.created", "session": {"id": "sess_bench"}}
)
_UPDATED: Final = _dumps(
    {"event_id": "event_2", "type": "session.updated", "session": {"id": "sess_bench"}}
)
_FINISHED: Final = _dumps({"event_id": "event_3", "type": "session.finished"})
_PING_EVENT_TYPE: Final = "response.audio_transcript.text"
_BARE_FINISH: Final = _dumps({"event_id": "event_bench_finish", "type": "session.finish"})
_TRIGGER_PCM: Final = b"\x00\x00"  # one sample: "send the burst / the ping answer now"
_BARE_TRIGGER: Final = _dumps(
    {
        "event_id": "event_" + "0" * 32,  # the SDK's ids have the same length
        "type": "input_audio_buffer.append",
        "audio": base64.b64encode(_TRIGGER_PCM).decode("ascii"),
    }
)


def _client_type(message: str | bytes) -> str:
    """The ``type`` of a client frame; appends are recognised without parsing them."""
    head = message[:120] if isinstance(message, str) else message[:120].decode("latin-1")
    if '"input_audio_buffer.append"' in head:
        return "input_audio_buffer.append"
    return str(json.loads(message).get("type"))


# ====================================================================== child servers


async def _handle(ws: ServerConnection, burst: list[bytes], ping: bytes) -> None:
    """The bench server: handshake, then per path ``/sink``, ``/burst`` or ``/ping``."""
    path = ws.request.path if ws.request is not None else "/sink"
    mode = path.strip("/").split("/")[0].partition("?")[0]
    blasted = False
    await ws.send(_CREATED)
    async for message in ws:
        kind = _client_type(message)
        if kind == "input_audio_buffer.append":
            if mode == "ping":
                await ws.send(ping, text=True)
            elif mode == "burst" and not blasted:
                blasted = True
                for frame in burst:
                    await ws.send(frame, text=True)
        elif kind == "session.update":
            await ws.send(_UPDATED)
        elif kind == "session.finish":
            await ws.send(_FINISHED)
            break
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(5):
            await ws.wait_closed()


async def _serve_async(kind: str, events: int) -> None:
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()

    def watch_stdin() -> None:  # the parent closes our stdin to stop us
        sys.stdin.read()
        loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=watch_stdin, daemon=True).start()
    if kind == "emulator":
        from livetranslate.testing import Emulator

        async with Emulator(latency=0, finish_close_timeout=5) as emu:
            print(f"READY {emu.realtime_url}", flush=True)
            await stop.wait()
        return
    burst = [f.encode() for f in burst_frames(events)]
    ping = sample_frames()[_PING_EVENT_TYPE].encode()

    async def handler(ws: ServerConnection) -> None:
        await _handle(ws, burst, ping)

    async with ws_serve(handler, "127.0.0.1", 0, compression=None, max_size=None) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        print(f"READY ws://127.0.0.1:{port}", flush=True)
        await stop.wait()


class Child:
    """A server in a child process (so its CPU is not charged to the client being measured)."""

    def __init__(self, kind: str, events: int) -> None:
        argv = [sys.executable, str(Path(__file__).resolve()), "--serve", kind]
        argv += ["--serve-events", str(events)]
        self.proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        if not line.startswith("READY "):
            self.close()
            raise RuntimeError(f"the {kind} server did not start (got {line!r})")
        self.url = line.split()[1]

    def close(self) -> None:
        if self.proc.stdin is not None and not self.proc.stdin.closed:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# ====================================================================== 1 + 2: micro


def _timed_batch(fn: Callable[[T], object], arg: T, n: int) -> int:
    """Run ``fn(arg)`` n times with the GC off (as timeit does); return ns per call."""
    loop = itertools.repeat(None, n)
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter_ns()
        for _ in loop:
            fn(arg)
        return time.perf_counter_ns() - start
    finally:
        if gc_was_on:
            gc.enable()


@dataclass
class Candidate:
    name: str
    fn: Callable[[Any], object]
    arg: Any
    n: int = 1
    samples: list[float] = field(default_factory=list)


def run_micro(candidates: list[Candidate], p: Params) -> None:
    """Interleave the candidates batch by batch; fill ``samples`` with ns per call."""
    for c in candidates:  # warm up (first calls build caches), then calibrate
        deadline = time.perf_counter_ns() + p.batch_ns // 2
        for _ in range(3):
            c.fn(c.arg)
        while time.perf_counter_ns() < deadline:
            c.fn(c.arg)
        n = 1
        while True:
            elapsed = _timed_batch(c.fn, c.arg, n)
            if elapsed >= p.batch_ns // 4 or n >= 1 << 22:
                c.n = max(1, int(n * p.batch_ns / max(elapsed, 1)))
                break
            n *= 4
    for r in range(p.micro_repeats):
        order = candidates[r % len(candidates) :] + candidates[: r % len(candidates)]
        for c in order:
            c.samples.append(_timed_batch(c.fn, c.arg, c.n) / c.n)


def _openai_frame(frame: str) -> str:
    """The same frame in openai-python's GA realtime naming."""
    obj = json.loads(frame)
    renamed = {
        "response.audio_transcript.text": "response.output_audio_transcript.delta",
        "response.audio.delta": "response.output_audio.delta",
    }
    if obj["type"] == "response.audio_transcript.text":
        obj["delta"] = obj.pop("text") + obj.pop("stash")
    obj["type"] = renamed.get(obj["type"], obj["type"])
    return _dumps(obj)


class _FakeSocket:
    """Stands in for a connected websocket-client / websockets socket: ``send`` keeps the data."""

    def __init__(self) -> None:
        self.last: object = None
        self.sock: _FakeSocket = self
        self.connected = True

    def send(self, data: object, *args: object, **kwargs: object) -> None:
        self.last = data


def _openai_parser() -> Callable[[str], object] | None:
    try:
        from openai._models import construct_type_unchecked
        from openai.types.realtime import RealtimeServerEvent
    except ImportError:
        return None
    server_event: Any = RealtimeServerEvent

    def parse(data: str) -> object:  # what AsyncRealtimeConnection.parse_event does
        return construct_type_unchecked(value=json.loads(data), type_=server_event)

    return parse


def _dashscope_conversation() -> Any:
    try:
        from dashscope.audio.qwen_omni import OmniRealtimeCallback, OmniRealtimeConversation
    except ImportError:
        return None
    conv: Any = OmniRealtimeConversation(
        model=MODEL, callback=OmniRealtimeCallback(), api_key=API_KEY
    )
    conv.ws = _FakeSocket()
    return conv


def _openai_connection() -> Any:
    try:
        from openai.resources.realtime.realtime import RealtimeConnection
    except ImportError:
        return None
    fake: Any = _FakeSocket()
    return RealtimeConnection(fake)


def section_parse(p: Params) -> list[Row]:
    rows: list[Row] = []
    classes: dict[str, Any] = {
        "response.audio_transcript.text": ResponseAudioTranscriptTextEvent,
        "response.audio.delta": ResponseAudioDeltaEvent,
        "response.done": ResponseDoneEvent,
    }
    openai_parse = _openai_parser()
    conv = _dashscope_conversation()
    for event_type, frame in sample_frames().items():
        cls = classes[event_type]
        event = parse_server_event(frame)
        assert type(event) is cls, f"{event_type} parsed as {type(event).__name__}"
        adapter: TypeAdapter[Any] = TypeAdapter(cls)
        ours = Candidate("ours", parse_server_event, frame)
        floor = Candidate("floor", adapter.validate_json, frame)
        peers: list[tuple[str, Candidate]] = []
        if openai_parse is not None:
            label = "openai-python parse_event"
            peers.append((label, Candidate("openai", openai_parse, _openai_frame(frame))))
        if conv is not None:

            def on_message(data: str, conv: Any = conv) -> object:
                return conv._on_message(None, data)

            label = "dashscope _on_message"
            peers.append((label, Candidate("dashscope", on_message, frame)))
        run_micro([ours, floor, *(c for _, c in peers)], p)
        floor_what = "TypeAdapter(cls).validate_json"
        size = f"{len(frame.encode()):,} B"
        rows.append(
            Row(
                "parse",
                f"parse_server_event {event_type} ({size})",
                "ns",
                _median(ours.samples),
                _median(floor.samples),
                floor_what,
                target=f"≤ {PARSE_BUDGET}x",
                ours_samples=ours.samples,
                floor_samples=floor.samples,
                extra={"frame_bytes": len(frame.encode()), "class": cls.__name__},
            )
        )
        rows[-1].ok = rows[-1].ratio <= PARSE_BUDGET
        for label, c in peers:
            rows.append(
                Row(
                    "parse",
                    f"  peer {label}",
                    "ns",
                    _median(c.samples),
                    _median(floor.samples),
                    "same floor",
                    target=_speedup(_median(c.samples), _median(ours.samples)),
                    kind="peer",
                    ours_samples=c.samples,
                    floor_samples=floor.samples,
                )
            )
    return rows


def _config() -> SessionConfig:
    return SessionConfig(model=MODEL, target_language="en", modalities=("text",)).validated()


def sdk_session_update() -> str:
    """The ``session.update`` the SDK sends: bare clients send the very same text."""
    protocol = RealtimeProtocol(_config())
    protocol.receive_message(_CREATED)
    (update,) = protocol.data_to_send()
    return update


def ready_protocol() -> RealtimeProtocol:
    """A protocol driven to READY with session.created / session.updated."""
    protocol = RealtimeProtocol(_config())
    protocol.receive_message(_CREATED)
    protocol.data_to_send()
    protocol.receive_message(_UPDATED)
    protocol.data_to_send()
    protocol.events_received()
    assert protocol.state is SessionState.READY, protocol.state
    return protocol


def section_encode(p: Params) -> list[Row]:
    chunk = random.Random(16).randbytes(CHUNK)
    protocol = ready_protocol()

    def ours_fn(pcm: bytes) -> list[str]:
        protocol.append_audio(pcm)
        return protocol.data_to_send()

    def floor_fn(pcm: bytes) -> str:
        return json.dumps(
            {"type": "input_audio_buffer.append", "audio": base64.b64encode(pcm).decode()}
        )

    sent = ours_fn(chunk)
    assert len(sent) == 1
    assert json.loads(sent[0])["audio"] == base64.b64encode(chunk).decode()
    ours = Candidate("ours", ours_fn, chunk)
    floor = Candidate("floor", floor_fn, chunk)
    peers: list[tuple[str, Candidate]] = []
    conv = _dashscope_conversation()
    if conv is not None:

        def dashscope_fn(pcm: bytes, conv: Any = conv) -> object:
            return conv.append_audio(base64.b64encode(pcm).decode())

        peers.append(("dashscope append_audio", Candidate("ds", dashscope_fn, chunk)))
    oa = _openai_connection()
    if oa is not None:

        def openai_fn(pcm: bytes, oa: Any = oa) -> object:
            return oa.input_audio_buffer.append(audio=base64.b64encode(pcm).decode())

        label = "openai-python input_audio_buffer.append"
        peers.append((label, Candidate("openai", openai_fn, chunk)))
    run_micro([ours, floor, *(c for _, c in peers)], p)
    floor_what = "json.dumps + b64encode"
    row = Row(
        "encode",
        f"append_audio + data_to_send (100 ms, {CHUNK:,} B)",
        "ns",
        _median(ours.samples),
        _median(floor.samples),
        floor_what,
        target=f"≤ {PARSE_BUDGET}x",
        ours_samples=ours.samples,
        floor_samples=floor.samples,
    )
    row.ok = row.ratio <= PARSE_BUDGET
    rows = [row]
    for label, c in peers:
        rows.append(
            Row(
                "encode",
                f"  peer {label}",
                "ns",
                _median(c.samples),
                _median(floor.samples),
                "same floor",
                target=_speedup(_median(c.samples), _median(ours.samples)),
                kind="peer",
                ours_samples=c.samples,
                floor_samples=floor.samples,
            )
        )
    return rows


# ====================================================================== 3: streaming


def _session(url: str, **options: Any) -> RealtimeSession:
    return RealtimeSession(
        model=MODEL,
        base_url=url,
        api_key=API_KEY,
        target_language="en",
        modalities=("text",),
        max_queued_segments=1_000_000,  # nothing in the bench reads segments; never drop
        **options,
    )


@contextlib.asynccontextmanager
async def _bare(url: str, compression: str | None = None) -> AsyncIterator[ClientConnection]:
    async with ws_connect(
        f"{url}?model={MODEL}",
        additional_headers={"Authorization": f"Bearer {API_KEY}"},
        compression=compression,
        max_size=16 * 2**20,
    ) as ws:
        await _expect(ws, "session.created")
        await ws.send(sdk_session_update())
        await _expect(ws, "session.updated")
        yield ws


async def _expect(ws: ClientConnection, event_type: str) -> None:
    while True:
        obj = json.loads(await ws.recv())
        if obj.get("type") == event_type:
            return
        if obj.get("type") == "error":
            raise RuntimeError(f"the server sent an error while waiting for {event_type}: {obj}")


async def bare_stream(url: str, frames: list[str], compression: str | None) -> tuple[int, bool]:
    """Send pre-encoded appends, then session.finish; time until closed after session.finished."""
    async with _bare(url, compression) as ws:
        deflate = bool(ws.protocol.extensions)
        start = time.perf_counter_ns()
        for frame in frames:
            await ws.send(frame)
        await ws.send(_BARE_FINISH)
        await _expect(ws, "session.finished")
        await ws.close()
        return time.perf_counter_ns() - start, deflate


async def sdk_send_audio(url: str, chunks: list[bytes]) -> int:
    """``send_audio`` per 100 ms chunk, then ``finish()`` (finish, finished, close)."""
    async with _session(url) as session:
        start = time.perf_counter_ns()
        for chunk in chunks:
            await session.send_audio(chunk)
        await session.finish()
        return time.perf_counter_ns() - start


async def sdk_stream(url: str, pcm: bytes) -> int:
    """``stream(pcm, realtime=False)``, then ``finish()``."""
    async with _session(url) as session:
        start = time.perf_counter_ns()
        await session.stream(pcm, realtime=False)
        await session.finish()
        return time.perf_counter_ns() - start


async def bare_inline(url: str, chunks: list[bytes]) -> int:
    """Bare websockets that encodes each chunk itself (json.dumps + b64encode + uuid4 id)."""
    async with _bare(url) as ws:
        start = time.perf_counter_ns()
        for chunk in chunks:
            event = {
                "event_id": f"event_{uuid.uuid4().hex}",
                "type": "input_audio_buffer.append",
                "audio": base64.b64encode(chunk).decode("ascii"),
            }
            await ws.send(json.dumps(event))
        await ws.send(_BARE_FINISH)
        await _expect(ws, "session.finished")
        await ws.close()
        return time.perf_counter_ns() - start


_STREAM_KINDS: Final = {
    "send_audio": ("send_audio() per 100 ms", True),
    "stream": ("stream(pcm, realtime=False)", True),
    "inline": ("bare + encode inline (json/b64/uuid4)", False),
    "deflate": ("bare + permessage-deflate", False),
}


async def section_stream(p: Params, emulator: Child | None, sink: Child) -> list[Row]:
    rng = random.Random(3)
    # Low noise (+-4 LSB): the emulator's VAD sees silence, and base64 is not all "AAAA".
    second = b"".join(
        rng.randrange(-4, 5).to_bytes(2, "little", signed=True) for _ in range(IN_RATE)
    )
    pcm = second * p.audio_seconds
    chunks = [pcm[i : i + CHUNK] for i in range(0, len(pcm), CHUNK)]
    frames = [
        _dumps(
            {
                "event_id": f"event_{i:032x}",  # the SDK's ids have the same length
                "type": "input_audio_buffer.append",
                "audio": base64.b64encode(c).decode("ascii"),
            }
        )
        for i, c in enumerate(chunks)
    ]
    seconds = float(p.audio_seconds)
    rows: list[Row] = []
    targets: list[tuple[str, str]] = []
    if emulator is not None:
        targets.append(("emulator", emulator.url))
    targets.append(("sink", f"{sink.url}/sink"))
    for name, url in targets:
        runs: dict[str, list[float]] = {k: [] for k in ("bare", *_STREAM_KINDS)}
        negotiated: list[bool] = []

        async def run(kind: str, url: str = url, negotiated: list[bool] = negotiated) -> float:
            if kind in ("bare", "deflate"):
                ns, on = await bare_stream(url, frames, "deflate" if kind == "deflate" else None)
                if kind == "deflate":
                    negotiated.append(on)
            elif kind == "inline":
                ns = await bare_inline(url, chunks)
            elif kind == "send_audio":
                ns = await sdk_send_audio(url, chunks)
            else:
                ns = await sdk_stream(url, pcm)
            return seconds / (ns / 1e9)

        kinds = ["bare", "send_audio", "stream", "inline"]
        with_deflate = name == "emulator"
        for kind in (*kinds, *(["deflate"] if with_deflate else [])):
            await run(kind)  # warm-up, not recorded
        for r in range(p.stream_repeats):
            order = kinds[r % len(kinds) :] + kinds[: r % len(kinds)]
            if with_deflate and r < p.deflate_repeats:
                order.insert(r % len(order), "deflate")
            for kind in order:
                runs[kind].append(await run(kind))
        _log(f"streaming to the {name}: done")
        where = "emulator" if name == "emulator" else "sink"
        for kind, (label, is_sdk) in _STREAM_KINDS.items():
            if not runs[kind]:
                continue
            gated = is_sdk and name == "emulator"
            row = Row(
                "stream",
                f"stream {p.audio_seconds} s → {where}: {label}",
                "xRT",
                _median(runs[kind]),
                _median(runs["bare"]),
                "bare websockets, pre-encoded",
                target=f"≥ {STREAM_BUDGET}x, ≥ {RT_BUDGET:,.0f}x RT" if gated else "info",
                kind="sdk" if is_sdk else "info",
                ours_samples=runs[kind],
                floor_samples=runs["bare"],
            )
            if gated:
                row.ok = row.ratio >= STREAM_BUDGET and row.ours >= RT_BUDGET
            if kind == "deflate":
                row.target = "info: why compression=None"
                row.extra["deflate_negotiated"] = bool(negotiated) and all(negotiated)
            rows.append(row)
    return rows


# ====================================================================== 4: per event


async def sdk_burst(url: str, last_id: str) -> tuple[int, int]:
    """Trigger the burst; time until the app's ``async for`` has yielded its last event."""
    async with _session(url) as session:
        events = aiter(session)
        start = time.perf_counter_ns()
        await session.send_audio(_TRIGGER_PCM)
        seen = 0
        async for event in events:
            seen += 1
            if isinstance(event, ResponseDoneEvent) and event.response.id == last_id:
                break
        elapsed = time.perf_counter_ns() - start
    return elapsed, seen


async def raw_burst(url: str, last_id: str) -> tuple[int, int]:
    """The floor: the same trigger, then ``recv()`` + ``json.loads`` until the last event."""
    async with _bare(url) as ws:
        start = time.perf_counter_ns()
        await ws.send(_BARE_TRIGGER)
        seen = 0
        while True:
            obj = json.loads(await ws.recv())
            seen += 1
            if obj["type"] == "response.done" and obj["response"]["id"] == last_id:
                break
        elapsed = time.perf_counter_ns() - start
        await ws.send(_BARE_FINISH)
        await _expect(ws, "session.finished")
    return elapsed, seen


async def sdk_ping(url: str, rounds: int) -> list[float]:
    """Round trips: ``send_audio`` (one sample) → the answering event from ``async for``."""
    async with _session(url) as session:
        events = aiter(session)
        await session.send_audio(_TRIGGER_PCM)
        while (await anext(events)).type != _PING_EVENT_TYPE:  # skip session.created/updated
            pass
        out: list[float] = []
        for _ in range(rounds):
            start = time.perf_counter_ns()
            await session.send_audio(_TRIGGER_PCM)
            event = await anext(events)
            out.append(time.perf_counter_ns() - start)
            assert event.type == _PING_EVENT_TYPE
    return out


async def raw_ping(url: str, rounds: int) -> list[float]:
    """The floor: ``ws.send(pre-encoded append)`` → ``ws.recv()`` + ``json.loads``."""
    async with _bare(url) as ws:
        out: list[float] = []
        for _ in range(rounds + 1):
            start = time.perf_counter_ns()
            await ws.send(_BARE_TRIGGER)
            obj = json.loads(await ws.recv())
            out.append(time.perf_counter_ns() - start)
            assert obj["type"] == _PING_EVENT_TYPE
        await ws.send(_BARE_FINISH)
        await _expect(ws, "session.finished")
    return out[1:]


def _mix(frames: list[str]) -> str:
    kinds = [json.loads(f)["type"] for f in frames]
    audio = sum(k == "response.audio.delta" for k in kinds)
    text = sum(k.endswith(".text") for k in kinds)
    return (
        f"{audio / len(kinds):.0%} audio.delta 6.4 KB, {text / len(kinds):.0%} *.text, rest control"
    )


async def section_events(p: Params, server: Child) -> list[Row]:
    frames = burst_frames(p.burst_events)
    count, last_id = len(frames), last_response_id(frames)
    burst_url, ping_url = f"{server.url}/burst", f"{server.url}/ping"
    sdk: list[float] = []
    raw: list[float] = []
    for r in range(p.burst_repeats + 1):  # the first pair is a warm-up
        pair: list[tuple[str, Any]] = [("sdk", sdk_burst), ("raw", raw_burst)]
        for name, fn in pair if r % 2 == 0 else pair[::-1]:
            elapsed, seen = await fn(burst_url, last_id)
            if seen < count:
                raise RuntimeError(f"{name} saw {seen} of {count} burst events")
            if r:
                (sdk if name == "sdk" else raw).append(elapsed / count)
    _log("event burst: done")
    sdk_rtt: list[float] = []
    raw_rtt: list[float] = []
    await sdk_ping(ping_url, 20)  # warm-up
    await raw_ping(ping_url, 20)
    for r in range(p.ping_repeats):
        if r % 2:
            raw_rtt.append(_median(await raw_ping(ping_url, p.pings)))
            sdk_rtt.append(_median(await sdk_ping(ping_url, p.pings)))
        else:
            sdk_rtt.append(_median(await sdk_ping(ping_url, p.pings)))
            raw_rtt.append(_median(await raw_ping(ping_url, p.pings)))
    _log("ping-pong: done")
    burst = Row(
        "events",
        f"burst of {count:,} events, async for (per event)",
        "ns",
        _median(sdk),
        _median(raw),
        "raw recv + json.loads",
        target="added ≤ 100 µs",
        ours_samples=sdk,
        floor_samples=raw,
        extra={"events": count, "mix": _mix(frames)},
    )
    burst.ok = burst.ours - burst.floor <= ADDED_BUDGET_NS
    ping = Row(
        "events",
        "ping-pong send_audio → event (RTT)",
        "ns",
        _median(sdk_rtt),
        _median(raw_rtt),
        "raw send → recv + json.loads",
        target="added ≤ 100 µs",
        ours_samples=sdk_rtt,
        floor_samples=raw_rtt,
        extra={"rounds_per_run": p.pings},
    )
    ping.ok = ping.ours - ping.floor <= ADDED_BUDGET_NS
    return [burst, ping]


# ====================================================================== 5: imports

_HEAVY: Final = ("openai", "numpy", "soundfile", "httpx", "websockets", "asyncio")


def _import_wall(statement: str) -> float:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    start = time.perf_counter_ns()
    subprocess.run([sys.executable, "-c", statement], check=True, cwd=ROOT, env=env)
    return (time.perf_counter_ns() - start) / 1e6


def _loaded_by(module: str) -> list[str]:
    code = (
        f"import sys, json; import {module}; "
        f"print(json.dumps([m for m in {list(_HEAVY)!r} if m in sys.modules]))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, cwd=ROOT, env=env, capture_output=True, text=True
    )
    loaded: list[str] = json.loads(out.stdout)
    return loaded


def section_imports(p: Params) -> tuple[list[Row], float]:
    statements = {
        "pass": "pass",
        "pydantic": "import pydantic",
        "livetranslate": "import livetranslate",
        "livetranslate.realtime": "import livetranslate.realtime",
    }
    peers = {}
    for name in ("openai", "dashscope"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            metadata.version(name)
            peers[name] = f"import {name}"
    every = {**statements, **peers}
    walls: dict[str, list[float]] = {k: [] for k in every}
    for statement in every.values():  # warm the OS file cache
        _import_wall(statement)
    for _ in range(p.import_runs):
        for k, statement in every.items():
            walls[k].append(_import_wall(statement))
    floor = _median(walls["pydantic"])
    floor_what = "import pydantic"
    rows: list[Row] = []
    forbidden = {
        "livetranslate": ("openai", "numpy", "soundfile", "httpx", "websockets", "asyncio"),
        "livetranslate.realtime": ("openai", "numpy", "soundfile", "httpx"),
    }
    for module, banned in forbidden.items():
        loaded = _loaded_by(module)
        bad = [m for m in loaded if m in banned]
        rows.append(
            Row(
                "import",
                f"import {module}",
                "ms",
                _median(walls[module]),
                floor,
                floor_what,
                target="lazy*",
                ok=not bad,
                ours_samples=walls[module],
                floor_samples=walls["pydantic"],
                extra={"heavy_loaded": loaded, "must_not_load": list(banned)},
            )
        )
    for name in peers:
        rows.append(
            Row(
                "import",
                f"  peer import {name}",
                "ms",
                _median(walls[name]),
                floor,
                "same floor",
                kind="peer",
                ours_samples=walls[name],
                floor_samples=walls["pydantic"],
            )
        )
    return rows, _median(walls["pass"])


# ====================================================================== report


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "-"


def _git_commit() -> str:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True
        )
    except OSError:
        return "-"
    return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


def metadata_header(quick: bool) -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "livetranslate": livetranslate.__version__,
        "commit": _git_commit(),
        "pydantic": _version("pydantic"),
        "pydantic-core": _version("pydantic-core"),
        "websockets": _version("websockets"),
        "openai": _version("openai"),
        "dashscope": _version("dashscope"),
        "numpy": _version("numpy"),
        "uvicorn": _version("uvicorn"),
        "mode": "quick" if quick else "full",
        "started": time.strftime("%Y-%m-%d %H:%M:%S %z"),
    }


def render(rows: list[Row], meta: dict[str, Any], notes: list[str]) -> str:
    lines = [
        "livetranslate realtime benchmark "
        f"({meta['mode']}; medians; ratio = ours / floor, both measured in this run)",
        f"Python {meta['python']} ({meta['implementation']}) on {meta['platform']}, "
        f"{meta['cpus']} CPUs",
        f"livetranslate {meta['livetranslate']} @ {meta['commit']}; pydantic {meta['pydantic']}, "
        f"pydantic-core {meta['pydantic-core']}, websockets {meta['websockets']}, "
        f"openai {meta['openai']}, dashscope {meta['dashscope']}, numpy {meta['numpy']}, "
        f"uvicorn {meta['uvicorn']}",
        "",
    ]
    header = ["measurement", "ours", "floor (what)", "ratio", "target", "ok?"]
    table = [header]
    for row in rows:
        ok = "" if row.ok is None else ("yes" if row.ok else "NO")
        table.append(
            [
                row.measurement,
                _fmt(row.ours, row.unit),
                f"{_fmt(row.floor, row.unit)} ({row.floor_what})",
                f"{row.ratio:.2f}x",
                row.target,
                ok,
            ]
        )
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    right = {1, 3}
    section = None
    for index, line in enumerate(table):
        if index and rows[index - 1].section != section:
            section = rows[index - 1].section
            lines.append("-+-".join("-" * w for w in widths))
        cells = [
            c.rjust(w) if i in right and index else c.ljust(w)
            for i, (c, w) in enumerate(zip(line, widths, strict=True))
        ]
        lines.append(" | ".join(cells).rstrip())
    lines.append("")
    lines += notes
    return "\n".join(lines)


async def network_sections(p: Params, notes: list[str]) -> list[Row]:
    emulator: Child | None = None
    try:
        emulator = Child("emulator", 0)
    except RuntimeError as exc:
        notes.append(f"emulator rows skipped: {exc}")
    server = Child("ws", p.burst_events)
    try:
        rows = await section_stream(p, emulator, server)
        rows += await section_events(p, server)
    finally:
        server.close()
        if emulator is not None:
            emulator.close()
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="a ~20 s run with fewer repeats")
    parser.add_argument("--json", type=Path, metavar="PATH", help="also write the numbers here")
    parser.add_argument("--serve", choices=("emulator", "ws"), help=argparse.SUPPRESS)
    parser.add_argument("--serve-events", type=int, default=2000, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        asyncio.run(_serve_async(args.serve, args.serve_events))
        return 0
    p = QUICK if args.quick else FULL
    meta = metadata_header(args.quick)
    began = time.perf_counter()
    notes: list[str] = []
    rows: list[Row] = []
    _log("imports (subprocesses)")
    import_rows, startup = section_imports(p)
    _log("parsing")
    rows += section_parse(p)
    _log("encoding")
    rows += section_encode(p)
    _log("streaming and events over loopback (servers in child processes)")
    rows += asyncio.run(network_sections(p, notes))
    rows += import_rows
    burst = next((r for r in rows if r.section == "events"), None)
    deflate = next((r for r in rows if "deflate" in r.measurement), None)
    notes += [
        "Notes:",
        "- parse/encode: ns per call, median of interleaved batches (GC off inside a batch, as "
        "timeit); cls = the event's concrete class; peer rows: another SDK on the same payload, "
        "ratio vs the same floor, and how much faster ours is.",
        "- stream: wall time from the first append until the socket is closed after "
        "session.finished (so the server has consumed every frame); connect + handshake not "
        "timed; xRT = audio seconds / wall seconds. Input: low noise (+-4 LSB), the emulator "
        "finds no speech. Servers run in child processes. The sink only reads frames, so it "
        "shows the client's own cost; 'encode inline' is a bare client that also builds each "
        "frame (the work any client must do) for scale.",
    ]
    if deflate is not None:
        negotiated = deflate.extra.get("deflate_negotiated")
        notes.append(f"- permessage-deflate negotiated with the emulator: {negotiated}.")
    if burst is not None:
        notes.append(
            f"- burst: {burst.extra['events']:,} events ({burst.extra['mix']}) pushed by a local "
            "server; timed from the trigger append until the last event reaches the app. "
            f"Added per event: {(burst.ours - burst.floor) / 1e3:.1f} µs."
        )
    ping = next((r for r in rows if r.measurement.startswith("ping")), None)
    if ping is not None:
        notes.append(
            "- ping-pong: one append out, one response.audio_transcript.text back; median RTT. "
            f"Added: {(ping.ours - ping.floor) / 1e3:.1f} µs."
        )
    notes.append(
        f"- import: wall of a fresh interpreter (`python -c pass` alone: {startup:.1f} ms); "
        "`import pydantic` is lazy (no BaseModel), so it is a low floor. *lazy: "
        "`import livetranslate` loads none of openai/numpy/soundfile/httpx/websockets/asyncio, "
        "`livetranslate.realtime` none of openai/numpy/soundfile/httpx."
    )
    notes.append(f"Total bench time: {time.perf_counter() - began:.0f} s.")
    print(render(rows, meta, notes))
    if args.json is not None:
        payload = {"meta": meta, "rows": [r.to_json() for r in rows], "notes": notes}
        args.json.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
