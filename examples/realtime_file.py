"""Interpret a WAV file with a realtime session and print each translated utterance.

    python examples/realtime_file.py talk.wav --source zh --target en --save-audio out.wav

The key comes from DASHSCOPE_API_KEY. To run against the local emulator instead of the service,
start it (`livetranslate serve`) and set LIVETRANSLATE_BASE_URL to its realtime URL, e.g.
ws://127.0.0.1:8765/api-ws/v1/realtime (any key works there). Without a file argument, the
bundled Mandarin sample is used.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

import numpy as np
import soundfile

from livetranslate.exceptions import LiveTranslateError
from livetranslate.protocol import Segment
from livetranslate.realtime import RealtimeSession

SAMPLE = Path(__file__).resolve().parent.parent / "livetranslate" / "testing" / "data"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Interpret a WAV file with a realtime session.")
    parser.add_argument("audio", nargs="?", default=str(SAMPLE / "sample_zh.wav"))
    parser.add_argument("--model", default="qwen3.5-livetranslate-flash-realtime")
    parser.add_argument("--source", default=None, help="source language (default: detect)")
    parser.add_argument("--target", default="en")
    parser.add_argument("--text-only", action="store_true", help="no translated speech")
    parser.add_argument("--fast", action="store_true", help="send unpaced, not in real time")
    parser.add_argument("--save-audio", type=Path, help="write the translated speech here")
    return parser.parse_args(argv)


async def interpret(args: argparse.Namespace) -> int:
    base_url = os.environ.get("LIVETRANSLATE_BASE_URL") or None
    api_key = os.environ.get("DASHSCOPE_API_KEY") or ("sk-emulator" if base_url else None)
    speech: list[bytes] = []

    async with RealtimeSession(
        model=args.model,
        source_language=args.source,
        target_language=args.target,
        modalities=("text",) if args.text_only else ("text", "audio"),
        api_key=api_key,
        base_url=base_url,
    ) as session:

        async def show() -> None:
            segment: Segment
            async for segment in session.segments():
                start = (segment.start_ms or 0) / 1000
                print(f"[{start:7.2f}s] {segment.source_text}")
                print(f"           -> {segment.translated_text}")
                speech.append(segment.audio)

        async with asyncio.TaskGroup() as tasks:
            tasks.create_task(show())
            seconds = await session.stream(args.audio, realtime=not args.fast)
            summary = await session.finish()

    print(
        f"\n{summary.segments} utterances from {seconds:.1f} s of audio in "
        f"{summary.duration_seconds:.1f} s; {summary.usage.total_tokens} tokens, about "
        f"{summary.cost.total:.4f} {summary.cost.currency}"
    )
    if args.save_audio and any(speech):
        pcm = np.frombuffer(b"".join(speech), dtype="<i2")
        soundfile.write(args.save_audio, pcm, 24000, subtype="PCM_16")
        print(f"translated speech written to {args.save_audio}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return asyncio.run(interpret(args))
    except* LiveTranslateError as group:  # also unwraps errors raised inside the TaskGroup
        for exc in group.exceptions:
            print(f"error: {exc}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
