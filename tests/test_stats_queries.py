"""The statistical indicators (exploitation_test, concordance_test, free_riding_response) and
their p-values (etl/stats.py): worked by hand on a tiny warehouse, checked against scipy on the
same numbers, on random panels (hypothesis), and on the real data (`-m raw`)."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from etl import queries
from etl.stats import (
    kendall_exact_p,
    spearman_p,
    wilcoxon_exact_p,
    with_p_values,
)
from tests.tinydb import make_db

TOL = 1e-9
EDITION = date(2024, 6, 17)


def close(a: float | None, b: float | None, tol: float = TOL) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if math.isnan(a) or math.isnan(b):
        return math.isnan(a) and math.isnan(b)
    if math.isinf(a) or math.isinf(b):
        return a == b
    return math.isclose(a, b, rel_tol=tol, abs_tol=tol)


def run(con: duckdb.DuckDBPyConnection, name: str, **params) -> pl.DataFrame:
    """As etl.queries.run: the sidecar's defaults, typed overrides, bound parameters."""
    query = queries.load(name)
    return con.sql(query.sql, params=queries.coerce(query, params)).pl()


# --------------------------------------------------------------------------------------------
# A tiny warehouse worked by hand
# --------------------------------------------------------------------------------------------
#
# NATO figures for 2024 (US$ m, current prices; constant GDP = current GDP, so the population
# NATO's tables imply, GDP_2015 / GDP per capita x 1000, is exact):
#
#   ally  GDP   ME    burden = 100 ME/GDP   GDP per capita (k$)   population
#   USA   500   35.5  7.1                   80                    6250
#   DEU   200   4     2.0  (tie)            40                    5000
#   GBR   150   3     2.0  (tie)            60                    2500
#   POL   100   6     6.0                   25                    4000
#   EST    50   1.5   3.0                   20                    2500
#   AUT   300   2     0.67  not a NATO member: never in the tests
#   FIN    80   2     2.5  joins NATO 2023-04-04; has figures for 2022 only
#
# Ranks (ascending; ties share the mean of the ranks they span):
#   GDP:     EST 1, POL 2, GBR 3, DEU 4, USA 5
#   burden:  DEU 1.5, GBR 1.5, EST 3, POL 4, USA 5
#   GDP/cap: EST 1, POL 2, DEU 3, GBR 4, USA 5
#
# Spearman rho(GDP, burden): in GDP order the burden ranks are (3, 4, 1.5, 1.5, 5);
#   deviations from the mean 3: x (-2, -1, 0, 1, 2), y (0, 1, -1.5, -1.5, 2)
#   Sxy = 0 - 1 + 0 - 1.5 + 4 = 1.5, Sxx = 10, Syy = 0 + 1 + 2.25 + 2.25 + 4 = 9.5
#   rho = 1.5 / sqrt(95) = 0.1538967528...
#   t = rho sqrt(3 / (1 - rho^2)) = 1.5 sqrt(3 / 92.75) = 0.2697677...; df = 3
# Kendall, pairs in GDP order, burdens EST 3.0, POL 6.0, GBR 2.0, DEU 2.0, USA 7.1:
#   EST-POL C, EST-GBR D, EST-DEU D, EST-USA C, POL-GBR D, POL-DEU D, POL-USA C,
#   GBR-DEU tied in burden, GBR-USA C, DEU-USA C  ->  C = 5, D = 4, Tx = 0, Ty = 1
#   tau_b = (5 - 4) / sqrt((10 - 0)(10 - 1)) = 1 / sqrt(90) = 0.1054092553...
#   Var(S) = (5*4*15 - 0 - 2*1*9) / 18 + 0 + 0 = 282 / 18 = 15.666...
#   z = 1 / sqrt(282 / 18) = 0.2526455763...; ties, so scipy's p is asymptotic: 2(1 - Phi(z))
# Partial rho (3 = GDP per capita): rho13 = 1 - 6 (1 + 1) / (5 * 24) = 0.9 (no ties);
#   rho23: burden y (0, 1, -1.5, -1.5, 2), GDP/cap deviations (-2, -1, 1, 0, 2) in GDP order:
#   Syz = 0 - 1 - 1.5 + 0 + 4 = 1.5, rho23 = 1.5 / sqrt(95)
#   rho12.3 = (1.5 - 0.9 * 1.5) / sqrt(95) / sqrt(0.19 (92.75 / 95)) = 0.15 / sqrt(17.6225)
#           = 0.0357321...
# Wilcoxon, variant 'gdp' (sum ME = 50, sum GDP = 1000, every share exact):
#   b = 2 ME:  USA 71, DEU 8, GBR 6, POL 12, EST 3;  y = GDP / 10: 50, 20, 15, 10, 5
#   d = b - y: USA +21, DEU -12, GBR -9, POL +2, EST -2
#   ranks of |d|: POL 1.5, EST 1.5 (tie), GBR 3, DEU 4, USA 5
#   W+ = 5 + 1.5 = 6.5, W- = 4 + 3 + 1.5 = 8.5 (sum 15 = 5*6/2), n = 5, mean 7.5
#   z = (6.5 - 7.5) / sqrt(5*6*11/24) = -1 / sqrt(13.75) = -0.2696799449...
#   tie term 2^3 - 2 = 6: z_ties = -1 / sqrt(13.75 - 6/48) = -1 / sqrt(13.625) = -0.270914...
# Variant 'gdp_population' (sum population 20250): n = 100 pop / 20250
#   = 30.86, 24.69, 12.35, 19.75, 12.35; d = b - (y + n)/2 = +30.57, -14.35, -7.67, -2.88,
#   -5.67; ranks POL 1, EST 2, GBR 3, DEU 4, USA 5; W+ = 5, W- = 10,
#   z = (5 - 7.5) / sqrt(13.75) = -0.6741998624...
#
# Free riding (NATO constant 2015 US$, 2014-2018): US changes in log ME 0.02, -0.01, 0.05,
# 0.03; Germany's are exactly 0.1 - 0.5 x the US's: slope -0.5, intercept 0.1, r2 = 1.

