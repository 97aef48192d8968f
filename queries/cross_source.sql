-- cross_source: for NATO's members (any time), SIPRI's, NATO's and the World Bank's share of
-- GDP side by side per year, largest disagreement first (the Data and methods page).
-- Unit: percent of GDP; max_abs_diff_pp in percentage points.
-- Source: view cross_source_share_gdp, tables membership and country. Parameters: none.

select
    cross_source_share_gdp.iso3,
    coalesce(country.name, cross_source_share_gdp.iso3) as country,
    cross_source_share_gdp.year,
    cross_source_share_gdp.sipri_pct,
    cross_source_share_gdp.nato_pct,
    cross_source_share_gdp.wb_pct,
    cross_source_share_gdp.max_abs_diff_pp,
from cross_source_share_gdp
left join country
    on country.iso3 = cross_source_share_gdp.iso3
where cross_source_share_gdp.iso3 in (
    select membership.iso3 from membership where membership.alliance = 'NATO'
)
order by
    cross_source_share_gdp.max_abs_diff_pp desc nulls last,
    cross_source_share_gdp.iso3,
    cross_source_share_gdp.year
