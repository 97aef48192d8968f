"""The `etl` command: build, refresh, status, sql, query, claims, snapshot, export.

Exit codes: 0 success, 1 bad input or a failed check (the published database is untouched),
2 wrong usage, 3 another build or refresh holds the lock, 4 a query was refused, 5 a refresh
published but held back a downloaded file the build refused (moved to <raw>/.refused/).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import math
import os
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import duckdb
import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from core.db import connect_readonly, default_db_path
from core.errors import EtlError
from etl.stopping import interruption, stop_signals

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
err = Console(stderr=True)
out = Console(width=None if sys.stdout.isatty() else 200)  # pipes get whole names

EXIT_INPUT, EXIT_USAGE, EXIT_LOCKED, EXIT_REFUSED, EXIT_HELD = 1, 2, 3, 4, 5
DbOption = Annotated[
    Path | None,
    typer.Option("--db", help="Database file [default: $ALLIANCE_DB or data/alliance.duckdb]"),
]
DebugOption = Annotated[bool, typer.Option("--debug", help="Show tracebacks.")]


def _fail(message: str, code: int, debug: bool) -> None:
    if debug and sys.exc_info()[0] is not None:
        raise
    err.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def _line(e: Exception) -> str:
    """The first line of an error: a reader library may append its own multi-line context."""
    return (str(e).strip().splitlines() or [type(e).__name__])[0]


@contextmanager
def _lock(db: Path, command: str, debug: bool = False) -> Iterator[None]:
    """One writer at a time: a second build or refresh exits at once with EXIT_LOCKED. The lock
    file and the run log are checked first (core.sidefiles): a link, a FIFO or a folder at
    their names, or a run log at its cap, is refused in one line before anything is done."""
    from core.runlog import check_run_log, log_run
    from core.sidefiles import open_lock
    from etl.build import _now, new_run

    try:
        db.parent.mkdir(parents=True, exist_ok=True)
        fd = open_lock(db.with_name(db.name + ".lock"))
    except EtlError as e:
        _fail(f"{e} (nothing was done)", EXIT_INPUT, debug)
    except OSError as e:
        _fail(f"cannot create {db.parent}: {e.strerror or e} (nothing was done)", EXIT_INPUT, debug)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            message = f"another build or refresh of {db} is running"
            # the run holding the lock checked the log; saying why we stop matters more
            with contextlib.suppress(EtlError):
                log_run(
                    db,
                    {
                        **new_run(command, None),
                        "finished_at": _now(),
                        "outcome": "locked",
                        "message": f"{message}; nothing done",
                    },
                )
            err.print(
                f"[bold red]error:[/] {message} (exit {EXIT_LOCKED}); nothing was done",
                highlight=False,
                soft_wrap=True,
            )
            raise typer.Exit(EXIT_LOCKED) from None
        try:
            check_run_log(db)
        except EtlError as e:
            _fail(f"{e} (nothing was done)", EXIT_INPUT, debug)
        # SIGTERM (systemd's stop, a CI timeout) unwinds like Ctrl-C: the run is logged as
        # interrupted and its temporary file removed; the published database is untouched.
        with stop_signals():
            yield
    finally:
        os.close(fd)  # closing drops the lock


def _run_build(raw_dir: Path | None, db: Path, command: str, run: dict | None = None):
    """One build with a spinner on a terminal; its errors are the caller's."""
    from etl.build import build

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task("starting", total=None)
        return build(
            raw_dir,
            db,
            command=command,
            step=lambda s: progress.update(task, description=f"{command}: {s}"),
            run=run,
        )


def _published(result, timings: bool = False) -> None:
    out.print(
        f"published {result.db} ({sum(result.rows.values()):,} rows from "
        f"{len(result.files)} files, run {result.run_id})"
    )
    if result.log_problem:
        err.print(f"[bold yellow]warning:[/] {result.log_problem}", highlight=False)
    if timings:
        for name, secs in result.seconds.items():
            out.print(f"  {name:<20} {secs * 1000:8.0f} ms")


def _unexpected(e: Exception, debug: bool) -> None:
    """A parser bug or an input no check foresaw: still one line."""
    first = str(e).strip().splitlines()[0] if str(e).strip() else ""
    _fail(
        f"unexpected {type(e).__name__}: {first} (the published database was not "
        "changed; --debug shows the traceback)",
        EXIT_INPUT,
        debug,
    )


def _build(
    raw_dir: Path | None,
    db: Path,
    command: str,
    debug: bool,
    timings: bool = False,
    run: dict | None = None,
) -> None:
    try:
        result = _run_build(raw_dir, db, command, run)
    except EtlError as e:
        _fail(f"{_line(e)} (the published database was not changed)", EXIT_INPUT, debug)
    except Exception as e:
        _unexpected(e, debug)
    _published(result, timings)