ALLIES = {
    #      GDP    ME   pc_kusd
    "USA": (500, 35.5, 80),
    "DEU": (200, 4, 40),
    "GBR": (150, 3, 60),
    "POL": (100, 6, 25),
    "EST": (50, 1.5, 20),
    "AUT": (300, 2, 50),
}
NATO_JOINED = {
    "USA": date(1949, 8, 24),
    "GBR": date(1949, 8, 24),
    "DEU": date(1955, 5, 6),
    "POL": date(1999, 3, 12),
    "EST": date(2004, 3, 29),
    "FIN": date(2023, 4, 4),
}
US_DLN = [0.02, -0.01, 0.05, 0.03]
POL_DLN = [0.10, 0.20, -0.05, 0.12]


def nato_row(iso3: str, year: int, **values) -> dict:
    return {"iso3": iso3, "year": year, "edition": EDITION, "is_estimate": year >= 2023, **values}


def levels(dln: list[float], start: float = 1000.0) -> list[float]:
    return [start * math.exp(s) for s in np.concatenate([[0.0], np.cumsum(dln)])]


def tiny_tables() -> dict[str, list[dict]]:
    rows = [
        nato_row(
            iso3,
            2024,
            current_usd_m=me,
            constant_usd_m=me,
            gdp_current_usd_m=gdp,
            gdp_constant_usd_m=gdp,
            gdp_per_capita_constant_kusd=pc,
        )
        for iso3, (gdp, me, pc) in ALLIES.items()
    ]
    # 2022: Finland has figures but joined NATO only in 2023.
    for iso3, (gdp, me, pc) in {
        "USA": (480, 30, 78),
        "DEU": (190, 3, 39),
        "GBR": (140, 3, 58),
        "FIN": (80, 2, 45),
    }.items():
        rows.append(
            nato_row(
                iso3,
                2022,
                current_usd_m=me,
                gdp_current_usd_m=gdp,
                gdp_constant_usd_m=gdp,
                gdp_per_capita_constant_kusd=pc,
            )
        )
    germany = [0.1 - 0.5 * u for u in US_DLN]
    for iso3, dln in {"USA": US_DLN, "DEU": germany, "POL": POL_DLN, "EST": [0.0] * 4}.items():
        for year, me in zip(range(2014, 2019), levels(dln), strict=True):
            rows.append(nato_row(iso3, year, constant_usd_m=me))
    return {
        "alliance": [
            {
                "code": "NATO",
                "name": "North Atlantic Treaty Organization",
                "kind": "treaty alliance",
                "founded": date(1949, 4, 4),
                "source_url": "https://www.nato.int/",
            }
        ],
        "membership": [
            {
                "alliance": "NATO",
                "iso3": iso3,
                "joined": joined,
                "date_precision": "day",
                "source_url": "https://www.nato.int/",
            }
            for iso3, joined in NATO_JOINED.items()
        ],
        "country": [
            {"iso3": iso3, "name": iso3.title(), "is_historical": False, "source": "test"}
            for iso3 in [*ALLIES, "FIN"]
        ],
        "nato_defence": rows,
    }


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    path = make_db(tmp_path_factory.mktemp("stats") / "tiny.duckdb", tiny_tables())
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


