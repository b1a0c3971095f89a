"""``serve``: run the local emulator of the service until interrupted."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from livetranslate.exceptions import ConfigurationError


def add_arguments(command: str, parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``serve``."""
    parser.add_argument("--host", default="127.0.0.1", help="interface (default: 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8765, help="port (0 = any free port)")
    parser.add_argument(
        "--api-key", default=None, help="accept only this key (default: any non-empty key)"
    )
    parser.add_argument(
        "--latency", type=float, default=2.8, help="translation latency in seconds (default 2.8)"
    )
    parser.add_argument(
        "--script", type=Path, default=None, help="JSON script of utterances and translations"
    )


def run(command: str, args: argparse.Namespace) -> int:
    """Serve until interrupted; returns the exit status."""
    return asyncio.run(_serve(args))


async def _serve(args: argparse.Namespace) -> int:
    try:
        from livetranslate.testing import Emulator, Script
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ConfigurationError(
            "The emulator needs uvicorn: pip install 'livetranslate[emulator]'."
        ) from exc
    script = Script.from_file(args.script) if args.script else Script.sample()
    async with Emulator(
        host=args.host, port=args.port, api_key=args.api_key, latency=args.latency, script=script
    ) as emu:
        print(f"realtime (WebSocket): {emu.realtime_url}", flush=True)
        print(f"file API (HTTP):      {emu.base_url}", flush=True)
        print("emulating the Qwen LiveTranslate service; Ctrl-C to stop", flush=True)
        await asyncio.Event().wait()
    return 0  # pragma: no cover - only reached by cancellation
