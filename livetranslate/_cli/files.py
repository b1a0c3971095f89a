"""``file`` and ``batch``: translate recorded audio and video files over the file API."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import wave
from pathlib import Path
from typing import TYPE_CHECKING, TextIO
from urllib.parse import urlsplit

from livetranslate import registry
from livetranslate.exceptions import ConfigurationError
from livetranslate.types import Modality

if TYPE_CHECKING:
    from livetranslate.files import BatchProgress, FileTranslator

_EMULATOR_KEY = "sk-emulator-cli"  # used only with --base-url and no key set; not a secret


def add_arguments(command: str, parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``file`` or ``batch``."""
    if command == "file":
        parser.add_argument("src", help="audio or video file, or an http(s) URL")
        parser.add_argument(
            "--audio-out", type=Path, default=None, help="write translated speech to this WAV"
        )
    else:
        parser.add_argument("src", nargs="*", help="audio or video files, or http(s) URLs")
        parser.add_argument(
            "--manifest", type=Path, default=None, help="file with one path or URL per line"
        )
        parser.add_argument(
            "--out", type=Path, required=True, help="JSON Lines results file (appended; resumes)"
        )
        parser.add_argument("--concurrency", type=int, default=8, help="requests in flight")
        parser.add_argument(
            "--speech", action="store_true", help="also produce translated speech (WAV files)"
        )
        parser.add_argument(
            "--audio-dir", type=Path, default=None, help="where speech goes (default: OUT.audio/)"
        )
        parser.add_argument(
            "--rpm", type=int, default=100, help="requests per minute (0 = no limit; default 100)"
        )
    parser.add_argument("--to", dest="target", default="en", help="target language (default: en)")
    parser.add_argument("--from", dest="source", default=None, help="source language (or auto)")
    parser.add_argument("--voice", default=None, help="voice for translated speech")
    parser.add_argument("--format", default=None, help="input format if not recognisable")
    parser.add_argument(
        "--model", "-m", default=registry.DEFAULT_FILE_MODEL, help="file model id or snapshot"
    )
    parser.add_argument("--base-url", default=None, help="OpenAI-compatible base URL")
    parser.add_argument("--region", default="intl", help="intl (Singapore) or cn (Beijing)")
    parser.add_argument("--workspace", default=None, help="workspace id (workspace hosts)")


def run(command: str, args: argparse.Namespace) -> int:
    """Run ``file`` or ``batch``; returns the exit status."""
    if command == "file":
        return asyncio.run(_file(args))
    return asyncio.run(_batch(args))


def _translator(args: argparse.Namespace) -> FileTranslator:
    from livetranslate.files import FileTranslator

    key = None
    if args.base_url and not os.environ.get("DASHSCOPE_API_KEY"):
        key = _EMULATOR_KEY  # an emulator (or a proxy holding the key) accepts any key
    return FileTranslator(
        api_key=key,
        model=args.model,
        region=args.region,
        workspace=args.workspace,
        base_url=args.base_url,
    )


async def _file(args: argparse.Namespace) -> int:
    from livetranslate.files import TranslationAudioDelta, TranslationTextDelta

    speech = args.audio_out is not None or args.voice is not None
    modalities: tuple[Modality, ...] = ("text", "audio") if speech else ("text",)
    audio = bytearray()
    async with _translator(args) as ft:
        usage = None
        async for event in ft.stream(
            args.src,
            target_language=args.target,
            source_language=args.source,
            modalities=modalities,
            voice=args.voice,
            format=args.format,
        ):
            if isinstance(event, TranslationTextDelta):
                sys.stdout.write(event.text)
                sys.stdout.flush()
            elif isinstance(event, TranslationAudioDelta):
                audio.extend(event.pcm)
            else:
                usage = event
    sys.stdout.write("\n")
    sys.stdout.flush()
    if speech:
        out = args.audio_out or Path(f"{_stem(args.src)}.{args.target}.wav")
        out.parent.mkdir(parents=True, exist_ok=True)
        with wave.open(str(out), "wb") as wav:
            wav.setnchannels(1)
            wav.setsampwidth(2)
            wav.setframerate(24000)
            wav.writeframes(bytes(audio))
        print(f"translated speech: {out} ({len(audio) / 48000:.1f} s)", file=sys.stderr)
    if usage is not None:
        print(
            f"tokens: {usage.usage.total_tokens} ({usage.usage.input_tokens} in, "
            f"{usage.usage.output_tokens} out); estimated cost: {usage.cost.describe()}",
            file=sys.stderr,
        )
    return 0


def _stem(src: str) -> str:
    path = urlsplit(src).path if "://" in src else src
    return Path(path).stem or "translation"


def _sources(args: argparse.Namespace) -> list[str]:
    items = list(args.src)
    if args.manifest is not None:
        try:
            lines = args.manifest.read_text(encoding="utf-8").splitlines()
        except OSError as exc:
            raise ConfigurationError(f"Cannot read the manifest {args.manifest}: {exc}.") from exc
        base = args.manifest.resolve().parent
        for line in lines:
            entry = line.strip()
            if not entry or entry.startswith("#"):
                continue
            if "://" not in entry and not Path(entry).is_absolute():
                entry = str(base / entry)
            items.append(entry)
    if not items:
        raise ConfigurationError("Nothing to translate: pass files or URLs, or --manifest FILE.")
    return items


class _ProgressBar:
    """A one-line progress bar on a terminal; a line per tenth of the work otherwise."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total = total
        self.stream = stream
        self.tty = stream.isatty()
        self.step = max(1, total // 10)

    def update(self, progress: BatchProgress) -> None:
        n = progress.finished
        if not self.tty and n % self.step and n != self.total:
            return
        width = 30
        filled = width * n // max(self.total, 1)
        bar = "#" * filled + "-" * (width - filled)
        line = (
            f"[{bar}] {n}/{self.total}  done {progress.done}  failed {progress.failed}  "
            f"skipped {progress.skipped}  tokens {progress.usage.total_tokens}"
        )
        if self.tty:
            self.stream.write("\r" + line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def close(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


async def _batch(args: argparse.Namespace) -> int:
    sources = _sources(args)
    speech = args.speech or args.voice is not None
    modalities: tuple[Modality, ...] = ("text", "audio") if speech else ("text",)
    bar = _ProgressBar(len(sources), sys.stderr)
    async with _translator(args) as ft:
        try:
            summary = await ft.translate_many(
                sources,
                target_language=args.target,
                source_language=args.source,
                modalities=modalities,
                voice=args.voice,
                concurrency=args.concurrency,
                results_path=args.out,
                audio_dir=args.audio_dir,
                requests_per_minute=args.rpm or None,
                format=args.format,
                on_progress=bar.update,
            )
        finally:
            bar.close()
    print(summary.describe())
    print(f"results: {args.out}")
    if not summary.ok:
        print(
            "rerun the same command to retry what failed; finished items are skipped",
            file=sys.stderr,
        )
        return 1
    return 0