def one_year(frame: pl.DataFrame, year: int, **where) -> dict:
    rows = [
        r
        for r in frame.iter_rows(named=True)
        if r["year"] == year and all(r[k] == v for k, v in where.items())
    ]
    assert len(rows) == 1, rows
    return rows[0]


# The hand-made numbers, in the order of the table above (members only).
HAND_GDP = [500, 200, 150, 100, 50]
HAND_BURDEN = [7.1, 2.0, 2.0, 6.0, 3.0]
HAND_PC = [80, 40, 60, 25, 20]
HAND_D = [21, -12, -9, 2, -2]


def test_exploitation_by_hand(tiny):
    r = one_year(run(tiny, "exploitation_test"), 2024)
    assert r["n"] == 5
    assert r["members"] == "DEU,EST,GBR,POL,USA"
    assert close(r["rho"], 1.5 / math.sqrt(95))
    assert close(r["t"], 1.5 * math.sqrt(3 / 92.75))
    assert r["df"] == 3
    assert (r["concordant"], r["discordant"], r["ties_x"], r["ties_y"]) == (5, 4, 0, 1)
    assert r["tau_s"] == 1
    assert close(r["tau_b"], 1 / math.sqrt(90))
    assert close(r["tau_var"], 282 / 18)
    assert close(r["tau_z"], 1 / math.sqrt(282 / 18))
    assert close(r["rho_gdp_gdp_pc"], 0.9)
    assert close(r["rho_burden_gdp_pc"], 1.5 / math.sqrt(95))
    assert close(r["partial_rho"], 0.15 / math.sqrt(17.6225))
    assert r["partial_df"] == 2


def test_exploitation_agrees_with_scipy(tiny):
    r = one_year(with_p_values(run(tiny, "exploitation_test")), 2024)
    rho = stats.spearmanr(HAND_GDP, HAND_BURDEN)
    tau = stats.kendalltau(HAND_GDP, HAND_BURDEN)
    assert close(r["rho"], rho.statistic) and close(r["rho_p"], rho.pvalue)
    assert close(r["tau_b"], tau.statistic) and close(r["tau_p"], tau.pvalue)
    assert r["tau_p_method"] == "asymptotic"  # a tie in burden
    assert close(r["tau_p"], 2 * stats.norm.sf(1 / math.sqrt(282 / 18)))
    # the partial rho's p: t on n - 3 df
    partial = 0.15 / math.sqrt(17.6225)
    assert close(r["partial_rho_p"], 2 * stats.t.sf(partial * math.sqrt(2 / (1 - partial**2)), 2))
    m = stats.spearmanr(np.column_stack([HAND_GDP, HAND_BURDEN, HAND_PC])).statistic
    expected = (m[0, 1] - m[0, 2] * m[1, 2]) / math.sqrt((1 - m[0, 2] ** 2) * (1 - m[1, 2] ** 2))
    assert close(r["partial_rho"], expected)


def test_exploitation_membership_rules(tiny):
    historical = run(tiny, "exploitation_test", membership="historical")
    current = run(tiny, "exploitation_test", membership="current", as_of="2025-01-01")
    before_finland = run(tiny, "exploitation_test", membership="current", as_of="2023-04-03")
    assert one_year(historical, 2022)["members"] == "DEU,GBR,USA"
    assert one_year(current, 2022)["members"] == "DEU,FIN,GBR,USA"
    assert one_year(before_finland, 2022)["members"] == "DEU,GBR,USA"
    assert set(historical["year"]) == {2022, 2024}  # 2014-2018: no GDP; years need n >= 3


