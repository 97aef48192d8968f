"""Capability: what allies buy, hold and field, not only what they spend."""

from __future__ import annotations

import streamlit as st

from app import data, provenance, ui, widgets
from app.views import capability as capability_views

ui.header(
    "Capability",
    "An alliance is only as strong as what its members bring. Money is the usual yardstick; "
    "here are closer ones: what allies spend on major equipment and the stock it builds up, "
    "how many people they keep under arms and at what cost, each grouping's share of the "
    "world's material capabilities, how far each ally is from The Hague's 3.5 % of GDP, and "
    "what counting aid to Ukraine does to the burden.",
)

c1, c2, c3 = ui.controls(3)
with c1:
    group = widgets.grouping(data.choices("equipment_investment", "alliance"))
with c2:
    membership = widgets.membership()
common = {"alliance": group, "membership": membership}
members = data.get("personnel", **common)
with c3:
    allies = widgets.countries(members.labels(), default=("GBR", "FRA", "DEU", "POL", "ITA"))

# --------------------------------------------------------------------------- equipment

st.subheader("Major equipment: what allies buy and the stock it builds")
c1, c2, c3 = ui.controls(3)
with c1:
    depreciation = widgets.number(
        "Depreciation of the equipment stock",
        (0.05, 0.06, 0.08, 0.10, 0.12, 0.15, 0.20),
        key="depreciation",
        default=data.default("equipment_investment", "depreciation"),
        unit=" % a year",
        scale=100,
        help="Geometric wear of the stock each year: 6 % suits long-lived ships and aircraft, "
        "15 % vehicles and electronics; 10 % is the middle (see the indicator's notes).",
    )
with c2:
    initial = widgets.choice(
        "Stock in the first year",
        {"steady_state": "steady state (I / d)", "zero": "that year's purchases only"},
        key="initial_stock",
        default=data.default("equipment_investment", "initial_stock"),
        help="NATO's tables start in 2014, so earlier purchases are unknown. Steady state assumes "
        "the 2014 rate of purchase had run long enough to reach equilibrium.",
    )
equipment = data.get(
    "equipment_investment", **common, depreciation=depreciation, initial_stock=initial
)
with c3:
    year = widgets.year(equipment.years())
sources = provenance.sources_of("equipment_investment")
chosen = equipment.where_in(iso3=allies)
left, right = st.columns(2)
with left:
    ui.show_chart(
        chosen,
        capability_views.equipment_spending,
        key="equipment-spending",
        sources=sources,
        note="Major equipment = NATO's total defence expenditure at "
        f"{capability_views.price_base(equipment.frame, 'equipment_constant_usd_m')}"
        " × its share spent on "
        "major equipment and related R&D. Hollow markers: NATO estimates.",
        empty="Choose at least one ally with NATO figures above.",
    )
with right:
    ui.show_chart(
        chosen,
        capability_views.equipment_stock,
        key="equipment-stock",
        sources=sources,
        note="Perpetual inventory: each year's purchases added, the stock worn down at the chosen "
        "rate. A proxy for accumulated purchases, not a count of usable equipment.",
        empty="Choose at least one ally with NATO figures above.",
    )
shares = equipment.where(year=year)
left_out = shares.missing("stock_share_pct")
ui.show_chart(
    shares,
    capability_views.equipment_shares,
    key="equipment-shares",
    sources=sources,
    note="Where the blue circle lies right of the orange diamond, the ally holds more of the "
    "grouping's equipment than its share of the grouping's GDP."
    + ui.listed("Without figures, left out of the totals", left_out),
    empty="No equipment figures for this grouping in this year: choose a year from 2014 on, or "
    "the NATO grouping.",
)

# --------------------------------------------------------------------------- personnel

st.subheader("Personnel: how many under arms, and what each costs")
c1, c2 = ui.controls(2)
with c1:
    window = widgets.year_range(members.years(), key="years")
with c2:
    prices = widgets.choice(
        "Spending per soldier at", capability_views.SOLDIER_PRICES, key="prices", horizontal=True
    )
personnel = data.get(
    "personnel",
    **common,
    year_from=window[0] if window else None,
    year_to=window[1] if window else None,
).where_in(iso3=allies)
sources = provenance.sources_of("personnel")
spliced = (
    "From 2014 NATO's figures (TABLE7 personnel, TABLE2 expenditure, population implied by "
    "its per-capita tables); before, Correlates of War (milper, milex, tpop). The definitions "
    "differ, so the level can jump where they meet (the source column of the CSV says which)."
)
left, right = st.columns(2)
with left:
    ui.show_chart(
        personnel,
        capability_views.personnel_density,
        key="personnel-density",
        sources=sources,
        note=spliced + " Hollow markers: NATO estimates.",
        empty="Choose at least one ally above.",
    )
with right:
    ui.show_chart(
        personnel,
        lambda f: capability_views.spending_per_soldier(f, prices),
        key="spending-per-soldier",
        sources=sources,
        note=(
            "At current prices the figures are not comparable across decades (no deflator)."
            if prices == "current"
            else "Figures at "
            f"{capability_views.price_base(personnel.frame, 'me_per_soldier_constant_kusd')}"
            " exist only in NATO's tables (2014 onwards); choose current US$ for the Correlates "
            "of War years."
        ),
        empty="Choose at least one ally above, and years from 2014 for constant prices.",
    )