def _target(
    db: Path,
    raw_dir: Path | None,
    debug: bool,
    *,
    raw_must_exist: bool,
    raw_writable: bool = False,
) -> Path:
    """Check --db and --raw-dir before any work: the path to build (a symbolic link's target),
    or one line and exit 1. An existing file is replaced only if it is empty or a DuckDB
    database this project built. With `raw_writable` (refresh downloads into it) the raw dir,
    or the folder it will be made in, must take a file (os.access says yes to root on /proc)."""
    from core import outdir
    from core.db import built_by_us

    if raw_dir is not None:
        if raw_dir.exists() and not raw_dir.is_dir():
            _fail(f"--raw-dir {raw_dir} is a file, not a folder", EXIT_INPUT, debug)
        if raw_must_exist and not raw_dir.exists():
            _fail(f"--raw-dir {raw_dir} does not exist", EXIT_INPUT, debug)
        if raw_writable and (why := outdir.problem(raw_dir)):
            _fail(f"--raw-dir {raw_dir}: {why}", EXIT_INPUT, debug)
    if db.is_symlink():
        target = db.resolve()  # build into the link's target: the link keeps pointing at it
        if not target.parent.is_dir():
            _fail(f"--db {db} links to {target}, whose folder does not exist", EXIT_INPUT, debug)
        db = target
    if db.is_dir():
        _fail(f"--db {db} is a folder; give a file name inside it", EXIT_INPUT, debug)
    if db.exists():
        if not db.is_file():
            _fail(f"--db {db} is not a regular file; refusing to replace it", EXIT_INPUT, debug)
        if db.stat().st_size and not built_by_us(db):
            _fail(
                f"--db {db} exists and is not a database built by this project; refusing to "
                "replace it (move it away or choose another --db)",
                EXIT_INPUT,
                debug,
            )
    folder = db.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # the first existing folder: the build creates the rest
    if not folder.is_dir():
        _fail(f"--db {db}: {folder} is a file, not a folder", EXIT_INPUT, debug)
    if not os.access(folder, os.W_OK | os.X_OK):
        _fail(f"--db {db}: the folder {folder} is not writable", EXIT_INPUT, debug)
    if why := outdir.problem(db.parent):  # os.access says yes to root on /proc
        _fail(f"--db {db}: {why}", EXIT_INPUT, debug)
    return db


@app.command()
def build(
    raw_dir: Annotated[
        Path | None,
        typer.Option(
            "--raw-dir", help="Folder of raw publisher files; without it, the committed snapshot."
        ),
    ] = None,
    db: DbOption = None,
    timings: Annotated[bool, typer.Option(help="Print the time each step took.")] = False,
    debug: DebugOption = False,
) -> None:
    """Parse every source, check it and publish the database atomically."""
    db = _target(db or default_db_path(), raw_dir, debug, raw_must_exist=True)
    with _lock(db, "build", debug):
        _build(raw_dir, db, "build", debug, timings)


@app.command()
def refresh(
    raw_dir: Annotated[Path, typer.Option("--raw-dir", help="Where downloads are kept.")] = Path(
        "data/raw"
    ),
    db: DbOption = None,
    force: Annotated[bool, typer.Option(help="Rebuild even if no source changed.")] = False,
    debug: DebugOption = False,
) -> None:
    """Download the publishers' current files, then build if anything changed.

    Every run is logged in <db>.runs.jsonl (and so in etl_run): published, unchanged, failed,
    refused. When the files on disk are exactly those the published database was built from,
    nothing is published and the database file is not touched. A failed download leaves the
    previous raw files and the database as they were. A new file the build refuses is held
    back (etl/quarantine.py): moved to <raw-dir>/.refused/<date>/ with its error, the files it
    replaced put back, and the other sources' updates published without it; the command then
    exits 5 naming what was held back.
    """
    from core.runlog import log_run
    from etl import download, fetch
    from etl.build import _now, file_digests, new_run, stale_sources

    db = _target(db or default_db_path(), raw_dir, debug, raw_must_exist=False, raw_writable=True)
    try:
        bases = _base_urls()
    except ValueError as e:
        _fail(str(e), EXIT_USAGE, debug)
    secrets = fetch.secrets_in(list((bases or {}).values()))
    with _lock(db, "refresh", debug):
        entry = new_run("refresh", raw_dir)
        log_run(db, {**entry, "outcome": "started"})  # a refresh killed from here on still shows
        # the files the downloads replace wait here until the build has taken the new ones
        previous = raw_dir / f".refresh-{os.getpid()}-previous"
        try:
            try:
                fetched = download.refresh_raw(
                    raw_dir, base_urls=bases, progress=err.is_terminal, previous=previous
                )
            except (EtlError, KeyboardInterrupt) as e:
                outcome = "interrupted" if interruption(e) else "failed"
                log_run(
                    db,
                    {
                        **entry,
                        "finished_at": _now(),
                        "outcome": outcome,
                        "sources_sha256": file_digests(raw_dir),
                        "message": fetch.scrub(f"download: {e}", secrets),
                    },
                )
                if isinstance(e, KeyboardInterrupt):
                    raise
                line = fetch.scrub(_line(e), secrets)
                _fail(f"{line} (raw files and database left as they were)", EXIT_INPUT, debug)
            if not force and db.exists() and not stale_sources(raw_dir, db):
                log_run(
                    db,
                    {
                        **entry,
                        "finished_at": _now(),
                        "outcome": "unchanged",
                        "sources_sha256": json.dumps({f.name: f.sha256 for f in fetched}),
                        "message": "no source changed; nothing published",
                    },
                )
                out.print("no source changed; the published database stays as it is")
                return
            held = _build_holding_back(raw_dir, db, entry, fetched, previous, secrets, debug)
        finally:
            shutil.rmtree(previous, ignore_errors=True)
    if held:
        _fail(_held_line(held, raw_dir), EXIT_HELD, debug)


