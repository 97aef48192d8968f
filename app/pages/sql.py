"""SQL explorer: read-only queries on the warehouse, through ledger.sandbox."""

from __future__ import annotations

import streamlit as st

from app import cite, data, examples, explorer, readertext, ui

ui.header(
    "SQL explorer",
    "Ask the warehouse your own question in SQL (DuckDB dialect). The connection is read-only: "
    "one query at a time, no files, URLs or extensions, a row cap and a time limit.",
)

st.caption(ui.coverage_text(data.get("coverage")))
explorer.warm()  # query workers started while the reader writes (no-op once they are)

left, right = st.columns([3, 1])
with right:
    st.markdown("**Tables and columns**")
    schema = data.table("schema")
    tables = ui.schema_tables(schema)
    chosen = st.selectbox("Table or view", tables, key="schema_table") if tables else None
    ui.show_table(
        schema.where(table=chosen),
        key="schema-columns",
        columns={"column": "column", "type": "type"},
        download_label=None,
    )
with left:
    st.selectbox(
        "Start from an example",
        list(examples.EXAMPLES),
        index=None,
        placeholder="Choose an example query…",
        key="example",
        on_change=examples.load_into,
        args=("example", "sql"),
    )
    sql = st.text_area(
        "SQL",
        key="sql",
        height=180,
        placeholder="select * from country limit 10",
        bind="query-params",
        help="Press Ctrl+Enter (⌘+Enter) or click Run.",
    )
    c1, c2, c3 = ui.controls(3)
    limits = explorer.sandbox_limits()
    with c1:
        row_cap = st.number_input(
            "Row cap", 1, 100_000, int(limits["row_cap"]), step=1000, key="row_cap"
        )
    with c2:
        seconds = st.number_input(
            "Time limit (s)", 0.5, 30.0, float(limits["seconds"]), step=0.5, key="seconds"
        )
    with c3:
        st.button("Run", type="primary", key="run", icon=":material/play_arrow:")

    if not (sql or "").strip():
        st.info("Write a query above, or start from an example.")
    else:
        result = explorer.explore(sql, row_cap, seconds)
        if result.refusal:  # DuckDB's errors echo the reader's identifiers and tokens: as text
            refusal = readertext.md(result.refusal, most=readertext.MAX_MESSAGE)
            st.error(refusal, icon=":material/block:")
        else:
            st.caption(ui.result_note(result.frame.height, result.truncated, row_cap))
            # Every column is one the grid and CSV can hold: the worker sends nested types and
            # out-of-range dates as DuckDB's text (ledger.sandbox).
            st.dataframe(cite.csv_ready(result.frame), hide_index=True, key="sql-result")
            ui.download(result.frame, key="sql-result", label="Download the result (CSV)")
