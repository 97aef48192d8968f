"""Capability: equipment spending and stock, personnel, spending per soldier, the capability
balance, the Hague path to 3.5 % and the broader security burden.
"""

from __future__ import annotations

import polars as pl

from app import charts
from app.charts import Chart
from app.views import alliances, common, free_riding
from core.catalogue import groupings
from ledger import stats, words


def _percent(value) -> str:
    """0.1 -> '10 %' (a rate given as a fraction)."""
    return "" if value is None else f"{100 * float(value):g} %"


def _stock_rule(frame: pl.DataFrame) -> str:
    d = common.first(frame, "depreciation")
    start = {"steady_state": "steady-state start", "zero": "start from zero"}.get(
        common.first(frame, "initial_stock", ""), ""
    )
    parts = [f"depreciation {_percent(d)} a year" if d is not None else "", start]
    return "; ".join(p for p in parts if p)


def price_base(frame: pl.DataFrame, column: str | None = None) -> str:
    """The price words of a constant-price label, read from the frame's price_base_year (the
    edition's base is data, not a constant of the app): "constant 2015 prices", or "constant
    prices (mixed bases)" when its rows hold several.
    With `column`, only the rows where that column has a figure count."""
    if "price_base_year" not in frame.columns:
        return "constant prices"
    rows = frame.drop_nulls(column) if column and column in frame.columns else frame
    bases = rows["price_base_year"].drop_nulls().unique().to_list()
    if len(bases) == 1:
        return f"constant {bases[0]} prices"
    return "constant prices (mixed bases)" if bases else "constant prices"


def _in_bn(frame: pl.DataFrame, column: str, alias: str) -> pl.DataFrame:
    if column not in frame.columns:
        return frame
    return frame.with_columns((pl.col(column) / 1000).alias(alias))


def equipment_spending(frame: pl.DataFrame) -> Chart:
    """equipment_investment: major equipment spending of the chosen allies, by year."""
    return charts.lines(
        _in_bn(frame, "equipment_constant_usd_m", "equipment_usd_bn"),
        x="year",
        y="equipment_usd_bn",
        series="country",
        title=(
            _growth_finding(frame, "equipment_constant_usd_m", "spending on major equipment"),
            f"Spending on major equipment, {common.group(frame)}, "
            f"{common.years(frame)} (NATO figures)",
        ),
        x_label="year",
        y_label=f"US$ bn, {price_base(frame, 'equipment_constant_usd_m')}",
        estimate="is_estimate",
        extra=["iso3", "equipment_share_pct", "me_constant_usd_m"],
    )


def equipment_stock(frame: pl.DataFrame) -> Chart:
    """equipment_investment: the perpetual-inventory equipment stock of the chosen allies."""
    return charts.lines(
        _in_bn(frame, "equipment_stock_constant_usd_m", "equipment_stock_usd_bn"),
        x="year",
        y="equipment_stock_usd_bn",
        series="country",
        title=(
            _largest_finding(
                frame,
                "equipment_stock_constant_usd_m",
                "holds the largest equipment stock",
                1000,
                "US$ {:,.0f} bn",
            ),
            f"Equipment stock by perpetual inventory ({_stock_rule(frame)}), {common.group(frame)}",
        ),
        x_label="year",
        y_label=f"US$ bn, {price_base(frame, 'equipment_stock_constant_usd_m')}",
        estimate="is_estimate",
        extra=["iso3", "stock_first_year", "depreciation", "initial_stock"],
    )


def equipment_shares(frame: pl.DataFrame) -> Chart:
    """equipment_investment (one year): each ally's share of the grouping's equipment stock
    against its share of the grouping's GDP."""
    data = frame
    if "stock_to_gdp_share_ratio" in frame.columns:
        data = frame.with_columns(
            (pl.col("stock_to_gdp_share_ratio") >= 1).alias("stock_share_at_least_gdp_share")
        )
    return charts.dumbbell(
        data,
        category="country",
        start="gdp_share_pct",
        end="stock_share_pct",
        labels=("share of the grouping's GDP", "share of its equipment stock"),
        title=(
            _stock_share_finding(data),
            f"Share of the equipment stock vs share of GDP, {common.group(frame)}, "
            f"{common.years(frame)} "
            f"({_stock_rule(frame)})",
        ),
        value_label="share of the grouping's total "
        f"(%, log scale; GDP at {price_base(frame, 'stock_share_pct')})",
        flag="stock_share_at_least_gdp_share",
        flag_labels=("more equipment than economic weight", "less equipment than economic weight"),
        estimate="is_estimate",
        log_x=True,
        sort_by="stock_share_pct",
        extra=["year", "stock_to_gdp_share_ratio", "n_allies_in_total", "depreciation"],
    )


