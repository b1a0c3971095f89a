"""``languages``, ``voices`` and ``cost``: planning commands that never touch the network."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from livetranslate import pricing, registry
from livetranslate._cli._table import print_json, print_table
from livetranslate.exceptions import ConfigurationError


def add_arguments(command: str, parser: argparse.ArgumentParser) -> None:
    """Declare the options of one planning subcommand."""
    default = registry.DEFAULT_REALTIME_MODEL
    if command == "cost":
        parser.add_argument(
            "file",
            nargs="?",
            type=Path,
            default=None,
            help="audio or video file to estimate (reads its duration; video needs PyAV)",
        )
        parser.add_argument(
            "--model",
            "-m",
            default=None,
            help=f"model id or snapshot (default: {registry.DEFAULT_FILE_MODEL} for a FILE, "
            f"else {default})",
        )
    else:
        parser.add_argument(
            "--model", "-m", default=default, help=f"model id or snapshot (default: {default})"
        )
    parser.add_argument("--json", action="store_true", help="print JSON for scripts")
    if command == "cost":
        parser.add_argument(
            "--audio-seconds", type=float, default=0.0, help="seconds of input speech"
        )
        parser.add_argument("--region", default="intl", help="intl (Singapore) or cn (Beijing)")
        parser.add_argument(
            "--text-only", action="store_true", help="text output only (no translated speech)"
        )
        parser.add_argument("--images", type=int, default=0, help="camera frames sent (realtime)")


def run(command: str, args: argparse.Namespace) -> int:
    """Run one planning subcommand; returns the exit status."""
    name = args.model
    if name is None:  # only `cost` leaves it open: a FILE means the file model
        name = registry.DEFAULT_FILE_MODEL if args.file else registry.DEFAULT_REALTIME_MODEL
    model = registry.get_model(name)
    if command == "languages":
        return _languages(model, as_json=args.json)
    if command == "voices":
        return _voices(model, as_json=args.json)
    return _cost(model, args)


def _languages(model: registry.ModelInfo, *, as_json: bool) -> int:
    langs = registry.list_languages(model=model.id)
    if as_json:
        print_json(
            [{"code": x.code, "name": x.name, "speech_output": x.speech_output} for x in langs]
        )
        return 0
    speech = sum(1 for x in langs if x.speech_output)
    print(f"{model.id}: {len(langs)} languages, {speech} with speech output")
    print_table(
        ["code", "language", "output"],
        [(x.code, x.name, "text + speech" if x.speech_output else "text") for x in langs],
    )
    return 0


def _voices(model: registry.ModelInfo, *, as_json: bool) -> int:
    voices = registry.list_voices(model=model.id)
    if as_json:
        print_json(
            [
                {
                    "name": v.name,
                    "languages": sorted(v.languages),
                    "default": v.name == model.default_voice,
                    "documented": v.documented,
                    "description": v.description,
                }
                for v in voices
            ]
        )
        return 0
    print(f"{model.id}: {len(voices)} voices, default {model.default_voice}")
    rows = []
    for v in voices:
        flags = ("default " if v.name == model.default_voice else "") + (
            "" if v.documented else "(undocumented)"
        )
        rows.append((v.name, ", ".join(sorted(v.languages)), flags.strip()))
    print_table(["voice", "languages", ""], rows)
    return 0


def _media_info(path: Path) -> dict[str, Any]:
    """Return ``{"kind", "seconds"}``, plus ``width``, ``height``, ``fps``, ``frames`` for video."""
    from livetranslate.media import probe_audio, probe_video
    from livetranslate.protocol.files import format_from_name, sniff_format

    if not path.is_file():
        raise ConfigurationError(f"No such file: {path}.")
    with path.open("rb") as fh:
        head = fh.read(64)
    fmt = sniff_format(head) or format_from_name(path.name)
    if fmt is None:
        raise ConfigurationError(
            f"Cannot tell what kind of file {path.name} is; pass an audio or video file, or use "
            "--audio-seconds N."
        )
    if fmt.kind == "audio":
        return {"kind": "audio", "seconds": probe_audio(path).duration_seconds}
    video = probe_video(path)
    return {
        "kind": "video",
        "seconds": video.duration_seconds,
        "width": video.width,
        "height": video.height,
        "fps": video.fps,
        "frames": video.frames,
    }


def _cost(model: registry.ModelInfo, args: argparse.Namespace) -> int:
    media = _media_info(args.file) if args.file is not None else None
    if media is not None and media["kind"] == "video":
        est = pricing.estimate_cost(
            model=model.id,
            region=args.region,
            video_seconds=media["seconds"],
            video_size=(media["width"], media["height"]),
            video_fps=media["fps"],
            text_only=args.text_only,
        )
    else:
        seconds = media["seconds"] if media is not None else args.audio_seconds
        est = pricing.estimate_cost(
            model=model.id,
            region=args.region,
            input_audio_seconds=seconds,
            images=args.images,
            text_only=args.text_only,
        )
    if media is not None and not args.json:
        extra = ""
        if media["kind"] == "video":
            extra = f", {media['width']}x{media['height']} at {media['fps']:g} fps"
        print(f"{args.file.name}: {media['kind']}, {media['seconds']:.1f} s{extra}")
    if args.json:
        print_json(
            {
                "model": est.model,
                "region": est.region,
                "currency": est.currency,
                "tokens": est.tokens.as_dict(),
                "cost_by_kind": {k: str(v) for k, v in est.by_kind.items()},
                "total": str(est.total),
                "confirmed": est.confirmed,
                "notes": list(est.notes),
                **({"file": {"path": str(args.file), **media}} if media is not None else {}),
            }
        )
        return 0
    print(f"{est.model}, region {est.region}: estimated cost in {est.currency}")
    rows = [(kind, f"{est.by_kind[kind]:.6f}") for kind in est.by_kind]
    print_table(["kind", est.currency], rows)
    print(
        f"tokens: {est.tokens.total_tokens} ({est.tokens.input_tokens} in, "
        f"{est.tokens.output_tokens} out)"
    )
    print(f"total: {est.describe()}")
    for note in est.notes:
        print(f"note: {note}")
    return 0
