"""What the `etl` command's two halves share (etl/cli.py writes, ledger/cli.py reads; cli.py
mounts both): the consoles, the exit codes, the --db and --debug options, and the one line a
failure prints (a traceback only with --debug).

Exit codes: 0 success, 1 bad input or a failed check (the published database is untouched),
2 wrong usage, 3 another build or refresh holds the lock, 4 a query was refused, 5 a refresh
published but held back a downloaded file the build refused (moved to <raw>/.refused/).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from core.db import problem
from core.errors import EtlError

err = Console(stderr=True)
out = Console(width=None if sys.stdout.isatty() else 200)  # pipes get whole names

EXIT_INPUT, EXIT_USAGE, EXIT_LOCKED, EXIT_REFUSED, EXIT_HELD = 1, 2, 3, 4, 5
DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Database file [default: $ALLIANCE_DB or data/alliance.duckdb]"),
]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show tracebacks.")]


def fail(message: str, code: int, debug: bool) -> NoReturn:
    """One line on stderr and exit `code`; with --debug, the error's traceback instead."""
    if debug and sys.exc_info()[0] is not None:
        raise
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def line(e: Exception) -> str:
    """The first line of an error: a reader library may append its own multi-line context."""
    return (str(e).strip().splitlines() or [type(e).__name__])[0]


def unexpected(e: Exception, debug: bool) -> NoReturn:
    """A parser bug or an input no check foresaw: still one line."""
    first = str(e).strip().splitlines()[0] if str(e).strip() else ""
    fail(
        f"unexpected {type(e).__name__}: {first} (the published database was not "
        "changed; --debug shows the traceback)",
        EXIT_INPUT,
        debug,
    )


def db_must_exist(db: Path) -> Path:
    """The database file, or EtlError (one line) when there is none to read."""
    if why := problem(db):
        raise EtlError(why, file=str(db))
    return db
