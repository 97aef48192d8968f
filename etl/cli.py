"""The write side's commands: build, refresh, snapshot (cli.py mounts them beside the read
side's, ledger/cli.py, as the one `etl` command; `python -m etl.cli` runs these alone).

Exit codes (core/console.py): 0 success, 1 bad input or a failed check (the published database
is untouched), 2 wrong usage, 3 another build or refresh holds the lock, 5 a refresh published
but held back a downloaded file the build refused (moved to <raw>/.refused/).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from core import console
from core.console import DbOption, DebugOption, err, out
from core.db import default_db_path
from core.errors import EtlError
from etl.stopping import interruption, stop_signals

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)


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
        console.fail(f"{e} (nothing was done)", console.EXIT_INPUT, debug)
    except OSError as e:
        console.fail(
            f"cannot create {db.parent}: {e.strerror or e} (nothing was done)",
            console.EXIT_INPUT,
            debug,
        )
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
                f"[bold red]error:[/] {message} (exit {console.EXIT_LOCKED}); nothing was done",
                highlight=False,
                soft_wrap=True,
            )
            raise typer.Exit(console.EXIT_LOCKED) from None
        try:
            check_run_log(db)
        except EtlError as e:
            console.fail(f"{e} (nothing was done)", console.EXIT_INPUT, debug)
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
        console.fail(
            f"{console.line(e)} (the published database was not changed)", console.EXIT_INPUT, debug
        )
    except Exception as e:
        console.unexpected(e, debug)
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
            console.fail(f"--raw-dir {raw_dir} is a file, not a folder", console.EXIT_INPUT, debug)
        if raw_must_exist and not raw_dir.exists():
            console.fail(f"--raw-dir {raw_dir} does not exist", console.EXIT_INPUT, debug)
        if raw_writable and (why := outdir.problem(raw_dir)):
            console.fail(f"--raw-dir {raw_dir}: {why}", console.EXIT_INPUT, debug)
    if db.is_symlink():
        target = db.resolve()  # build into the link's target: the link keeps pointing at it
        if not target.parent.is_dir():
            console.fail(
                f"--db {db} links to {target}, whose folder does not exist",
                console.EXIT_INPUT,
                debug,
            )
        db = target
    if db.is_dir():
        console.fail(
            f"--db {db} is a folder; give a file name inside it", console.EXIT_INPUT, debug
        )
    if db.exists():
        if not db.is_file():
            console.fail(
                f"--db {db} is not a regular file; refusing to replace it",
                console.EXIT_INPUT,
                debug,
            )
        if db.stat().st_size and not built_by_us(db):
            console.fail(
                f"--db {db} exists and is not a database built by this project; refusing to "
                "replace it (move it away or choose another --db)",
                console.EXIT_INPUT,
                debug,
            )
    folder = db.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent  # the first existing folder: the build creates the rest
    if not folder.is_dir():
        console.fail(f"--db {db}: {folder} is a file, not a folder", console.EXIT_INPUT, debug)
    if not os.access(folder, os.W_OK | os.X_OK):
        console.fail(f"--db {db}: the folder {folder} is not writable", console.EXIT_INPUT, debug)
    if why := outdir.problem(db.parent):  # os.access says yes to root on /proc
        console.fail(f"--db {db}: {why}", console.EXIT_INPUT, debug)
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
        console.fail(str(e), console.EXIT_USAGE, debug)
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
                line = fetch.scrub(console.line(e), secrets)
                console.fail(
                    f"{line} (raw files and database left as they were)", console.EXIT_INPUT, debug
                )
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
        console.fail(_held_line(held, raw_dir), console.EXIT_HELD, debug)


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
            line = fetch.scrub(console.line(e), secrets)
            folder = quarantine.culprit(e, fetched, raw_dir, {h.folder for h in held})
            if folder is None:
                console.fail(
                    f"{line} (the published database was not changed)", console.EXIT_INPUT, debug
                )
            try:
                hold = quarantine.hold_back(
                    raw_dir, folder, fetched, previous, line, entry["run_id"]
                )
            except OSError as moved:
                console.fail(
                    f"{line} (the published database was not changed; holding {folder}'s new "
                    f"files back failed: {moved.strerror or moved})",
                    console.EXIT_INPUT,
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
            console.unexpected(e, debug)
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
        f"(exit {console.EXIT_HELD}; `etl status --raw-dir {raw_dir}` lists refused files)"
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
def snapshot(
    db: DbOption = None,
    out_dir: Annotated[Path | None, typer.Option("--out", help="Folder to write.")] = None,
    debug: DebugOption = False,
) -> None:
    """Write the compact tidy snapshot (data/snapshot/) from the published database."""
    from etl import snapshot as snap

    target = out_dir or snap.SNAPSHOT
    try:
        counts = snap.write(console.db_must_exist(db or default_db_path()), target)
    except EtlError as e:
        console.fail(str(e), console.EXIT_INPUT, debug)
    except OSError as e:  # e.g. a full disk: one line naming it (the folder keeps its files)
        where = e.filename or target
        console.fail(
            f"cannot write the snapshot: {e.strerror or e} ({where})", console.EXIT_INPUT, debug
        )
    out.print(f"snapshot: {sum(counts.values()):,} rows in {len(counts)} tables")


if __name__ == "__main__":
    app()
