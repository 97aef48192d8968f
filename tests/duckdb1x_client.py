"""Runs inside the DuckDB 1.x environment (tests/duckdb1x.py): only the standard library and duckdb.

Reads a job from stdin ({"db": path, "queries": {name: {"sql", "params"}}}) and prints JSON:
the DuckDB version, every table and view with its row count (or error), the macros the file
holds, and each query's columns and rows.
"""

from __future__ import annotations

import json
import sys
from datetime import date

import duckdb


def _param(value):
    if isinstance(value, dict) and set(value) == {"date"}:
        return date.fromisoformat(value["date"])
    return value


def _error(e: Exception) -> str:
    return f"{type(e).__name__}: {str(e).splitlines()[0]}"


def inventory(con: duckdb.DuckDBPyConnection) -> tuple[dict, list]:
    """Every table and view with its type and row count (or error), and the macros the file
    holds. The test takes the same inventory with the project's DuckDB to compare."""
    objects = {}
    for name, kind in con.execute(
        "select table_name, table_type from information_schema.tables "
        "where table_schema = 'main' order by table_name"
    ).fetchall():
        try:
            (count,) = con.execute(f'select count(*) from "{name}"').fetchall()[0]
            objects[name] = {"type": kind, "rows": count}
        except duckdb.Error as e:
            objects[name] = {"type": kind, "error": _error(e)}
    macros = sorted(
        [name, kind, list(params)]
        for name, kind, params in con.execute(
            "select function_name, function_type, parameters from duckdb_functions() "
            "where not internal and function_type in ('macro', 'table_macro')"
        ).fetchall()
    )
    return objects, macros


def main() -> None:
    job = json.load(sys.stdin)
    con = duckdb.connect(job["db"], read_only=True)
    objects, macros = inventory(con)
    results = {}
    for name, q in job["queries"].items():
        params = {k: _param(v) for k, v in q["params"].items()}
        try:
            rel = con.execute(q["sql"], params) if params else con.execute(q["sql"])
            columns = [d[0] for d in rel.description]
            results[name] = {"columns": columns, "rows": rel.fetchall()}
        except duckdb.Error as e:
            results[name] = {"error": _error(e)}
    out = {"version": duckdb.__version__, "objects": objects, "macros": macros, "queries": results}
    json.dump(out, sys.stdout, default=str)


if __name__ == "__main__":
    main()
