"""The database the dashboard tests read: the real build when the raw files are there, else the
build from the committed snapshot (shared by tests/test_app.py and tests/browser/)."""

from __future__ import annotations

from pathlib import Path

import pytest


def dashboard_db(request: pytest.FixtureRequest, tmp_path_factory) -> Path:
    try:
        return request.getfixturevalue("real_db_path")
    except pytest.skip.Exception:
        from etl.build import build

        return build(None, tmp_path_factory.mktemp("snapshot") / "alliance.duckdb").db
