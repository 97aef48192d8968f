"""app/gcfreeze.py: what a script run imported is frozen out of Streamlit's collection after
every later run (a full gc.collect walked ~150 ms of library objects on each click)."""

from __future__ import annotations

import gc
import sys
import types

import pytest

from app import gcfreeze
from tests.test_app import app_db, db_env, open_page  # noqa: F401 (fixtures)


def test_settle_freezes_once_per_new_import():
    gcfreeze.settle()  # whatever this process imported so far
    assert gcfreeze.settle() is False  # nothing new: no collection, no freeze
    frozen = gc.get_freeze_count()
    sys.modules["_alliance_ledger_test_module"] = types.ModuleType("_alliance_ledger_test_module")
    try:
        kept = [[] for _ in range(1000)]  # alive across the freeze, like a module's objects
        assert gcfreeze.settle() is True
        assert gc.get_freeze_count() >= frozen + len(kept)
        assert gcfreeze.settle() is False
    finally:
        del sys.modules["_alliance_ledger_test_module"]


def test_a_frozen_collection_walks_fewer_objects():
    """What the freeze buys: the objects gc.collect() walks after a run."""
    gcfreeze.settle()
    assert len(gc.get_objects()) < gc.get_freeze_count()  # most of the process is frozen


@pytest.mark.usefixtures("db_env")
def test_the_dashboard_settles_after_its_run(monkeypatch):
    gc.unfreeze()
    monkeypatch.setattr(gcfreeze, "_modules_frozen", 0)  # as in a new server process
    open_page("burden")
    assert gc.get_freeze_count() > 0  # dashboard.py ends with gcfreeze.settle()
