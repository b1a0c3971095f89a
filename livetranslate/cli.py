"""The ``livetranslate`` command.

Subcommands: ``demo``, ``live``, ``file``, ``batch``, ``serve``, ``languages``, ``voices``,
``cost``. Each subcommand lives in a private module under ``livetranslate._cli`` and is imported
only when it runs, so ``livetranslate languages`` never loads websockets, openai or numpy.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from collections.abc import Sequence
from importlib import import_module
from typing import TextIO

from livetranslate._version import __version__
from livetranslate.exceptions import ConfigurationError, LiveTranslateError, MediaError

__all__ = ["main"]

# subcommand -> (module under livetranslate._cli, one-line help)
_COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("demo", "interpret the bundled sample against the local emulator (no key needed)"),
    "live": ("demo", "interpret a WAV file in real time (emulator or the real service)"),
    "file": ("files", "translate one audio or video file, printing the text as it streams"),
    "batch": ("files", "translate many files concurrently, resumable through a results file"),
    "serve": ("serve", "run the local emulator of the service"),
    "languages": ("info", "list a model's languages"),
    "voices": ("info", "list a model's voices"),
    "cost": ("info", "estimate tokens and money before running"),
}


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="livetranslate",
        description="Qwen LiveTranslate from the command line: interpret, translate, plan.",
    )
    parser.add_argument("--version", action="version", version=f"livetranslate {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module, help_text) in _COMMANDS.items():
        mod = import_module(f"livetranslate._cli.{module}")
        sp = sub.add_parser(name, help=help_text, description=help_text)
        mod.add_arguments(name, sp)
    return parser


def _show_note(
    message: Warning | str,
    category: type[Warning],
    filename: str,
    lineno: int,
    file: TextIO | None = None,
    line: str | None = None,
) -> None:
    print(f"note: {message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Args:
        argv: Arguments without the program name; defaults to ``sys.argv[1:]``.

    Returns:
        The exit status: 0 on success, 2 for bad input (with a suggestion), 1 for other errors.
    """
    parser = _build_parser()
    args = parser.parse_args(argv)
    module, _ = _COMMANDS[args.command]
    runner = import_module(f"livetranslate._cli.{module}")
    try:
        with warnings.catch_warnings():
            # Warnings (e.g. an option the model ignores) read as notes, not as tracebacks.
            warnings.simplefilter("default")
            warnings.showwarning = _show_note
            return int(runner.run(args.command, args))
    except (ConfigurationError, MediaError) as exc:  # bad input: say what to change
        print(f"livetranslate {args.command}: {exc}", file=sys.stderr)
        return 2
    except LiveTranslateError as exc:
        print(f"livetranslate {args.command}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (e.g. `| head`): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover - exercised through the console script
    sys.exit(main())
