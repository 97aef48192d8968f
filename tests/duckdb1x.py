"""The latest DuckDB 1.x (Python package and CLI) in an environment of its own, made once per run.

Analysts open the published warehouse in the DuckDB they have, often a 1.x release; the project
itself runs 2.x. uv makes a separate venv (about 2 s from a warm cache) that the tests drive in
a subprocess. Only an unreachable package registry skips (the reason says so); any other
failure to install fails the test.
"""

from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import pytest

CLIENT = Path(__file__).with_name("duckdb1x_client.py")
SPEC = ("duckdb<2", "duckdb-cli<2")
# Words uv prints when it cannot reach an index (as opposed to a resolution or build error).
OFFLINE = (
    "failed to fetch",
    "error sending request",
    "dns error",
    "connection refused",
    "network is unreachable",
    "timed out",
    "could not connect",
)


@dataclass(frozen=True)
class Env:
    python: Path
    bin: Path
    version: str


def _uv() -> list[str]:
    uv = os.environ.get("UV") or shutil.which("uv")  # `uv run` sets UV to its own binary
    return [uv] if uv else [sys.executable, "-m", "uv"]


@cache
def _make() -> Env | str:
    """The environment, or the reason it could not be made (cached: one install per run)."""
    root = Path(tempfile.mkdtemp(prefix="duckdb1x-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    venv = root / "venv"
    made = subprocess.run(
        [*_uv(), "venv", "--quiet", "--python", sys.executable, str(venv)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if made.returncode:
        return f"FAIL: uv venv failed: {made.stderr.strip()[:300]}"
    python = venv / "bin" / "python"
    got = subprocess.run(
        [*_uv(), "pip", "install", "--quiet", "--python", str(python), *SPEC],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if got.returncode:
        text = got.stderr.strip()
        offline = [
            line.strip() for line in text.splitlines() if any(w in line.lower() for w in OFFLINE)
        ]
        if offline:
            return f"SKIP: the package registry cannot be reached to install {SPEC}: {offline[0]}"
        return f"FAIL: installing {SPEC} failed: {text[:300]}"
    version = subprocess.run(
        [str(python), "-c", "import duckdb; print(duckdb.__version__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    return Env(python=python, bin=venv / "bin", version=version)


def env() -> Env:
    made = _make()
    if isinstance(made, str):
        kind, _, reason = made.partition(": ")
        (pytest.skip if kind == "SKIP" else pytest.fail)(reason)
    assert made.version.startswith("1."), made.version
    return made


def _encode(value: Any) -> Any:
    return {"date": value.isoformat()} if isinstance(value, date) else value


def run_client(db: Path, queries: dict[str, tuple[str, dict[str, Any]]]) -> dict:
    """Open `db` in DuckDB 1.x: count every table and view, list the macros, run the queries
    ({name: (sql, bound parameters)}); returns what duckdb1x_client.py prints."""
    job = {
        "db": str(db),
        "queries": {
            name: {"sql": sql, "params": {k: _encode(v) for k, v in params.items()}}
            for name, (sql, params) in queries.items()
        },
    }
    done = subprocess.run(
        [str(env().python), str(CLIENT)],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)
