"""What every view shares: the small helpers that read a frame (its source, grouping, years,
latest row) and write it for reading, with the names and guideline lines of the catalogue
(core/catalogue/).
"""

from __future__ import annotations

import polars as pl

from core.catalogue import groupings, guidelines, sources

# The guide lines a chart of shares of GDP draws: 2 % and The Hague's 3.5 % core.
BURDEN_GUIDES = [guidelines.line(g) for g in guidelines.BURDEN_LINES]
TWO_PERCENT = guidelines.line(guidelines.TWO_PERCENT)


def first(frame: pl.DataFrame, column: str, default=None):
    if column in frame.columns and frame.height:
        values = frame[column].drop_nulls()
        if values.len():
            return values[0]
    return default


def _source(frame: pl.DataFrame) -> str:
    key = first(frame, "source", "")
    return sources.short(key) if key else ""


def figures(frame: pl.DataFrame) -> str:
    s = _source(frame)
    return f" ({s} figures)" if s else ""


def group(frame: pl.DataFrame) -> str:
    return groupings.label(first(frame, "alliance", ""))


def years(frame: pl.DataFrame) -> str:
    if "year" not in frame.columns or frame["year"].drop_nulls().is_empty():
        return ""
    lo, hi = frame["year"].min(), frame["year"].max()
    return f"{lo}" if lo == hi else f"{lo}–{hi}"


def source_names(column: str = "source") -> pl.Expr:
    """A column of source keys as the sources' short names."""
    return pl.col(column).replace_strict(sources.shorts(), default=pl.col(column))


def grouping_names(column: str = "alliance") -> pl.Expr:
    """A column of grouping codes as the groupings' labels."""
    return pl.col(column).replace_strict(
        groupings.labels(), default=pl.col(column), return_dtype=pl.String
    )


def count(frame: pl.DataFrame, flag: pl.Expr) -> int:
    return int(frame.select(flag.fill_null(False).sum()).item()) if frame.height else 0


def latest_year(frame: pl.DataFrame) -> pl.DataFrame:
    if "year" not in frame.columns or frame.is_empty():
        return frame
    return frame.filter(pl.col("year") == frame["year"].max())


def latest_row(frame: pl.DataFrame, *columns: str) -> dict | None:
    """The first row of the latest year in which every column has a value (None if none)."""
    cols = ["year", *columns]
    if not set(cols) <= set(frame.columns):
        return None
    known = frame.drop_nulls(cols)
    return None if known.is_empty() else latest_year(known).row(0, named=True)


def top_latest(frame: pl.DataFrame, column: str, by: str = "country") -> dict | None:
    """The row with the largest `column` in the latest year that has one (None if none)."""
    if not {column, by} <= set(frame.columns):
        return None
    rows = latest_year(frame.drop_nulls(column))
    return rows.sort(column, descending=True).row(0, named=True) if rows.height else None


def change(frame: pl.DataFrame, column: str, by: str = "country") -> pl.DataFrame:
    """Per `by`: the first and latest year with a `column` value, the values and their ratio."""
    if not {column, by, "year"} <= set(frame.columns):
        return pl.DataFrame()
    return (
        frame.drop_nulls(column)
        .sort("year")
        .group_by(by, maintain_order=True)
        .agg(
            pl.col("year").first().alias("from_year"),
            pl.col("year").last().alias("to_year"),
            pl.col(column).first().alias("first"),
            pl.col(column).last().alias("last"),
        )
        .filter((pl.col("to_year") > pl.col("from_year")) & (pl.col("first") > 0))
        .with_columns((pl.col("last") / pl.col("first")).alias("ratio"))
        .sort("ratio", descending=True)
    )


def times(ratio: float) -> str:
    """2.4 -> '2.4 times', 0.8 -> 'down 20 %'."""
    if ratio >= 1.5:
        return f"{ratio:,.1f} times"
    change = 100 * (ratio - 1)
    return f"{'up' if change >= 0 else 'down'} {abs(change):.0f} %"


def long(frame: pl.DataFrame, index: list[str], values: dict[str, str]) -> pl.DataFrame:
    """Wide → long with readable series names ({column: series label})."""
    cols = [c for c in values if c in frame.columns]
    idx = [c for c in index if c in frame.columns]
    if not cols:
        return pl.DataFrame()
    return (
        frame.select([*idx, *cols])
        .unpivot(index=idx, on=cols, variable_name="measure", value_name="value")
        .with_columns(pl.col("measure").replace_strict(values, return_dtype=pl.String))
    )
