"""Base classes for every wire model, and the helpers the event modules share.

Two bases, one per direction:

- [`ServerModel`][livetranslate.events._base.ServerModel] for what the service sends. Unknown
  fields are kept (``extra="allow"``) so a service that adds fields never breaks an old client.
- [`ClientModel`][livetranslate.events._base.ClientModel] for what we send. Unknown fields are an
  error (``extra="forbid"``) so a typo never silently reaches the wire.

Both are frozen. Both serialise to the exact wire JSON with ``to_dict()`` / ``to_json()``: fields
that were never set are left out, a field explicitly set to ``None`` is sent as JSON ``null`` (the
service tells ``turn_detection: null`` apart from an absent ``turn_detection``), and the ``type``
key is always present.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from livetranslate.exceptions import RemoteProtocolError

__all__ = ["ClientModel", "ServerModel"]


def _dump_wire(model: BaseModel) -> dict[str, Any]:
    data = model.model_dump(mode="json", by_alias=True, exclude_unset=True)
    type_field = type(model).model_fields.get("type")
    if type_field is not None and type_field.default is not None and "type" not in data:
        data = {"type": model.__dict__["type"], **data}
    return data


class ServerModel(BaseModel):
    """Base of every model the service sends: frozen, and tolerant of fields it does not know.

    Unknown fields are kept and readable through ``model_extra``.
    """

    model_config = ConfigDict(extra="allow", frozen=True)

    def to_dict(self) -> dict[str, Any]:
        """Return the wire JSON object: fields that were never set are left out.

        The ``type`` key is always present, even when it was left at its default (so an emulator
        can build events with keyword arguments and send them).
        """
        return _dump_wire(self)

    def to_json(self) -> str:
        """Return the wire JSON text: compact, UTF-8 (non-ASCII is not escaped)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))


class ClientModel(BaseModel):
    """Base of every model we send: frozen, and strict about field names.

    A ``type`` field always counts as set, so it is serialised even when left at its default.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    def model_post_init(self, context: Any, /) -> None:
        """Mark ``type`` as set so ``exclude_unset`` serialisation always sends it."""
        if "type" in type(self).model_fields:
            self.__pydantic_fields_set__.add("type")

    def to_dict(self) -> dict[str, Any]:
        """Return the wire JSON object.

        Fields that were never set are left out; fields explicitly set to ``None`` are ``null``.
        """
        return self.model_dump(mode="json", by_alias=True, exclude_unset=True)

    def to_json(self) -> str:
        """Return the wire JSON text: compact, UTF-8 (non-ASCII is not escaped)."""
        return self.model_dump_json(by_alias=True, exclude_unset=True)


# ------------------------------------------------------------------ audio payloads


def _strip_wav_header(raw: bytes) -> bytes:
    """Drop a RIFF/WAVE header from decoded audio, leaving the PCM samples.

    The chunks are walked to find ``data``; a header whose chunks cannot be walked is taken to be
    the canonical 44 bytes.
    """
    if len(raw) < 12 or raw[:4] != b"RIFF" or raw[8:12] != b"WAVE":
        return raw
    pos = 12
    while pos + 8 <= len(raw):
        chunk_id = raw[pos : pos + 4]
        if chunk_id == b"data":
            return raw[pos + 8 :]
        size = int.from_bytes(raw[pos + 4 : pos + 8], "little")
        pos += 8 + size + (size & 1)
    return raw[44:]


def _decode_audio(data: str | None, *, event_type: str) -> bytes:
    """Decode a base64 audio payload to raw PCM bytes (a leading WAV header is removed).

    Raises:
        RemoteProtocolError: The payload is not valid base64.
    """
    if not data:
        return b""
    try:
        raw = base64.b64decode(data, validate=True)
    except (binascii.Error, ValueError):
        raise RemoteProtocolError(
            f"The audio in a {event_type!r} event is not valid base64.", event_type=event_type
        ) from None
    return _strip_wav_header(raw)


# ------------------------------------------------------------------ parse errors

_SAFE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,40}")
_MAX_ERRORS = 4


def _short(text: str, limit: int = 64) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _where(loc: Sequence[int | str]) -> str:
    # Dict keys in a location may be payload (glossary terms), so only identifier-like keys and
    # list indexes are shown.
    parts = [str(p) if isinstance(p, int) or _SAFE_KEY.fullmatch(p) else "<key>" for p in loc]
    return ".".join(parts) or "<root>"


def _summary(exc: ValidationError, *, branch: str | None, skip: int) -> str:
    errors = exc.errors(include_url=False, include_context=False, include_input=False)
    if branch is not None:
        errors = [e for e in errors if e["loc"][:1] == (branch,)] or errors
    shown = [f"{_where(e['loc'][skip:])} ({e['type']})" for e in errors[:_MAX_ERRORS]]
    if len(errors) > _MAX_ERRORS:
        shown.append(f"and {len(errors) - _MAX_ERRORS} more")
    return ", ".join(shown)


def _json_kind(value: object) -> str:
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if value is None:
        return "null"
    return f"a {type(value).__name__}"


def _parse_failure(
    exc: Exception,
    data: object,
    *,
    what: str,
    type_key: str = "type",
    default_type: str | None = None,
    known_types: frozenset[str] | None = None,
    branch: str | None = None,
    skip_loc: int = 0,
) -> RemoteProtocolError:
    """Build the `RemoteProtocolError` for input that failed to parse.

    This is the slow path: it may decode the JSON a second time to say what was wrong. The message
    names the event type but never includes the payload (it may hold transcripts or audio).

    Args:
        exc: What the validator raised.
        data: The input as received (``str``/``bytes`` or already-decoded JSON).
        what: How to call the thing in the message, e.g. ``"server event"``.
        type_key: The key that holds the event type.
        default_type: The ``event_type`` to report when the input does not say.
        known_types: When given, a type outside it is reported as unknown.
        branch: Report only the errors of this labelled union branch (when it has any).
        skip_loc: How many leading error-location items to drop (union labels and tags).
    """
    if isinstance(exc, ValidationError) and any(e["type"] == "json_invalid" for e in exc.errors()):
        return RemoteProtocolError(
            f"Received a {what} that is not valid JSON.", event_type=default_type
        )
    obj: object = data
    if isinstance(data, str | bytes | bytearray):
        try:
            obj = json.loads(data)
        except (ValueError, RecursionError):
            return RemoteProtocolError(
                f"Received a {what} that is not valid JSON.", event_type=default_type
            )
    if not isinstance(obj, Mapping):
        return RemoteProtocolError(
            f"Received a {what} that is {_json_kind(obj)} instead of a JSON object.",
            event_type=default_type,
        )
    raw_type = obj.get(type_key)
    if raw_type is not None and not isinstance(raw_type, str):
        return RemoteProtocolError(
            f"Received a {what} whose {type_key!r} is {_json_kind(raw_type)}, not a string.",
            event_type=default_type,
        )
    event_type = raw_type if isinstance(raw_type, str) else default_type
    if event_type is None:
        return RemoteProtocolError(f"Received a {what} without a {type_key!r} field.")
    if known_types is not None and event_type not in known_types:
        return RemoteProtocolError(
            f"Received a {what} of unknown type {_short(event_type)!r}.", event_type=event_type
        )
    detail = (
        _summary(exc, branch=branch, skip=skip_loc)
        if isinstance(exc, ValidationError)
        else type(exc).__name__
    )
    return RemoteProtocolError(
        f"Received an invalid {what} of type {_short(event_type)!r}: {detail}.",
        event_type=event_type,
    )
