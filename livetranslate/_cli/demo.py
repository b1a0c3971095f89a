"""``demo`` and ``live``: interpret a recording, a video or a microphone with live subtitles.

Translated speech can be written to a WAV file (``--audio-out``) and played (``--play``), the
subtitles to SRT/WebVTT files (``--srt``, ``--vtt``, ``--bilingual``). Media modules load only
when a command runs, so ``livetranslate languages`` stays light.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sys
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from contextlib import AsyncExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from livetranslate import registry
from livetranslate._cli._subtitles import SubtitleFiles, SubtitleView
from livetranslate.exceptions import AudioError, ConfigurationError
from livetranslate.types import Modality

if TYPE_CHECKING:
    from livetranslate.media import AudioCollector, Camera, Microphone, Speaker, VideoSource
    from livetranslate.realtime import RealtimeSession

_DATA = Path(__file__).resolve().parent.parent / "testing" / "data"
SAMPLE_WAV = _DATA / "sample_zh.wav"
_EMULATOR_KEY = "sk-emulator-demo"  # the emulator accepts any key; not a secret
_VIDEO_SUFFIXES = frozenset({".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".flv", ".wmv"})


def add_arguments(command: str, parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``demo`` or ``live``."""
    if command == "live":
        parser.add_argument(
            "file",
            type=Path,
            nargs="?",
            default=None,
            help="recording to interpret: any audio file (WAV, MP3, FLAC, OGG, ...; any rate "
            "and channels) or a video (MP4, MOV, MKV, WebM; needs livetranslate[video])",
        )
        parser.add_argument(
            "--mic",
            action="store_true",
            help="interpret the microphone instead of a file, until Ctrl-C (needs "
            "livetranslate[mic])",
        )
        parser.add_argument(
            "--duration", type=float, default=None, help="with --mic: stop after this many seconds"
        )
        parser.add_argument(
            "--camera",
            nargs="?",
            const="",
            default=None,
            metavar="DEVICE",
            help="with --mic: also send camera frames (default device, or e.g. /dev/video1)",
        )
        parser.add_argument(
            "--fps", type=float, default=2.0, help="video/camera frames per second (at most 2)"
        )
        parser.add_argument(
            "--no-video", action="store_true", help="send only the audio track of a video file"
        )
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
    parser.add_argument("--play", action="store_true", help="play the translated speech")
    parser.add_argument("--srt", type=Path, default=None, help="write subtitles to this SRT file")
    parser.add_argument("--vtt", type=Path, default=None, help="write subtitles to this VTT file")
    parser.add_argument(
        "--bilingual", action="store_true", help="subtitle files: source line above translation"
    )


def run(command: str, args: argparse.Namespace) -> int:
    """Run ``demo`` or ``live``; returns the exit status."""
    if command == "live":
        if args.mic == (args.file is not None):
            raise ConfigurationError("Pass a recording to interpret, or --mic (not both).")
        if args.camera is not None and not args.mic:
            raise ConfigurationError("--camera goes with --mic; a video file brings its frames.")
        if args.file is not None and not args.file.is_file():
            raise ConfigurationError(
                f"No such file: {args.file}; pass the path of an audio or video recording."
            )
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


def _is_video(path: Path) -> bool:
    return path.suffix.lower() in _VIDEO_SUFFIXES


async def _check_input(path: Path) -> str:
    """Validate the recording before anything is sent; return a one-line description."""
    from livetranslate import media

    if _is_video(path):
        video = await asyncio.to_thread(media.probe_video, path)
        if not video.has_audio:
            raise AudioError(
                f"{path.name} has no audio track; the service translates speech, so pick a video "
                "with sound."
            )
        return f"video {video.width}x{video.height}, {video.duration_seconds:.1f} s"
    audio = await asyncio.to_thread(media.probe_audio, path)
    if audio.frames <= 0:
        raise AudioError(f"{path.name} contains no audio (0 samples); record or export it again.")
    return (
        f"{audio.format} {audio.sample_rate} Hz, {audio.channels} ch, "
        f"{audio.duration_seconds:.1f} s"
    )


async def _mic_chunks(
    mic: Microphone, duration: float | None, started: asyncio.Event
) -> AsyncIterator[bytes]:
    """The microphone's chunks, until Ctrl-C or ``duration`` seconds of audio."""
    loop = asyncio.get_running_loop()
    with _on_interrupt(loop, mic.stop):
        limit = None if duration is None else int(duration * mic.sample_rate) * 2
        sent = 0
        async for chunk in mic:
            if limit is not None and sent + len(chunk) >= limit:
                chunk = chunk[: limit - sent]
                mic.stop()
            sent += len(chunk)
            started.set()
            if chunk:
                yield chunk


