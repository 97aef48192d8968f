"""Build the warehouse: parse every source, load a temporary file, check it, then publish.

Publishing is a rename of a fully written, closed and checked file over the served one, so a
failed or killed build never leaves a half-written database where the app reads it.
"""

from __future__ import annotations

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

from etl import checks, cow, kiel, memberships, nato, restcountries, sipri, snapshot, worldbank
from etl.errors import EtlError
from etl.rawfiles import Parsed, SourceFile
from etl.warehouse import create_schema, create_views, insert

ROOT = Path(__file__).resolve().parent.parent
RAW_PARSERS = {
    "SIPRI": sipri.parse,
    "NATO": nato.parse,
    "World Bank": worldbank.parse,
    "REST Countries": restcountries.parse,
    "Correlates of War": cow.parse,
    "Kiel": kiel.parse,
    "Kiel weapons": kiel.parse_weapons,
}
# Tables in load order (referenced tables first).
TABLES = [
    "country",
    "alliance",
    "membership",
    "state_succession",
    "sipri_milex",
    "sipri_missing",
    "sipri_country_note",
    "nato_defence",
    "nato_aggregate",
    "nato_real_change",
    "wb_macro",
    "wb_country",
    "cow_nmc",
    "kiel_aid_monthly",
    "kiel_aid_donor",
    "kiel_heavy_weapons",
]


@dataclass
class BuildResult:
    db: Path
    run_id: str
    rows: dict[str, int]
    files: list[SourceFile]
    seconds: dict[str, float] = field(default_factory=dict)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def run_log(db: Path) -> Path:
    """Every run, failed ones included, is appended here and copied into etl_run on publish."""
    return db.with_name(db.name + ".runs.jsonl")


def log_run(db: Path, entry: dict) -> None:
    with run_log(db).open("a", encoding="utf-8") as f:
        f.write(json.dumps(entry, default=str) + "\n")


def _past_runs(db: Path) -> list[dict]:
    path = run_log(db)
    if not path.is_file():
        return []
    runs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            runs.append(json.loads(line))
        except json.JSONDecodeError:
            continue  # a line cut short by a kill: the run it described never published
    return runs


def clean_leftovers(db: Path) -> list[Path]:
    """Remove temporary files of earlier builds whose process is gone (e.g. killed)."""
    removed = []
    for tmp in db.parent.glob(f".{db.name}.*.tmp*"):
        pid = tmp.name.removeprefix(f".{db.name}.").split(".")[0]
        if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
            continue
        tmp.unlink(missing_ok=True)
        removed.append(tmp)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def parse_all(raw_dir: Path | None, step: Callable[[str], None] = lambda _: None) -> list[Parsed]:
    """Every source's tidy frames: from the raw files, or from the committed snapshot."""
    parsed = [memberships.parse(ROOT / "data")]
    if raw_dir is None:
        step("snapshot")
        parsed.append(snapshot.read())
        return parsed
    if not raw_dir.is_dir():
        raise EtlError("raw directory does not exist", file=str(raw_dir))
    for name, parse in RAW_PARSERS.items():
        step(name)
        try:
            parsed.append(parse(raw_dir))
        except EtlError:
            raise
        except Exception as e:  # a reader library's own error: name the source, keep one line
            first = (str(e).strip().splitlines() or [type(e).__name__])[0]
            raise EtlError(f"could not read the {name} files: {first}", file=str(raw_dir)) from e
    return parsed


def cross_source(con: duckdb.DuckDBPyConnection) -> None:
    """SIPRI vs NATO vs World Bank share of GDP for every country-year any two of them cover."""
    con.execute("""
        insert into cross_source_share_gdp
        with s as (select iso3, year, share_gdp_pct from sipri_milex),
             n as (select iso3, year, share_gdp_pct from nato_defence
                   where share_gdp_pct is not null),
             w as (select iso3, year, milex_share_gdp_pct from wb_macro),
             joined as (
                 select coalesce(s.iso3, n.iso3, w.iso3) as iso3,
                        coalesce(s.year, n.year, w.year) as year,
                        s.share_gdp_pct as sipri_pct, n.share_gdp_pct as nato_pct,
                        w.milex_share_gdp_pct as wb_pct
                 from s full join n using (iso3, year) full join w using (iso3, year)
             )
        select iso3, year, sipri_pct, nato_pct, wb_pct,
               greatest(abs(sipri_pct - nato_pct), abs(sipri_pct - wb_pct), abs(nato_pct - wb_pct))
                   as max_abs_diff_pp
        from joined
        where (sipri_pct is not null)::int + (nato_pct is not null)::int
              + (wb_pct is not null)::int >= 2
    """)


def load(con: duckdb.DuckDBPyConnection, parsed: list[Parsed]) -> dict[str, int]:
    frames: dict[str, list[pl.DataFrame]] = {}
    for p in parsed:
        for table, frame in p.tables.items():
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
) -> BuildResult:
    """Parse, load, check and atomically publish. On any failure `db` is left untouched."""
    db = Path(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    clean_leftovers(db)
    seconds: dict[str, float] = {}
    outer, clock = step, [time.perf_counter(), "start"]

    def step(name: str) -> None:  # time every step for `etl build --timings` and the benchmark
        now = time.perf_counter()
        seconds[clock[1]] = seconds.get(clock[1], 0.0) + now - clock[0]
        clock[:] = [now, name]
        outer(name)

    run_id = uuid.uuid4().hex[:12]
    started = _now()
    entry = {
        "run_id": run_id,
        "command": command,
        "raw_dir": str(raw_dir) if raw_dir else None,
        "started_at": started,
    }
    tmp = db.with_name(f".{db.name}.{os.getpid()}.tmp")
    try:
        parsed = parse_all(raw_dir, step)
        files = [f for p in parsed for f in p.files]
        entry["sources_sha256"] = json.dumps({f.name: f.sha256 for f in files}, sort_keys=True)
        step("load")
        tmp.unlink(missing_ok=True)
        con = duckdb.connect(str(tmp))
        try:
            create_schema(con)
            rows = load(con, parsed)
            cross_source(con)
            create_views(con)
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
            finished = _now()
            history = [
                *_past_runs(db),
                {
                    **entry,
                    "finished_at": finished,
                    "outcome": "published",
                    "message": f"{sum(rows.values())} rows",
                },
            ]
            con.executemany(
                "insert into etl_run values (?, ?, ?, ?, ?, ?, ?, ?)",
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
                    ]
                    for h in history
                ],
            )
            con.execute("checkpoint")
        finally:
            con.close()
        step("publish")
        _fsync(tmp)
        os.replace(tmp, db)
        _fsync(db.parent)  # the rename itself survives a power cut
    except BaseException as e:
        tmp.unlink(missing_ok=True)
        Path(str(tmp) + ".wal").unlink(missing_ok=True)
        outcome = "failed" if isinstance(e, Exception) else "interrupted"
        log_run(db, {**entry, "finished_at": _now(), "outcome": outcome, "message": str(e)})
        raise
    step("done")
    log_run(db, history[-1])
    return BuildResult(db=db, run_id=run_id, rows=rows, files=files, seconds=seconds)


def _fsync(path: Path) -> None:
    """Flush a file (or a directory entry) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
