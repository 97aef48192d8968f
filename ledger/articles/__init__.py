"""Articles whose claims are judged: one folder each, holding `article.yml` (title, author,
publisher, where the text is, the date it was written and where that date comes from) and one
module per claim (cNN_name.py, each defining `CLAIM`). The engine (ledger.claims) works over
any article; the memorandum is the default.

A new article is a new folder here (or, for the tests, anywhere named by $ALLIANCE_ARTICLES_DIR):
README.md says how.
"""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
import sys
import types
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
DEFAULT = "memorandum-38-2025"
EXTRA_ENV = "ALLIANCE_ARTICLES_DIR"  # more article folders (the tests' second article)
_MODULE = re.compile(r"c\d\d_[a-z0-9_]+")


class UnknownArticle(KeyError):
    """No article of that slug: the message lists the ones there are."""


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    author: str
    publisher: str
    series: str
    year: int
    url: str
    date: date  # when written: the claims' first verdict is judged as of this day
    date_note: str
    paragraphs: str
    text: str  # where the text is, relative to the repository (may be outside it)
    folder: Path
    package: str  # the importable name of the folder

    def citation(self) -> str:
        """'Alexander Lanoszka, "Title", Britain's World, The Memorandum 38/2025, Council on
        Geostrategy, 2025'."""
        return f'{self.author}, "{self.title}", {self.series}, {self.publisher}, {self.year}'

    @property
    def claims(self) -> tuple:
        return _claims(self.package, self.folder)


def _folders() -> list[Path]:
    folders = [p for p in sorted(HERE.iterdir()) if (p / "article.yml").is_file()]
    extra = os.environ.get(EXTRA_ENV, "")
    for root in filter(None, extra.split(os.pathsep)):
        folders += [p for p in sorted(Path(root).iterdir()) if (p / "article.yml").is_file()]
    return folders


def _read(folder: Path) -> Article:
    meta = yaml.safe_load((folder / "article.yml").read_text(encoding="utf-8"))
    when = meta["date"]
    if not isinstance(when, date):
        raise ValueError(f"{folder.name}/article.yml: date {when!r} is not a date (YYYY-MM-DD)")
    if folder.parent == HERE:
        package = f"{__name__}.{folder.name}"
    else:  # an article outside the package: imported under a name of its own
        package = f"_alliance_article_{folder.name}"
        if package not in sys.modules:  # a bare package whose modules are the folder's files
            module = types.ModuleType(package)
            module.__path__ = [str(folder)]
            sys.modules[package] = module
    return Article(
        slug=str(meta["slug"]),
        title=str(meta["title"]),
        author=str(meta["author"]),
        publisher=str(meta["publisher"]),
        series=str(meta.get("series", "")),
        year=int(meta["year"]),
        url=str(meta.get("url", "")),
        date=when,
        date_note=str(meta.get("date_note", "")),
        paragraphs=str(meta.get("paragraphs", "")),
        text=str(meta.get("text", "")),
        folder=folder,
        package=package,
    )


@cache
def all_articles() -> tuple[Article, ...]:
    found = [_read(folder) for folder in _folders()]
    slugs = [a.slug for a in found]
    if len(set(slugs)) != len(slugs):
        raise ValueError(f"article slugs repeat: {slugs}")
    return tuple(found)


def get(slug: str | None = None) -> Article:
    """The article of that slug (the memorandum when None)."""
    wanted = slug or DEFAULT
    for article in all_articles():
        if article.slug == wanted:
            return article
    known = ", ".join(a.slug for a in all_articles())
    raise UnknownArticle(f"no article {wanted!r}; known: {known}")


@cache
def _claims(package: str, folder: Path) -> tuple:
    """Every claim module's CLAIM in the folder, in the order of the module names."""
    found = []
    for info in sorted(pkgutil.iter_modules([str(folder)]), key=lambda m: m.name):
        if _MODULE.fullmatch(info.name):
            found.append(importlib.import_module(f"{package}.{info.name}").CLAIM)
    ids = [c.id for c in found]
    if len(set(ids)) != len(ids):
        raise ValueError(f"claim ids repeat in {folder.name}: {ids}")
    return tuple(found)
