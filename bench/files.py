"""Batch throughput of FileTranslator.translate_many versus a bare AsyncOpenAI loop.

Both send the same requests (the same tiny WAV files as data URLs, the same options, streamed,
with usage) at the same concurrency to one emulator running in a subprocess (so the server does
not share the client's core), and both fold the whole stream (text, audio, usage). Rounds
alternate between the two and the best of each is compared; the ratio is printed from this one
run:

    python bench/files.py [--files 200] [--concurrency 16] [--rounds 3] [--speech]

A ratio near 1.0 means the SDK (validation, retries policy, the rate limiter, the pure reducer,
results bookkeeping) costs nothing noticeable next to the HTTP client itself.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import io
import os
import subprocess
import sys
import tempfile
import time
import wave
from pathlib import Path
from typing import Any

import openai

from livetranslate.files import FileTranslator

KEY = "sk-bench"
MODEL = "qwen3-livetranslate-flash"


def make_files(folder: Path, count: int) -> list[Path]:
    paths = []
    for n in range(count):
        out = io.BytesIO()
        with wave.open(out, "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(16000)
            wav.writeframes(int(n % 30000).to_bytes(2, "little", signed=True) * 1600)  # 0.1 s
        path = folder / f"clip{n:04d}.wav"
        path.write_bytes(out.getvalue())
        paths.append(path)
    return paths


def start_emulator() -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "livetranslate", "serve", "--port", "0", "--latency", "0"],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith("file API (HTTP):"):
            return proc, line.split(":", 1)[1].strip()
    raise RuntimeError("the emulator did not start")


async def ours(base_url: str, paths: list[Path], concurrency: int, speech: bool) -> float:
    async with FileTranslator(api_key=KEY, base_url=base_url) as ft:
        started = time.perf_counter()
        summary = await ft.translate_many(
            [str(p) for p in paths],
            target_language="en",
            modalities=("text", "audio") if speech else ("text",),
            concurrency=concurrency,
            requests_per_minute=None,
            audio_dir=tempfile.mkdtemp() if speech else None,
        )
        elapsed = time.perf_counter() - started
    assert summary.done == len(paths), summary.describe()
    return elapsed


async def bare(base_url: str, paths: list[Path], concurrency: int, speech: bool) -> float:
    client = openai.AsyncOpenAI(api_key=KEY, base_url=base_url, max_retries=0)
    gate = asyncio.Semaphore(concurrency)
    extra: dict[str, Any] = {"audio": {"voice": "Cherry", "format": "wav"}} if speech else {}

    async def one(path: Path) -> tuple[str, bytes, Any]:
        async with gate:
            raw = await asyncio.to_thread(path.read_bytes)  # as the SDK reads files
            data = base64.b64encode(raw).decode("ascii")
            stream = await client.chat.completions.create(
                model=MODEL,
                messages=[
                    {
                        "role": "user",
                        "content": [
                            {
                                "type": "input_audio",
                                "input_audio": {
                                    "data": f"data:audio/wav;base64,{data}",
                                    "format": "wav",
                                },
                            }
                        ],
                    }
                ],
                modalities=["text", "audio"] if speech else ["text"],
                stream=True,
                stream_options={"include_usage": True},
                extra_body={"translation_options": {"target_lang": "en"}},
                **extra,
            )
            text, audio, usage = [], [], None
            async for chunk in stream:
                if chunk.choices:
                    delta = chunk.choices[0].delta
                    text.append(delta.content or "")
                    piece: Any = getattr(delta, "audio", None)
                    if piece is not None:
                        audio.append(piece["data"] if isinstance(piece, dict) else piece.data)
                if chunk.usage is not None:
                    usage = chunk.usage
            return "".join(text), base64.b64decode("".join(audio)), usage

    started = time.perf_counter()
    results = await asyncio.gather(*(one(p) for p in paths))
    elapsed = time.perf_counter() - started
    await client.close()
    assert all(r[2] is not None for r in results)
    return elapsed


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--speech", action="store_true", help="text and speech output")
    args = parser.parse_args()
    proc, base_url = start_emulator()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            paths = make_files(Path(tmp), args.files)
            await bare(base_url, paths[:20], args.concurrency, args.speech)  # warm up both
            await ours(base_url, paths[:20], args.concurrency, args.speech)
            mine, theirs = [], []
            for _ in range(args.rounds):
                mine.append(await ours(base_url, paths, args.concurrency, args.speech))
                theirs.append(await bare(base_url, paths, args.concurrency, args.speech))
    finally:
        proc.terminate()
        proc.wait()
    best_mine, best_theirs = min(mine), min(theirs)
    output = "text+speech" if args.speech else "text"
    n = args.files
    print(f"{n} files, concurrency {args.concurrency}, {output} output, best of {args.rounds}")
    print(f"  FileTranslator.translate_many: {best_mine:.3f} s ({n / best_mine:.0f} files/s)")
    print(f"  bare AsyncOpenAI loop:         {best_theirs:.3f} s ({n / best_theirs:.0f} files/s)")
    print(f"  ratio (ours / bare): {best_mine / best_theirs:.2f}x")


if __name__ == "__main__":
    asyncio.run(main())
