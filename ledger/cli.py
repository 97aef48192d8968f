"""The read side's commands: status, sql, query, claims, export. They read the published
database (read-only, locked down) and the write side's records beside it (core/runlog.py); cli.py
mounts them beside the write side's (etl/cli.py) as the one `etl` command.

Exit codes (core/console.py): 0 success, 1 bad input or an unreadable database, 2 wrong usage,
4 a query was refused.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.table import Table

from core import console
from core.console import DbOption, DebugOption, err, out
from core.db import connect_readonly, default_db_path, warehouse_version
from core.errors import EtlError

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)


@app.command()
def status(
    db: DbOption = None,
    raw_dir: Annotated[
        Path | None,
        typer.Option(
            "--raw-dir",
            help="Where refreshes keep downloads, for the files held back [default: the last "
            "refresh's, else data/raw]",
        ),
    ] = None,
    debug: DebugOption = False,
) -> None:
    """Sources, editions, row counts, the last runs and any downloads held back."""
    db = db or default_db_path()
    with _reading("the database cannot be read", debug):
        con = _open(db)
        _status(con, raw_dir)
        out.print(_run_log_line(db), highlight=False, soft_wrap=True)


def _status(con, raw_dir: Path | None = None) -> None:
    """Printed from the same look-ups the Data and methods page reads (queries/), no SQL here;
    the files held back from the raw dir's .refused folder (etl/quarantine.py)."""
    from core.runlog import refused
    from ledger.freshness import ages
    from ledger.queries import runner

    run = runner(con)
    table = Table("file", "publisher", "edition", "rows", "sha256", "loaded")
    for f in run("source_file").sort("name").iter_rows(named=True):
        table.add_row(
            f["name"], f["publisher"], f["edition"], f"{f['rows']:,}", f["sha256"][:12],
            str(f["loaded_at"])[:19],
        )  # fmt: skip
    out.print(table)
    editions = Table("source", "edition", "definition", "price base", "years", "file")
    for e in run("coverage").iter_rows(named=True):
        editions.add_row(
            e["source"], str(e["edition"]), e["definition"], str(e["price_base_year"]),
            f"{e['first_year']}-{e['last_year']}", e["file"],
        )  # fmt: skip
    out.print(editions)
    fresh = Table("source", "edition", "age (days)", "status")
    for a in ages(run):
        flag = "[bold yellow]stale[/]: " if a.stale else ""
        fresh.add_row(
            a.source, a.edition, "" if a.age_days is None else str(a.age_days), flag + a.note
        )
    out.print(fresh)
    runs = Table("run", "command", "started", "outcome", "message")
    columns = ["run_id", "command", "started_at", "outcome", "message"]
    for row in run("etl_run").select(columns).head(5).iter_rows():
        runs.add_row(*(str(v)[:60] if v is not None else "" for v in row))
    out.print(runs)
    if raw_dir is None:  # the raw dir the newest refresh used
        used = [r for r, c in run("etl_run").select("raw_dir", "command").rows() if c == "refresh"]
        raw_dir = Path(next((r for r in used if r), "data/raw"))
    if held := refused(raw_dir):
        table = Table("held back (refused by the build)", "on", "sha256", "error", title=None)
        for h in held:
            damaged = "" if h.intact else " [bold yellow](changed since)[/]"
            table.add_row(h.file + damaged, h.day, h.sha256[:12], h.error)
        out.print(table)
        out.print(f"(kept in {raw_dir / '.refused'}; deleting it is safe)", highlight=False)
    out.print(_version_line(run("built_by")), highlight=False)


def _run_log_line(db: Path) -> str:
    """How many runs the run log beside the database holds, and how many of its lines were
    skipped (cut short by a kill, or damaged); a log that cannot be read says why."""
    from core.runlog import past_runs, run_log

    try:
        log = past_runs(db)
    except EtlError as e:
        return f"[bold yellow]run log[/]: {e}"
    skipped = (
        f"; [bold yellow]{log.skipped:,} line(s) skipped[/] (cut short or damaged)"
        if log.skipped
        else "; no line skipped"
    )
    return f"run log {run_log(db).name}: {len(log.runs):,} runs{skipped}"


