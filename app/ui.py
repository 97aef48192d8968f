"""Rendering helpers shared by the pages: a chart with its caption and CSV, messages, tables.

`show_chart` is the only way a page draws a figure, so every chart gets the same treatment:
a warning when its data could not be read, an info message when there is nothing to plot, else
the figure, a caption naming the source and edition, and a download of exactly the plotted
data under a unique key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date
from urllib.parse import urlencode

import polars as pl
import streamlit as st

from app import ages, chartcache, charts, cite, provenance, screen
from app import data as d
from app.charts import Chart
from app.columns import config as columns_config
from core.catalogue import sources

PLOTLY_CONFIG = {
    # A chart never takes a gesture from the page (the figures also fix their axes and drag
    # mode, charts.Draft.figure): no wheel or pinch zoom, no double-click reset, and so no
    # "Double-click to zoom back out" tip, which a phone cannot act on.
    "scrollZoom": False,
    "doubleClick": False,
    "showTips": False,
    "displaylogo": False,
    "modeBarButtonsToRemove": ["select2d", "lasso2d"],
    "toImageButtonOptions": {"format": "png", "scale": 2},
    # Plotly fetches a base map for every geo chart, by default from its CDN; the map hides
    # the base map, so an empty one from static/ does (the app needs no network)
    "topojsonURL": "app/static/",
}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "chart"


# The fallback when a page names no empty state of its own (the pages say what to change)
NO_ROWS = "Nothing to show for this selection: choose another year, source or grouping above."


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


def built_at() -> str:
    """When the database was built ('2026-12-01 00:00 UTC'), or ''."""
    built = d.table("built_by").frame  # the newest published run
    if built.is_empty() or "finished_at" not in built.columns:
        return ""
    return f"{str(built['finished_at'][0])[:16]} UTC"


def view_url() -> str:
    """The URL of the view a reader is looking at (page and controls), or '' outside a browser."""
    try:
        base = str(st.context.url or "").split("?")[0]
    except Exception:  # no browser session (AppTest)
        return ""
    query = urlencode(st.query_params.to_dict())
    return f"{base}?{query}" if base and query else base


def show_chart(
    source: d.Data,
    build: Callable[[pl.DataFrame], Chart],
    *,
    key: str,
    sources: Sequence[str],
    note: str | None = None,
    empty: str = NO_ROWS,
    source_text: str | None = None,
    records: Sequence[Mapping[str, str]] | None = None,
    url: str | None = None,
) -> Chart | None:
    """Draw build(source.frame) with one line of provenance, a CSV download and, behind one
    expander, the plotted numbers as a table, the citation, the sources and a data package.
    `records` (app.cite's, e.g. the editions a claim's verdict read) stand in for the registry
    look-up of `sources`, and `url` for the view's own link (a claim card links to itself)."""
    issue = problem_of(source, empty)
    if issue:
        message(*issue)
        return None
    # pandas whole before this thread's first figure: plotly looks it up in sys.modules without
    # waiting, and two sessions starting at once met it half-imported ("partially initialized
    # module 'pandas' has no attribute 'Series'", the soak); an import statement waits for
    # another thread's import to finish. Here rather than atop dashboard.py, so a page's text
    # (the landing page's first finding) does not wait for the ~1 s import of a new process.
    import pandas  # noqa: F401

    chart = chartcache.chart(build, source.frame)
    if chart.empty:
        st.info(empty)
        return None
    st.plotly_chart(chart.figure, key=f"chart-{key}", theme=None, config=PLOTLY_CONFIG)
    # a claim card names its source in words (source_text) and no registry sources: no look-up
    if records is None:
        records = provenance.records(sources) if sources else []
    line = f"Source: {source_text}" if source_text else cite.provenance(records)
    st.caption(" — ".join(p for p in (line, note) if p))
    picked = source.params.get("source") if source.params else None

    def table() -> pl.DataFrame:  # what the reader gets: rounded, coded, dates as dates
        plotted = cite.with_iso3(chart.data, source.frame)
        return cite.readable_dates(cite.rounded(plotted, picked))

    stem = cite.file_stem(key, source.params or {})
    download(table, key=key, label="Download the data (CSV)", file_name=f"{stem}.csv")
    # One expander, drawn only when opened, instead of a Chart/Table tab bar and an expander: a
    # tab bar per chart cost the Claims page ~12 % of its load (docs/PERFORMANCE.md).
    about = st.expander(
        "The numbers · cite this chart · sources", key=f"cite-{key}", on_change="rerun"
    )
    if about.open:
        with about:
            shown = cite.csv_ready(table())
            st.dataframe(
                shown,
                hide_index=True,
                key=f"data-{key}",
                column_config=columns_config(shown, source.meta),
            )
            title = charts.title_text(chart.title)
            built = built_at()
            url = view_url() if url is None else url
            st.markdown("**Cite this**")
            st.code(cite.citation(title, records, url, built), language=None, wrap_lines=True)
            if records:
                st.markdown(cite.details(records))

            def package() -> bytes:
                return cite.datapackage_json(
                    cite.datapackage(
                        stem=stem,
                        title=title,
                        frame=table(),
                        records=records,
                        url=url,
                        built=built,
                        source=picked,
                    )
                )

            st.download_button(
                "Download the metadata (datapackage.json)",
                data=package,
                file_name=f"{stem}.datapackage.json",
                mime="application/json",
                key=f"meta-{key}",
                icon=":material/description:",
                on_click="ignore",
            )
    return chart


