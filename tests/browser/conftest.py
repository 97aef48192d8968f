"""Browser fixtures: the real app served once per session, driven by Debian's Chromium.

The launch points at Debian's /usr/bin/chromium (tests/browser/chromium.py); `base_url` serves
dashboard.py with ALLIANCE_DB set to the session's database, and stops it afterwards.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.chromium import ARGS, CHROMIUM, VIEWPORT, serve
from tests.dashboard_db import dashboard_db


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM}")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": VIEWPORT}


@pytest.fixture(scope="session")
def app_db(request, tmp_path_factory) -> Path:
    return dashboard_db(request, tmp_path_factory)


@pytest.fixture(scope="session")
def base_url(app_db, tmp_path_factory):
    logs = tmp_path_factory.mktemp("server")
    try:
        with serve("app", "dashboard.py", {"ALLIANCE_DB": str(app_db)}, logs, startup_s=60) as app:
            yield app.url
    except RuntimeError as e:  # the server would not start: every browser test fails, saying why
        pytest.fail(str(e))


@pytest.fixture(scope="session")
def shots(tmp_path_factory) -> Path:
    """Where screenshots go: a pytest tmp dir, and docs/screenshots with UPDATE_SCREENSHOTS=1."""
    return tmp_path_factory.mktemp("screenshots")
