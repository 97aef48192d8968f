"""The dashboard's one data-access module: every page gets its numbers from here.

- The connection: one read-only, locked-down DuckDB connection per database file
  (etl.db.connect_readonly), held under st.cache_resource. Each call looks at the file's
  fingerprint (inode, size, mtime); when `etl refresh` has replaced the file, the old connection
  is closed *before* the new one opens (DuckDB hands a second connect to the same path the
  already-open instance, i.e. the old file), so the app follows a refresh without a restart.
- Query results: st.cache_data keyed by query name + bound parameters + that fingerprint, so a
  new file means new results and an unchanged file never runs a query twice. Underneath, one
  store of results per process (`_Shared`) is keyed by the query text and its fully bound
  parameters (defaults filled in), and the claims' evaluation reads through it too: a query the
  landing page's claims ran is not run again for a page, and the other way round.
- A missing database is built from the committed snapshot (etl.build.build(None, path)) under
  the same lock file the CLI uses, inside st.status with a progress message.

Pages never see SQL or exceptions: `get()` returns a `Data` whose `problem` says, in words for
a reader, why there is nothing to show.
"""

from __future__ import annotations

import fcntl
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import polars as pl
import streamlit as st

from etl import freshness, queries, sandbox
from etl.db import connect_readonly, default_db_path, problem
from etl.errors import EtlError
from etl.sources import REGISTRY

# etl.stats (scipy.stats, seconds to import) is imported where a p-value is first needed, so a
# page without statistics, and the first paint of every page, do not wait for it.

Fingerprint = tuple[int, int, int]


# --------------------------------------------------------------------------- the database file


def db_path() -> Path:
    """ALLIANCE_DB if set, else data/alliance.duckdb (the same rule as the CLI)."""
    return default_db_path().resolve()


def fingerprint(path: Path) -> Fingerprint | None:
    """(inode, size, mtime in ns): changes whenever a refresh publishes a new file."""
    try:
        s = path.stat()
    except FileNotFoundError:
        return None
    return (s.st_ino, s.st_size, s.st_mtime_ns)


def ensure_database() -> bool:
    """Build the database from the bundled snapshot when none exists. True when one is there."""
    path = db_path()
    if path.exists():
        if why := problem(path):  # a folder, an empty or corrupt file: say so, never a traceback
            st.error(
                f"The data cannot be shown: the database `{path.name}` cannot be read ({why}). "
                "Whoever runs this site needs to rebuild it with `etl build`.",
                icon=":material/error:",
            )
            return False
        return True
    with st.status("Preparing the data: building the database from the bundled snapshot…") as box:
        box.write(f"No database at `{path}`; building one (this happens once).")
        try:
            _build_from_snapshot(path, lambda step: box.write(f"Step: {step}…"))
        except EtlError as e:
            box.update(label="The database could not be built", state="error")
            st.error(f"The database could not be built from the snapshot: {e}")
            return False
        box.update(label="Database ready", state="complete", expanded=False)
    return path.is_file()


