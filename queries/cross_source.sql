-- cross_source: for NATO's members (any time), SIPRI's, NATO's and the World Bank's share of
-- GDP side by side per year, largest disagreement first (the Data and methods page).
-- Unit: percent of GDP; max_abs_diff_pp in percentage points.
-- Source: macro cross_source_share_gdp_at($as_of) (the NATO edition and SIPRI release published
--   by $as_of; the World Bank's one file), tables membership and country.
-- Parameters: $as_of (date of the editions read).

select
    cross_source_share_gdp.iso3,
    coalesce(country.name, cross_source_share_gdp.iso3) as country,
    cross_source_share_gdp.year,
    cross_source_share_gdp.sipri_pct,
    cross_source_share_gdp.nato_pct,
    cross_source_share_gdp.wb_pct,
    cross_source_share_gdp.max_abs_diff_pp,
from cross_source_share_gdp_at($as_of) as cross_source_share_gdp
left join country
    on country.iso3 = cross_source_share_gdp.iso3
where cross_source_share_gdp.iso3 in (
    select membership.iso3 from membership where membership.alliance = 'NATO'
)
order by
    cross_source_share_gdp.max_abs_diff_pp desc nulls last,
    cross_source_share_gdp.iso3,
    cross_source_share_gdp.year
