"""A wrapper that keeps an API key out of reprs, logs and exception messages."""

from __future__ import annotations

import hmac

__all__ = ["Secret", "redact"]

_MASK = "***"


class Secret:
    """An API key that never shows itself: ``repr()`` and ``str()`` print a mask.

    Only [`reveal`][livetranslate._secret.Secret.reveal] returns the key, and only the code that
    builds the ``Authorization`` header calls it. The mask keeps a well-known prefix (``sk-`` for
    permanent keys, ``st-`` for temporary ones), which tells the two apart without exposing either.
    """

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """Return the key itself (for the ``Authorization`` header only)."""
        return self._value

    @property
    def masked(self) -> str:
        """A display form: the ``sk-``/``st-`` prefix when there is one, then ``***``."""
        prefix = self._value[:3] if self._value[:3] in ("sk-", "st-") else ""
        return prefix + _MASK

    def __repr__(self) -> str:
        return f"Secret({self.masked!r})"

    def __str__(self) -> str:
        return self.masked

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Secret):
            return NotImplemented
        return hmac.compare_digest(self._value.encode(), other._value.encode())

    def __hash__(self) -> int:
        return hash((Secret, self._value))

    def __reduce__(self) -> str | tuple[object, ...]:
        raise TypeError("Secret cannot be pickled; pass the API key again where it is needed.")


def redact(text: str, secret: Secret | None) -> str:
    """Return ``text`` with every occurrence of the secret replaced by its mask.

    Args:
        text: Any text that may have picked up the key (a server message, an OSError text).
        secret: The key to remove, or None to return ``text`` unchanged.

    Returns:
        The text without the key.
    """
    if secret is None:
        return text
    value = secret.reveal()
    if len(value) < 4 or value not in text:
        return text
    return text.replace(value, secret.masked)
