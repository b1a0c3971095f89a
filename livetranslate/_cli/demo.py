"""``demo`` and ``live``: interpret a recording in real time with live subtitles."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import wave
from collections.abc import Mapping
from contextlib import AsyncExitStack
from pathlib import Path

from livetranslate import registry
from livetranslate._cli._subtitles import SubtitleView
from livetranslate.exceptions import ConfigurationError
from livetranslate.types import Modality

_DATA = Path(__file__).resolve().parent.parent / "testing" / "data"
SAMPLE_WAV = _DATA / "sample_zh.wav"
_EMULATOR_KEY = "sk-emulator-demo"  # the emulator accepts any key; not a secret


def add_arguments(command: str, parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``demo`` or ``live``."""
    if command == "live":
        parser.add_argument("file", type=Path, help="recording to interpret (WAV, mono)")
        parser.add_argument("--from", dest="source", default=None, help="source language code")
        parser.add_argument(
            "--keywords", type=Path, default=None, help='JSON glossary {"term": "rendering"}'
        )
        parser.add_argument(
            "--base-url", default=None, help="WebSocket endpoint (e.g. from `livetranslate serve`)"
        )
        parser.add_argument("--region", default="intl", help="intl (Singapore) or cn (Beijing)")
        parser.add_argument("--workspace", default=None, help="workspace id (workspace hosts)")
        parser.add_argument(
            "--emulator", action="store_true", help="run against an in-process emulator"
        )
    else:
        parser.add_argument(
            "--live",
            action="store_true",
            help="use the real service (needs DASHSCOPE_API_KEY) instead of the emulator",
        )
        parser.add_argument(
            "--latency", type=float, default=1.5, help="emulated translation latency, seconds"
        )
    parser.add_argument("--to", dest="target", default="en", help="target language (default: en)")
    parser.add_argument(
        "--model", "-m", default=registry.DEFAULT_REALTIME_MODEL, help="realtime model id"
    )
    parser.add_argument("--voice", default=None, help="voice for translated speech")
    parser.add_argument("--text-only", action="store_true", help="no translated speech")
    parser.add_argument(
        "--audio-out",
        type=Path,
        default=None,
        help="where to write translated speech (default: <input>.<to>.wav in the current folder)",
    )
    parser.add_argument("--no-pace", action="store_true", help="send audio as fast as possible")


def run(command: str, args: argparse.Namespace) -> int:
    """Run ``demo`` or ``live``; returns the exit status."""
    path: Path = SAMPLE_WAV if command == "demo" else args.file
    if not path.is_file():
        raise ConfigurationError(f"No such file: {path}; pass the path of a WAV recording.")
    return asyncio.run(_run(command, args))


def _load_keywords(path: Path | None) -> Mapping[str, str] | None:
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigurationError(f"Cannot read keywords file {path}: {exc}.") from exc
    if not isinstance(data, dict):
        raise ConfigurationError(f'{path} must hold a JSON object {{"term": "rendering"}}.')
    return data


def _write_wav(path: Path, pcm: bytes, sample_rate: int = 24000) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(sample_rate)
        out.writeframes(pcm)


async def _run(command: str, args: argparse.Namespace) -> int:
    from livetranslate.realtime import RealtimeSession

    emulated = (command == "demo" and not args.live) or (command == "live" and args.emulator)
    source_path: Path = SAMPLE_WAV if command == "demo" else args.file
    source_language = "zh" if command == "demo" else args.source
    keywords = None if command == "demo" else _load_keywords(args.keywords)
    audio_out = args.audio_out or Path(f"{source_path.stem}.{args.target}.wav")
    modalities: tuple[Modality, ...] = ("text",) if args.text_only else ("text", "audio")

    async with AsyncExitStack() as stack:
        options: dict[str, object] = {}
        if emulated:
            try:
                from livetranslate.testing import Emulator, Script
            except ImportError as exc:  # pragma: no cover - depends on the install
                raise ConfigurationError(
                    "The emulator needs uvicorn: pip install 'livetranslate[emulator]'."
                ) from exc
            latency = args.latency if command == "demo" else 1.5
            emu = await stack.enter_async_context(Emulator(script=Script.sample(), latency=latency))
            options = {"base_url": emu.realtime_url, "api_key": _EMULATOR_KEY}
            print("EMULATED: translations come from a local script, not from the Qwen service.")
            print(f"emulator: {emu.realtime_url}")
        elif command == "live":
            options = {
                "base_url": args.base_url,
                "region": args.region,
                "workspace": args.workspace,
            }
            if args.base_url and not os.environ.get("DASHSCOPE_API_KEY"):
                options["api_key"] = _EMULATOR_KEY
        session = await stack.enter_async_context(
            RealtimeSession(
                model=args.model,
                source_language=source_language,
                target_language=args.target,
                modalities=modalities,
                voice=args.voice,
                keywords=keywords,
                **options,  # type: ignore[arg-type]
            )
        )
        print(
            f"{session.config.model}: {source_path.name} ({source_language or 'auto'} -> "
            f"{session.config.target_language}), {'paced' if not args.no_pace else 'unpaced'}"
        )
        view = SubtitleView(
            source_label=source_language or "src", target_label=session.config.target_language
        )
        audio = bytearray()

        async def show() -> None:
            async for seg in session.segments(partial=True):
                view.show(seg)
                if seg.final and seg.audio:
                    if audio:
                        audio.extend(b"\x00\x00" * 7200)  # 300 ms between utterances
                    audio.extend(seg.audio)

        async with asyncio.TaskGroup() as tg:
            viewer = tg.create_task(show())
            await session.stream(source_path, realtime=not args.no_pace)
            summary = await session.finish()
            await viewer

    if audio:
        _write_wav(audio_out, bytes(audio))
        print(f"translated speech: {audio_out} ({len(audio) / 48000:.1f} s)")
    print(
        f"segments: {summary.segments}, audio sent: {summary.audio_seconds_sent:.1f} s, "
        f"tokens: {summary.usage.total_tokens} ({summary.usage.input_tokens} in, "
        f"{summary.usage.output_tokens} out)"
    )
    cost = summary.cost
    flag = "" if cost.confirmed else " (includes unconfirmed prices)"
    print(f"estimated cost: {cost.total:.6f} {cost.currency}{flag}")
    if emulated:
        print("(emulated run: nothing was sent to Alibaba Cloud)")
    sys.stdout.flush()
    return 0