def test_concordance_by_hand(tiny):
    frame = run(tiny, "concordance_test")
    r = one_year(frame, 2024, variant="gdp")
    assert (r["members"], r["n"], r["n_zero"], r["n_positive"], r["n_negative"]) == (5, 5, 0, 2, 3)
    assert (r["w_plus"], r["w_minus"], r["w_min"], r["w_mean"]) == (6.5, 8.5, 6.5, 7.5)
    assert r["tie_term"] == 6
    assert close(r["z"], -1 / math.sqrt(13.75))
    assert close(r["z_ties"], -1 / math.sqrt(13.625))
    v = one_year(frame, 2024, variant="gdp_population")
    assert (v["n"], v["w_plus"], v["w_minus"], v["tie_term"]) == (5, 5.0, 10.0, 0)
    assert close(v["z"], -2.5 / math.sqrt(13.75)) and close(v["z_ties"], v["z"])


def test_concordance_agrees_with_scipy(tiny):
    frame = with_p_values(run(tiny, "concordance_test"))
    r = one_year(frame, 2024, variant="gdp")
    approx = stats.wilcoxon(HAND_D, method="approx", correction=False)
    assert close(r["w_min"], approx.statistic)
    assert close(r["p"], approx.pvalue)
    assert r["p_exact"] is None  # a tie: scipy's default would run a permutation test
    pop = np.array([6250, 5000, 2500, 4000, 2500])
    b = 100 * np.array([35.5, 4, 3, 6, 1.5]) / 50
    y = 100 * np.array(HAND_GDP) / 1000
    d = b - (y + 100 * pop / pop.sum()) / 2
    v = one_year(frame, 2024, variant="gdp_population")
    assert close(v["p"], stats.wilcoxon(d, method="approx", correction=False).pvalue)
    exact = stats.wilcoxon(d)  # no ties, no zeros, n <= 50: scipy goes exact
    assert close(v["w_min"], exact.statistic) and close(v["p_exact"], exact.pvalue)
    # W+ = 5 of n = 5: subsets of {1..5} with sum <= 5 are {}, {1}, {2}, {3}, {1,2}, {4},
    # {1,3}, {5}, {1,4}, {2,3}: 10 of 32, so p = 2 x 10/32
    assert close(v["p_exact"], 2 * 10 / 32)


def test_free_riding_by_hand(tiny):
    frame = with_p_values(run(tiny, "free_riding_response", from_year=2014, to_year=2018))
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


def test_sidecars_declare_every_parameter():
    for name in ("exploitation_test", "concordance_test", "free_riding_response"):
        query = queries.load(name)
        assert set(query.params) == set(query.meta["parameters"]), name
        bound = queries.coerce(query, {})
        assert bound["alliance"] == "NATO" and bound["source"] == "nato"
        assert bound["membership"] == "historical" and bound["as_of"] == date.today()
        assert query.sql.startswith(f"-- {name}:")
        for key in ("title", "unit", "description", "sources", "columns", "notes"):
            assert query.meta.get(key), (name, key)


def test_sidecar_columns_match_output(tiny):
    for name, params in (
        ("exploitation_test", {}),
        ("concordance_test", {}),
        ("free_riding_response", {"from_year": 2014, "to_year": 2018}),
    ):
        assert run(tiny, name, **params).columns == list(queries.load(name).meta["columns"])


# --------------------------------------------------------------------------------------------
# p-value helpers against scipy
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [3, 4, 5, 8, 12, 20, 33])
def test_kendall_exact_matches_scipy(n):
    rng = np.random.default_rng(n)
    for _ in range(5):
        x, y = np.arange(n), rng.permutation(n)
        res = stats.kendalltau(x, y)  # no ties, n <= 33: scipy's exact p
        concordant = sum(
            1 for i in range(n) for j in range(i + 1, n) if (x[j] - x[i]) * (y[j] - y[i]) > 0
        )
        assert close(kendall_exact_p(n, concordant), res.pvalue)


@pytest.mark.parametrize("n", [1, 2, 5, 10, 30, 50])
def test_wilcoxon_exact_matches_scipy(n):
    rng = np.random.default_rng(n)
    for _ in range(5):
        d = rng.permutation(np.arange(1, n + 1)) * rng.choice([-1, 1], size=n)
        w_plus = float(np.abs(d)[d > 0].sum())  # |d| are the ranks 1..n themselves
        assert close(wilcoxon_exact_p(n, w_plus), stats.wilcoxon(d, method="exact").pvalue)


def test_spearman_p_edges():
    assert spearman_p(1.0, 5) == 0.0 and spearman_p(-1.0, 5) == 0.0
    assert spearman_p(None, 5) is None and spearman_p(0.5, 2) is None
    res = stats.spearmanr(range(10), [0, 2, 1, 5, 3, 4, 9, 6, 8, 7])
    assert close(spearman_p(res.statistic, 10), res.pvalue)
    assert close(stats.spearmanr(range(5), [1, 2, 3, 4, 5]).pvalue, 0.0)  # |rho| = 1


