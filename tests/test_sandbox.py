"""The locked-down SQL used by `etl sql` and the dashboard's explorer: table-driven abuse cases."""

from __future__ import annotations

import time

import pytest

from etl.db import connect_readonly
from etl.sandbox import SqlRefused, run
from tests.tinydb import make_db


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    db = make_db(
        tmp_path_factory.mktemp("sandbox") / "tiny.duckdb",
        {
            "alliance": [
                {
                    "code": "NATO",
                    "name": "North Atlantic Treaty Organization",
                    "kind": "treaty alliance",
                    "founded": "1949-08-24",
                    "source_url": "https://www.nato.int",
                }
            ]
        },
    )
    connection = connect_readonly(db)
    yield connection
    connection.close()


REFUSED = {
    "read_csv local": "select * from read_csv('/etc/passwd')",
    "read_csv_auto": "SELECT * FROM read_csv_auto('/etc/passwd')",
    "read_text": "select * from read_text('/etc/hostname')",
    "read_blob": "select * from read_blob('/etc/hostname')",
    "glob": "select * from glob('/*')",
    "read_parquet local": "select * from read_parquet('/tmp/x.parquet')",
    "read_parquet url": "select * from read_parquet('https://example.com/x.parquet')",
    "read_json url": "select * from read_json('http://127.0.0.1:1/x.json')",
    "bare file path": "select * from '/etc/passwd'",
    "attach": "attach '/tmp/other.duckdb' as other",
    "attach lower-case trick": "AtTaCh '/tmp/other.duckdb'",
    "copy to": "copy (select 1) to '/tmp/out.csv'",
    "copy table": "copy alliance to '/tmp/out.csv'",
    "export database": "export database '/tmp/dump'",
    "install": "install httpfs",
    "load": "load httpfs",
    "set external access": "set enable_external_access = true",
    "reset external access": "reset enable_external_access",
    "unlock configuration": "set lock_configuration = false",
    "set via pragma": "pragma enable_external_access",
    "create table": "create table t as select 1",
    "insert": "insert into alliance values ('X','x','x','2000-01-01',null,'u')",
    "update": "update alliance set name = 'x'",
    "delete": "delete from alliance",
    "drop": "drop table alliance",
    "two statements": "select 1; drop table alliance",
    "comment hides second": "select 1 /* ; */; drop table alliance -- ",
    "comment before set": "/* harmless */ SET enable_external_access=true",
    "call": "call pragma_version()",
    "checkpoint": "checkpoint",
    "detach": "detach tiny",
    "create macro": "create macro f(x) as x",
    "empty": "   ",
    "syntax error": "selec 1",
    "runaway": "select count(*) from range(10000000000) a, range(10) b",
    "huge cross join sum": "select sum(a.range * b.range) from range(100000) a, range(1000000) b",
}


@pytest.mark.parametrize("sql", REFUSED.values(), ids=REFUSED.keys())
def test_refused_with_a_friendly_message(con, sql):
    start = time.monotonic()
    with pytest.raises(SqlRefused) as refused:
        run(con, sql, seconds=1.0)
    message = str(refused.value)
    assert message and "Traceback" not in message and len(message.splitlines()) == 1
    assert time.monotonic() - start < 30  # interrupted, not run to the end
    # The connection still answers afterwards: the app stays up.
    assert run(con, "select count(*) as n from alliance").frame["n"][0] == 1


def test_the_friendly_message_for_files(con):
    with pytest.raises(SqlRefused, match="switched off"):
        run(con, "SELECT * FROM read_csv('/etc/passwd')")


def test_configuration_stays_locked(con):
    with pytest.raises(SqlRefused):
        run(con, "set enable_external_access = true")
    setting = run(con, "select current_setting('enable_external_access') as v").frame["v"][0]
    assert setting is False or str(setting).lower() == "false"


ALLOWED = {
    "select": ("select code from alliance", 1),
    "with": ("with a as (select * from alliance) select * from a", 1),
    "from first": ("from alliance", 1),
    "values": ("values (1), (2)", 2),
    "describe": ("describe alliance", 6),
    "show tables": ("show tables", None),
}


@pytest.mark.parametrize(("sql", "rows"), ALLOWED.values(), ids=ALLOWED.keys())
def test_read_only_queries_run(con, sql, rows):
    result = run(con, sql)
    assert rows is None or result.frame.height == rows


def test_millions_of_rows_are_capped(con):
    result = run(con, "select * from range(5000000)", row_cap=1000)
    assert result.frame.height == 1000 and result.truncated


def test_small_result_not_marked_truncated(con):
    assert not run(con, "select * from range(10)", row_cap=10).truncated