def _version_line(built) -> str:
    """Whether the file was built by this code's tables and views (the dashboard's check)."""
    ours = warehouse_version()
    theirs = built["warehouse_version"][0] if "warehouse_version" in built.columns else None
    if built.is_empty() or theirs == ours:
        return f"warehouse version {ours}: the database matches this code"
    return (
        f"[bold yellow]warehouse version[/] {theirs or 'not recorded'} in the database, {ours} in "
        "this code: rebuild it (`etl build`) before serving"
    )


@contextmanager
def _reading(what: str, debug: bool, unforeseen: bool = False) -> Iterator[None]:
    """A read of the database whose failure is one line and exit 1: the project's own errors
    as they are, DuckDB's as `what` and its first line; with `unforeseen`, any other error
    too (console.unexpected)."""
    try:
        yield
    except EtlError as e:
        console.fail(str(e), console.EXIT_INPUT, debug)
    except duckdb.Error as e:
        console.fail(f"{what}: {console.line(e)}", console.EXIT_INPUT, debug)
    except Exception as e:
        if not unforeseen:
            raise
        console.unexpected(e, debug)


def _open(db: Path):
    """The published database, read-only; EtlError (one line) for any file that is not one."""
    return connect_readonly(console.db_must_exist(db))


FORMATS = ("table", "csv", "json")


def _check_format(fmt: str, debug: bool) -> None:
    if fmt not in FORMATS:
        console.fail(
            f"--format must be one of {', '.join(FORMATS)}, not {fmt[:40]!r}",
            console.EXIT_USAGE,
            debug,
        )


def _emit(frame, fmt: str) -> None:
    """A frame in one of FORMATS; a column no format can hold becomes its text first."""
    from ledger.sandbox import printable

    frame = printable(frame)
    if fmt == "csv":
        sys.stdout.write(frame.write_csv())
    elif fmt == "json":
        rows = [{k: _json_value(v) for k, v in row.items()} for row in frame.iter_rows(named=True)]
        sys.stdout.write(json.dumps(rows, default=str, indent=1, allow_nan=False) + "\n")
    else:
        table = Table(*frame.columns)
        for row in frame.iter_rows():
            table.add_row(*("" if v is None else str(v) for v in row))
        out.print(table)


