"""``languages``, ``voices`` and ``cost``: planning commands that never touch the network."""

from __future__ import annotations

import argparse

from livetranslate import pricing, registry
from livetranslate._cli._table import print_json, print_table


def add_arguments(command: str, parser: argparse.ArgumentParser) -> None:
    """Declare the options of one planning subcommand."""
    default = registry.DEFAULT_REALTIME_MODEL
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
    model = registry.get_model(args.model)
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


def _cost(model: registry.ModelInfo, args: argparse.Namespace) -> int:
    est = pricing.estimate_cost(
        model=model.id,
        region=args.region,
        input_audio_seconds=args.audio_seconds,
        images=args.images,
        text_only=args.text_only,
    )
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
    print(
        f"total: {est.total:.6f} {est.currency}"
        + ("" if est.confirmed else "  (includes unconfirmed prices)")
    )
    for note in est.notes:
        print(f"note: {note}")
    return 0
