-- threat_proximity: per European NATO ally and year, the great-circle distance from its
-- capital to Moscow, whether it has a land border with Russia or Belarus, and its defence
-- burden.
-- Unit: km; percent of GDP.
-- Source: table country (capitals' coordinates and land borders, REST Countries; Moscow is the
--   capital of the RUS row), macro member_panel_at over macro defence_panel_at($as_of), view
--   membership_spell.
-- Parameters:
--   $year        one year, or NULL for every year
--   $source      'nato' or 'sipri'
--   $membership  'historical' (allies in that year) or 'current' (allies on $as_of)
--   $as_of       date for 'current' membership, and of the editions read (defence_panel_at)
-- European allies: NATO members other than the United States and Canada (Türkiye included).
-- Distance: haversine on a sphere of radius 6371.0088 km (the IUGG mean Earth radius).

with

members as (
    select * from member_panel_at('NATO', $membership, $as_of, $source) as panel
    where panel.iso3 not in ('USA', 'CAN')
        and ($year is null or panel.year = $year)
),

distances as (
    select
        country.iso3,
        country.name,
        country.capital,
        country.capital_lat,
        country.capital_lon,
        country.borders_russia_or_belarus,
        km_to_moscow(country.capital_lat, country.capital_lon) as distance_to_moscow_km,
    from country
),

final as (
    select
        $source as source,
        members.year,
        members.iso3,
        distances.name as country,
        distances.capital,
        distances.capital_lat,
        distances.capital_lon,
        distances.distance_to_moscow_km,
        distances.borders_russia_or_belarus,
        members.share_gdp_pct as burden_pct,
        members.is_estimate,
    from members
    left join distances
        on distances.iso3 = members.iso3
)

select * from final
order by final.year, final.iso3
