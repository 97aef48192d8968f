"""Rows, fixtures and helpers shared by the query tests (from tests/test_stats_queries.py).

The statistical indicators (exploitation_test, concordance_test, free_riding_response) and
their p-values (ledger/stats.py): worked by hand on a tiny warehouse, checked against scipy on the
same numbers, on random panels (hypothesis), and on the real data (`-m raw`).
"""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import duckdb
import numpy as np
import polars as pl
import pytest
from hypothesis import strategies as st
from scipy import stats

from ledger import queries
from tests.tinydb import tiny_con

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
    """ledger.queries.run: the finished frame, with the sidecar's statistics."""
    return queries.run(con, name, **params)


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
    with tiny_con(tmp_path_factory.mktemp("stats") / "tiny.duckdb", tiny_tables()) as con:
        yield con


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
    return tiny_con(path, tables)


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
    ex = one_year(run(con, "exploitation_test", **params), year)
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

    conc = run(con, "concordance_test", **params)
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
