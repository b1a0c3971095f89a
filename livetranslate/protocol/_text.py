"""Pure reducers for streamed text (re-exported by `livetranslate.protocol.segments`)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["TextSnapshot", "apply_delta", "apply_final", "apply_text_stash"]


@dataclass(frozen=True, slots=True)
class TextSnapshot:
    """The running state of one streamed text (a source transcript or a translation).

    Attributes:
        confirmed: Text the service will not rewrite (the final value once ``done``).
        stash: The tentative tail that later events may rewrite (always empty for 3.8 deltas).
        done: Whether a final value arrived; later updates are ignored.
    """

    confirmed: str = ""
    stash: str = ""
    done: bool = False

    @property
    def text(self) -> str:
        """The running text: confirmed text plus the tentative tail."""
        return self.confirmed + self.stash


def apply_text_stash(snapshot: TextSnapshot, text: str, stash: str | None) -> TextSnapshot:
    """Fold one qwen3/3.5 ``text`` + ``stash`` update into a snapshot.

    ``text`` may be cumulative (the whole confirmed text so far) or only the newly confirmed
    fragment; the docs do not say which. A ``text`` that starts with the confirmed text so far
    replaces it; any other ``text`` is appended to it (the official demo's rule).

    Args:
        snapshot: The state so far.
        text: The event's confirmed text.
        stash: The event's tentative tail (``None`` when absent).

    Returns:
        The new snapshot (``snapshot`` itself when it is already done).
    """
    if snapshot.done:
        return snapshot
    confirmed = text if text.startswith(snapshot.confirmed) else snapshot.confirmed + text
    return TextSnapshot(confirmed=confirmed, stash=stash or "")


def apply_delta(snapshot: TextSnapshot, delta: str) -> TextSnapshot:
    """Fold one qwen3.8 append-only ``delta`` into a snapshot.

    Args:
        snapshot: The state so far.
        delta: The new piece of text.

    Returns:
        The new snapshot (``snapshot`` itself when it is already done).
    """
    if snapshot.done:
        return snapshot
    return TextSnapshot(confirmed=snapshot.text + delta)


def apply_final(snapshot: TextSnapshot, text: str | None) -> TextSnapshot:
    """Fold a final value (``…completed``, ``….done``) into a snapshot.

    Args:
        snapshot: The state so far.
        text: The final text; empty or ``None`` keeps the running text.

    Returns:
        A done snapshot; ``snapshot`` itself when it was already done (a duplicate final).
    """
    if snapshot.done:
        return snapshot
    return TextSnapshot(confirmed=text or snapshot.text, done=True)
