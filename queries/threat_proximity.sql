-- threat_proximity: per European NATO ally and year, the great-circle distance from its
-- capital to Moscow, whether it has a land border with Russia or Belarus, and its defence
-- burden.
-- Unit: km; percent of GDP.
-- Source: table country (capitals' coordinates and land borders, REST Countries; Moscow is the
--   capital of the RUS row), macro european_allies_at (member_panel_at over macro
--   defence_panel_at($as_of), view membership_spell).
-- Parameters:
--   $year        one year, or NULL for every year
--   $source      'nato' or 'sipri'
--   $membership  'historical' (allies in that year) or 'current' (allies on $as_of)
--   $as_of       date for 'current' membership, and of the editions read (defence_panel_at)
-- European allies: NATO members other than the United States and Canada (Türkiye included).
-- Distance: haversine on a sphere of radius 6371.0088 km (the IUGG mean Earth radius).

with

allies as (
    select * from european_allies_at($membership, $as_of, $source) as allies
    where $year is null or allies.year = $year
),

final as (
    select
        $source as source,
        allies.year,
        allies.iso3,
        allies.name as country,
        allies.capital,
        allies.capital_lat,
        allies.capital_lon,
        allies.distance_to_moscow_km,
        allies.borders_russia_or_belarus,
        allies.share_gdp_pct as burden_pct,
        allies.is_estimate,
    from allies
)

select * from final
order by final.year, final.iso3
