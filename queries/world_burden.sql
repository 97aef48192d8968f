-- world_burden: the defence burden of every state one source covers, in one year, with its
-- change since a base year (the map of the Burden sharing page).
-- Unit: percent of GDP; the change in percentage points of GDP; spending per head in US$
--   (defence_panel: each source's own figures, current and constant at price_base_year).
-- Source: macro defence_panel_at($as_of) (the editions published by $as_of), table country.
-- Parameters:
--   $source     'nato' or 'sipri'
--   $year       the year shown
--   $base_year  the year the change is measured from (2014: the Wales pledge)
--   $as_of      date of the editions read (the newest of each source published by then)
-- States without a published share in $year are left out; the change is NULL where the
-- source has no share in $base_year.

with

panel as (
    select * from defence_panel_at($as_of)
    where source = $source
),

shown as (
    select * from panel
    where year = $year and share_gdp_pct is not null
),

base as (
    select iso3, share_gdp_pct from panel
    where year = $base_year
),

final as (
    select
        $source as source,
        shown.iso3,
        coalesce(country.name, shown.iso3) as country,
        shown.year,
        shown.is_estimate,
        shown.share_gdp_pct as burden_pct,
        shown.share_gdp_pct - base.share_gdp_pct as change_since_base_pp,
        $base_year as base_year,
        shown.share_gdp_pct >= 2.0 as meets_2pct,
        shown.share_gdp_pct >= 3.5 as meets_3_5pct,
        shown.me_per_capita_current_usd,
        shown.me_per_capita_constant_usd,
        shown.price_base_year,
        shown.per_capita_source,
    from shown
    left join base
        on shown.iso3 = base.iso3
    left join country
        on shown.iso3 = country.iso3
)

select * from final
order by iso3
