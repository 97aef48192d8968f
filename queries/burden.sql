-- burden: defence burden (defence expenditure / GDP, percent) per member country and year,
-- from one source, for the members of one grouping.
-- Unit: percent of GDP; money in million US$ at current prices and exchange rates; spending
--   per head in US$ (current, and constant at price_base_year), each source's own figures
--   (defence_panel: NATO's implied population, SIPRI's published per-capita figure).
-- Source: macro member_panel_at over macro defence_panel_at($as_of) ('nato': NATO tables, the
--   newest edition published by $as_of; 'sipri': SIPRI, the newest release, GDP the one SIPRI's
--   share implies), view membership_spell, table country.
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

members as (
    select * from member_panel_at($alliance, $membership, $as_of, $source) as panel
    where ($year_from is null or panel.year >= $year_from)
        and ($year_to is null or panel.year <= $year_to)
),

final as (
    select
        $source as source,
        $alliance as alliance,
        members.iso3,
        country.name as country,
        members.year,
        members.is_estimate,
        members.is_uncertain,
        members.share_gdp_pct as burden_pct,
        members.me_gdp_pct as burden_computed_pct,
        members.me_current_usd_m,
        members.gdp_current_usd_m,
        members.gdp_source,
        members.me_per_capita_current_usd,
        members.me_per_capita_constant_usd,
        members.price_base_year,
        members.per_capita_source,
    from members
    left join country
        on country.iso3 = members.iso3
)

select * from final
order by final.year, final.iso3
