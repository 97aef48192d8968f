"""Every case of tests/sidecases.py holds: the command stops with its exit code and one line
naming what was wrong, and leaves alone what it must (a link's target, an earlier export, the
served database). The verdict-store cases judge every claim (about 10 s each), so only the busy
store runs here as a command; tests/test_store.py holds the others in-process."""

from __future__ import annotations

import os
import subprocess

import pytest

from etl.build import build
from tests.sidecases import CASES, ROOT, can, judge

HANG = 300  # seconds: a case that runs this long has hung (a FIFO, a locked store)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    return build(None, tmp_path_factory.mktemp("served") / "alliance.duckdb").db


@pytest.mark.parametrize(
    "case", [c for c in CASES if not c.slow or c.id == "store-busy"], ids=lambda c: c.id
)
def test_case_holds(case, served, tmp_path):
    if case.needs and not can(case.needs):
        pytest.skip(f"needs {case.needs}")
    try:
        run = case.setup(tmp_path, served)
    except PermissionError as e:  # e.g. no right to make a device node here
        pytest.skip(str(e))
    result = subprocess.run(
        run.argv,
        cwd=ROOT,
        env={**os.environ, **run.env},
        capture_output=True,
        text=True,
        timeout=HANG,
    )
    assert judge(run, result) is None, (case.id, judge(run, result))


def test_every_family_has_cases():
    from tests.sidecases import FAMILIES

    assert len(FAMILIES) == 8 and len(CASES) >= 70
