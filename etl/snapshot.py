"""The committed snapshot: a compact, tidy copy of what the ETL derives, for a fresh machine.

It holds every country SIPRI covers (so a world ranking or total on the bundled data is SIPRI's,
not the tracked groupings' alone), SIPRI's regional and world totals, plus the members and
partners of the tracked groupings and Russia, Ukraine, Belarus and China, in every table.
Every edition loaded sits in it, keyed by edition. `etl build` without --raw-dir loads it
instead of the raw files; a test rebuilds it from the raw files and checks it matches exactly.
"""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import polars as pl

from core import outdir
from core.catalogue import tables
from core.db import connect_readonly
from core.errors import EtlError, first_line
from etl.rawfiles import Parsed, SourceFile

ROOT = Path(__file__).resolve().parent.parent
SNAPSHOT = ROOT / "data" / "snapshot"
EXTRA = ("RUS", "UKR", "BLR", "CHN")
# Parsed source tables kept in the snapshot, each with the column its bundled countries' rows are
# kept by (None: every row); alliance and membership come from data/ directly.
TABLES = tables.from_sources()
MANIFEST = "source_file.json"


def write(db: Path, out: Path = SNAPSHOT) -> dict[str, int]:
    """Export the rows of SIPRI's and the tracked countries of every source table as Parquet,
    plus a manifest: every file or (a full disk, a kill, any error) none, the folder's earlier
    files kept (core.outdir)."""
    if why := outdir.problem(out):
        raise EtlError(f"cannot write the snapshot here: {why}", file=str(out))
    con = connect_readonly(db)  # read-only, no file access, and refused unless it is ours
    try:
        with outdir.staged(out, last=MANIFEST) as staging:
            counts = _write(con, staging)
    except duckdb.Error as e:
        raise EtlError(f"cannot write the snapshot: {first_line(e)}", file=str(db)) from None
    except pl.exceptions.PolarsError as e:  # polars' own error for a failed write (a full disk)
        raise EtlError(f"cannot write the snapshot: {first_line(e)}", file=str(out)) from None
    finally:
        con.close()
    return counts


def _write(con: duckdb.DuckDBPyConnection, out: Path) -> dict[str, int]:
    keep = sorted(
        {r[0] for r in con.execute("select distinct iso3 from membership").fetchall()}
        | {r[0] for r in con.execute("select distinct iso3 from sipri_milex").fetchall()}
        | set(EXTRA)
    )
    counts = {}
    for table, key in TABLES.items():
        sql = f"select * from {table}"  # noqa: S608 (own table names)
        frame = con.sql(sql).pl()
        if key:
            # Rows without a state (EU institutions as a Kiel donor) belong to the EU grouping.
            frame = frame.filter(pl.col(key).is_in(keep) | pl.col(key).is_null())
        frame = frame.sort(frame.columns)
        frame.write_parquet(out / f"{table}.parquet", compression="zstd", statistics=False)
        counts[table] = frame.height
    files = con.sql("select * exclude (loaded_at) from source_file order by name").pl()
    (out / MANIFEST).write_text(json.dumps(files.to_dicts(), indent=1) + "\n", encoding="utf-8")
    return counts


def read(path: Path = SNAPSHOT) -> Parsed:
    if not (path / MANIFEST).is_file():
        raise EtlError(
            "no snapshot found: run `etl build --raw-dir DIR` then `etl snapshot`", file=str(path)
        )
    tables = {t: pl.read_parquet(path / f"{t}.parquet") for t in TABLES}
    manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    files = [
        SourceFile(**{**f, "edition": f["edition"] + " (from the committed snapshot)"})
        for f in manifest
        if not f["name"].startswith("data/")  # the project's own facts are read from data/
    ]
    return Parsed(tables=tables, files=files)
