"""Build the warehouse: parse every source, load a temporary file, check it, then publish.

Publishing is a rename of a fully written, closed and checked file over the served one, so a
failed or killed build never leaves a half-written database where the app reads it.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import polars as pl

from core import limits, queryfiles, sidefiles
from core.catalogue import tables
from core.db import STORAGE_VERSION, connect_readonly, warehouse_version
from core.errors import EtlError
from core.files import fsync, process_alive, sha256
from core.runlog import log_run, past_runs
from etl import (
    checks,
    memberships,
    snapshot,
    sources,
)
from etl.rawfiles import (
    Parsed,
    SourceFile,
    check,
    refuse_control_characters,
)
from etl.stopping import interruption
from etl.warehouse import create_schema, create_views, insert

ROOT = Path(__file__).resolve().parent.parent
# Build step -> parser, in the registry's order (etl/sources/).
RAW_PARSERS = sources.parsers()
# Sources read from one file (per edition): a reader library's error names that file.
SINGLE_FILE = {
    step: source.patterns[0]
    for step in RAW_PARSERS
    if (source := sources.step_source(step)) and len(source.patterns) == 1
}
# Tables in load order (referenced tables first): the catalogue's, less the build's own.
TABLES = tables.loaded()


@dataclass
class BuildResult:
    db: Path
    run_id: str
    rows: dict[str, int]
    files: list[SourceFile]
    seconds: dict[str, float] = field(default_factory=dict)
    log_problem: str | None = None  # why the run log could not take the published run


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


SNAPSHOT_EDITION = "(from the committed snapshot)"  # as etl.snapshot.read marks its files


def new_run(command: str, raw_dir: Path | None) -> dict:
    """The start of a run-log entry: id, command, raw dir and start time."""
    return {
        "run_id": uuid.uuid4().hex[:12],
        "command": command,
        "raw_dir": str(raw_dir) if raw_dir else None,
        "started_at": _now(),
        "warehouse_version": warehouse_version(),
    }


def file_digests(raw_dir: Path | None) -> str | None:
    """JSON {file: sha256} of the raw files the sources' patterns name, for a run that failed
    before it knew what it read. Only those: the whole folder is never walked (`--raw-dir /usr`
    hashed all of /usr, `/proc` raised), each must pass the raw-file check (a regular file
    within its source's cap: a 20 GB sparse file took 67 s), and at most ALLIANCE_DIGEST_FILES
    files and ALLIANCE_DIGEST_MB bytes are hashed. A file left out is recorded with why."""
    if raw_dir is None:
        return None
    raw_dir = Path(raw_dir)
    try:
        if not raw_dir.is_dir():
            return None
        most, budget = int(limits.get("digest_files")), int(limits.get("digest_mb") * limits.MB)
    except (OSError, limits.LimitError):
        return None
    digests: dict[str, str] = {}
    for source in sources.REGISTRY.values():
        for pattern in source.patterns:
            try:  # one folder listed per pattern, and no more names than could be hashed
                hits = sorted(itertools.islice(raw_dir.glob(pattern), most + 1))
            except OSError:
                continue
            for path in hits:
                name = path.relative_to(raw_dir).as_posix()
                if name in digests:
                    continue
                if len(digests) >= most:
                    digests["..."] = f"not hashed: more than {most} files (ALLIANCE_DIGEST_FILES)"
                    return json.dumps(digests, sort_keys=True)
                try:
                    check(path, source.folder, name, workbook=False)
                    size = path.stat().st_size
                    if size > budget:
                        digests[name] = "not hashed: over the ALLIANCE_DIGEST_MB budget"
                        continue
                    budget -= size
                    digests[name] = sha256(path)
                except EtlError as e:
                    digests[name] = f"not hashed: {e.problem}"
                except OSError as e:
                    digests[name] = f"not hashed: {e.strerror or e}"
    return json.dumps(digests, sort_keys=True)


def data_dir() -> Path:
    """The project's own facts (memberships, alliances): ALLIANCE_DATA_DIR or data/."""
    return Path(os.environ.get("ALLIANCE_DATA_DIR") or ROOT / "data")


def stale_sources(raw_dir: Path, db: Path, facts: Path | None = None) -> list[str]:
    """Files the published database was built from whose bytes are no longer on disk, and new
    editions on disk it has not loaded.

    [] means the database is exactly what a build of these files would publish, so a refresh
    can stop there. A database built from the committed snapshot, a file that changed, was
    renamed (a new release) or vanished, a new edition beside the loaded ones, and a database
    that cannot be read all count; so does a file in another storage format than
    STORAGE_VERSION (one published before the format was pinned would otherwise never be
    rewritten for DuckDB 1.x readers).
    """
    facts = facts or data_dir()
    try:
        con = connect_readonly(db)
        try:
            files = queryfiles.read(con, "source_file")
            written = _storage_version(con)
        finally:
            con.close()
    except (duckdb.Error, EtlError) as e:  # not a readable database of ours: rebuild
        return [f"{db} ({type(e).__name__})"]
    rows = files.select("name", "sha256", "edition").rows()
    stale = [] if written == f"{STORAGE_VERSION}+" else [f"{db} (storage version {written})"]
    for name, digest, edition in rows:
        first, _, rest = name.partition("/")
        path = facts / rest if first == facts.name else Path(raw_dir) / name
        if edition.endswith(SNAPSHOT_EDITION) or not path.is_file() or sha256(path) != digest:
            stale.append(name)
    # A new edition arrives beside the older ones (nothing loaded has changed): a file of a
    # source with editions that the database has not loaded counts too.
    loaded = {name for name, _, _ in rows}
    for source in sources.REGISTRY.values():
        if source.about.side_by_side:
            for path in source.files(Path(raw_dir)):
                if (name := path.relative_to(raw_dir).as_posix()) not in loaded:
                    stale.append(name)
    return stale or ([] if rows else [f"{db} (no source_file rows)"])


def clean_leftovers(db: Path) -> list[Path]:
    """Remove temporary files of earlier builds whose process is gone (e.g. killed)."""
    removed = []
    for tmp in db.parent.glob(f".{db.name}.*.tmp*"):
        pid = tmp.name.removeprefix(f".{db.name}.").split(".")[0]
        if pid.isdigit() and int(pid) != os.getpid() and process_alive(int(pid)):
            continue
        tmp.unlink(missing_ok=True)
        removed.append(tmp)
    return removed


def parse_all(
    raw_dir: Path | None,
    step: Callable[[str], None] = lambda _: None,
    facts: Path | None = None,
) -> list[Parsed]:
    """Every source's tidy frames: from the raw files, or from the committed snapshot."""
    facts = facts or data_dir()
    try:
        parsed = [memberships.parse(facts)]
    except EtlError:
        raise
    except Exception as e:  # e.g. a file that is not UTF-8: still one line naming the folder
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        raise EtlError(f"could not read the project's facts: {first}", file=str(facts)) from e
    if raw_dir is None:
        step("snapshot")
        parsed.append(snapshot.read())
        return parsed
    if not raw_dir.is_dir():
        raise EtlError("raw directory does not exist", file=str(raw_dir))
    for name, parse in RAW_PARSERS.items():
        step(name)
        parsed.append(read_source(name, parse, raw_dir))
    return parsed


def read_source(name: str, parse: Callable[[Path], Parsed], raw_dir: Path) -> Parsed:
    """One source's parser; a reader library's own error becomes one EtlError naming the file."""
    try:
        return parse(raw_dir)
    except EtlError:
        raise
    except Exception as e:  # a reader library's own error: name the source, keep one line
        first = (str(e).strip().splitlines() or [type(e).__name__])[0]
        hits = sorted(raw_dir.glob(SINGLE_FILE[name])) if name in SINGLE_FILE else []
        file = hits[0].relative_to(raw_dir).as_posix() if len(hits) == 1 else str(raw_dir)
        raise EtlError(f"could not read the {name} files: {first}", file=file) from e


def load(con: duckdb.DuckDBPyConnection, parsed: list[Parsed]) -> dict[str, int]:
    frames: dict[str, list[pl.DataFrame]] = {}
    for p in parsed:
        origin = ", ".join(f.name for f in p.files) or "facts"
        for table, frame in p.tables.items():
            refuse_control_characters(frame, f"{origin} (table {table})")
            frames.setdefault(table, []).append(frame)
    unknown = set(frames) - set(TABLES)
    if unknown:
        raise EtlError(f"parsers returned unknown tables {sorted(unknown)}")
    rows = {}
    for table in TABLES:
        if table not in frames:
            raise EtlError(f"no source filled table {table}")
        frame = pl.concat(frames[table], how="diagonal_relaxed")
        try:
            insert(con, table, frame)
        except duckdb.ConstraintException as e:
            file, _ = checks.ORIGIN.get(table, (table, {}))
            raise EtlError(f"duplicate rows: {str(e).splitlines()[0]}", file=file) from None
        rows[table] = frame.height
    return rows


def build(
    raw_dir: Path | None,
    db: Path,
    *,
    command: str = "build",
    step: Callable[[str], None] = lambda _: None,
    facts: Path | None = None,
    run: dict | None = None,
) -> BuildResult:
    """Parse, load, check and atomically publish. On any failure `db` is left untouched.

    `facts` is the folder of memberships.csv and alliances.csv (default: ALLIANCE_DATA_DIR or
    data/), so tests can break a copy of them. `run` is a run-log entry already started (by
    `etl refresh`), so one refresh is one run.
    """
    db = Path(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    entry = run or new_run(command, raw_dir)
    if cleaned := clean_leftovers(db):  # a killed run's temporary files
        entry["cleaned"] = [p.name for p in cleaned]
    log_run(db, {**entry, "outcome": "started"})  # a run killed from here on still shows
    seconds: dict[str, float] = {}
    outer, clock = step, [time.perf_counter(), "start"]

    def step(name: str) -> None:  # time every step for `etl build --timings` and the benchmark
        now = time.perf_counter()
        seconds[clock[1]] = seconds.get(clock[1], 0.0) + now - clock[0]
        clock[:] = [now, name]
        outer(name)

    run_id = entry["run_id"]
    tmp = db.with_name(f".{db.name}.{os.getpid()}.tmp")
    try:
        parsed = parse_all(raw_dir, step, facts)
        files = [f for p in parsed for f in p.files]
        entry["sources_sha256"] = json.dumps({f.name: f.sha256 for f in files}, sort_keys=True)
        step("load")
        tmp.unlink(missing_ok=True)
        con = duckdb.connect(str(tmp), config={"storage_compatibility_version": STORAGE_VERSION})
        try:
            # One transaction (one commit, one write-ahead-log flush) instead of one per
            # statement: nothing in between needs to be durable, a failure deletes the file.
            con.begin()
            create_schema(con, own_transaction=False)
            rows = load(con, parsed)
            create_views(con, own_transaction=False)
            loaded_at = _now()
            con.executemany(
                "insert into source_file values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    [
                        f.name,
                        f.publisher,
                        f.edition,
                        f.url,
                        f.licence,
                        f.sha256,
                        f.bytes,
                        f.rows,
                        loaded_at,
                    ]
                    for f in files
                ],
            )
            step("check")
            checks.run_all(con)
            _check_storage_version(con)
            if raw_dir is not None:  # last, so a damaged file is named by what broke first
                sources.verify_all(raw_dir)
            finished = _now()
            final = {
                **entry,
                "finished_at": finished,
                "outcome": "published",
                "message": f"{sum(rows.values())} rows",
            }
            history = {**{r["run_id"]: r for r in past_runs(db).runs}, run_id: final}
            con.executemany(
                "insert into etl_run values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    [
                        h["run_id"],
                        h["command"],
                        h.get("raw_dir"),
                        h["started_at"],
                        h.get("finished_at"),
                        h["outcome"],
                        h.get("sources_sha256"),
                        h.get("message"),
                        h.get("warehouse_version"),
                    ]
                    for h in history.values()
                ],
            )
            con.commit()
            con.execute("checkpoint")
        finally:
            con.close()
        step("publish")
        fsync(tmp)
        os.replace(tmp, db)
        fsync(db.parent)  # the rename itself survives a power cut
    except BaseException as e:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
        stopped = interruption(e)
        if "sources_sha256" not in entry:  # parsing failed: record what the raw dir held
            entry["sources_sha256"] = file_digests(raw_dir)
        outcome, message = ("interrupted", stopped) if stopped else ("failed", str(e))
        message = message or type(e).__name__
        # the run log was checked at the start; if it fails now, the build's own error says more
        with contextlib.suppress(sidefiles.SideFileError):
            log_run(db, {**entry, "finished_at": _now(), "outcome": outcome, "message": message})
        if stopped and isinstance(e, Exception):  # exit as an interrupt (130), not a failure
            raise KeyboardInterrupt(stopped) from e
        raise
    step("done")
    result = BuildResult(db=db, run_id=run_id, rows=rows, files=files, seconds=seconds)
    try:
        log_run(db, final)
    except sidefiles.SideFileError as e:  # published all the same (etl_run holds the run)
        result.log_problem = str(e)
    return result


def _storage_version(con: duckdb.DuckDBPyConnection) -> str | None:
    """The storage format DuckDB reports for the open file, e.g. 'v1.0.0+'."""
    (tags,) = con.execute(
        "select tags from duckdb_databases() where database_name = current_database()"
    ).fetchall()[0]
    return dict(tags or {}).get("storage_version")


def _check_storage_version(con: duckdb.DuckDBPyConnection) -> None:
    """The file is in the format 1.x clients read (a DuckDB that ignored the setting would not)."""
    written = _storage_version(con)
    if written != f"{STORAGE_VERSION}+":
        raise EtlError(f"database written in storage version {written}, not {STORAGE_VERSION}")