def download(
    frame: pl.DataFrame | Callable[[], pl.DataFrame],
    *,
    key: str,
    label: str = "Download CSV",
    file_name: str | None = None,
) -> None:
    """A CSV download; the file is made when the reader clicks, not on every run."""

    def csv() -> bytes:
        data = frame() if callable(frame) else frame
        return cite.csv_ready(data).write_csv().encode("utf-8")

    st.download_button(
        label,
        data=csv,
        file_name=file_name or f"{slug(key)}.csv",
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
    empty: str = NO_ROWS,
) -> None:
    """A data table (optionally renamed/limited to `columns`), with a CSV download; `empty`
    says what to change when there is nothing to show."""
    issue = problem_of(source, empty)
    if issue:
        message(*issue)
        return
    frame = source.frame
    if columns:
        frame = frame.select([c for c in columns if c in frame.columns]).rename(
            {c: label for c, label in columns.items() if c in frame.columns}
        )
    shown, config = chartcache.view(_table_view, frame, source.meta, columns)
    st.dataframe(
        shown,
        hide_index=True,
        key=f"table-{key}",
        height=height,
        column_config=config,
    )
    if download_label:
        download(frame, key=f"table-{key}", label=download_label)


def _table_view(
    frame: pl.DataFrame, meta: dict, columns: dict[str, str] | None
) -> tuple[pl.DataFrame, dict]:
    """What show_table shows and its columns' headers (kept per content, app.chartcache.view)."""
    shown = no_none(cite.csv_ready(cite.readable_dates(frame)))
    # from what is shown: a date column with a gap reads '—', text (not a broken date)
    return shown, columns_config(shown, meta, columns)


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
    "hl": "typical d (pp, Hodges–Lehmann)",
    "hl_lo": "95 % interval from",
    "hl_hi": "95 % interval to",
}


BROADER_COLUMNS = {
    "year": "year",
    "n": "allies in the test",
    "rho_plain": "ρ (GDP, defence burden)",
    "rho_plain_lo": "95 % interval from (plain)",
    "rho_plain_hi": "95 % interval to (plain)",
    "rho_plain_p": "p (plain)",
    "rho_broader": "ρ (GDP, defence + aid)",
    "rho_broader_lo": "95 % interval from (broader)",
    "rho_broader_hi": "95 % interval to (broader)",
    "rho_broader_p": "p (broader)",
    "mean_defence_pct_gdp": "mean defence burden (% of GDP)",
    "mean_broader_burden_pct": "mean broader burden (% of GDP)",
    "n_estimates": "NATO estimates among them",
    "members_left_out": "members left out",
}


