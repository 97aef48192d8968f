"""free_riding_response: on tiny hand-made warehouses (tests/queries/world_*.py) and on the
real data."""

from __future__ import annotations

import math
from datetime import date

import pytest
from scipy import stats

from tests.queries.world_stats import POL_DLN, US_DLN, close, levels, run, tiny_tables
from tests.tinydb import tiny_con


def test_free_riding_by_hand(tiny):
    frame = run(tiny, "free_riding_response", from_year=2014, to_year=2018)
    rows = {r["iso3"]: r for r in frame.iter_rows(named=True)}
    assert set(rows) == {"DEU", "POL", "EST"}  # not the US; GBR has no constant-price series
    deu = rows["DEU"]
    assert (deu["n"], deu["first_year"], deu["last_year"], deu["df"]) == (4, 2015, 2018, 2)
    assert close(deu["slope"], -0.5) and close(deu["intercept"], 0.1) and close(deu["r2"], 1.0)
    fit = stats.linregress(US_DLN, POL_DLN)
    pol = rows["POL"]
    assert close(pol["slope"], fit.slope) and close(pol["intercept"], fit.intercept)
    assert close(pol["r2"], fit.rvalue**2) and close(pol["slope_se"], fit.stderr)
    assert close(pol["slope_p"], fit.pvalue)
    assert close(rows["EST"]["slope"], 0.0) and rows["EST"]["t"] is None  # flat: no residual
    window = run(tiny, "free_riding_response", from_year=2015, to_year=2018)
    assert set(window["n"]) == {3}


@pytest.mark.raw
def test_real_free_riding_matches_linregress(real_con):
    frame = run(real_con, "free_riding_response", from_year=2014, to_year=2024)
    assert len(frame) >= 25 and "USA" not in frame["iso3"].to_list()
    series = real_con.sql(
        """
        select iso3, year, me_constant_usd_m as me from defence_panel
        where source = 'nato' and year between 2014 and 2024 and me_constant_usd_m > 0
        """
    ).pl()
    member_years = set(
        real_con.sql("select iso3, year from member_year where alliance = 'NATO'").fetchall()
    )
    by_country = {
        iso3: dict(zip(g["year"], g["me"], strict=True)) for (iso3,), g in series.group_by("iso3")
    }
    us = by_country["USA"]
    for r in frame.iter_rows(named=True):
        ally = by_country[r["iso3"]]
        years = [
            t
            for t in range(2015, 2025)
            if {t, t - 1} <= ally.keys() & us.keys() and (r["iso3"], t) in member_years
        ]
        x = [math.log(us[t]) - math.log(us[t - 1]) for t in years]
        y = [math.log(ally[t]) - math.log(ally[t - 1]) for t in years]
        fit = stats.linregress(x, y)
        assert r["n"] == len(years)
        assert close(r["slope"], fit.slope) and close(r["intercept"], fit.intercept)
        assert close(r["r2"], fit.rvalue**2) and close(r["slope_p"], fit.pvalue)
        # 95 % interval: slope -+ t_0.975(n - 2) x stderr
        half = stats.t.ppf(0.975, len(years) - 2) * fit.stderr
        assert close(r["slope_lo"], fit.slope - half) and close(r["slope_hi"], fit.slope + half)


def test_free_riding_leaves_out_a_change_across_two_price_bases(tmp_path):
    # POL's 2017-2018 figures also in a 2025 edition at 2021 prices, 1.5 times the 2015-price
    # level: the 2016 -> 2017 step is a rebasing, not growth, and must not be fitted.
    tables = tiny_tables()
    for year, me in list(zip(range(2014, 2019), levels(POL_DLN), strict=True))[3:]:
        tables["nato_defence"].append(
            {
                "iso3": "POL",
                "year": year,
                "edition": date(2025, 6, 5),
                "price_base_year": 2021,
                "is_estimate": False,
                "constant_usd_m": 1.5 * me,
            }
        )
    con = tiny_con(tmp_path / "bases.duckdb", tables)
    frame = run(con, "free_riding_response", from_year=2014, to_year=2018)
    con.close()
    rows = {r["iso3"]: r for r in frame.iter_rows(named=True)}
    pol, deu = rows["POL"], rows["DEU"]
    assert (pol["n"], pol["price_base_year"], pol["mixed_price_bases"]) == (3, None, True)
    kept = [0, 1, 3]  # the changes into 2015, 2016 and 2018
    fit = stats.linregress([US_DLN[i] for i in kept], [POL_DLN[i] for i in kept])
    assert close(pol["slope"], fit.slope) and close(pol["intercept"], fit.intercept)
    assert (deu["n"], deu["price_base_year"], deu["mixed_price_bases"]) == (4, 2015, False)