@contextlib.contextmanager
def _on_interrupt(loop: asyncio.AbstractEventLoop, stop: Callable[[], None]) -> Iterator[None]:
    """While active, Ctrl-C calls ``stop`` (a clean finish) instead of raising."""
    try:
        loop.add_signal_handler(signal.SIGINT, stop)
    except (NotImplementedError, RuntimeError, ValueError):  # Windows, or not the main thread
        yield
        return
    try:
        yield
    finally:
        loop.remove_signal_handler(signal.SIGINT)


async def _camera_frames(
    session: RealtimeSession, camera: Camera, started: asyncio.Event, sent: list[int]
) -> None:
    await started.wait()  # the service rejects an image before any audio
    async for frame in camera:
        await session.send_image(frame.jpeg)
        sent[0] += 1


async def _run(command: str, args: argparse.Namespace) -> int:
    from livetranslate.media import AudioCollector, Camera, Microphone, Speaker, VideoSource
    from livetranslate.realtime import RealtimeSession

    emulated = (command == "demo" and not args.live) or (command == "live" and args.emulator)
    source_path: Path | None = SAMPLE_WAV if command == "demo" else args.file
    use_mic = command == "live" and args.mic
    source_language = "zh" if command == "demo" else args.source
    keywords = None if command == "demo" else _load_keywords(args.keywords)
    name = "mic" if source_path is None else source_path.stem
    audio_out = args.audio_out or Path(f"{name}.{args.target}.wav")
    modalities: tuple[Modality, ...] = ("text",) if args.text_only else ("text", "audio")
    described = "microphone" if source_path is None else await _check_input(source_path)
    files = SubtitleFiles(srt=args.srt, vtt=args.vtt, bilingual=args.bilingual)

    async with AsyncExitStack() as stack:
        mic: Microphone | None = None
        speaker: Speaker | None = None
        if use_mic:  # devices first: a missing extra fails before anything is sent
            mic = await stack.enter_async_context(Microphone())
            described = f"{mic.capture_rate} Hz input, sent at {mic.sample_rate} Hz"
        camera: Camera | None = None
        if use_mic and args.camera is not None:
            camera = await stack.enter_async_context(Camera(args.camera or None, fps=args.fps))
        if args.play:
            speaker = await stack.enter_async_context(Speaker())
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
        paced = not args.no_pace and not use_mic
        print(
            f"{session.config.model}: {source_path.name if source_path else 'microphone'} "
            f"[{described}] ({source_language or 'auto'} -> {session.config.target_language}), "
            f"{'paced' if paced else 'unpaced'}"
        )
        view = SubtitleView(
            source_label=source_language or "src", target_label=session.config.target_language
        )
        speech = AudioCollector()

        async def show() -> None:
            async for seg in session.segments(partial=True):
                view.show(seg)
                if seg.final:
                    files.add(seg)
                    speech.add(seg.audio, gap=0.3)  # 300 ms between utterances
                    if speaker is not None and seg.audio:
                        speaker.play(seg.audio)

        async with asyncio.TaskGroup() as tg:
            viewer = tg.create_task(show())
            if mic is not None:
                started, frames = asyncio.Event(), [0]
                camera_task = None
                if camera is not None:
                    camera_task = tg.create_task(_camera_frames(session, camera, started, frames))
                await session.stream(_mic_chunks(mic, args.duration, started), realtime=False)
                if camera_task is not None:
                    camera_task.cancel()
                    print(f"camera: {frames[0]} frames sent")
            else:
                assert source_path is not None
                source: Path | VideoSource = source_path
                if command == "live" and _is_video(source_path):
                    source = VideoSource(source_path, fps=args.fps, frames=not args.no_video)
                await session.stream(source, realtime=paced)
            summary = await session.finish()
            await viewer
        if speaker is not None:
            await speaker.drain()

    _report(speech, audio_out, files)
    print(
        f"segments: {summary.segments}, audio sent: {summary.audio_seconds_sent:.1f} s, "
        f"tokens: {summary.usage.total_tokens} ({summary.usage.input_tokens} in, "
        f"{summary.usage.output_tokens} out)"
    )
    cost = summary.cost
    print(f"estimated cost: {cost.describe()}")
    if emulated:
        print("(emulated run: nothing was sent to Alibaba Cloud)")
    sys.stdout.flush()
    return 0


def _report(speech: AudioCollector, audio_out: Path, files: SubtitleFiles) -> None:
    if len(speech):
        speech.write_wav(audio_out)
        print(f"translated speech: {audio_out} ({speech.seconds:.1f} s)")
    for path, cues in files.write():
        print(f"subtitles: {path} ({cues} cues)")