def _switch_year(frame: pl.DataFrame, source: str = "nato") -> int | None:
    """The first year of `source`'s rows (where a spliced series changes publisher)."""
    if not {"source", "year"} <= set(frame.columns):
        return None
    years = frame.filter(pl.col("source") == source)["year"]
    earlier = frame.filter(pl.col("source") != source)["year"]
    if years.is_empty() or earlier.is_empty():
        return None
    return int(years.min())


def _switch_mark(frame: pl.DataFrame) -> list[tuple[float, str]]:
    year = _switch_year(frame)
    return [(year - 0.5, "COW | NATO")] if year else []


def personnel_density(frame: pl.DataFrame) -> Chart:
    """personnel: military personnel per 1,000 inhabitants of the chosen allies."""
    return charts.lines(
        frame,
        x="year",
        y="personnel_per_1000",
        series="country",
        title=(
            _largest_finding(
                frame,
                "personnel_per_1000",
                "has the most personnel per 1,000 inhabitants",
                1,
                "{:,.1f}",
            ),
            f"Military personnel per 1,000 inhabitants, {common.group(frame)}, "
            f"{common.years(frame)}",
        ),
        x_label="year",
        y_label="personnel per 1,000 inhabitants",
        estimate="is_estimate",
        marks=_switch_mark(frame),
        extra=["iso3", "source", "personnel_k", "population"],
    )


SOLDIER_PRICES = {
    "constant": "constant US$ (NATO years)",
    "current": "current US$ (all years)",
}


def spending_per_soldier(frame: pl.DataFrame, prices: str = "constant") -> Chart:
    """personnel: defence spending per member of the armed forces of the chosen allies."""
    if prices == "current":
        column, unit, log = "me_per_soldier_current_kusd", "current prices, log scale", True
    else:
        column, log = "me_per_soldier_constant_kusd", False
        unit = price_base(frame, column)
    return charts.lines(
        frame,
        x="year",
        y=column,
        series="country",
        title=(
            _largest_finding(
                frame,
                column,
                "spends the most per member of its forces",
                1,
                "US$ {:,.0f} thousand",
            ),
            f"Defence spending per member of the armed forces, {common.group(frame)}, "
            f"{common.years(frame.drop_nulls(column) if column in frame.columns else frame)}",
        ),
        x_label="year",
        y_label=f"thousand US$, {unit}",
        estimate="is_estimate",
        marks=_switch_mark(frame) if prices == "current" else (),
        log_y=log,
        extra=["iso3", "source", "personnel_k", "me_current_usd_m"],
    )


BALANCE_MEASURES = {
    "cinc": ("cinc_world_share_pct", "CINC (composite index)"),
    "milex": ("milex_world_share_pct", "military expenditure"),
    "milper": ("milper_world_share_pct", "military personnel"),
}


def capability_balance(frame: pl.DataFrame, measure: str = "cinc") -> Chart:
    """capability_balance: each grouping's share of the world's capabilities, by year."""
    column, name = BALANCE_MEASURES.get(measure, BALANCE_MEASURES["cinc"])
    coding = groupings.MEMBERSHIPS.get(common.first(frame, "membership", ""))
    membership = coding.in_text if coding else ""
    return charts.lines(
        alliances.named(frame),
        x="year",
        y=column,
        series="alliance_name",
        title=(
            _balance_finding(frame, column, name),
            f"Share of the world's {name}, by grouping, {common.years(frame)}"
            + (f" ({membership})" if membership else ""),
        ),
        x_label="year",
        y_label="share of the world total (%)",
        extra=["alliance", "n_members", "n_members_in_cow", "members_not_in_cow"],
    )