def _json_value(value):
    """JSON has no NaN or infinity: those doubles are written as DuckDB's text for them."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)  # 'nan', 'inf', '-inf', as DuckDB prints them
    return value


Format = Annotated[str, typer.Option("--format", help="table, csv or json")]


@app.command()
def sql(
    query: Annotated[str, typer.Argument(help="One read-only SQL query.")],
    db: DbOption = None,
    fmt: Format = "table",
    row_cap: Annotated[
        str, typer.Option(help="Most rows returned (1 to $ALLIANCE_MAX_ROW_CAP).")
    ] = "10000",
    seconds: Annotated[
        str, typer.Option(help="Time limit in seconds (up to $ALLIANCE_MAX_QUERY_SECONDS).")
    ] = "5",
    debug: DebugOption = False,
) -> None:
    """Run read-only ad-hoc SQL in a bounded worker (no file access, configuration locked)."""
    from core.limits import LimitError
    from ledger.sandbox import SqlRefused, check_options, run

    _check_format(fmt, debug)
    try:
        cap, secs = check_options(row_cap, seconds)
    except LimitError as e:
        console.fail(str(e), console.EXIT_USAGE, debug)
    db = db or default_db_path()
    try:
        _open(db).close()  # one line for a file that is not our database, before any worker
        result = run(db, query, row_cap=cap, seconds=secs)
    except EtlError as e:
        console.fail(str(e), console.EXIT_INPUT, debug)
    except SqlRefused as e:
        console.fail(str(e), console.EXIT_REFUSED, debug)
    from polars.exceptions import PanicException

    try:
        _emit(result.frame, fmt)
    except (Exception, PanicException) as e:  # a value no format holds, despite the worker's
        # casts: refused (Polars' panic is not an Exception, and would print a traceback)
        console.fail(
            f"the result cannot be shown as {fmt}: {console.line(e)}", console.EXIT_REFUSED, debug
        )
    if result.truncated:
        err.print(f"(showing the first {cap:,} rows)")


@app.command()
def query(
    name: Annotated[str, typer.Argument(help="Indicator name (a file in queries/).")],
    param: Annotated[list[str] | None, typer.Option(help="name=value, repeatable.")] = None,
    db: DbOption = None,
    fmt: Format = "table",
    debug: DebugOption = False,
) -> None:
    """Run one indicator query with bound parameters, e.g. --param year=2024."""
    from ledger import queries

    params = {}
    for item in param or []:
        key, sep, value = item.partition("=")
        if not sep:
            console.fail(f"--param {item!r} is not name=value", console.EXIT_INPUT, debug)
        params[key.strip().lstrip("$")] = value
    _check_format(fmt, debug)
    with _reading(f"the query {name!r} failed on this database", debug):
        frame = queries.run(_open(db or default_db_path()), name, **params)
    _emit(frame, fmt)


@app.command()
def export(
    out_dir: Annotated[Path, typer.Argument(help="Folder to write (new or empty).")],
    db: DbOption = None,
    force: Annotated[
        bool, typer.Option(help="Write into a folder that is not empty (its files are replaced).")
    ] = False,
    debug: DebugOption = False,
) -> None:
    """Every table and view as Parquet plus a Frictionless datapackage.json (licences included)."""
    from ledger.export import export as write

    try:
        result = write(db or default_db_path(), out_dir, force=force)
    except EtlError as e:
        console.fail(str(e), console.EXIT_INPUT, debug)
    except OSError as e:  # e.g. a folder that cannot be written: one line naming it
        where = e.filename or out_dir
        console.fail(
            f"cannot write the export: {e.strerror or e} ({where}); the folder keeps its "
            "earlier files",
            console.EXIT_INPUT,
            debug,
        )
    out.print(
        f"exported {len(result.rows)} tables and views ({sum(result.rows.values()):,} rows, "
        f"{result.bytes / 1e6:.1f} MB) to {result.out}"
    )


@app.command()
def claims(
    db: DbOption = None,
    as_of: Annotated[str | None, typer.Option(help="Evaluation date, YYYY-MM-DD.")] = None,
    history: Annotated[
        bool, typer.Option("--history", help="Each claim's verdict for every year covered.")
    ] = False,
    article: Annotated[
        str | None, typer.Option(help="The article whose claims to judge (a slug).")
    ] = None,
    fmt: Format = "table",
    debug: DebugOption = False,
) -> None:
    """Every claim of an article (the memorandum by default): its finding and figures, its
    verdict when the article was written and now, how firm it is and the editions it read (or,
    with --history, the verdict had the article been written in each year)."""
    from core.limits import LimitError
    from core.limits import as_of as checked_date
    from ledger.claims import evaluate_all
    from ledger.claims.report import (
        history_rows,
        history_table,
        result_json,
        result_lines,
        summary_rows,
    )

    try:
        day = checked_date(as_of) if as_of else None
    except LimitError as e:
        console.fail(str(e), console.EXIT_INPUT, debug)
    _check_format(fmt, debug)
    from ledger import articles

    try:
        articles.get(article)
    except articles.UnknownArticle as e:
        console.fail(str(e).strip("'\""), console.EXIT_USAGE, debug)
    # any other error is a rule's bug or a day no check foresaw: still one line
    with _reading("the claims could not be evaluated on this database", debug, unforeseen=True):
        results = evaluate_all(
            _open(db or default_db_path()), day, with_history=history, article=article
        )
    if history:
        if fmt == "table":
            out.print(history_table(results), highlight=False)
        else:
            _emit(history_rows(results), fmt)
        return
    if fmt == "json":
        sys.stdout.write(result_json(results) + "\n")
        return
    if fmt == "csv":
        _emit(summary_rows(results), fmt)
        return
    for line in result_lines(results):
        out.print(line, highlight=False, soft_wrap=True)
