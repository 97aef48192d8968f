"""The read side (ledger/) imports only etl's shared helpers, never the write side."""

from __future__ import annotations

import ast
from pathlib import Path

LEDGER = Path(__file__).resolve().parent.parent / "ledger"
# What the read side may take from etl/: errors, the read-only connection, the limits, and the
# source registry (metadata; it names parsers by string and never imports them).
SHARED = {"core.errors", "core.db", "core.limits", "etl.sources"}


def test_ledger_does_not_import_the_write_side():
    for path in sorted(LEDGER.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "etl":
                modules = [f"etl.{a.name}" for a in node.names]  # from etl import x
            elif isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            elif isinstance(node, ast.Import):
                modules = [a.name for a in node.names if a.name.split(".")[0] == "etl"]
            else:
                continue
            bad = [m for m in modules if m not in SHARED and m.startswith("etl")]
            assert not bad, f"{path.name} imports {bad}"


def test_the_source_registry_does_not_load_a_parser():
    """etl.sources is shared with the read side only while importing it loads no parser."""
    import subprocess
    import sys

    code = (
        "import sys, etl.sources; "
        "bad = [m for m in ('etl.nato', 'etl.sipri', 'etl.worldbank', 'etl.cow', 'etl.kiel', "
        "'etl.restcountries', 'etl.build', 'etl.download') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=LEDGER.parent
    )
    assert out.stdout.strip() == ""
