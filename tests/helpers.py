"""What several test modules share: the `etl` command as a subprocess (the one entry point,
cli.py, with both sides' commands), and a file's sha256."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def etl_command(*args: object) -> list[str]:
    """The argv of `etl ARGS` (for a test that starts, times or kills the process itself)."""
    return [sys.executable, "-m", "cli", *map(str, args)]


def etl(
    *args: str, env: dict[str, str] | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """`etl ARGS` run to its end from the repository, output captured as text, 200 columns."""
    return subprocess.run(
        etl_command(*args),
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200", **(env or {})},
        timeout=timeout,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()
