"""Input files for the file API: formats, magic bytes, data URLs (private; see ``protocol.files``).

Pure: bytes and strings in, checked [`MediaInput`][livetranslate.protocol.files.MediaInput]s
out. Re-exported by [`livetranslate.protocol.files`][].
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from typing import Any, Literal, TypeAlias
from urllib.parse import urlsplit

from livetranslate import registry
from livetranslate.exceptions import AudioError

__all__ = [
    "VIDEO_FORMATS",
    "MediaFormat",
    "MediaInput",
    "MediaKind",
    "data_url",
    "format_from_name",
    "media_from_bytes",
    "media_from_url",
    "sniff_format",
    "too_large",
]

MediaKind: TypeAlias = Literal["audio", "video"]
"""Whether an input is sent as ``input_audio`` or as ``video_url``."""

VIDEO_FORMATS: tuple[str, ...] = ("mp4", "mov", "m4v", "webm", "mkv", "avi", "flv")
"""Video containers accepted as ``video_url`` (the service reads the audio track and frames)."""

_EXTENSION_ALIASES = {"wave": "wav", "mpeg": "mp3", "mpga": "mp3", "oga": "ogg", "qt": "mov"}
_ASF = b"\x30\x26\xb2\x75\x8e\x66\xcf\x11"


@dataclass(frozen=True, slots=True)
class MediaFormat:
    """A file format the service accepts.

    Attributes:
        name: The format name, e.g. ``"wav"``, ``"mp3"``, ``"mp4"`` (sent as
            ``input_audio.format`` for audio).
        kind: ``"audio"`` or ``"video"``.
    """

    name: str
    kind: MediaKind

    @property
    def mime(self) -> str:
        """The media type used in data URLs: ``<kind>/<name>`` (the documented form)."""
        return f"{self.kind}/{self.name}"


def _audio_formats(model: str | registry.ModelInfo) -> tuple[str, ...]:
    return registry.get_model(model).input_audio_formats


def _known(name: str, model: str | registry.ModelInfo) -> MediaFormat | None:
    key = name.strip().lower().lstrip(".")
    key = _EXTENSION_ALIASES.get(key, key)
    if key in _audio_formats(model):
        return MediaFormat(key, "audio")
    if key in VIDEO_FORMATS:
        return MediaFormat(key, "video")
    return None


def _supported(model: str | registry.ModelInfo) -> str:
    return (
        f"audio: {', '.join(_audio_formats(model))}; video: {', '.join(VIDEO_FORMATS)}"
        " (or pass a public http(s) URL)"
    )


def sniff_format(data: bytes) -> MediaFormat | None:
    """Recognise a file format from its first bytes (magic numbers).

    Args:
        data: The file's content (the first 64 bytes are enough).

    Returns:
        The format, or None when the bytes match no supported format.
    """
    head = bytes(data[:64])
    found: tuple[str, MediaKind] | None = None
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        found = ("wav", "audio")
    elif head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        found = ("avi", "video")
    elif head[:4] == b"fLaC":
        found = ("flac", "audio")
    elif head[:4] == b"OggS":
        found = ("opus", "audio") if b"OpusHead" in head else ("ogg", "audio")
    elif head[:5] == b"#!AMR":
        found = ("amr", "audio")
    elif head[:3] == b"ID3":
        found = ("mp3", "audio")
    elif len(head) >= 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0:
        # MPEG audio frame sync; layer bits 00 mean an AAC ADTS header instead
        found = ("aac", "audio") if head[1] & 0x06 == 0 else ("mp3", "audio")
    elif head[:8] == _ASF:
        found = ("wma", "audio")
    elif head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in (b"M4A ", b"M4B "):
            found = ("m4a", "audio")
        elif brand == b"qt  ":
            found = ("mov", "video")
        elif brand == b"M4V ":
            found = ("m4v", "video")
        else:
            found = ("mp4", "video")
    elif head[:4] == b"\x1a\x45\xdf\xa3":
        found = ("webm", "video") if b"webm" in head else ("mkv", "video")
    elif head[:3] == b"FLV":
        found = ("flv", "video")
    return MediaFormat(*found) if found else None


def format_from_name(
    name: str, *, model: str | registry.ModelInfo = registry.DEFAULT_FILE_MODEL
) -> MediaFormat | None:
    """Return the format a file name or URL path implies by its extension.

    Args:
        name: A file name, path or URL path (``"talk.MP3"``, ``"/v/clip.mp4"``).
        model: The file model (its accepted audio formats).

    Returns:
        The format, or None for an unknown or missing extension.
    """
    base = name.rsplit("/", 1)[-1]
    if "." not in base:
        return None
    return _known(base.rsplit(".", 1)[-1], model)


def _size(n: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= scale:
            return f"{n / scale:.1f} {unit}"
    return f"{n} bytes"


def too_large(label: str, size: int, limit: int) -> AudioError:
    """Return the error for a local file over the inline size limit.

    Args:
        label: The file's name.
        size: Its size in bytes.
        limit: The limit in bytes.

    Returns:
        The exception (not raised).
    """
    return AudioError(
        f"{label} is {_size(size)}, over the {_size(limit)} accepted inline; upload it and pass "
        "its public URL instead, or compress it (e.g. to mp3)."
    )


def data_url(data: bytes, media_format: MediaFormat) -> str:
    """Return ``data:<kind>/<format>;base64,<data>`` for a local file.

    Args:
        data: The file's bytes.
        media_format: Its format.

    Returns:
        The data URL.
    """
    return f"data:{media_format.mime};base64,{base64.b64encode(data).decode('ascii')}"


@dataclass(frozen=True, slots=True)
class MediaInput:
    """One input file, ready to go into a request.

    Build it with [`media_from_url`][livetranslate.protocol.files.media_from_url] or
    [`media_from_bytes`][livetranslate.protocol.files.media_from_bytes]. The repr shows the
    label, never the data.

    Attributes:
        kind: ``"audio"`` (sent as ``input_audio``) or ``"video"`` (sent as ``video_url``).
        url: A public http(s) URL or a ``data:`` URL.
        format: The format name (always set for audio; None for a video URL without one).
        size_bytes: Size of the local file, or None for a URL.
        label: A short description safe for logs and results (file name or URL without query).
    """

    kind: MediaKind
    url: str = field(repr=False)
    format: str | None
    size_bytes: int | None
    label: str

    def content_part(self) -> dict[str, Any]:
        """Return the one element of the user message's ``content``."""
        if self.kind == "video":
            return {"type": "video_url", "video_url": {"url": self.url}}
        return {"type": "input_audio", "input_audio": {"data": self.url, "format": self.format}}