def _build_from_snapshot(path: Path, step) -> None:
    from etl.build import build  # imported here: the parsers are only needed for a first build

    path.parent.mkdir(parents=True, exist_ok=True)
    # The CLI's lock file: a second session (or a running `etl build`) waits, then finds the file.
    with open(path.with_name(path.name + ".lock"), "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        if not path.is_file():
            build(None, path, command="dashboard (first run, snapshot)", step=step)


# --------------------------------------------------------------------------- the connection


class _Reader:
    """The shared read-only connection, reopened when the file behind it changes."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._key: tuple[Path, Fingerprint] | None = None

    def connection(self) -> tuple[duckdb.DuckDBPyConnection, Fingerprint]:
        path = db_path()
        with self._lock:
            fp = fingerprint(path)
            if fp is None:
                raise EtlError("the database file is missing", file=str(path))
            if self._key != (path, fp) or self._con is None:
                if self._con is not None:
                    self._con.close()  # first: DuckDB would otherwise reuse the old instance
                    self._con = None
                self._con = connect_readonly(path)
                self._key = (path, fp)
            return self._con, fp

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
            self._con, self._key = None, None


@st.cache_resource(show_spinner=False)
def _reader() -> _Reader:
    return _Reader()


@contextmanager
def cursor() -> Iterator[duckdb.DuckDBPyConnection]:
    """A cursor of the shared connection (one per use: DuckDB cursors are per thread)."""
    con, _ = _reader().connection()
    cur = con.cursor()
    try:
        yield cur
    finally:
        cur.close()


def current_fingerprint() -> Fingerprint | None:
    return fingerprint(db_path())


# --------------------------------------------------------------------------- indicator queries


@dataclass(frozen=True)
class Data:
    """What a page gets: the frame, the query's sidecar, and a reader-facing problem if any."""

    name: str
    frame: pl.DataFrame
    meta: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    problem: str | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def empty(self) -> bool:
        return self.frame.is_empty()

    def where(self, **equal: Any) -> Data:
        """The rows whose columns equal the given values (None values are ignored)."""
        frame = self.frame
        for column, value in equal.items():
            if value is not None and column in frame.columns:
                frame = frame.filter(pl.col(column) == value)
        return Data(self.name, frame, self.meta, self.params, self.problem)

    def where_in(self, **allowed: Any) -> Data:
        """The rows whose column value is in the given collection."""
        frame = self.frame
        for column, values in allowed.items():
            if column in frame.columns:
                frame = frame.filter(pl.col(column).is_in(list(values or [])))
        return Data(self.name, frame, self.meta, self.params, self.problem)

    def years(self) -> list[int]:
        if "year" not in self.frame.columns:
            return []
        return sorted(int(y) for y in self.frame["year"].drop_nulls().unique())

    def value(self, column: str, **equal: Any) -> Any:
        """The first non-null value of a column in the matching rows, else None."""
        frame = self.where(**equal).frame
        if column not in frame.columns:
            return None
        values = frame[column].drop_nulls()
        return values[0] if values.len() else None

    def labels(self, code: str = "iso3", label: str = "country") -> dict[str, str]:
        """{code: label} over the rows (e.g. the members a grouping's frame lists)."""
        if not {code, label} <= set(self.frame.columns):
            return {}
        pairs = self.frame.select(code, label).drop_nulls(code).unique(code).sort(label)
        return {c: lab or c for c, lab in pairs.iter_rows()}

    def missing(self, column: str, label: str = "country") -> list[str]:
        """The labels of the rows that have no value in `column` (alphabetical, once each)."""
        if not {column, label} <= set(self.frame.columns):
            return []
        rows = self.frame.filter(pl.col(column).is_null())[label].drop_nulls()
        return sorted(set(rows.to_list()))


def available(name: str) -> bool:
    return name in queries.names()


def indicators() -> list[tuple[str, dict[str, Any]]]:
    """Every indicator query with its sidecar, by name."""
    return [(n, meta(n)) for n in queries.names()]


def meta(name: str) -> dict[str, Any]:
    """The sidecar of a query ({} when the query does not exist yet)."""
    try:
        return queries.load(name).meta
    except EtlError:
        return {}


def parameters(name: str) -> list[str]:
    try:
        return queries.load(name).params
    except EtlError:
        return []


def choices(name: str, param: str) -> list[str]:
    """The values an enum parameter accepts, from the query's sidecar ([] if not an enum)."""
    kind = ((meta(name).get("parameters") or {}).get(param) or {}).get("type") or ""
    return kind.removeprefix("enum:").split("|") if kind.startswith("enum:") else []


def default(name: str, param: str) -> Any:
    try:
        return queries.load(name).defaults().get(param)
    except EtlError:
        return None


def get(name: str, **params: Any) -> Data:
    """Run an indicator query (cached). Parameters it does not take are dropped, so a page can
    pass its whole set of controls; never raises."""
    if not available(name):
        return Data(name, pl.DataFrame(), {}, params, f"The indicator “{name}” is not built yet.")
    takes = set(parameters(name))
    m = meta(name)
    declared = m.get("parameters") or {}
    # None means "the query's default" unless the sidecar lets the parameter be NULL.
    bound = {
        k: v
        for k, v in params.items()
        if k in takes and (v is not None or (declared.get(k) or {}).get("nullable"))
    }
    try:
        fp = current_fingerprint()
        frame, problem = _run_query(name, tuple(sorted(bound.items())), str(db_path()), fp)
    except EtlError as e:
        return Data(name, pl.DataFrame(), m, bound, f"The data could not be read: {e}")
    return Data(name, frame, m, bound, problem)


@st.cache_data(show_spinner=False, max_entries=512)
def _run_query(
    name: str, params: tuple[tuple[str, Any], ...], path: str, fp: Fingerprint | None
) -> tuple[pl.DataFrame, str | None]:
    try:
        with shared_cursor() as cur:
            frame = queries.run(cur, name, **dict(params))
    except EtlError as e:
        return pl.DataFrame(), f"The indicator “{name}” could not be computed: {e}"
    return _with_p_values(name, frame), None


def _with_p_values(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """The statistical indicators get their p-values (etl.stats, scipy's distributions)."""
    if frame.is_empty():
        return frame
    if name in STAT_QUERIES:
        from etl import stats

        return stats.with_p_values(frame)
    rhos = {c: n for c, n in SPEARMAN_COLUMNS.get(name, {}).items() if c in frame.columns}
    if rhos and "n" in frame.columns:
        from etl import stats

        return frame.with_columns(
            pl.Series(
                p_name,
                [stats.spearman_p(r, n) for r, n in zip(frame[rho], frame["n"], strict=True)],
                dtype=pl.Float64,
            )
            for rho, p_name in rhos.items()
        )
    return frame


STAT_QUERIES = {"exploitation_test", "concordance_test", "free_riding_response"}
# Queries whose Spearman rho columns get a p-value column (etl.stats.spearman_p on rho and n).
SPEARMAN_COLUMNS = {
    "threat_proximity_test": {"rho": "rho_p"},
    "security_burden_test": {"rho_plain": "rho_plain_p", "rho_broader": "rho_broader_p"},
}


# --------------------------------------------------------------------------- shared results


class _Shared:
    """Query results by (fingerprint, SQL text, bound parameters), least recently used out.

    etl.queries.run binds every parameter (defaults included) before it calls
    `con.sql(text, params=...)`, so the key is the same whoever asks: a page with its controls
    at their defaults, or ledger.claims with its own arguments."""

    def __init__(self, size: int = 256) -> None:
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple, pl.DataFrame] = OrderedDict()
        self.size = size
        self.hits = 0
        self.misses = 0

    def get(self, key: tuple, compute: Callable[[], pl.DataFrame]) -> pl.DataFrame:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                self.hits += 1
                return self._items[key]
        frame = compute()  # outside the lock: another session's query need not wait
        with self._lock:
            self.misses += 1
            self._items[key] = frame
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)
        return frame