# --------------------------------------------------------------------------------------------
# Random small panels (hypothesis): SQL statistics equal scipy's on the same numbers
# --------------------------------------------------------------------------------------------


def next_pow2(x: int) -> int:
    return 1 << max(0, (x - 1).bit_length())


@st.composite
def panels(draw):
    """5-12 allies with small integer figures, so that ties (and zero differences) are common.

    Each total (ME, GDP, population) is padded to a power of two on the last ally, so every
    share 100 x / total is exact and tied differences stay tied in floating point.
    """
    n = draw(st.integers(5, 12))
    spread = draw(st.sampled_from([8, 60]))  # 60: often no ties (Kendall's exact p-value)
    me = draw(st.lists(st.integers(0, spread), min_size=n, max_size=n))
    gdp = draw(st.lists(st.integers(1, spread), min_size=n, max_size=n))
    pop = draw(st.lists(st.integers(1, 8), min_size=n, max_size=n))
    for values in (me, gdp, pop):
        values[-1] += next_pow2(max(sum(values), 1)) - sum(values)
    return [(f"A{i:02d}", float(me[i]), float(gdp[i]), float(pop[i])) for i in range(n)]


def panel_db(path: Path, panel) -> duckdb.DuckDBPyConnection:
    tables = tiny_tables()
    tables["membership"] = [
        {
            "alliance": "NATO",
            "iso3": iso3,
            "joined": date(2000, 1, 1),
            "date_precision": "day",
            "source_url": "x",
        }
        for iso3, *_ in panel
    ]
    del tables["country"]
    # population = GDP_2015 / (GDP per capita in k$) x 1000 = pop x 1000 persons, exactly
    tables["nato_defence"] = [
        nato_row(
            iso3,
            2024,
            current_usd_m=me,
            gdp_current_usd_m=gdp,
            gdp_constant_usd_m=pop,
            gdp_per_capita_constant_kusd=1.0,
        )
        for iso3, me, gdp, pop in panel
    ]
    make_db(path, tables)
    return duckdb.connect(str(path), read_only=True)


def fetch_sample(con, source: str, year: int, alliance: str = "NATO") -> pl.DataFrame:
    """The numbers the queries rank, straight from the views (historical membership)."""
    return con.sql(
        """
        select p.iso3, p.me_current_usd_m as me, p.gdp_current_usd_m as gdp,
            p.me_gdp_pct as burden, p.population,
            p.gdp_current_usd_m * 1e6 / nullif(p.population, 0) as gdp_pc
        from defence_panel as p
        inner join member_year as m on m.iso3 = p.iso3 and m.year = p.year
        where m.alliance = $alliance and p.source = $source and p.year = $year
            and p.me_current_usd_m >= 0 and p.gdp_current_usd_m > 0
        order by p.iso3
        """,
        params={"alliance": alliance, "source": source, "year": year},
    ).pl()


def wilcoxon_differences(sample: pl.DataFrame) -> dict[str, np.ndarray]:
    me, gdp = sample["me"].to_numpy(), sample["gdp"].to_numpy()
    b, y = 100 * me / me.sum(), 100 * gdp / gdp.sum()
    out = {"gdp": b - y}
    if sample["population"].null_count() == 0:
        pop = sample["population"].to_numpy()
        out["gdp_population"] = b - (y + 100 * pop / pop.sum()) / 2
    return out


def w_plus_minus(d: np.ndarray) -> tuple[float, float, int]:
    d = d[d != 0]
    ranks = stats.rankdata(np.abs(d))
    return float(ranks[d > 0].sum()), float(ranks[d < 0].sum()), len(d)