# --------------------------------------------------------------------------- balance

st.subheader("The balance of material capability, 1949–2016")
c1, c2 = ui.controls(2)
with c1:
    shown = widgets.groupings(
        data.choices("capability_balance", "alliance"),
        key="balance",
        default=["NATO", "WARSAW", "NATO_EUROPE_CANADA", "EU"],
        label="Groupings",
    )
with c2:
    measure = widgets.choice(
        "Measure", {k: v[1] for k, v in capability_views.BALANCE_MEASURES.items()}, key="measure"
    )
balance = data.get("capability_balance", membership=membership).where_in(alliance=shown)
ui.show_chart(
    balance,
    lambda f: capability_views.capability_balance(f, measure),
    key="capability-balance",
    sources=provenance.sources_of("capability_balance"),
    note="Correlates of War, National Material Capabilities: CINC averages a state's shares of "
    "the world's population, urban population, iron and steel, energy use, military personnel "
    "and military expenditure. Members as chosen above; the data end in 2016.",
    empty="Choose at least one grouping.",
)

# --------------------------------------------------------------------------- The Hague

st.subheader("The path to The Hague commitment")
c1, c2, c3 = ui.controls(3)
with c1:
    target = widgets.number(
        "Target",
        (2.0, 2.5, 3.0, 3.5, 4.0, 5.0),
        key="target",
        default=data.default("hague_path", "target_pct"),
        unit=" % of GDP",
        help="3.5 % is The Hague's core-defence line (June 2025); 5 % adds the 1.5 % of "
        "defence-related spending that NATO's tables do not report (an upper bound).",
    )
with c2:
    target_year = widgets.number(
        "By",
        tuple(range(2028, 2041)),
        key="target_year",
        default=data.default("hague_path", "target_year"),
    )
with c3:
    growth = widgets.number(
        "Assumed real GDP growth",
        (0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0),
        key="gdp_growth",
        default=data.default("hague_path", "gdp_growth_pct"),
        unit=" % a year",
    )
hague = data.get("hague_path", target_pct=target, target_year=target_year, gdp_growth_pct=growth)
count = capability_views.on_course(hague.frame)
m1, m2, m3 = st.columns(3)
m1.metric("Allies already at the target", count["at_target"])
m2.metric("On course at their pace since 2014", count["on_course"])
m3.metric("Not on course", count["not_on_course"])
ui.show_chart(
    hague,
    capability_views.hague_path,
    key="hague-path",
    sources=provenance.sources_of("hague_path"),
    note=f"NATO figures at {capability_views.price_base(hague.frame)}; "
    "allies already at the target are "
    "left out. A "
    "solid green line: the pace achieved since 2014 (blue) is at least the pace needed (orange). "
    "Hollow markers: the latest figure is a NATO estimate.",
    empty="Every ally with figures is already at this target: choose a higher target to see "
    "the growth each would need.",
)

# --------------------------------------------------------------------------- broader burden

st.subheader("The broader burden: defence plus aid to Ukraine")
c1, c2, c3 = ui.controls(3)
with c1:
    aid_type = widgets.choice(
        "Aid", {"total": "all aid", "military": "military aid only"}, key="aid_type"
    )
with c2:
    aid_rule = widgets.choice(
        "Aid counted",
        {"calendar_year": "in the year given", "period_average": "yearly average since 2022"},
        key="aid_rule",
    )
aid = {**common, "aid_type": aid_type, "aid_rule": aid_rule}
security = data.get("security_burden", **aid)
with c3:
    aid_year = widgets.year(security.years(), key="aid_year", label="Aid year")
sources = provenance.sources_of("security_burden")
left, right = st.columns(2)
with left:
    year_rows = security.where(year=aid_year)
    untracked = year_rows.missing("broader_burden_pct")
    ui.show_chart(
        year_rows,
        capability_views.broader_burden,
        key="broader-burden",
        sources=sources,
        note="Aid is bilateral aid allocated, over the donor's GDP in the tracker's reference "
        "year; NATO lets allies count military aid as defence, so the sum is an upper bound. "
        "Hatched: NATO estimates."
        + ui.listed("No broader burden (no figure, or not in the tracker)", untracked),
        empty="No ally has both a defence and an aid figure in this year: choose a year from "
        "2022 on.",
    )
with right:
    tests = data.get("security_burden_test", **aid)
    ui.show_chart(
        tests,
        capability_views.broader_rho,
        key="broader-rho",
        sources=provenance.sources_of("security_burden_test"),
        note="Olson and Zeckhauser: ρ > 0 means larger economies carry heavier burdens. A "
        "broader ρ below the plain one says aid shifts the burden towards smaller allies. "
        "Hollow markers: years with NATO estimates. p-values in the table below.",
        empty="Too few allies with both a defence and an aid figure to compute the test: choose "
        "NATO as the grouping, or all aid rather than military aid only.",
    )
ui.show_table(
    tests,
    key="broader-tests",
    columns=ui.BROADER_COLUMNS,
    empty="Too few allies with both a defence and an aid figure: choose NATO as the grouping.",
)
