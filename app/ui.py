"""Rendering helpers shared by the pages: a chart with its caption and CSV, messages, tables.

`show_chart` is the only way a page draws a figure, so every chart gets the same treatment:
a warning when its data could not be read, an info message when there is nothing to plot, else
the figure, a caption naming the source and edition, and a download of exactly the plotted
data under a unique key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import polars as pl
import streamlit as st

from app import data as d
from app.charts import Chart
from etl.sources import REGISTRY

PLOTLY_CONFIG = {
    "displaylogo": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chart"


NO_ROWS = "These data hold no rows for this selection."


def problem_of(source: d.Data | None, empty: str = NO_ROWS) -> tuple[str, str] | None:
    """('warning'|'info', message) when a Data cannot be shown, else None."""
    if source is None:
        return "info", empty
    if source.problem:
        return "warning", source.problem
    if source.empty:
        return "info", empty
    return None


def message(kind: str, text: str) -> None:
    (st.warning if kind == "warning" else st.info)(text)


def show_chart(
    source: d.Data,
    build: Callable[[pl.DataFrame], Chart],
    *,
    key: str,
    sources: Sequence[str],
    note: str | None = None,
    empty: str = "Nothing to plot for this selection.",
    source_text: str | None = None,
) -> Chart | None:
    """Draw build(source.frame) with caption and CSV download; a message instead if empty."""
    issue = problem_of(source, empty)
    if issue:
        message(*issue)
        return None
    chart = build(source.frame)
    if chart.empty:
        st.info(empty)
        return None
    st.plotly_chart(chart.figure, key=f"chart-{key}", theme=None, config=PLOTLY_CONFIG)
    parts = [f"Source: {source_text}" if source_text else d.caption(*sources)]
    if note:
        parts.append(note)
    st.caption(" — ".join(p for p in parts if p))
    download(chart.data, key=key, label="Download the plotted data (CSV)")
    return chart


def download(frame: pl.DataFrame, *, key: str, label: str = "Download CSV") -> None:
    st.download_button(
        label,
        data=d.csv_ready(frame).write_csv().encode("utf-8"),
        file_name=f"{slug(key)}.csv",
        mime="text/csv",
        key=f"download-{key}",
        icon=":material/download:",
        on_click="ignore",
    )


def show_table(
    source: d.Data,
    *,
    key: str,
    columns: dict[str, str] | None = None,
    download_label: str | None = "Download this table (CSV)",
    height: int | str = "auto",
) -> None:
    """A data table (optionally renamed/limited to `columns`), with a CSV download."""
    issue = problem_of(source)
    if issue:
        message(*issue)
        return
    frame = source.frame
    if columns:
        frame = frame.select([c for c in columns if c in frame.columns]).rename(
            {c: label for c, label in columns.items() if c in frame.columns}
        )
    st.dataframe(
        d.csv_ready(frame),
        hide_index=True,
        key=f"table-{key}",
        height=height,
        column_config=column_config(frame),
    )
    if download_label:
        download(frame, key=f"table-{key}", label=download_label)


CONCORDANCE_COLUMNS = {
    "year": "year",
    "variant": "benefit measure",
    "n": "members (non-zero d)",
    "n_positive": "pay more than their share",
    "n_negative": "pay less than their share",
    "w_plus": "W+",
    "z_ties": "z (tie-corrected)",
    "p": "p (asymptotic)",
    "p_exact": "p (exact)",
}


BROADER_COLUMNS = {
    "year": "year",
    "n": "allies in the test",
    "rho_plain": "ρ (GDP, defence burden)",
    "rho_plain_p": "p (plain)",
    "rho_broader": "ρ (GDP, defence + aid)",
    "rho_broader_p": "p (broader)",
    "mean_defence_pct_gdp": "mean defence burden (% of GDP)",
    "mean_broader_burden_pct": "mean broader burden (% of GDP)",
    "n_estimates": "NATO estimates among them",
    "members_left_out": "members left out",
}


def number(value, digits: int = 2) -> str:
    """A metric's text: '—' when there is no value."""
    if value is None:
        return "—"
    try:
        return f"{float(value):,.{digits}f}"
    except (TypeError, ValueError):
        return str(value)


def note_if_missing(value, text: str) -> None:
    """A caption explaining a metric shown as '—'."""
    if value is None:
        st.caption(text)


def info_if_empty(source: d.Data, text: str) -> None:
    """An info message when a (filtered) Data holds no rows but could be read."""
    if source.ok and source.empty:
        st.info(text)


def listed(text: str, names: Sequence[str]) -> str:
    """' Text: a, b.' to append to a note, or '' when there are no names."""
    return f" {text}: {', '.join(names)}." if names else ""