def no_none(frame: pl.DataFrame) -> pl.DataFrame:
    """Missing text and dates shown as '—' (a table cell never reads 'None')."""
    exprs = []
    for name, dtype in frame.schema.items():
        if frame[name].null_count() == 0:
            continue
        if dtype == pl.String:
            exprs.append(pl.col(name).fill_null("—"))
        elif dtype == pl.Date:
            exprs.append(pl.col(name).dt.to_string("%Y-%m-%d").fill_null("—"))
    return frame.with_columns(exprs) if exprs else frame


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


def controls(n: int) -> list:
    """A row of columns for a page's controls."""
    return list(st.columns(n, vertical_alignment="bottom"))


def header(title: str, intro: str) -> None:
    """The page's title and introduction, then how old the data are: on a phone the menu that
    also says so is closed, so the line is on the page there (app.screen hides it where the
    menu sits beside the page)."""
    st.title(title)
    st.markdown(intro)
    with st.container(key="freshness"):
        st.caption(freshness_line())


# --------------------------------------------------------------------------- data age


def age_text(days: int | None) -> str:
    """'12 days' / '9 months' / 'undated' (months of 30 days, as ledger.freshness counts them)."""
    if days is None:
        return "undated"
    if days < 60:
        return f"{days} day{'s' if days != 1 else ''}"
    return f"{days // 30} months"


def age_line(ages: pl.DataFrame, built: str) -> str:
    """The sidebar's one line: when the database was built and how old each source is."""
    parts = [f"Data built {built}" if built else "Data"]
    if not ages.is_empty() and "period_days" in ages.columns:
        dated = ages.filter(pl.col("period_days").is_not_null()).sort("age_days", nulls_last=True)
        stale = set(ages.filter(pl.col("stale").fill_null(False))["source"].to_list())
        named = [
            f"{sources.short(r['source'])} {age_text(r['age_days'])}"
            + ("*" if r["source"] in stale else "")
            for r in dated.iter_rows(named=True)
        ]
        if named:
            parts.append("sources' age: " + ", ".join(named))
        if stale:
            parts.append("* a newer edition is probably out")
    return "; ".join(parts) + "."


def freshness_line() -> str:
    """The one line on how old the data are (details on Data and methods), or why it is not
    known."""
    return _freshness(d.current_fingerprint(), date.today())


# Written twice on every page view (the menu and under the title): kept per database file and
# day, the two things it is made from, as app.ages keeps the ages it reads.
@st.cache_data(show_spinner=False, max_entries=16)
def _freshness(fp: d.Fingerprint | None, today: date) -> str:
    found = ages.source_ages(today)
    return found.problem or age_line(found.frame, built_at())


def sidebar_status() -> None:
    """Page style and script, and the freshness line in the menu."""
    screen.apply()
    st.sidebar.caption(freshness_line())


def coverage_text(coverage: d.Data) -> str:
    """One sentence on what the loaded data cover, from the `coverage` indicator ('' if none):
    every loaded edition of each source, its years, countries and price base."""
    if not coverage.ok or coverage.empty:
        return ""
    parts = []
    for r in coverage.frame.iter_rows(named=True):
        name = sources.short(r["source"])
        regions = f", {r['n_regional_totals']} regional totals" if r["n_regional_totals"] else ""
        newest = " (newest: used by default)" if r["is_newest"] else ""
        parts.append(
            f"{name} edition of {r['edition']}{newest}: {r['n_countries']} countries{regions}, "
            f"{r['first_year']}-{r['last_year']}, {r['definition']}, constant "
            f"{r['price_base_year']} prices"
        )
    return "Loaded data: " + "; ".join(parts) + "."
