"""The `etl` command: build, refresh, status, sql, query, claims, snapshot, export.

Exit codes: 0 success, 1 bad input or a failed check (the published database is untouched),
2 wrong usage, 3 another build or refresh holds the lock, 4 a query was refused, 5 a refresh
published but held back a downloaded file the build refused (moved to <raw>/.refused/).
"""

# The one entry point of both sides (pyproject's [project.scripts]): the write side's commands
# (etl/cli.py) and the read side's (ledger/cli.py) mounted as one command, in the order
# `etl --help` has always listed them. The layers below never import each other.

from __future__ import annotations

import typer

from etl import cli as write
from ledger import cli as read

ORDER = ("build", "refresh", "status", "sql", "query", "snapshot", "export", "claims")

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
_commands = {
    c.name or c.callback.__name__: c
    for c in (*write.app.registered_commands, *read.app.registered_commands)
}
app.registered_commands = [_commands[name] for name in ORDER]

if __name__ == "__main__":
    app()