@st.cache_resource(show_spinner=False)
def _shared() -> _Shared:
    return _Shared()


def shared_stats() -> dict[str, int]:
    """How often a query was answered from the shared results (hits) or run (misses)."""
    store = _shared()
    return {"hits": store.hits, "misses": store.misses, "entries": len(store._items)}


def _frozen(value: Any) -> Any:
    if isinstance(value, dict):
        return tuple(sorted((k, _frozen(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return tuple(_frozen(v) for v in value)
    return value


class _SharedRelation:
    """What `cursor.sql(text, params=...)` returns here: `.pl()` reads the shared results;
    anything else is asked of a real DuckDB relation."""

    def __init__(self, cur: duckdb.DuckDBPyConnection, fp: Fingerprint, sql: str, params):
        self._cur, self._fp, self._sql, self._params = cur, fp, sql, params

    def pl(self) -> pl.DataFrame:
        key = (self._fp, self._sql, _frozen(self._params))
        return _shared().get(key, lambda: self._cur.sql(self._sql, params=self._params).pl())

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cur.sql(self._sql, params=self._params), name)


class _SharingCursor:
    """A DuckDB cursor whose `sql(text, params=dict)` goes through the shared results; every
    other call (execute, fetchall, ...) is the cursor's own."""

    def __init__(self, cur: duckdb.DuckDBPyConnection, fp: Fingerprint) -> None:
        self._cur, self._fp = cur, fp

    def sql(self, query: str, *args: Any, **kwargs: Any) -> Any:
        params = kwargs.get("params")
        if args or set(kwargs) - {"params"} or not isinstance(params, dict | type(None)):
            return self._cur.sql(query, *args, **kwargs)
        return _SharedRelation(self._cur, self._fp, query, params)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cur, name)


@contextmanager
def shared_cursor() -> Iterator[Any]:
    """A cursor (as `cursor()`) whose indicator results are shared across pages and claims."""
    con, fp = _reader().connection()
    cur = con.cursor()
    try:
        yield _SharingCursor(cur, fp)
    finally:
        cur.close()


# --------------------------------------------------------------------------- fixed look-ups
# Plain reads of the warehouse's own tables (no parameters from readers reach them unbound).

_SQL = {
    "source_file": """
        select name, publisher, edition, url, licence, sha256, bytes, rows, loaded_at
        from source_file order by publisher, name""",
    "etl_run": """
        select run_id, command, raw_dir, started_at, finished_at, outcome, message
        from etl_run order by started_at desc""",
    "cross_source": """
        select c.iso3, coalesce(k.name, c.iso3) as country, c.year, c.sipri_pct, c.nato_pct,
               c.wb_pct, c.max_abs_diff_pp
        from cross_source_share_gdp c left join country k using (iso3)
        where c.iso3 in (select iso3 from membership where alliance = 'NATO')
        order by c.max_abs_diff_pp desc nulls last, c.iso3, c.year""",
    "schema": """
        select table_name as "table", column_name as "column", data_type as "type",
               (select t.table_type from information_schema.tables t
                where t.table_name = c.table_name and t.table_schema = c.table_schema limit 1)
                   as kind
        from information_schema.columns c
        where table_schema = 'main'
        order by kind, "table", ordinal_position""",
    "spells": """
        select s.alliance, s.iso3, coalesce(c.name, s.iso3) as country, s.joined, s.departed,
               s.date_precision, s.note
        from membership_spell s left join country c using (iso3)
        where not s.is_derived
        order by s.alliance, s.joined, country""",
    "groupings": """
        select code, name, kind, founded, dissolved, is_minilateral, is_derived
        from alliance_grouping order by is_derived, founded""",
    "countries": """
        select distinct m.iso3, coalesce(c.name, m.iso3) as name,
               coalesce(c.is_historical, false) as is_historical
        from membership m left join country c using (iso3)
        order by name""",
    "country": """
        select iso3, name, capital, capital_lat, capital_lon, region, subregion,
               borders_russia_or_belarus, is_historical
        from country where iso3 = $iso3""",
    "memberships_of": """
        select m.alliance, coalesce(a.name, m.alliance) as grouping, m.joined, m.departed,
               m.date_precision, m.note, m.source_url
        from membership m left join alliance a on a.code = m.alliance
        where m.iso3 = $iso3 order by m.joined""",
    "series_of": """
        with s as (
            select year, share_gdp_pct, constant_usd_m, current_usd_m, is_estimate
            from sipri_at() where iso3 = $iso3),
        n as (
            select year, share_gdp_pct, constant_usd_m, current_usd_m,
                   equipment_share_pct, is_estimate
            from nato_at() where iso3 = $iso3),
        w as (
            select year, milex_share_gdp_pct, gdp_current_usd, population
            from wb_macro where iso3 = $iso3)
        select year, 'SIPRI' as source, share_gdp_pct, current_usd_m, is_estimate from s
        union all
        select year, 'NATO', share_gdp_pct, current_usd_m, is_estimate from n
        union all
        select year, 'World Bank', milex_share_gdp_pct, null, false from w
        where milex_share_gdp_pct is not null
        order by source, year""",
}


def country_names() -> dict[str, str]:
    """{iso3: name} of every country in any tracked grouping."""
    frame = table("countries").frame
    if frame.is_empty():
        return {}
    return dict(zip(frame["iso3"].to_list(), frame["name"].to_list(), strict=True))


def groupings_of(iso3: str | None) -> list[str]:
    """The grouping codes a country has ever belonged to (NATO first), for its rank chart."""
    frame = table("memberships_of", iso3=iso3).frame if iso3 else pl.DataFrame()
    codes = [] if frame.is_empty() else list(dict.fromkeys(frame["alliance"].to_list()))
    if "NATO" in codes:
        codes = ["NATO", *(c for c in codes if c != "NATO")]
    known = set(choices("burden", "alliance")) or set(codes)
    return [c for c in codes if c in known]


def table(name: str, **params: Any) -> Data:
    """One of the fixed look-ups above, cached like the indicators."""
    try:
        frame, problem = _run_fixed(name, tuple(sorted(params.items())), current_fingerprint())
    except EtlError as e:
        return Data(name, pl.DataFrame(), {}, params, f"The data could not be read: {e}")
    return Data(name, frame, {}, params, problem)


@st.cache_data(show_spinner=False, max_entries=256)
def _run_fixed(
    name: str, params: tuple[tuple[str, Any], ...], fp: Fingerprint | None
) -> tuple[pl.DataFrame, str | None]:
    try:
        with cursor() as cur:
            return cur.sql(_SQL[name], params=dict(params)).pl(), None
    except duckdb.Error as e:
        first = str(e).strip().splitlines()[0]
        return pl.DataFrame(), f"This part of the database could not be read ({first})."


# --------------------------------------------------------------------------- provenance


# Where each source's raw files sit (source_file.name is the path under the raw dir).
SOURCE_FILES = {
    **{s.key: f"{s.folder}/" for s in REGISTRY.values()},  # the source registry (etl/sources/)
    "wb": "worldbank/",
    "memberships": "data/memberships.csv",
    "data/memberships.csv": "data/memberships.csv",
}


def sources_for(source: str | None) -> list[str]:
    """The publishers behind a figure on `source`'s numbers (SIPRI rows take World Bank GDP)."""
    if source == "sipri":
        return ["sipri", "wb"]
    return [source] if source else []


TABLE_SOURCES = {
    "nato_defence": "nato",
    "nato_aggregate": "nato",
    "sipri_milex": "sipri",
    "wb_macro": "wb",
    "cow_nmc": "cow",
    "kiel_aid_monthly": "kiel",
    "kiel_aid_donor": "kiel",
    "membership": "memberships",
    "membership_spell": "memberships",
    "member_year": "memberships",
    "country": "restcountries",
}


def sources_of(name: str, params: dict[str, Any] | None = None) -> list[str]:
    """The sources behind a query's figure, from its `source` parameter or its sidecar."""
    params = params or {}
    chosen = params.get("source") or (
        default(name, "source") if "source" in parameters(name) else None
    )
    tables = [str(t) for t in meta(name).get("sources") or []]
    found = [TABLE_SOURCES[t] for t in tables if t in TABLE_SOURCES]
    if chosen:
        found = [s for s in found if s not in ("nato", "sipri", "wb")]
        found = [*sources_for(chosen), *found]
    found = [s for s in found if s != "restcountries" or "threat" in name]
    return list(dict.fromkeys(found)) or ["memberships"]


def describe_source(text: str) -> str:
    """A claim's source string, with a raw file name replaced by its publisher and edition."""
    files = table("source_file").frame
    if files.is_empty() or not text:
        return text
    hit = files.filter(pl.col("name") == text)
    if hit.is_empty():
        return text
    return f"{hit['publisher'][0]}, {hit['edition'][0]} ({text})"


def caption(*sources: str) -> str:
    """'Source: NATO Public Diplomacy Division, 2024-06-17 · ...' for chart captions."""
    files = table("source_file").frame
    parts = []
    for s in dict.fromkeys(sources):
        prefix = SOURCE_FILES.get(s.lower(), s)
        hit = (
            files.filter(pl.col("name").str.starts_with(prefix)) if not files.is_empty() else files
        )
        if hit.is_empty():
            parts.append(f"{s} (edition not recorded)")
            continue
        publisher = hit["publisher"][0]
        eds = "; ".join(sorted(set(hit["edition"].to_list())))
        parts.append(f"{publisher}, {eds}")
    return "Source: " + " · ".join(parts) if parts else ""


# --------------------------------------------------------------------------- claims


def claim_ids() -> tuple[list[str], str | None]:
    """The claim ids in order (one module per claim in ledger.claims), or why there are none;
    never raises."""
    from ledger import claims as registry

    try:
        return [c.id for c in registry.all_claims()], None
    except Exception as e:  # noqa: BLE001 - a broken registry is shown, not raised
        return [], f"The claims registry could not be read: {str(e).splitlines()[0]}"


def claim(claim_id: str, as_of: date | None = None) -> tuple[dict[str, Any] | None, str | None]:
    """One claim judged on the current database as of a date (cached per claim, so the landing
    page draws each card as soon as its own evidence is in), or why not; never raises."""
    try:
        return _evaluate_claim(current_fingerprint(), claim_id, as_of or date.today()), None
    except Exception as e:  # noqa: BLE001 - any failure of the registry is shown, not raised
        return None, f"Claim {claim_id} could not be evaluated: {str(e).splitlines()[0]}"


@st.cache_data(show_spinner=False, max_entries=128)
def _evaluate_claim(fp: Fingerprint | None, claim_id: str, as_of: date) -> dict[str, Any]:
    from ledger import claims as registry

    with shared_cursor() as cur:  # the claims' queries land in the shared results
        return asdict(registry.evaluate(cur, claim_id, as_of=as_of))  # a ClaimResult


# --------------------------------------------------------------------------- SQL explorer


@dataclass(frozen=True)
class Explored:
    frame: pl.DataFrame | None
    truncated: bool = False
    refusal: str | None = None


def explore(sql: str, row_cap: int, seconds: float) -> Explored:
    """Run a reader's SQL through etl.sandbox, in a worker process with bounded memory and time."""
    try:
        return _explore(sql, int(row_cap), float(seconds), current_fingerprint())
    except EtlError as e:
        return Explored(None, refusal=f"The database could not be opened: {e}")
    except sandbox.SqlRefused as e:  # a busy server: not cached, the next try may run
        return Explored(None, refusal=str(e))


@st.cache_data(show_spinner="Running the query…", max_entries=64, ttl=600)
def _explore(sql: str, row_cap: int, seconds: float, fp: Fingerprint | None) -> Explored:
    try:  # in a bounded worker process of its own (etl.sandbox), not on the shared connection
        result = sandbox.run(db_path(), sql, row_cap=row_cap, seconds=seconds)
    except sandbox.SqlRefused as e:
        if e.transient:
            raise
        return Explored(None, refusal=str(e))
    return Explored(result.frame, truncated=result.truncated)


def sandbox_limits() -> dict[str, float]:
    return {"row_cap": sandbox.DEFAULT_ROW_CAP, "seconds": sandbox.DEFAULT_SECONDS}


def sidebar_note() -> str:
    """Which database file the app reads and when it was last published."""
    runs = table("etl_run").frame
    when = ""
    if not runs.is_empty() and "outcome" in runs.columns:
        published = runs.filter(pl.col("outcome") == "published")
        if published.height:
            when = f", published {str(published['finished_at'][0])[:16]} UTC"
    return f"Data: `{db_path().name}`{when}."


# --------------------------------------------------------------------------- data age


def source_ages(today: date | None = None) -> Data:
    """etl.freshness.ages on the current database: one row per source (folder of raw files)
    with its publisher, newest edition, age and whether a newer edition is probably out."""
    today = today or date.today()
    try:
        frame, problem = _ages(current_fingerprint(), today)
    except EtlError as e:
        return Data("source_ages", pl.DataFrame(), {}, {}, f"The data could not be read: {e}")
    return Data("source_ages", frame, {}, {"today": today}, problem)


AGE_SCHEMA = {
    "source": pl.String,
    "publisher": pl.String,
    "edition": pl.String,
    "published": pl.Date,
    "age_days": pl.Int64,
    "period_days": pl.Int64,
    "stale": pl.Boolean,
    "note": pl.String,
}


@st.cache_data(show_spinner=False, max_entries=16)
def _ages(fp: Fingerprint | None, today: date) -> tuple[pl.DataFrame, str | None]:
    try:
        with cursor() as cur:
            rows = [asdict(a) for a in freshness.ages(cur, today=today)]
    except duckdb.Error as e:
        first = str(e).strip().splitlines()[0]
        return pl.DataFrame(schema=AGE_SCHEMA), f"The sources' ages could not be read ({first})."
    files = table("source_file").frame
    publishers: dict[str, str] = {}
    if not files.is_empty():
        for name, publisher in files.select("name", "publisher").iter_rows():
            publishers.setdefault(name.split("/")[0], publisher)
    for row in rows:
        row["publisher"] = publishers.get(row["source"], row["source"])
    return pl.DataFrame(rows, schema=AGE_SCHEMA), None


def csv_ready(frame: pl.DataFrame) -> pl.DataFrame:
    """Nested columns (lists, structs) as text, so the frame can be written as CSV."""
    nested = [c for c, t in frame.schema.items() if t.is_nested()]
    if not nested:
        return frame
    return frame.with_columns(
        [
            pl.col(c).list.eval(pl.element().cast(pl.String)).list.join(", ")
            if isinstance(frame.schema[c], pl.List)
            else pl.col(c).cast(pl.String)
            for c in nested
        ]
    )
