"""Repository-level promises: README commands, CI, changelog and version stay in step."""

from __future__ import annotations

import re
from pathlib import Path

import livetranslate

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"```bash\n(.+?)\n```", text, flags=re.S)[:2]


def test_readme_starts_with_the_two_setup_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first, second = _readme_commands()
    assert text.index(first) < 200
    assert "livetranslate demo" in first
    assert "pytest" in second


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    _, second = _readme_commands()
    assert second in ci.splitlines()


def test_changelog_top_release_matches_version() -> None:
    text = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    releases = re.findall(r"^## \[(\d+\.\d+\.\d+)\]", text, flags=re.M)
    if releases:
        assert releases[0] == livetranslate.__version__
    else:  # nothing released yet: a development version of the first release
        assert livetranslate.__version__.endswith(".dev0")
    assert "## [Unreleased]" in text


def test_py_typed_marker_ships() -> None:
    assert (ROOT / "livetranslate" / "py.typed").exists()
