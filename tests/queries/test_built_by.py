"""built_by: the run that published the file, with the warehouse version of the code that built
it (what app/firstrun.py compares with its own)."""

from __future__ import annotations

import pytest

from core import db
from ledger import queries


@pytest.mark.raw
def test_the_publishing_run_and_this_codes_version(real_con):
    frame = queries.run(real_con, "built_by")
    assert frame.height == 1 and frame["outcome"][0] == "published"
    assert frame["warehouse_version"][0] == db.warehouse_version()
    newest = queries.run(real_con, "etl_run").filter(outcome="published")
    assert frame["run_id"][0] == newest["run_id"][0]


def test_the_version_follows_the_schema_and_every_view(tmp_path, monkeypatch):
    views = tmp_path / "views"
    views.mkdir()
    schema = tmp_path / "schema.sql"
    schema.write_text("create table t (x int);\n")
    (views / "10_v.sql").write_text("create view v as select 1;\n")
    monkeypatch.setattr(db, "SCHEMA", schema)
    monkeypatch.setattr(db, "VIEWS", views)
    first = db.warehouse_version()
    (views / "10_v.sql").write_text("create view v as select 2;\n")
    second = db.warehouse_version()
    schema.write_text("create table t (x bigint);\n")
    assert len({first, second, db.warehouse_version()}) == 3
