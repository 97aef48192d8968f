-- threat_proximity: per European NATO ally and year, the great-circle distance from its
-- capital to Moscow, whether it has a land border with Russia or Belarus, and its defence
-- burden.
-- Unit: km; percent of GDP.
-- Source: table country (capitals' coordinates and land borders, REST Countries; Moscow is the
--   capital of the RUS row), view defence_panel, view membership_spell.
-- Parameters:
--   $year        one year, or NULL for every year
--   $source      'nato' or 'sipri'
--   $membership  'historical' (allies in that year) or 'current' (allies on $as_of)
--   $as_of       date for 'current' membership
-- European allies: NATO members other than the United States and Canada (Türkiye included).
-- Distance: haversine on a sphere of radius 6371.0088 km (the IUGG mean Earth radius).

with

panel as (
    select * from defence_panel
    where source = $source
),

spells as (
    select * from membership_spell
    where alliance = 'NATO'
        and iso3 not in ('USA', 'CAN')
),

moscow as (
    select
        radians(country.capital_lat) as lat,
        radians(country.capital_lon) as lon,
    from country
    where country.iso3 = 'RUS'
),

years as (
    select distinct panel.year from panel
    where $year is null or panel.year = $year
),

members as (
    select distinct
        spells.iso3,
        years.year,
    from spells
    inner join years
        on case
            when $membership = 'current'
                then spells.joined <= $as_of
                    and (spells.departed is null or spells.departed > $as_of)
            else years.year >= spells.first_year
                and (spells.last_year is null or years.year <= spells.last_year)
        end
),

distances as (
    select
        country.iso3,
        country.name,
        country.capital,
        country.capital_lat,
        country.capital_lon,
        country.borders_russia_or_belarus,
        2 * 6371.0088 * asin(sqrt(
            power(sin((moscow.lat - radians(country.capital_lat)) / 2), 2)
            + cos(radians(country.capital_lat)) * cos(moscow.lat)
            * power(sin((moscow.lon - radians(country.capital_lon)) / 2), 2)
        )) as distance_to_moscow_km,
    from country
    left join moscow
        on true
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
        panel.share_gdp_pct as burden_pct,
        panel.is_estimate,
    from members
    left join distances
        on distances.iso3 = members.iso3
    left join panel
        on panel.iso3 = members.iso3
        and panel.year = members.year
)

select * from final
order by final.year, final.iso3
