"""Inputs and settings of the file API: paths, bytes and arrays into a `MediaInput` (private).

File reads run in a worker thread; numpy arrays become 16-bit WAV through
`livetranslate.media.prepare_upload` (mono, at their own rate when the service takes it, else
16 kHz). Every problem is an [`AudioError`][livetranslate.exceptions.AudioError] (or a
`ConfigurationError` for a missing sample rate), raised before anything is sent.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from livetranslate import registry
from livetranslate._batch import Source
from livetranslate._urls import split_base_url
from livetranslate.exceptions import AudioError, ConfigurationError
from livetranslate.protocol.files import MediaInput, media_from_bytes, media_from_url, too_large

__all__ = ["check_base_url", "check_int", "check_seconds", "load_media"]


def _array_wav(array: np.ndarray[Any, Any], sample_rate: int | None) -> bytes:
    # One converter for arrays everywhere: livetranslate.media downmixes and resamples as needed.
    from livetranslate.media import prepare_upload

    if sample_rate is None:
        raise ConfigurationError("A numpy array needs its rate: pass sample_rate=16000 (or such).")
    return prepare_upload(array, sample_rate=sample_rate).data


def _read(path: Path, limit: int | None) -> bytes:
    try:
        if path.is_dir():
            raise AudioError(f"{path} is a directory, not a file.")
        size = path.stat().st_size
        if limit is not None and size > limit:
            raise too_large(path.name, size, limit)
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise AudioError(f"No such file: {path}.") from exc
    except PermissionError as exc:
        raise AudioError(f"Cannot read {path}: permission denied.") from exc


async def load_media(
    src: Source, *, format: str | None, sample_rate: int | None, model: str, limit: int | None
) -> MediaInput:
    """Describe one input for a request: a URL as is, anything local as a data URL.

    Raises:
        AudioError: A missing, empty, too large, unreadable or unsupported input.
        ConfigurationError: An array without a usable ``sample_rate``.
    """
    if isinstance(src, str) and urlsplit(src).scheme in ("http", "https"):
        return media_from_url(src, format=format, model=model)
    if isinstance(src, str | os.PathLike):
        path = Path(src)
        data = await asyncio.to_thread(_read, path, limit)
        return media_from_bytes(data, format=format, name=path.name, model=model, max_bytes=limit)
    if isinstance(src, bytes | bytearray | memoryview):
        return media_from_bytes(bytes(src), format=format, model=model, max_bytes=limit)
    if isinstance(src, np.ndarray):
        wav = await asyncio.to_thread(_array_wav, src, sample_rate)
        label = f"<array {len(src)} samples @ {sample_rate} Hz>"
        return media_from_bytes(wav, format="wav", name=label, model=model, max_bytes=limit)
    raise AudioError(
        f"Cannot translate a {type(src).__name__}: pass a URL, a file path, bytes or a numpy array."
    )


def check_int(name: str, value: object, minimum: int) -> None:
    """Raise `ConfigurationError` unless ``value`` is a whole number >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigurationError(f"{name} must be a whole number >= {minimum}, got {value!r}.")


def check_seconds(name: str, value: object) -> None:
    """Raise `ConfigurationError` unless ``value`` is a positive number of seconds."""
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ConfigurationError(f"{name} must be a positive number of seconds, got {value!r}.")


def check_base_url(base_url: object, *, region: str, workspace: str | None) -> str:
    """Return the OpenAI-compatible base URL: the given one (checked) or the region's."""
    if base_url is None:
        return registry.compatible_base_url(region=region, workspace=workspace)
    parts = split_base_url(
        base_url,
        schemes=("http", "https"),
        example="https://dashscope-intl.aliyuncs.com/compatible-mode/v1",
        no_query="the client adds /chat/completions to it.",
    )
    if parts.path.rstrip("/").endswith("/chat/completions"):
        raise ConfigurationError(
            "base_url is the base, without /chat/completions (e.g. "
            "'https://dashscope-intl.aliyuncs.com/compatible-mode/v1')."
        )
    return str(base_url).rstrip("/")