def check_against_scipy(con, source: str, year: int, alliance: str = "NATO") -> dict:
    """Every SQL statistic and p-value of one grouping-year against scipy's; returns them."""
    sample = fetch_sample(con, source, year, alliance)
    params = {"alliance": alliance, "source": source}
    ex = one_year(with_p_values(run(con, "exploitation_test", **params)), year)
    gdp, burden = sample["gdp"].to_numpy(), sample["burden"].to_numpy()
    assert ex["n"] == len(sample)
    rho = stats.spearmanr(gdp, burden)
    tau = stats.kendalltau(gdp, burden)
    assert close(ex["rho"], rho.statistic), (ex["rho"], rho.statistic)
    assert close(ex["rho_p"], rho.pvalue), (ex["rho_p"], rho.pvalue)
    assert close(ex["tau_b"], tau.statistic), (ex["tau_b"], tau.statistic)
    assert close(ex["tau_p"], tau.pvalue), (ex["tau_p"], tau.pvalue)
    if sample["gdp_pc"].null_count() == 0:
        with np.errstate(invalid="ignore", divide="ignore"):
            m = stats.spearmanr(np.column_stack([gdp, burden, sample["gdp_pc"].to_numpy()]))
        r13, r23 = m.statistic[0, 2], m.statistic[1, 2]
        if abs(r13) < 1 - 1e-12 and abs(r23) < 1 - 1e-12:  # NaN (constant) fails too
            partial = (rho.statistic - r13 * r23) / math.sqrt((1 - r13**2) * (1 - r23**2))
            assert close(ex["partial_rho"], partial), (ex["partial_rho"], partial)
        else:
            assert ex["partial_rho"] is None

    conc = with_p_values(run(con, "concordance_test", **params))
    for variant, d in wilcoxon_differences(sample).items():
        r = one_year(conc, year, variant=variant)
        w_plus, w_minus, n = w_plus_minus(d)
        assert (r["n"], r["n_zero"]) == (n, len(d) - n)
        assert close(r["w_plus"], w_plus) and close(r["w_minus"], w_minus)
        if n == 0:
            continue
        approx = stats.wilcoxon(d, method="approx", correction=False)
        assert close(r["w_min"], approx.statistic)
        if not math.isnan(approx.pvalue):
            assert close(r["p"], approx.pvalue), (r["p"], approx.pvalue)
        if r["p_exact"] is not None:
            assert close(r["p_exact"], stats.wilcoxon(d).pvalue)
    return ex


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(panel=panels())
def test_random_panels_match_scipy(tmp_path_factory, panel):
    path = tmp_path_factory.mktemp("panel") / "panel.duckdb"
    con = panel_db(path, panel)
    try:
        gdp = np.array([g for _, _, g, _ in panel])
        burden = np.array([100 * m / g for _, m, g, _ in panel])
        if len(set(gdp)) == 1 or len(set(burden)) == 1:
            ex = one_year(run(con, "exploitation_test"), 2024)
            assert ex["rho"] is None and ex["tau_b"] is None  # scipy: NaN (constant input)
        else:
            check_against_scipy(con, "nato", 2024)
    finally:
        con.close()


# --------------------------------------------------------------------------------------------
# The real data (`pytest -m raw`)
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def real_db(raw_dir, tmp_path_factory) -> duckdb.DuckDBPyConnection:
    from etl.build import build

    path = tmp_path_factory.mktemp("real") / "alliance.duckdb"
    build(raw_dir=raw_dir, db=path)
    con = duckdb.connect(str(path), read_only=True)
    yield con
    con.close()


@pytest.mark.raw
@pytest.mark.parametrize("year", range(2014, 2025))
def test_real_nato_years_match_scipy(real_db, year):
    ex = check_against_scipy(real_db, "nato", year)
    # NATO's members that year less Iceland (no armed forces, no ME figure): 28 allies to
    # 2016, Montenegro 2017, North Macedonia 2020, Finland 2023, Sweden 2024
    members = {2014: 28, 2017: 29, 2020: 30, 2023: 31, 2024: 32}
    assert ex["n"] == members[max(y for y in members if y <= year)] - 1
    assert "ISL" not in ex["members"].split(",") and "USA" in ex["members"].split(",")


@pytest.mark.raw
@pytest.mark.parametrize("year", [1970, 1990, 2000, 2014, 2023])
def test_real_sipri_years_match_scipy(real_db, year):
    ex = check_against_scipy(real_db, "sipri", year)
    assert ex["n"] >= 12


@pytest.mark.raw
def test_real_free_riding_matches_linregress(real_db):
    frame = with_p_values(run(real_db, "free_riding_response", from_year=2014, to_year=2024))
    assert len(frame) >= 25 and "USA" not in frame["iso3"].to_list()
    series = real_db.sql(
        """
        select iso3, year, me_constant_usd_m as me from defence_panel
        where source = 'nato' and year between 2014 and 2024 and me_constant_usd_m > 0
        """
    ).pl()
    member_years = set(
        real_db.sql("select iso3, year from member_year where alliance = 'NATO'").fetchall()
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