def yes_no(value) -> str:
    return "—" if value is None else ("yes" if value else "no")


def schema_tables(schema: d.Data) -> list[str]:
    """Table and view names of the schema look-up, tables first."""
    if schema.empty or "table" not in schema.frame.columns:
        return []
    return list(dict.fromkeys(schema.frame["table"].to_list()))


def result_note(rows: int, truncated: bool, cap: int) -> str:
    if truncated:
        return f"Showing the first {cap:,} rows: the result has more (raise the row cap)."
    return f"{rows:,} row{'s' if rows != 1 else ''}."


def column_config(frame: pl.DataFrame) -> dict:
    """Dates as dates, URLs as links, long hashes narrow."""
    config = {}
    for name, dtype in frame.schema.items():
        if dtype == pl.Date:
            config[name] = st.column_config.DateColumn(name, format="YYYY-MM-DD")
        elif dtype == pl.Datetime:
            config[name] = st.column_config.DatetimeColumn(name, format="YYYY-MM-DD HH:mm")
        elif (
            dtype == pl.String
            and frame.height
            and (
                frame[name].drop_nulls().str.starts_with("http").all()
                and frame[name].drop_nulls().len()
            )
        ):
            config[name] = st.column_config.LinkColumn(name)
    return config


def controls(n: int) -> list:
    """A row of columns for a page's controls."""
    return list(st.columns(n, vertical_alignment="bottom"))


def header(title: str, intro: str) -> None:
    st.title(title)
    st.markdown(intro)


# --------------------------------------------------------------------------- data age

# Raw-file folder -> the source's short name, from the registry (etl/sources/).
SOURCE_SHORT = {s.folder: s.name for s in REGISTRY.values()} | {"data": "memberships"}


def age_text(days: int | None) -> str:
    """'12 days' / '9 months' / 'undated' (months of 30 days, as etl.freshness counts them)."""
    if days is None:
        return "undated"
    if days < 60:
        return f"{days} day{'s' if days != 1 else ''}"
    return f"{days // 30} months"


def age_summary(ages: pl.DataFrame) -> str:
    """One line for the sidebar: the age of each source its publisher updates on a schedule."""
    if ages.is_empty() or "period_days" not in ages.columns:
        return ""
    dated = ages.filter(pl.col("period_days").is_not_null()).sort("age_days", nulls_last=True)
    parts = [
        f"{SOURCE_SHORT.get(r['source'], r['source'])} {age_text(r['age_days'])}"
        for r in dated.iter_rows(named=True)
    ]
    return "Data age (newest edition of each source): " + " · ".join(parts) if parts else ""


def stale_message(ages: pl.DataFrame) -> str:
    """A warning naming each stale source with its edition and note ('' when none is stale)."""
    if ages.is_empty() or "stale" not in ages.columns:
        return ""
    stale = ages.filter(pl.col("stale").fill_null(False))
    if stale.is_empty():
        return ""
    lines = [
        f"- **{SOURCE_SHORT.get(r['source'], r['source'])}** (edition {r['edition']}): {r['note']}."
        for r in stale.iter_rows(named=True)
    ]
    return "Some sources may be out of date:\n" + "\n".join(lines)


def sidebar_status() -> None:
    """Which database the app reads, how old its sources are, and a warning for stale ones."""
    st.sidebar.caption(d.sidebar_note())
    ages = d.source_ages()
    if ages.problem:
        st.sidebar.caption(ages.problem)
        return
    summary = age_summary(ages.frame)
    if summary:
        st.sidebar.caption(summary)
    warning = stale_message(ages.frame)
    if warning:
        st.sidebar.warning(warning, icon=":material/update:")


def coverage_text(coverage: d.Data) -> str:
    """One sentence on what the loaded data cover, from the `coverage` indicator ('' if none):
    every loaded edition of each source, its years, countries and price base."""
    if not coverage.ok or coverage.empty:
        return ""
    parts = []
    for r in coverage.frame.iter_rows(named=True):
        name = SOURCE_SHORT.get(r["source"], r["source"])
        regions = f", {r['n_regional_totals']} regional totals" if r["n_regional_totals"] else ""
        newest = " (newest: used by default)" if r["is_newest"] else ""
        parts.append(
            f"{name} edition of {r['edition']}{newest}: {r['n_countries']} countries{regions}, "
            f"{r['first_year']}-{r['last_year']}, {r['definition']}, constant "
            f"{r['price_base_year']} prices"
        )
    return "Loaded data: " + "; ".join(parts) + "."
