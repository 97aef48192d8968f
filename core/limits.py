"""Every resource limit in one place: memory, threads, temp space, query time and rows, raw-file
and download sizes, download deadlines.

The defaults suit the machine the dashboard is served from: 2 cores and a few GB shared with
other work. Each limit can be changed with an environment variable `ALLIANCE_<NAME>` (upper
case, e.g. ALLIANCE_QUERY_SECONDS=10); a value that is not a positive, finite number within the
limit's ceiling is refused in one line (LimitError) rather than quietly ignored.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from datetime import date

from core.catalogue.sources import SOURCES

MB = 1 << 20


class LimitError(ValueError):
    """A limit given in the environment or on the command line that is not acceptable."""


@dataclass(frozen=True)
class Limit:
    name: str
    default: float
    ceiling: float  # the largest value accepted; a typo like 1e308 is refused, not obeyed
    unit: str
    what: str
    integer: bool = False
    floor: float = 0.0  # the value must be greater than this

    @property
    def env(self) -> str:
        return "ALLIANCE_" + self.name.upper()


_LIMITS = [
    # DuckDB connections that serve the dashboard or run a reader's SQL
    Limit("memory_mb", 512, 16_384, "MB", "DuckDB memory limit of a reader connection", True),
    Limit("threads", 2, 64, "", "DuckDB threads of a reader connection", True),
    Limit("temp_mb", 256, 65_536, "MB", "DuckDB temp-directory cap of the dashboard", True),
    # a reader's SQL (etl sql and the explorer): run in a worker process with these bounds
    Limit("query_seconds", 5.0, 600.0, "s", "default time limit of a reader's query", floor=0.05),
    Limit("max_query_seconds", 30.0, 600.0, "s", "largest time limit a reader may ask for"),
    Limit("row_cap", 10_000, 10_000_000, "rows", "default row cap of a reader's query", True),
    Limit("max_row_cap", 100_000, 10_000_000, "rows", "largest row cap a reader may ask for", True),
    Limit("sql_chars", 20_000, 1_000_000, "characters", "longest SQL text accepted", True),
    # A worker's resident memory (VmRSS), watched while it runs: killed above this. Not its
    # address space: DuckDB, Arrow and their allocators reserve ~3 GB of it that they never use.
    Limit("worker_mb", 1_536, 65_536, "MB", "resident memory of a query worker process", True),
    Limit("result_mb", 64, 4_096, "MB", "largest result a query worker may hand back", True),
    Limit("workers", 2, 64, "", "query workers at once, started ahead (others wait)", True),
    Limit("worker_keep_mb", 400, 65_536, "MB", "largest idle worker kept for the next query", True),
    Limit("worker_idle_seconds", 600.0, 86_400.0, "s", "time an idle query worker is kept"),
    # the explorer's cache of results, counted in bytes (polars' estimate of each frame)
    Limit("explore_cache_mb", 64, 16_384, "MB", "the SQL explorer's result cache", True),
    # A dashboard process reopens a database file a refresh replaced only once the queries still
    # reading the old file are done (DuckDB refuses to close a connection in use); this long at
    # most, then that page says so in one line and the next rerun tries again.
    Limit("reopen_wait_seconds", 30.0, 600.0, "s", "wait for queries on a replaced database"),
    # raw files (per source: ALLIANCE_RAW_MB_<FOLDER> overrides either) and workbooks. The real
    # files are 0.1-1.5 MB; the cap leaves room for a few years of growth and refuses a file that
    # is clearly not theirs.
    Limit("source_raw_mb", 32, 16_384, "MB", "largest raw file of a catalogued source", True),
    Limit("raw_mb", 64, 16_384, "MB", "largest raw file of a folder of no source", True),
    Limit("xlsx_unzipped_mb", 256, 16_384, "MB", "largest uncompressed size of a workbook", True),
    Limit("xlsx_rows", 100_000, 10_000_000, "rows", "most rows in one worksheet", True),
    # downloads
    Limit("download_file_seconds", 300.0, 86_400.0, "s", "total time for one download"),
    Limit("download_run_seconds", 1_800.0, 86_400.0, "s", "total time for a refresh's downloads"),
    Limit("download_mb", 64, 16_384, "MB", "largest download of a source without a cap", True),
    Limit("download_redirects", 5, 20, "", "most redirects followed for one download", True),
    # the project's own side files (core/sidefiles.py): read and written whole, so each is capped
    Limit("provenance_kb", 64, 65_536, "KB", "largest provenance record beside a raw file", True),
    Limit("run_log_mb", 16, 4_096, "MB", "largest run log (<db>.runs.jsonl)", True),
    Limit("digest_files", 64, 100_000, "files", "most raw files hashed for a failed run", True),
    Limit("digest_mb", 256, 65_536, "MB", "most bytes hashed for a failed run's log", True),
    Limit("export_rows", 10_000_000, 10**9, "rows", "most rows of one exported table", True),
    # the dashboard's verdict store (app/diskstore.py)
    Limit("store_mb", 64, 16_384, "MB", "size of the verdict store (oldest values go first)", True),
    Limit("store_lock_seconds", 0.2, 60.0, "s", "wait for a verdict store busy elsewhere"),
]
LIMITS = {limit.name: limit for limit in _LIMITS}


def _source_folders() -> list[str]:
    """The raw-file folders of the catalogued sources (core/catalogue/sources.py)."""
    return [s.folder for s in SOURCES.values()]


def parse(name: str, text: str | float | int, *, label: str | None = None) -> float:
    """A value for limit `name` from text (an option or environment variable), validated."""
    limit = LIMITS[name]
    label = label or limit.env
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise LimitError(f"{label} must be a number, not {_short(text)!r}") from None
    if not math.isfinite(value):
        raise LimitError(f"{label} must be a finite number, not {_short(text)!r}")
    if value <= limit.floor:
        raise LimitError(f"{label} must be greater than {limit.floor:g}, not {_short(text)}")
    if value > limit.ceiling:
        raise LimitError(f"{label} must be at most {limit.ceiling:g}{_unit(limit)}, not {value:g}")
    if limit.integer:
        if value != int(value):
            raise LimitError(f"{label} must be a whole number, not {_short(text)}")
        return int(value)
    return value


def get(name: str) -> float:
    """The limit from its environment variable, else its default (LimitError if malformed)."""
    limit = LIMITS[name]
    text = os.environ.get(limit.env, "").strip()
    return parse(name, text) if text else limit.default


def raw_bytes(source: str) -> int:
    """The cap on one raw file of a source (folder name under the raw dir), in bytes."""
    env = f"ALLIANCE_RAW_MB_{source.upper()}"
    text = os.environ.get(env, "").strip()
    if text:
        return int(parse("raw_mb", text, label=env) * MB)
    return int(get("source_raw_mb" if source in _source_folders() else "raw_mb") * MB)


def download_bytes(source: str) -> int:
    """The cap on one download of a source, in bytes (the raw-file cap: it must fit there)."""
    env = f"ALLIANCE_DOWNLOAD_MB_{source.upper()}"
    text = os.environ.get(env, "").strip()
    if text:
        return int(parse("download_mb", text, label=env) * MB)
    return raw_bytes(source) if source in _source_folders() else int(get("download_mb") * MB)


def side_bytes(name: str) -> int:
    """A side file's cap (a limit in KB or MB), in bytes."""
    unit = {"KB": 1 << 10, "MB": MB}[LIMITS[name].unit]
    return int(get(name) * unit)


