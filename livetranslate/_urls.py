"""Checking a user-supplied ``base_url`` (private; pure, stdlib only)."""

from __future__ import annotations

from urllib.parse import SplitResult, urlsplit

from livetranslate.exceptions import ConfigurationError

__all__ = ["split_base_url"]


def split_base_url(
    base_url: object, *, schemes: tuple[str, ...], example: str, no_query: str
) -> SplitResult:
    """Split a ``base_url`` after checking it is a URL of an allowed scheme, with no query.

    Args:
        base_url: What the user passed.
        schemes: The allowed schemes, e.g. ``("ws", "wss")``.
        example: A valid URL to show in the error message.
        no_query: Why a query string or fragment is not allowed, for the error message.

    Returns:
        The split URL.

    Raises:
        ConfigurationError: Not a string, another scheme, no host, or a query or fragment.
    """
    parts = urlsplit(base_url) if isinstance(base_url, str) else None
    if parts is None or parts.scheme not in schemes or not parts.netloc:
        kinds = " or ".join(f"{scheme}://" for scheme in schemes)
        raise ConfigurationError(
            f"base_url must be a {kinds} URL such as '{example}'; got {base_url!r}."
        )
    if parts.query or parts.fragment:
        raise ConfigurationError(f"base_url must not have a query string or a fragment: {no_query}")
    return parts