def _build_holding_back(
    raw_dir: Path, db: Path, entry: dict, fetched: list, previous: Path, secrets: set, debug: bool
) -> list:
    """Build; while the build refuses a file this refresh brought, hold that source's update
    back (etl/quarantine.py), log the refusal as a run of its own (outcome 'refused', the raw
    dir's files as they are then) and build again. Returns what was held back."""
    from core.runlog import held_message, log_run
    from etl import fetch, quarantine
    from etl.build import _now, file_digests, new_run

    held: list[quarantine.Held] = []
    while True:
        try:
            result = _run_build(raw_dir, db, "refresh", run=entry)
        except EtlError as e:
            line = fetch.scrub(_line(e), secrets)
            folder = quarantine.culprit(e, fetched, raw_dir, {h.folder for h in held})
            if folder is None:
                _fail(f"{line} (the published database was not changed)", EXIT_INPUT, debug)
            try:
                hold = quarantine.hold_back(
                    raw_dir, folder, fetched, previous, line, entry["run_id"]
                )
            except OSError as moved:
                _fail(
                    f"{line} (the published database was not changed; holding {folder}'s new "
                    f"files back failed: {moved.strerror or moved})",
                    EXIT_INPUT,
                    debug,
                )
            held.append(hold)
            log_run(
                db,
                {
                    **entry,
                    "finished_at": _now(),
                    "outcome": "refused",
                    "sources_sha256": file_digests(raw_dir),
                    "message": held_message(folder, _held_what(hold, raw_dir)),
                },
            )
            entry = new_run("refresh", raw_dir)  # the build without it is a run of its own
            continue
        except Exception as e:
            _unexpected(e, debug)
        _published(result)
        return held


def _held_what(hold, raw_dir: Path) -> str:
    """One line: which files, where they went, what came back, and the build's error."""
    back = f"the previous {hold.folder} files are back" if hold.restored else "nothing to restore"
    return (
        f"{', '.join(hold.files)} refused by the build and moved to "
        f"{hold.where.relative_to(raw_dir)}/ ({back}): {hold.error}"
    )


def _held_line(held: list, raw_dir: Path) -> str:
    parts = "; ".join(f"{h.folder}: {_held_what(h, raw_dir)}" for h in held)
    return (
        f"held back {parts}; the other sources' updates were published "
        f"(exit {EXIT_HELD}; `etl status --raw-dir {raw_dir}` lists refused files)"
    )


BASE_URLS_ENV = "ALLIANCE_BASE_URLS"


def _base_urls() -> dict[str, str] | None:
    """Publisher base URLs from $ALLIANCE_BASE_URLS (JSON), e.g. a local mirror or a test server:
    '{"sipri": "http://127.0.0.1:8000", ...}'; the keys are those of download.DEFAULT_BASE_URLS."""
    from etl.download import DEFAULT_BASE_URLS

    text = os.environ.get(BASE_URLS_ENV, "").strip()
    if not text:
        return None
    try:
        bases = json.loads(text)
    except json.JSONDecodeError as e:
        raise ValueError(f"${BASE_URLS_ENV} is not JSON: {e}") from None
    if not isinstance(bases, dict) or not all(
        isinstance(v, str) and v.startswith(("http://", "https://")) for v in bases.values()
    ):
        raise ValueError(f"${BASE_URLS_ENV} must map names to http(s) URLs") from None
    if unknown := sorted(set(bases) - set(DEFAULT_BASE_URLS)):
        raise ValueError(
            f"${BASE_URLS_ENV} names unknown sources {unknown}; known: {sorted(DEFAULT_BASE_URLS)}"
        )
    return bases


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
    try:
        con = _open(db)
        _status(con, raw_dir)
        out.print(_run_log_line(db), highlight=False, soft_wrap=True)
    except EtlError as e:
        _fail(str(e), EXIT_INPUT, debug)
    except duckdb.Error as e:
        _fail(f"the database cannot be read: {_line(e)}", EXIT_INPUT, debug)


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
    from etl.warehouse import version

    ours = version()
    theirs = built["warehouse_version"][0] if "warehouse_version" in built.columns else None
    if built.is_empty() or theirs == ours:
        return f"warehouse version {ours}: the database matches this code"
    return (
        f"[bold yellow]warehouse version[/] {theirs or 'not recorded'} in the database, {ours} in "
        "this code: rebuild it (`etl build`) before serving"
    )


