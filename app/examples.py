"""Example queries for the SQL explorer (each a question a reader might ask)."""

from __future__ import annotations

import streamlit as st

EXAMPLES = {
    "Allies below 2 % of GDP in NATO's latest year": """\
select n.year, c.name as ally, round(n.share_gdp_pct, 2) as burden_pct, n.is_estimate
from nato_at() n join country c using (iso3)
where n.year = (select max(year) from nato_at()) and n.share_gdp_pct < 2
order by burden_pct""",
    "UK defence burden since 2014, SIPRI and NATO side by side": """\
select s.year, round(s.share_gdp_pct, 2) as sipri_pct, round(n.share_gdp_pct, 2) as nato_pct
from sipri_at() s left join nato_at() n using (iso3, year)
where s.iso3 = 'GBR' and s.year >= 2014
order by s.year""",
    "The world's ten largest military spenders (SIPRI) and their share of the world total": """\
with latest as (select max(year) as year from sipri_at() where current_usd_m is not null),
world as (
    select r.current_usd_bn * 1000 as world_usd_m
    from sipri_region_total r join latest using (year)
    where r.region = 'World'
    qualify r.edition = max(r.edition) over ())
select s.year, c.name as country, round(s.current_usd_m / 1000, 1) as usd_bn,
       round(100 * s.current_usd_m / world.world_usd_m, 1) as pct_of_world
from sipri_at() s join latest using (year) join country c using (iso3), world
order by s.current_usd_m desc limit 10""",
    "Members of each grouping today": """\
select alliance, count(*) as members, string_agg(iso3, ', ' order by iso3) as iso3
from membership
where departed is null
group by alliance order by members desc""",
    "Largest disagreements between the sources": """\
select iso3, year, sipri_pct, nato_pct, wb_pct, round(max_abs_diff_pp, 2) as gap_pp
from cross_source_share_gdp
where max_abs_diff_pp is not null
order by max_abs_diff_pp desc limit 20""",
    "When each B9 member joined NATO": """\
select b.iso3, c.name, n.joined as nato_joined
from membership b join membership n on n.iso3 = b.iso3 and n.alliance = 'NATO'
join country c on c.iso3 = b.iso3
where b.alliance = 'B9' order by n.joined, c.name""",
    "The files behind the numbers": """\
select publisher, edition, name, sha256 from source_file order by publisher, name""",
}


def load_into(example_key: str, sql_key: str) -> None:
    """on_change of the example box: put the chosen example into the SQL box."""
    chosen = st.session_state.get(example_key)
    if chosen in EXAMPLES:
        st.session_state[sql_key] = EXAMPLES[chosen]
