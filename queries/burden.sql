-- burden: defence burden (defence expenditure / GDP, percent) per member country and year,
-- from one source, for the members of one grouping.
-- Unit: percent of GDP; money in million US$ at current prices and exchange rates; spending
--   per head in US$ (current, and constant at price_base_year), each source's own figures
--   (defence_panel: NATO's implied population, SIPRI's published per-capita figure).
-- Source: macro defence_panel_at($as_of) ('nato': NATO tables, the newest edition published by
--   $as_of; 'sipri': SIPRI, the newest release, GDP the one SIPRI's share implies), view
--   membership_spell, table country.
-- Parameters:
--   $source      'nato' or 'sipri'
--   $alliance    grouping code (NATO, JEF, B9, UK-PL-UA, NORDEFCO, WEIMAR, WARSAW, EU,
--                NATO_EUROPE_CANADA)
--   $membership  'historical' (members in that year: a member on at least one day of it) or
--                'current' (members on $as_of, applied to every year)
--   $as_of       date for 'current' membership, and of the editions read (defence_panel_at)
--   $year_from, $year_to  optional year range (NULL = open)
-- Members with no row in the source for a year (e.g. Iceland in NATO's ME tables) appear
-- with NULL figures, so gaps are visible.

with

panel as (
    select * from defence_panel_at($as_of)
    where source = $source
),

years as (
    select distinct panel.year from panel
    where ($year_from is null or panel.year >= $year_from)
        and ($year_to is null or panel.year <= $year_to)
),

members as (
    select selected.iso3, selected.year
    from members_in($alliance, $membership, $as_of, (select list(year) from years))
        as selected
),

final as (
    select
        $source as source,
        $alliance as alliance,
        members.iso3,
        country.name as country,
        members.year,
        panel.is_estimate,
        panel.is_uncertain,
        panel.share_gdp_pct as burden_pct,
        panel.me_gdp_pct as burden_computed_pct,
        panel.me_current_usd_m,
        panel.gdp_current_usd_m,
        panel.gdp_source,
        panel.me_per_capita_current_usd,
        panel.me_per_capita_constant_usd,
        panel.price_base_year,
        panel.per_capita_source,
    from members
    left join panel
        on panel.iso3 = members.iso3
        and panel.year = members.year
    left join country
        on country.iso3 = members.iso3
)

select * from final
order by final.year, final.iso3