def _growth_finding(frame: pl.DataFrame, column: str, what: str) -> str:
    """'Poland's spending on major equipment grew most: 4.2 times, 2014–2024'."""
    change = common.change(frame, column)
    if change.is_empty():
        return what[0].upper() + what[1:]
    top = change.row(0, named=True)
    verb = "grew most of those shown" if change.height > 1 else "changed"
    return (
        f"{top['country']}'s {what} {verb}: {common.times(top['ratio'])}, "
        f"{top['from_year']}–{top['to_year']}"
    )


def _largest_finding(frame: pl.DataFrame, column: str, what: str, scale: float, fmt: str) -> str:
    """'Germany holds the largest equipment stock in 2024: US$ 120 bn'."""
    top = common.top_latest(frame, column)
    if top is None:
        return "No figures for this selection"
    among = " of those shown" if frame["country"].n_unique() > 1 else ""
    return f"{top['country']} {what}{among} in {top['year']}: {fmt.format(top[column] / scale)}"


def _stock_share_finding(data: pl.DataFrame) -> str:
    col = "stock_to_gdp_share_ratio"
    if col not in data.columns or data[col].drop_nulls().is_empty():
        return "Equipment stock against economic weight"
    n = data[col].drop_nulls().len()
    more = common.count(data, pl.col(col) >= 1)
    return f"{more} of {n} allies hold more of the equipment than their share of GDP"


def _balance_finding(frame: pl.DataFrame, column: str, name: str) -> str:
    named = alliances.named(frame)
    top = common.top_latest(named, column, by="alliance_name")
    if top is None:
        return f"Share of the world's {name}"
    return (
        f"{top['alliance_name']} held the largest share of the world's {name} in {top['year']}: "
        f"{words.pct(top[column], 1)}"
    )


def _hague_finding(frame: pl.DataFrame, target, by) -> str:
    count = on_course(frame)
    goal = f"{target:g} % of GDP by {by}" if target is not None and by is not None else "target"
    below = count["on_course"] + count["not_on_course"]
    if not count["allies"]:
        return f"The path to {goal}"
    if not below:
        return f"All {count['allies']} allies are already at {goal.split(' by ')[0]}"
    return f"{count['on_course']} of {below} allies below {goal.split(' by ')[0]} are on course"


def _aid_finding(data: pl.DataFrame) -> str:
    """Who adds the most aid to its defence burden, and how many pass 2 % only with it."""
    cols = {"country", "aid_pct_gdp", "defence_pct_gdp", "broader_burden_pct"}
    if not cols <= set(data.columns) or data.drop_nulls(list(cols)).is_empty():
        return "Defence and aid to Ukraine"
    rows = data.drop_nulls(list(cols))
    top = rows.sort("aid_pct_gdp", descending=True).row(0, named=True)
    lifted = common.count(
        rows, (pl.col("defence_pct_gdp") < 2) & (pl.col("broader_burden_pct") >= 2)
    )
    tail = f"; {lifted} reach 2 % only with aid" if lifted else ""
    return f"{top['country']} adds the most aid: {words.pct(top['aid_pct_gdp'], 2)} of GDP{tail}"


def hague_path(frame: pl.DataFrame) -> Chart:
    """hague_path: the real spending growth each ally needs to reach the target against what it
    achieved since the base year (allies already at the target are left out)."""
    target = common.first(frame, "target_pct")
    by = common.first(frame, "target_year")
    base = common.first(frame, "base_year")
    data = frame
    if "at_target_now" in frame.columns:
        data = frame.filter(~pl.col("at_target_now").fill_null(False))
    measure = "Real growth in defence spending needed to reach the target"
    if target is not None and by is not None:
        measure = f"Real growth in defence spending needed to reach {target:g} % of GDP by {by}"
    growth = common.first(frame, "gdp_growth_pct")
    if growth is not None:
        measure += f" (GDP growing {growth:g} % a year)"
    title = (_hague_finding(frame, target, by), measure)
    return charts.dumbbell(
        data,
        category="country",
        start="required_real_growth_pct",
        end="avg_real_growth_pct",
        labels=(
            "needed each year from the latest figure",
            f"achieved each year since {base}" if base else "achieved each year",
        ),
        title=title,
        value_label=f"real growth of defence spending (% a year, {price_base(frame)})",
        flag="on_course",
        flag_labels=("on course", "not on course"),
        estimate="latest_is_estimate",
        sort_by="required_real_growth_pct",
        guides=[(0.0, "no growth")],
        extra=[
            "latest_year",
            "latest_share_gdp_pct",
            "target_pct",
            "target_year",
            "gdp_growth_pct",
            "growth_gap_pp",
            "projected_share_gdp_pct",
        ],
    )


