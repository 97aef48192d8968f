"""Alliance Ledger: the dashboard's entry point (navigation only).

Run with `uv run streamlit run dashboard.py`. The database is ALLIANCE_DB or
data/alliance.duckdb; when it is missing it is built once from the bundled snapshot.
"""

from __future__ import annotations

from pathlib import Path

# Imported here, under Python's import lock, before any page: plotly looks these up lazily in
# sys.modules, and two sessions starting at once could find pandas half-imported there
# ("partially initialized module 'pandas' has no attribute 'Series'", seen in the soak).
import numpy  # noqa: F401
import pandas  # noqa: F401
import streamlit as st

from app import firstrun, nav, ui

ICON = Path(__file__).resolve().parent / "app" / "static" / "favicon.png"

st.set_page_config(
    page_title="Alliance Ledger",
    page_icon=str(ICON),
    layout="wide",
    initial_sidebar_state="auto",  # collapsed on a phone,
    menu_items={
        "About": (
            "Alliance Ledger tests the claims of a 2025 memorandum on military alliances "
            "against public defence data (SIPRI, NATO, World Bank)."
        ),
    },
)

page = st.navigation(nav.st_pages())
if firstrun.ensure_database():
    ui.sidebar_status()
    page.run()