def _open(db: Path):
    """The published database, read-only; EtlError (one line) for any file that is not one."""
    return connect_readonly(_db_must_exist(db))


FORMATS = ("table", "csv", "json")


def _check_format(fmt: str, debug: bool) -> None:
    if fmt not in FORMATS:
        _fail(f"--format must be one of {', '.join(FORMATS)}, not {fmt[:40]!r}", EXIT_USAGE, debug)


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
        _fail(str(e), EXIT_USAGE, debug)
    db = db or default_db_path()
    try:
        _open(db).close()  # one line for a file that is not our database, before any worker
        result = run(db, query, row_cap=cap, seconds=secs)
    except EtlError as e:
        _fail(str(e), EXIT_INPUT, debug)
    except SqlRefused as e:
        _fail(str(e), EXIT_REFUSED, debug)
    from polars.exceptions import PanicException

    try:
        _emit(result.frame, fmt)
    except (Exception, PanicException) as e:  # a value no format holds, despite the worker's
        # casts: refused (Polars' panic is not an Exception, and would print a traceback)
        _fail(f"the result cannot be shown as {fmt}: {_line(e)}", EXIT_REFUSED, debug)
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
            _fail(f"--param {item!r} is not name=value", EXIT_INPUT, debug)
        params[key.strip().lstrip("$")] = value
    _check_format(fmt, debug)
    try:
        frame = queries.run(_open(db or default_db_path()), name, **params)
    except EtlError as e:
        _fail(str(e), EXIT_INPUT, debug)
    except duckdb.Error as e:
        _fail(f"the query {name!r} failed on this database: {_line(e)}", EXIT_INPUT, debug)
    _emit(frame, fmt)


@app.command()
def snapshot(
    db: DbOption = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Folder to write.")] = None,
    debug: DebugOption = False,
) -> None:
    """Write the compact tidy snapshot (data/snapshot/) from the published database."""
    from etl import snapshot as snap

    target = out_dir or snap.SNAPSHOT
    try:
        counts = snap.write(_db_must_exist(db or default_db_path()), target)
    except EtlError as e:
        _fail(str(e), EXIT_INPUT, debug)
    except OSError as e:  # e.g. a full disk: one line naming it (the folder keeps its files)
        where = e.filename or target
        _fail(f"cannot write the snapshot: {e.strerror or e} ({where})", EXIT_INPUT, debug)
    out.print(f"snapshot: {sum(counts.values()):,} rows in {len(counts)} tables")


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
    from etl.export import export as write

    try:
        result = write(db or default_db_path(), out_dir, force=force)
    except EtlError as e:
        _fail(str(e), EXIT_INPUT, debug)
    except OSError as e:  # e.g. a folder that cannot be written: one line naming it
        where = e.filename or out_dir
        _fail(
            f"cannot write the export: {e.strerror or e} ({where}); the folder keeps its "
            "earlier files",
            EXIT_INPUT,
            debug,
        )
    out.print(
        f"exported {len(result.rows)} tables and views ({sum(result.rows.values()):,} rows, "
        f"{result.bytes / 1e6:.1f} MB) to {result.out}"
    )


def _db_must_exist(db: Path) -> Path:
    from core.db import problem

    if why := problem(db):
        raise EtlError(why, file=str(db))
    return db


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
        _fail(str(e), EXIT_INPUT, debug)
    _check_format(fmt, debug)
    from ledger import articles

    try:
        articles.get(article)
    except articles.UnknownArticle as e:
        _fail(str(e).strip("'\""), EXIT_USAGE, debug)
    try:
        results = evaluate_all(
            _open(db or default_db_path()), day, with_history=history, article=article
        )
    except EtlError as e:
        _fail(str(e), EXIT_INPUT, debug)
    except duckdb.Error as e:
        _fail(f"the claims could not be evaluated on this database: {_line(e)}", EXIT_INPUT, debug)
    except Exception as e:  # a rule's bug or a day no check foresaw: still one line
        _unexpected(e, debug)
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


if __name__ == "__main__":
    app()
