"""Alliance Ledger: the dashboard's entry point (navigation only).

Run with `uv run streamlit run dashboard.py`. The database is ALLIANCE_DB or
data/alliance.duckdb; when it is missing it is built once from the bundled snapshot.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from app import data, nav, ui

ICON = Path(__file__).resolve().parent / "app" / "static" / "favicon.png"

st.set_page_config(
    page_title="Alliance Ledger",
    page_icon=str(ICON),
    layout="wide",
    initial_sidebar_state="expanded",
    menu_items={
        "About": (
            "Alliance Ledger tests the claims of a 2025 memorandum on military alliances "
            "against public defence data (SIPRI, NATO, World Bank)."
        ),
    },
)

page = st.navigation(nav.st_pages())
if data.ensure_database():
    ui.sidebar_status()
    page.run()
