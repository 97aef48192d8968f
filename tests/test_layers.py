"""The layers import one way (docs/ARCHITECTURE.md): core/ at the bottom imports nothing of
ours; etl/ (the write side) and ledger/ (the read side) import core/ and never each other; app/
(and dashboard.py) import core/, ledger/ and one module of etl/, the first build; cli.py, the
`etl` command, mounts both sides.

Every .py file of those folders is parsed with `ast`, and every import in it, at module level or
inside a function, `from . import x` and `importlib.import_module("x")` with a literal name
included, is resolved to the module it loads and so to its package."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = ("core", "etl", "ledger", "app", "cli", "dashboard")
# The one module of the write side the dashboard may load: the build from the snapshot.
APP_ENTRY = "etl.firstbuild"
ALLOWED = {
    "core": {"core"},
    "etl": {"core", "etl"},
    "ledger": {"core", "ledger"},
    "app": {"core", "ledger", "app"},
    "dashboard": {"core", "ledger", "app"},
    "cli": {"core", "etl", "ledger"},
}


def layer_of(path: Path) -> str:
    """'core', 'etl', 'ledger', 'app', 'dashboard' (dashboard.py) or 'cli' (cli.py)."""
    return path.relative_to(ROOT).parts[0].removesuffix(".py")


def module_of(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_module(name: str) -> bool:
    """Whether a dotted name is a module or package of ours (a file or a folder)."""
    base = ROOT.joinpath(*name.split("."))
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imports(path: Path, text: str | None = None) -> list[tuple[int, str]]:
    """(line, module) for every import in the file: the module each one loads, relative names
    resolved against the file's package, `from package import submodule` to the submodule."""
    tree = ast.parse(text if text is not None else path.read_text(encoding="utf-8"))
    package = module_of(path) if path.name == "__init__.py" else module_of(path).rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                origin = ".".join([*base, *([node.module] if node.module else [])])
            else:
                origin = node.module or ""
            for alias in node.names:
                child = f"{origin}.{alias.name}"
                found.append((node.lineno, child if _is_module(child) else origin))
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", None))
            in ("import_module", "__import__")
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            found.append((node.lineno, node.args[0].value))
    return found


def violations(path: Path, text: str | None = None) -> list[str]:
    """Every import of the file that crosses the layers the wrong way, as 'file:line -> x'."""
    layer = layer_of(path)
    bad = []
    for line, name in imports(path, text):
        target = name.split(".")[0]
        if target not in OURS or target in ALLOWED[layer]:
            continue
        if layer in ("app", "dashboard") and name == APP_ENTRY:
            continue
        bad.append(f"{path.relative_to(ROOT)}:{line} -> {name}")
    return bad


def our_files() -> list[Path]:
    files = [ROOT / "dashboard.py", ROOT / "cli.py"]
    for folder in ("core", "etl", "ledger", "app"):
        files += sorted((ROOT / folder).rglob("*.py"))
    return files


def test_every_layer_imports_only_what_it_may():
    files = our_files()
    assert len(files) > 100 and all(f.is_file() for f in files)
    bad = [v for path in files for v in violations(path)]
    assert not bad, "imports against the layers:\n" + "\n".join(bad)


def test_the_imports_are_read_from_every_file():
    """The check sees the arrows that are there: the app's into ledger, the CLI's into both
    sides, an import inside a function, and the dashboard's one way into etl."""
    seen = {(layer_of(p), name.split(".")[0]) for p in our_files() for _, name in imports(p)}
    assert {("app", "ledger"), ("cli", "etl"), ("cli", "ledger"), ("etl", "core")} <= seen
    first_build = ROOT / "etl" / "firstbuild.py"
    assert (first_build, "etl.build") in {(first_build, n) for _, n in imports(first_build)}
    assert any(n == APP_ENTRY for p in our_files() if layer_of(p) == "app" for _, n in imports(p))


@pytest.mark.parametrize(
    ("file", "code", "wrong"),
    [
        ("ledger/queries.py", "from etl.errors import EtlError", True),
        ("ledger/claims/base.py", "def f():\n    from etl import build\n", True),
        ("ledger/claims/base.py", "from .. import queries", False),
        ("etl/build.py", "from ledger import queries", True),
        ("etl/build.py", "import importlib\nimportlib.import_module('ledger.queries')", True),
        ("app/data.py", "from etl import build", True),
        ("app/data.py", "from etl.sources import REGISTRY", True),
        ("app/firstrun.py", "from etl.firstbuild import build_from_snapshot", False),
        ("app/firstrun.py", "from etl import firstbuild", False),
        ("core/limits.py", "from ledger import stats", True),
        ("core/db.py", "from core.errors import EtlError", False),
        ("cli.py", "from app import data", True),
        ("dashboard.py", "from etl.build import build", True),
    ],
)
def test_a_wrong_arrow_is_caught(file, code, wrong):
    assert bool(violations(ROOT / file, code)) is wrong


def test_the_first_build_entry_loads_no_parser():
    """The dashboard's way into the write side loads the parsers only when a build runs."""
    code = (
        "import sys, app.firstrun; "
        "bad = [m for m in ('etl.nato', 'etl.sipri', 'etl.worldbank', 'etl.cow', 'etl.kiel', "
        "'etl.restcountries', 'etl.build', 'etl.download', 'etl.sources') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.strip() == ""
