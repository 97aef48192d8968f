"""Alliance Ledger: the dashboard's entry point (navigation only).

Run with `uv run streamlit run dashboard.py`. The database is ALLIANCE_DB or
data/alliance.duckdb; when it is missing it is built once from the bundled snapshot.
"""

from __future__ import annotations

from pathlib import Path

# numpy imported here, before any page: plotly looks it up lazily in sys.modules. pandas, looked
# up the same way, is imported by ui.show_chart before a run's first figure (~1 s once per
# process, which the landing page's first finding no longer waits for).
import numpy  # noqa: F401
import streamlit as st

from app import firstrun, gcfreeze, nav, ui

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
gcfreeze.settle()  # last: what this run imported is frozen out of every later collection
