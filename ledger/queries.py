"""Runs the queries in queries/: one .sql per query, a .yml sidecar for its labels and statistics.

`run` is the one function that runs a query, for the CLI (`etl query`), the dashboard and the
claims alike, so all three get the same finished frame: the SQL's result plus the p-values and
95 % intervals the sidecar's `statistics:` declare (ledger/stats.py), less any list the SQL
gives only for a statistic to be computed from (concordance_test's `differences`).

Values are always bound (`$year`, `$alliance`, ...), never formatted into the SQL text. A query
gets exactly the parameters it mentions: defaults come from its sidecar, overrides from the
caller, and an unknown or missing parameter is an error that names it. A parameter's type is
`integer`, `number`, `date`, `string`, `enum:a|b`, or a catalogue type (`source`, `grouping`,
`membership`) whose values the catalogue lists.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any, Protocol

import duckdb
import polars as pl
import yaml

from core import queryfiles
from core.catalogue import groupings, sources
from core.errors import EtlError

QUERIES = queryfiles.QUERIES
_PARAM = re.compile(r"(?<![\w$])\$([a-z_][a-z0-9_]*)")
_COMMENT = re.compile(r"--[^\n]*")


@dataclass(frozen=True)
class Query:
    name: str
    sql: str
    meta: dict[str, Any]

    @property
    def params(self) -> list[str]:
        """Parameters the SQL mentions, in order of first use (comments ignored)."""
        return list(dict.fromkeys(_PARAM.findall(_COMMENT.sub("", self.sql))))

    def columns(self) -> list[str]:
        """The finished frame's columns: the SQL's (the sidecar's `columns:`), then those the
        sidecar's `statistics:` add (p-values, intervals), in declaration order."""
        from ledger.stats import output_columns

        added = [
            out
            for column, spec in (self.meta.get("statistics") or {}).items()
            for out in output_columns(column, spec).values()
        ]
        return [*(self.meta.get("columns") or {}), *added]

    def defaults(self) -> dict[str, Any]:
        declared = self.meta.get("parameters") or {}
        out = {k: (v or {}).get("default") for k, v in declared.items()}
        if "as_of" in out and out["as_of"] in (None, "today"):
            out["as_of"] = date.today()
        return out


def names() -> list[str]:
    return queryfiles.names()


@cache
def load(name: str) -> Query:
    path = queryfiles.path(name)
    meta_path = path.with_suffix(".yml")
    meta = yaml.safe_load(meta_path.read_text(encoding="utf-8")) if meta_path.is_file() else {}
    return Query(name=name, sql=path.read_text(encoding="utf-8"), meta=meta or {})


def coerce(query: Query, given: dict[str, Any]) -> dict[str, Any]:
    """Defaults plus overrides, typed as the sidecar declares (the CLI passes strings)."""
    declared = query.meta.get("parameters") or {}
    unknown = set(given) - set(query.params)
    if unknown:
        raise EtlError(
            f"query {query.name!r} takes no parameter {', '.join(sorted(unknown))}; "
            f"it takes {', '.join(query.params) or 'none'}"
        )
    values = {**query.defaults(), **given}
    out: dict[str, Any] = {}
    for p in query.params:
        if values.get(p) is None and not (declared.get(p) or {}).get("nullable"):
            raise EtlError(f"query {query.name!r} needs parameter ${p}")
        out[p] = _typed(query.name, p, values.get(p), (declared.get(p) or {}).get("type"))
    return out


def _typed(query: str, name: str, value: Any, kind: str | None) -> Any:
    if value is None or not isinstance(value, str):
        return value
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            return float(value)
        if kind == "date":
            return date.fromisoformat(value)
    except ValueError:
        raise EtlError(f"query {query!r}: ${name} must be a {kind}, got {value!r}") from None
    allowed = values_of(kind)
    if allowed and value not in allowed:
        raise EtlError(f"query {query!r}: ${name} must be one of {', '.join(allowed)}")
    return value


# Parameter types whose values the catalogue lists (core/catalogue/): a sidecar names the type,
# never the values, so a source or grouping added there is accepted by every query at once.
CATALOGUE_TYPES: dict[str, Callable[[], list[str]]] = {
    "source": sources.offered,
    "grouping": groupings.codes,
    "membership": lambda: list(groupings.MEMBERSHIPS),
}


def values_of(kind: str | None) -> list[str]:
    """The values a parameter type allows: a catalogue type's (read now), an `enum:a|b`'s;
    [] for a type that is not a list of values (integer, number, date, string)."""
    if kind in CATALOGUE_TYPES:
        return CATALOGUE_TYPES[kind]()
    if kind and kind.startswith("enum:"):
        return kind.removeprefix("enum:").split("|")
    return []


def choices(name: str, param: str) -> list[str]:
    """The values a query's parameter accepts ([] when it is not a list of values)."""
    declared = load(name).meta.get("parameters") or {}
    return values_of((declared.get(param) or {}).get("type"))


def run(con: duckdb.DuckDBPyConnection, name: str, **params: Any) -> pl.DataFrame:
    """Run one query with bound parameters: the finished frame (statistics added)."""
    query = load(name)
    bound = coerce(query, params)
    frame = queryfiles.run(con, name, query.sql, bound)
    statistics = query.meta.get("statistics")
    if not statistics:
        return frame
    from ledger import stats  # scipy.special on first use: pages without statistics skip it

    return stats.apply(frame, statistics)


class Run(Protocol):
    """What reads a query by name, run(name, **params) -> the finished frame: a connection's
    runner below, the claims' cached one (ledger/claims/runner.py), the dashboard's data.run."""

    def __call__(self, name: str, **params: Any) -> pl.DataFrame: ...


def runner(con: duckdb.DuckDBPyConnection) -> Run:
    """`run` bound to a connection: what claims take (run(name, **params) -> finished frame)."""

    def run_on(name: str, **params: Any) -> pl.DataFrame:
        return run(con, name, **params)

    return run_on
