"""Translate a recorded file, printing the translation as it streams; optionally save the speech.

    python examples/translate_file.py talk.mp3 --target en --save-audio talk.en.wav

The key comes from DASHSCOPE_API_KEY. To run against the local emulator instead of the service,
start it (`livetranslate serve`) and set LIVETRANSLATE_BASE_URL to its file API base URL, e.g.
http://127.0.0.1:8765/compatible-mode/v1 (any key works there). Without a file argument, the
bundled Mandarin sample is used.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import wave
from pathlib import Path

from livetranslate.exceptions import LiveTranslateError
from livetranslate.files import (
    FileTranslator,
    TranslationAudioDelta,
    TranslationTextDelta,
    TranslationUsage,
)

SAMPLE = Path(__file__).resolve().parent.parent / "livetranslate" / "testing" / "data"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Translate an audio or video file.")
    parser.add_argument("file", nargs="?", default=str(SAMPLE / "sample_zh.wav"))
    parser.add_argument("--source", default=None, help="source language (default: detect)")
    parser.add_argument("--target", default="en")
    parser.add_argument("--voice", default=None, help="voice for translated speech")
    parser.add_argument("--save-audio", type=Path, help="also translate to speech, saved here")
    return parser.parse_args(argv)


async def translate(args: argparse.Namespace) -> int:
    base_url = os.environ.get("LIVETRANSLATE_BASE_URL") or None
    api_key = os.environ.get("DASHSCOPE_API_KEY") or ("sk-emulator" if base_url else None)
    speech = args.save_audio is not None
    pcm = bytearray()

    async with FileTranslator(api_key=api_key, base_url=base_url) as ft:
        async for event in ft.stream(
            args.file,
            target_language=args.target,
            source_language=args.source,
            modalities=("text", "audio") if speech else ("text",),
            voice=args.voice,
        ):
            if isinstance(event, TranslationTextDelta):
                print(event.text, end="", flush=True)
            elif isinstance(event, TranslationAudioDelta):
                pcm.extend(event.pcm)
            elif isinstance(event, TranslationUsage):
                cost = event.cost
                print(
                    f"\n\n{event.usage.total_tokens} tokens ({event.usage.input_tokens} in, "
                    f"{event.usage.output_tokens} out), about {cost.total:.4f} {cost.currency}"
                    + ("" if cost.confirmed else " (unconfirmed prices)")
                )

    if args.save_audio is not None and pcm:
        with wave.open(str(args.save_audio), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(24000)
            out.writeframes(bytes(pcm))
        print(f"translated speech ({len(pcm) / 48000:.1f} s) written to {args.save_audio}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        return asyncio.run(translate(args))
    except LiveTranslateError as exc:
        print(f"error: {type(exc).__name__}: {exc}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
