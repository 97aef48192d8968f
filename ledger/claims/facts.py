"""The project's compiled fact tables in data/facts/ (one source URL per row), read checked."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import polars as pl

FACTS = Path(__file__).resolve().parent.parent.parent / "data" / "facts"


@cache
def read(name: str) -> pl.DataFrame:
    """data/facts/NAME.csv with its ISO dates parsed; every row must cite a source URL."""
    path = FACTS / f"{name}.csv"
    if not path.is_file():
        raise FileNotFoundError(f"no fact table {name!r} in data/facts")
    frame = pl.read_csv(path, try_parse_dates=True, infer_schema_length=None)
    if "source_url" not in frame.columns or frame["source_url"].is_null().any():
        raise ValueError(f"data/facts/{name}.csv: every row needs a source_url")
    return frame
