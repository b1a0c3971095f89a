"""The pure layers must not import I/O or heavy libraries (design.md, "Layers")."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

PURE = [
    "livetranslate.exceptions",
    "livetranslate.usage",
    "livetranslate.types",
    "livetranslate.events",
    "livetranslate.registry",
    "livetranslate.pricing",
    "livetranslate.config",
    "livetranslate.protocol",
]
FORBIDDEN = ["asyncio", "websockets", "httpx", "openai", "numpy", "soundfile", "uvicorn"]


def _loaded_after_import(modules: list[str]) -> set[str]:
    code = (
        "import sys, json\n"
        "before = set(sys.modules)\n"
        f"for m in {modules!r}: __import__(m)\n"
        "print(json.dumps(sorted(set(sys.modules) - before)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(json.loads(out.stdout))


@pytest.mark.parametrize("module", PURE)
def test_pure_layer_imports_no_io(module: str) -> None:
    loaded = _loaded_after_import([module])
    bad = sorted(m for m in loaded if m.split(".")[0] in FORBIDDEN)
    assert not bad, f"{module} pulled in {bad}"


def test_top_level_import_is_light() -> None:
    loaded = _loaded_after_import(["livetranslate"])
    heavy = sorted(
        m for m in loaded if m.split(".")[0] in {"openai", "numpy", "soundfile", "uvicorn", "httpx"}
    )
    assert not heavy, f"import livetranslate loaded {heavy}; load them lazily"