# `--as-of` (etl claims, app.warm) may look ahead at most this far: a verdict history judges
# every year up to the date, so 9999-12-31 ran for 15 minutes and judged nothing new.
AS_OF_YEARS_AHEAD = 1


def latest_as_of(today: date | None = None) -> date:
    """The latest evaluation date accepted: today plus AS_OF_YEARS_AHEAD years (29 February
    becomes 28 February)."""
    today = today or date.today()
    try:
        return today.replace(year=today.year + AS_OF_YEARS_AHEAD)
    except ValueError:  # 29 February, in a year that has none
        return today.replace(year=today.year + AS_OF_YEARS_AHEAD, day=28)


def as_of(text: str, *, label: str = "--as-of") -> date:
    """An evaluation date from text: ISO YYYY-MM-DD, no later than latest_as_of() (LimitError,
    one line, otherwise). Dates before the evidence are left to the claims."""
    try:
        day = date.fromisoformat(text.strip())
    except (AttributeError, ValueError):
        raise LimitError(f"{label} {_short(text)!r} is not a date (YYYY-MM-DD)") from None
    if day > (latest := latest_as_of()):
        raise LimitError(
            f"{label} {day} is too far ahead: the latest accepted is {latest} (today plus "
            f"{AS_OF_YEARS_AHEAD} year; no evidence is dated later)"
        )
    return day


def reader_config() -> dict[str, object]:
    """DuckDB settings for a connection that serves readers (before lock_configuration)."""
    return {
        "memory_limit": f"{int(get('memory_mb'))}MB",
        "threads": int(get("threads")),
        "max_temp_directory_size": f"{int(get('temp_mb'))}MB",
    }


def check_all() -> None:
    """Read every limit once so a malformed environment variable fails early, in one line."""
    for name in LIMITS:
        get(name)
    for source in _source_folders():
        raw_bytes(source)
        download_bytes(source)


def _short(text: object, n: int = 40) -> str:
    s = str(text)
    return s if len(s) <= n else s[:n] + f"… ({len(s):,} characters)"


def _unit(limit: Limit) -> str:
    return f" {limit.unit}" if limit.unit and limit.unit != "s" else limit.unit
