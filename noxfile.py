"""Development tasks. CI runs `.ci/run`, which performs the same steps as these sessions."""

from __future__ import annotations

import nox

nox.options.sessions = ["tests", "lint", "typecheck", "docs"]
nox.options.reuse_existing_virtualenvs = True
PYTHONS = ["3.11", "3.12", "3.13"]


@nox.session(python=PYTHONS)
def tests(session: nox.Session) -> None:
    """Run the test suite (unit, property, integration against the local emulator)."""
    session.install("-e", ".[test]")
    session.run("python", "-m", "pytest", *session.posargs)


@nox.session
def coverage(session: nox.Session) -> None:
    """Run the tests under branch coverage and report."""
    session.install("-e", ".[test]")
    session.run("coverage", "run", "-m", "pytest", *session.posargs)
    session.run("coverage", "combine", success_codes=[0, 1])
    session.run("coverage", "report")


@nox.session
def lint(session: nox.Session) -> None:
    """Check formatting and lint with ruff."""
    session.install("ruff>=0.17.5,<0.18")
    session.run("ruff", "format", "--check", ".")
    session.run("ruff", "check", ".")


@nox.session
def typecheck(session: nox.Session) -> None:
    """Type-check the package, tests, examples and benchmarks with mypy --strict."""
    session.install("-e", ".[test,lint]")
    session.run("mypy")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the documentation with mkdocs --strict."""
    session.install("-e", ".[docs]")
    session.run("mkdocs", "build", "--strict")


@nox.session
def bench(session: nox.Session) -> None:
    """Run the benchmarks (prints ratios against floors measured in the same run)."""
    session.install("-e", ".[test]")
    for script in ("bench/realtime.py", "bench/files.py", "bench/media.py", "bench/soak.py"):
        session.run("python", script, *session.posargs)


@nox.session(name="wheel-smoke")
def wheel_smoke(session: nox.Session) -> None:
    """Build the wheel, install it alone, and import every public module from outside the repo."""
    import glob
    import tempfile

    session.install("build")
    out = tempfile.mkdtemp()
    session.run("python", "-m", "build", "--wheel", "--outdir", out)
    wheel = glob.glob(f"{out}/livetranslate-*.whl")[0]
    session.install(f"{wheel}[emulator]")
    check = (
        "import importlib, pathlib, pkgutil, livetranslate as lt;"
        "root = pathlib.Path(lt.__file__).parent;"
        "assert (root / 'py.typed').exists(), 'py.typed missing';"
        "assert (root / 'testing' / 'data' / 'sample_zh.wav').exists(), 'demo sample missing';"
        "mods = pkgutil.walk_packages(lt.__path__, 'livetranslate.');"
        "[importlib.import_module(m.name) for m in mods"
        " if not m.name.endswith(('__main__', 'pytest_plugin', 'devices', 'video'))];"
        "print('wheel ok:', lt.__version__)"
    )
    session.chdir(out)  # outside the repository: the installed wheel, not the source tree
    session.run("python", "-c", check)
    session.run("livetranslate", "languages", "--json", silent=True)
