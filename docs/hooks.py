"""mkdocs hook: language and voice tables generated from the registry, never typed by hand.

A page writes ``<!-- registry:languages MODEL -->`` or ``<!-- registry:voices MODEL -->`` and
gets the table for that model.
"""

from __future__ import annotations

import re
from typing import Any

from livetranslate import registry

_MARKER = re.compile(r"<!-- registry:(languages|voices) ([\w.\-]+) -->")


def _languages(model: str) -> str:
    rows = ["| code | language | output |", "|---|---|---|"]
    for lang in registry.list_languages(model=model):
        rows.append(
            f"| `{lang.code}` | {lang.name} | {'text + speech' if lang.speech_output else 'text'} |"
        )
    return "\n".join(rows)


def _voices(model: str) -> str:
    info = registry.get_model(model)
    rows = ["| voice | languages | notes |", "|---|---|---|"]
    for voice in registry.list_voices(model=model):
        notes = []
        if voice.name == info.default_voice:
            notes.append("default")
        if not voice.documented:
            notes.append("undocumented")
        rows.append(f"| {voice.name} | {', '.join(sorted(voice.languages))} | {', '.join(notes)} |")
    return "\n".join(rows)


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    """Replace registry markers with generated tables."""

    def render(match: re.Match[str]) -> str:
        kind, model = match.groups()
        return _languages(model) if kind == "languages" else _voices(model)

    return _MARKER.sub(render, markdown)
