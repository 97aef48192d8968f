"""Shared fixtures: where the real raw files are (../shared/data/raw beside the repo)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _raw_dir() -> Path:
    return Path(os.environ.get("ALLIANCE_RAW_DIR", ROOT.parent / "shared" / "data" / "raw"))


@pytest.fixture(scope="session")
def raw_dir() -> Path:
    """The real raw files. In CI they must be there; on a laptop without them, skip."""
    path = _raw_dir()
    if not path.is_dir():
        if os.environ.get("CI"):
            pytest.fail(f"raw files not found at {path}; set ALLIANCE_RAW_DIR")
        pytest.skip(f"raw files not found at {path}")
    return path


@pytest.fixture
def raw(tmp_path: Path, request) -> Path:
    """A raw folder holding the test module's hand-made files, which its `write_raw(folder)`
    writes (test_cow, test_kiel, test_restcountries, test_worldbank)."""
    request.module.write_raw(tmp_path)
    return tmp_path


@pytest.fixture(scope="session")
def real_db_path(raw_dir, tmp_path_factory) -> Path:
    """The warehouse built once per test session from the real raw files."""
    from etl.build import build

    return build(raw_dir, tmp_path_factory.mktemp("real") / "alliance.duckdb").db


@pytest.fixture(scope="session")
def real_con(real_db_path):
    from core.db import connect_readonly

    con = connect_readonly(real_db_path)
    yield con
    con.close()


@pytest.fixture(scope="session", autouse=True)
def _verdict_cache(tmp_path_factory) -> None:
    """The app's on-disk verdict cache (app.diskstore) in a folder of this test session, so a
    test never reads verdicts an earlier session stored."""
    os.environ["ALLIANCE_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))
