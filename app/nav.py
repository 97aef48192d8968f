"""The dashboard's pages: one registry, used by dashboard.py and by links between pages."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import streamlit as st

ROOT = Path(__file__).resolve().parent.parent
PAGES_DIR = Path(__file__).resolve().parent / "pages"


@dataclass(frozen=True)
class PageInfo:
    key: str
    file: str  # under app/pages/
    title: str
    icon: str
    url_path: str

    @property
    def route(self) -> str:
        """The URL path the page is served at (the default page is served at the root)."""
        return "" if self is PAGES[0] else self.url_path

    @property
    def path(self) -> str:
        """The page's script, relative to the main script (what st.page_link accepts)."""
        return (PAGES_DIR / self.file).relative_to(ROOT).as_posix()


PAGES = [
    PageInfo("claims", "claims.py", "Claims and evidence", ":material/fact_check:", "claims"),
    PageInfo("burden", "burden.py", "Burden sharing", ":material/balance:", "burden-sharing"),
    PageInfo(
        "free_riding", "free_riding.py", "Free riding", ":material/trending_down:", "free-riding"
    ),
    PageInfo("capability", "capability.py", "Capability", ":material/shield:", "capability"),
    PageInfo("alliances", "alliances.py", "Alliances and overlap", ":material/hub:", "alliances"),
    PageInfo("country", "country.py", "Country profile", ":material/flag:", "country"),
    PageInfo("sql", "sql.py", "SQL explorer", ":material/terminal:", "sql"),
    PageInfo("methods", "methods.py", "Data and methods", ":material/menu_book:", "methods"),
]
BY_KEY = {p.key: p for p in PAGES}


def resolve(name: str | None) -> PageInfo | None:
    """A page from a key, url path, title or file name (case-insensitive)."""
    if not name:
        return None
    n = str(name).strip().lower()
    n = n.removeprefix("app/pages/").removesuffix(".py").strip("/")
    for p in PAGES:
        if n in {p.key, p.url_path, p.title.lower(), p.file.removesuffix(".py")}:
            return p
    return None


def st_pages() -> list:
    return [
        st.Page(
            str(PAGES_DIR / p.file),
            title=p.title,
            icon=p.icon,
            url_path=p.url_path,
            default=(i == 0),
        )
        for i, p in enumerate(PAGES)
    ]
