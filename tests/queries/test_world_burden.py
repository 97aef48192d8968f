"""world_burden: every state's burden in one year from one source, with its change since a base
year (the Burden sharing page's map), on the real data."""

from __future__ import annotations

import pytest

from ledger import queries

pytestmark = pytest.mark.raw


def test_shares_and_change_come_from_the_panel(real_con):
    frame = queries.run(real_con, "world_burden", source="sipri", year=2024, base_year=2014)
    assert frame.columns == queries.load("world_burden").columns()
    assert frame.height > 100 and frame["iso3"].is_unique().all()
    panel = dict(
        real_con.sql(
            "select iso3, share_gdp_pct from defence_panel "
            "where source = 'sipri' and year = 2014 and share_gdp_pct is not null"
        ).fetchall()
    )
    for row in frame.head(40).iter_rows(named=True):
        assert row["meets_2pct"] == (row["burden_pct"] >= 2.0)
        base = panel.get(row["iso3"])
        expected = None if base is None else row["burden_pct"] - base
        assert row["change_since_base_pp"] == pytest.approx(expected)
    nato = queries.run(real_con, "world_burden", source="nato", year=2024)
    assert nato.height == 31  # NATO's allies with a published share (Iceland has none)


def test_per_head_is_each_sources_own(real_con):
    sipri = queries.run(real_con, "world_burden", source="sipri", year=2024)
    published = dict(
        real_con.sql(
            "select iso3, per_capita_current_usd from sipri_at() where year = 2024"
        ).fetchall()
    )
    for row in sipri.iter_rows(named=True):
        assert row["me_per_capita_current_usd"] == pytest.approx(published.get(row["iso3"]))
    nato = queries.run(real_con, "world_burden", source="nato", year=2024)
    pol = nato.filter(nato["iso3"] == "POL").row(0, named=True)
    assert pol["me_per_capita_constant_usd"] == pytest.approx(710.8, abs=0.05)  # Table 6
    assert pol["price_base_year"] == 2015