def media_from_url(
    url: str,
    *,
    format: str | None = None,
    model: str | registry.ModelInfo = registry.DEFAULT_FILE_MODEL,
) -> MediaInput:
    """Describe a public http(s) URL as input (the service downloads it).

    Args:
        url: The file's URL.
        format: The format when the URL path has no telling extension (e.g. ``"mp3"``).
        model: The file model.

    Returns:
        The input.

    Raises:
        AudioError: Not an http(s) URL, an unsupported format, or no way to tell the format.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise AudioError(f"Only http(s) URLs can be sent as such, got {url[:60]!r}.")
    label = f"{parts.scheme}://{parts.netloc}{parts.path}"
    if format is not None:
        fmt = _known(format, model)
        if fmt is None:
            raise AudioError(f"Unsupported format {format!r}; supported {_supported(model)}.")
    else:
        fmt = format_from_name(parts.path, model=model)
        if fmt is None:
            raise AudioError(
                f"Cannot tell the format of {label!r} from its path; pass format='mp3' (or "
                f"another supported format: {_supported(model)})."
            )
    return MediaInput(fmt.kind, url, fmt.name, None, label)


def media_from_bytes(
    data: bytes,
    *,
    format: str | None = None,
    name: str | None = None,
    model: str | registry.ModelInfo = registry.DEFAULT_FILE_MODEL,
    max_bytes: int | None = None,
) -> MediaInput:
    """Describe a local file's bytes as input (sent inline as a data URL).

    The format is the declared one, else what the magic bytes say, else the extension of
    ``name``.

    Args:
        data: The file's content.
        format: The declared format (``"wav"``, ``"mp3"``, ``"mp4"``, ...), if known.
        name: The file name, used for the extension and the label.
        model: The file model.
        max_bytes: The largest file accepted, or None for no limit.

    Returns:
        The input.

    Raises:
        AudioError: Empty, too large, or of an unsupported or unrecognisable format.
    """
    label = name or f"<{len(data)} bytes>"
    if not data:
        raise AudioError(f"{label} is empty; there is nothing to translate.")
    if max_bytes is not None and len(data) > max_bytes:
        raise too_large(label, len(data), max_bytes)
    fmt: MediaFormat | None
    if format is not None:
        fmt = _known(format, model)
        if fmt is None:
            raise AudioError(f"Unsupported format {format!r}; supported {_supported(model)}.")
    else:
        fmt = sniff_format(data) or (format_from_name(name, model=model) if name else None)
        if fmt is None:
            raise AudioError(
                f"Cannot tell the format of {label}: unsupported file type; supported "
                f"{_supported(model)}. Pass format=... if the content is one of them."
            )
    return MediaInput(fmt.kind, data_url(data, fmt), fmt.name, len(data), label)