def on_course(frame: pl.DataFrame) -> dict[str, int]:
    """hague_path: how many allies are at the target, on course to it, or not."""
    if frame.is_empty() or not {"at_target_now", "on_course"} <= set(frame.columns):
        return {"allies": 0, "at_target": 0, "on_course": 0, "not_on_course": 0}
    at = frame["at_target_now"].fill_null(False)
    rest = frame.filter(~at)
    return {
        "allies": frame.height,
        "at_target": int(at.sum()),
        "on_course": int(rest["on_course"].fill_null(False).sum()),
        "not_on_course": int((~rest["on_course"].fill_null(False)).sum()),
    }


AID_TYPES = {"total": "all aid", "military": "military aid"}


def broader_burden(frame: pl.DataFrame) -> Chart:
    """security_burden (one year): defence and aid to Ukraine, % of GDP, stacked per ally
    (allies whose aid the tracker does not follow are left out: unknown is not zero)."""
    data = frame
    if "broader_burden_pct" in frame.columns:
        data = frame.filter(pl.col("broader_burden_pct").is_not_null())
    aid = AID_TYPES.get(common.first(frame, "aid_type", ""), "aid")
    return charts.stacked_bars(
        data,
        category="country",
        values={
            "defence_pct_gdp": "defence (NATO, % of GDP)",
            "aid_pct_gdp": f"{aid} to Ukraine (Kiel tracker, % of GDP)",
        },
        title=(
            _aid_finding(data),
            f"Defence plus {aid} to Ukraine, {common.group(frame)}, {common.years(frame)}",
        ),
        value_label="percent of GDP",
        sort_by="broader_burden_pct",
        estimate="is_estimate",
        guides=common.BURDEN_GUIDES,
        extra=["year", "broader_burden_pct", "aid_eur_bn", "aid_rule", "aid_type"],
    )


BROADER_SERIES = {
    "rho_plain": "ρ (GDP, defence burden)",
    "rho_broader": "ρ (GDP, defence + aid to Ukraine)",
}


def broader_rho(frame: pl.DataFrame) -> Chart:
    """security_burden_test: Olson–Zeckhauser's rho on the plain and on the broader burden, each
    with its 95 % interval; a year whose interval holds zero is drawn grey."""
    data = frame
    if "n_estimates" in frame.columns:
        data = frame.with_columns((pl.col("n_estimates") > 0).alias("any_estimate"))
    long = free_riding.with_bounds(data, ["year", "any_estimate", "n"], BROADER_SERIES)
    long = long.drop_nulls("value") if long.height else long
    return charts.lines(
        long,
        x="year",
        y="value",
        series="measure",
        title=(
            _broader_finding(frame),
            f"Olson–Zeckhauser test on the plain and the broader burden, {common.group(frame)}; "
            "Spearman's ρ with GDP; bands: 95 % intervals",
        ),
        x_label="year",
        y_label="rank correlation with GDP (−1 to 1)",
        estimate="any_estimate",
        guides=[(0.0, "no association")],
        dashed=[BROADER_SERIES["rho_broader"]],
        y_range=(-1, 1),
        extra=["n"],
        band=("lo", "hi"),
    )


def _broader_finding(frame: pl.DataFrame) -> str:
    """Whether counting aid moves the correlation, in the latest year with both."""
    row = common.latest_row(frame, "rho_plain", "rho_broader")
    if row is None:
        return "Counting aid to Ukraine and the Olson–Zeckhauser test"
    plain, broader = row["rho_plain"], row["rho_broader"]
    clear = [
        not stats.spans_zero(row.get(f"{c}_lo"), row.get(f"{c}_hi"))
        for c in ("rho_plain", "rho_broader")
    ]
    move = "raises" if broader > plain else "lowers"
    tail = {
        (False, False): "; neither interval excludes zero",
        (True, True): "; both intervals exclude zero",
        (True, False): "; only the plain one's interval excludes zero",
        (False, True): "; only the broader one's interval excludes zero",
    }[tuple(clear)]
    shift = f"ρ from {words.num(plain)} to {words.num(broader)}"
    return f"Counting aid {move} {shift} in {row['year']}{tail}"
