"""app/data.py: the dashboard's data access runs the same one runner as the CLI and the claims,
and refuses a parameter a query does not take."""

from __future__ import annotations

import io

import polars as pl
import pytest
from typer.testing import CliRunner

from cli import app as cli
from core.errors import EtlError
from ledger import queries
from tests.query_outputs import differences

pytestmark = pytest.mark.raw


@pytest.fixture
def data(real_db_path, monkeypatch):
    from app import data

    monkeypatch.setenv("ALLIANCE_DB", str(real_db_path))
    data._reader().close()
    yield data
    data._reader().close()


def test_cli_dashboard_and_claims_get_the_same_frame(data, real_con):
    expected = queries.run(real_con, "exploitation_test")
    page = data.get("exploitation_test")
    # equal but for the last bits: DuckDB's parallel aggregates (corr) add in varying order
    assert page.ok and differences(expected, page.frame) == []
    assert page.frame.columns == expected.columns
    assert differences(expected, data.run("exploitation_test")) == []  # the claims' frame
    out = CliRunner().invoke(cli, ["query", "exploitation_test", "--format", "csv"])
    assert out.exit_code == 0, out.output
    assert pl.read_csv(io.StringIO(out.stdout)).columns == expected.columns
    assert "rho_p" in expected.columns and "rho_lo" in expected.columns


def test_unknown_parameter_is_refused_not_dropped(data):
    page = data.get("burden", yeer=2020)
    assert not page.ok and "takes no parameter yeer" in page.problem
    with pytest.raises(EtlError, match="takes no parameter yeer"):
        data.run("burden", yeer=2020)
    assert data.get("burden", year_from=None).ok  # None: the query's default


def test_look_ups_are_queries_too(data):
    assert data.table("country", iso3="POL").value("name") == "Poland"
    assert "schema" not in dict(data.indicators())
