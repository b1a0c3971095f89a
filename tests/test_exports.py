"""The public surface is exactly what `__all__` says (style.md §11, §16.1)."""

from __future__ import annotations

import inspect
import pkgutil
from importlib import import_module
from types import ModuleType

import pytest

import livetranslate


def _public_modules() -> list[ModuleType]:
    mods = [livetranslate]
    for info in pkgutil.walk_packages(livetranslate.__path__, "livetranslate."):
        parts = info.name.split(".")
        if any(p.startswith("_") for p in parts[1:]) or parts[-1] == "pytest_plugin":
            continue
        mods.append(import_module(info.name))
    return mods


@pytest.mark.parametrize("module", _public_modules(), ids=lambda m: m.__name__)
def test_public_module_declares_all_of_existing_names(module: ModuleType) -> None:
    """Ordering is ruff's job (RUF022); here: present, unique, and every name exists."""
    names = getattr(module, "__all__", None)
    assert names is not None, f"{module.__name__} has no __all__"
    assert len(set(names)) == len(names)
    for name in names:
        assert hasattr(module, name), f"{module.__name__}.__all__ names missing {name}"


@pytest.mark.parametrize("module", _public_modules(), ids=lambda m: m.__name__)
def test_public_classes_and_functions_have_docstrings(module: ModuleType) -> None:
    assert module.__doc__, f"{module.__name__} has no module docstring"
    for name in module.__all__:
        obj = getattr(module, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert getattr(obj, "__doc__", None), f"{module.__name__}.{name} has no docstring"


@pytest.mark.parametrize("module", _public_modules(), ids=lambda m: m.__name__)
def test_no_undeclared_public_names(module: ModuleType) -> None:
    """Names defined in a public module that are not in __all__ must be private (_name)."""
    for name, obj in vars(module).items():
        if name.startswith("_") or isinstance(obj, ModuleType):
            continue
        if getattr(obj, "__module__", None) == module.__name__:
            assert name in module.__all__, f"{module.__name__}.{name} is public but not in __all__"


def test_top_level_reexports_exceptions_and_version() -> None:
    from livetranslate import exceptions

    for name in exceptions.__all__:
        assert name in livetranslate.__all__, name
    assert isinstance(livetranslate.__version__, str)
