"""One schema test for every query's sidecar, the shared SQL in queries/views/, and the rule that
SQL lives in queries/ only (nothing in app/ or the build holds SQL text)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ledger import queries, stats

ROOT = Path(__file__).resolve().parents[2]
TYPES = ("integer", "number", "date", "string", *queries.CATALOGUE_TYPES)
KINDS = (None, "lookup")  # no kind: an indicator; lookup: a plain read the dashboard makes


@pytest.mark.parametrize("name", queries.names())
def test_sidecar(name):
    query = queries.load(name)
    meta = query.meta
    assert query.sql.startswith(f"-- {name}: "), f"{name}.sql has no header comment"
    for key in ("title", "unit", "description", "sources", "columns"):
        assert meta.get(key), f"{name}.yml has no {key!r}"
    assert meta.get("kind") in KINDS, f"{name}.yml: unknown kind {meta.get('kind')!r}"
    if meta.get("kind") is None:
        assert meta.get("notes"), f"{name}.yml (an indicator) has no notes"
    declared = meta.get("parameters") or {}
    assert sorted(declared) == sorted(query.params), f"{name}: sidecar and SQL disagree"
    for param, spec in declared.items():
        kind = spec["type"]
        assert kind in TYPES or re.fullmatch(r"enum:[\w-]+(\|[\w-]+)*", kind), (name, param)
        # what the catalogue lists is named by its type, never spelled again as an enum
        listed = {tuple(queries.values_of(t)) for t in queries.CATALOGUE_TYPES}
        assert tuple(queries.values_of(kind)) not in listed or kind in TYPES, (name, param)
        assert spec.get("description"), f"{name}: ${param} has no description"
    for column, text in meta["columns"].items():
        assert text, f"{name}.{column} is undocumented"
    for column, spec in (meta.get("statistics") or {}).items():
        assert spec.get("method") in stats.METHODS, f"{name}.{column}: unknown method"
        if spec["method"] in stats.CONSUMES:  # estimated by the runner from a list it drops
            listed = spec.get(stats.CONSUMES[spec["method"]])
            assert listed and listed not in meta["columns"], f"{name}.{column}: list {listed!r}"
            assert listed in query.sql, f"{name}.{column}: the SQL gives no {listed!r}"
        else:
            assert column in meta["columns"], f"{name}: statistic {column!r} is not a column"
        for key in ("n", "t", "se", "z", "w_plus", "concordant", "discordant"):
            if key in spec:
                assert spec[key] in meta["columns"], f"{name}.{column}: no column {spec[key]!r}"
        added = stats.output_columns(column, spec).values()
        assert not set(added) & set(meta["columns"]), f"{name}: {column}'s outputs clash"


def test_views_and_macros_are_create_or_replace():
    for path in sorted((ROOT / "queries" / "views").glob("*.sql")):
        code = re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8"))
        for statement in filter(None, (s.strip() for s in code.split(";"))):
            assert re.match(r"create or replace (view|macro) ", statement), path.name


# A line that only names a column, a CTE, a join or a parameter: the shape every query shares.
_STRUCTURE = re.compile(
    r"^(\$\w+,|(\) )?as \w+|select [\w, ]+|\),?|with|select( distinct)?|select \* from final"
    r"|[\w\"]+,|[\w.]+ as \($|(from|left join|inner join|cross join) [\w.]+( as \w+)?"
    r"|(on|and) [\w.]+ = [\w.]+|order by .*|group by .*|final as \(|union all|union)$"
)
BLOCK = 6


def _logic(path: Path) -> list[str]:
    lines = (re.sub(r"\b[a-z_]+\.", "", raw.strip()) for raw in path.open(encoding="utf-8"))
    return [s for s in lines if s and not s.startswith("--") and not _STRUCTURE.match(s)]


def test_no_block_of_sql_is_repeated_across_queries():
    """Six lines of logic in a row found in two queries belong in a macro or a view."""
    seen: dict[tuple[str, ...], str] = {}
    for path in sorted((ROOT / "queries").glob("*.sql")):
        lines = _logic(path)
        for i in range(len(lines) - BLOCK + 1):
            block = tuple(lines[i : i + BLOCK])
            other = seen.setdefault(block, path.name)
            assert other == path.name, f"{path.name} repeats {other}: {block}"


# Lines that make an identical run (blank lines, comments and lone brackets aside, white space
# folded), as the tool library's `duplicates --min-lines 10` counts them.
RUN = 10
_PUNCTUATION = re.compile(r"[()\[\],;]+")


def _code_lines(path: Path) -> list[str]:
    lines = (" ".join(raw.split()) for raw in path.open(encoding="utf-8"))
    return [s for s in lines if s and not s.startswith("--") and not _PUNCTUATION.fullmatch(s)]


def test_no_run_of_ten_identical_lines_in_queries():
    """Ten identical lines found twice anywhere in queries/ (the queries, the views and macros,
    the data checks; two places in one file too) belong in one macro or view."""
    seen: dict[tuple[str, ...], tuple[str, int]] = {}
    for path in sorted((ROOT / "queries").rglob("*.sql")):
        lines = _code_lines(path)
        for i in range(len(lines) - RUN + 1):
            run = tuple(lines[i : i + RUN])
            here = (path.relative_to(ROOT / "queries").as_posix(), i)
            first = seen.setdefault(run, here)
            assert first == here, f"{here[0]} repeats {first[0]}: {run}"


def test_no_sql_text_outside_queries():
    """The dashboard, the build and the CLI's own reports (`etl status`) run named queries; only
    the SQL explorer and `etl sql` take SQL text, the reader's own.
    Reads of DuckDB's own catalogue (duckdb_databases(), the file's storage version) are not
    data and stay with the build."""
    sql = re.compile(
        r"\b(select|insert into|create (or replace )?(table|view))\b[^\n]*\bfrom\b(?! duckdb_)"
    )
    own = [ROOT / "etl" / "build.py", ROOT / "etl" / "cli.py", ROOT / "ledger" / "cli.py"]
    for path in [*(ROOT / "app").rglob("*.py"), *own]:
        if path.name in ("examples.py", "sql.py"):  # the SQL explorer: the reader's own SQL
            continue
        text = path.read_text(encoding="utf-8")
        assert not sql.search(text.lower()), f"{path.relative_to(ROOT)} holds SQL text"
