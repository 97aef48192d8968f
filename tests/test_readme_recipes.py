"""The README's "Use the data elsewhere" recipes, run as a reader would run them.

Every fenced block of that section runs in order from a scratch copy of the repository root
(a freshly built data/alliance.duckdb, the real queries/): shell blocks with bash and the latest
DuckDB 1.x CLI first on the PATH, Python blocks that use pandas or Polars in this interpreter
(the project's environment has both), other Python blocks (the duckdb package) with DuckDB
1.x's Python. The blocks that compute the US share of allied spending must print the figure
the project's own us_share query gives.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from core.db import connect_readonly
from etl.build import build
from ledger import queries
from tests import duckdb1x

ROOT = Path(__file__).resolve().parent.parent
SECTION = "## Use the data elsewhere"
_BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def recipes() -> list[tuple[str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index(SECTION)
    end = text.find("\n## ", start + len(SECTION))
    return _BLOCK.findall(text[start : end if end > 0 else None])


def us_share_2024(db: Path) -> str:
    """The project's own figure, as the README prints it (one decimal)."""
    con = connect_readonly(db)
    try:
        frame = queries.run(con, "us_share")
    finally:
        con.close()
    row = frame.filter((frame["source"] == "nato") & (frame["year"] == 2024))
    return f"{row['us_share_me_pct'].item():.1f}"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("reader")
    build(None, work / "data" / "alliance.duckdb")
    (work / "queries").symlink_to(ROOT / "queries", target_is_directory=True)
    return work


def _run_here(code: str, cwd: Path, monkeypatch) -> str:
    """A recipe run in this interpreter, from `cwd`, as a script would run (its own globals)."""
    monkeypatch.chdir(cwd)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, "<README recipe>", "exec"), {"__name__": "__main__"})  # noqa: S102
    return out.getvalue()


def test_readme_recipes_run_and_agree(workdir, monkeypatch):
    env1x = duckdb1x.env()
    blocks = recipes()
    assert {lang for lang, _ in blocks} == {"sh", "python"}, "a recipe in a language not run"
    env = {
        **os.environ,
        "ALLIANCE_DB": str(workdir / "data" / "alliance.duckdb"),
        "PATH": os.pathsep.join(
            [str(env1x.bin), str(Path(sys.executable).parent), os.environ["PATH"]]
        ),
    }
    expected = us_share_2024(workdir / "data" / "alliance.duckdb")
    shares = []
    for lang, code in blocks:
        if lang == "python" and re.search(r"^import (pandas|polars)", code, re.MULTILINE):
            stdout = _run_here(code, workdir, monkeypatch)  # this env has both: no new process
        else:
            cmd = ["bash", "-euo", "pipefail", "-c", code] if lang == "sh" else []
            cmd = cmd or [str(env1x.python), "-c", code]
            done = subprocess.run(
                cmd, cwd=workdir, env=env, capture_output=True, text=True, timeout=120
            )
            assert done.returncode == 0, f"recipe failed:\n{code}\n{done.stderr[-1500:]}"
            stdout = done.stdout
        if "us_share" in code or "US share" in code:
            shares.append(code)
            assert re.search(rf"(?<![\d.]){re.escape(expected)}(?!\d)", stdout), (
                f"expected {expected} from:\n{code}\ngot:\n{stdout[-800:]}"
            )
    kinds = {"duckdb -readonly", "import pandas", "import polars"}
    assert all(any(k in code for code in shares) for k in kinds), "the figure three ways"
