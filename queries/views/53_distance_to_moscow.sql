-- Scalar macro km_to_moscow(lat, lon): great-circle distance in km from a point (degrees) to
-- Moscow, on a sphere of the mean Earth radius 6371.0088 km (haversine formula). Moscow's
-- coordinates are the capital of RUS in the country table (REST Countries), read here once
-- for threat_proximity and threat_proximity_test.
create or replace macro km_to_moscow(lat, lon) as (
    select
        2 * 6371.0088 * asin(sqrt(
            power(sin((radians(moscow.capital_lat) - radians(lat)) / 2), 2)
            + cos(radians(lat)) * cos(radians(moscow.capital_lat))
            * power(sin((radians(moscow.capital_lon) - radians(lon)) / 2), 2)
        ))
    from country as moscow
    where moscow.iso3 = 'RUS'
);

-- Table macro european_allies_at(membership_rule, on_date, panel_source): the European NATO
-- allies (NATO members other than the United States and Canada; Türkiye included) beside their
-- defence_panel rows, member_panel_at('NATO', membership_rule, on_date, panel_source), with
-- their capital from the country table and its distance to Moscow (km_to_moscow; NULL for a
-- country without a row). The sample of threat_proximity and threat_proximity_test, stated once.
-- Columns: member_panel_at's, then name, capital, capital_lat, capital_lon,
-- borders_russia_or_belarus (country), distance_to_moscow_km.
-- Parameters: membership_rule, on_date, panel_source as member_panel_at.
create or replace macro european_allies_at(membership_rule, on_date, panel_source) as table
select
    allies.*,
    country.name,
    country.capital,
    country.capital_lat,
    country.capital_lon,
    country.borders_russia_or_belarus,
    km_to_moscow(country.capital_lat, country.capital_lon) as distance_to_moscow_km,
from member_panel_at('NATO', membership_rule, on_date, panel_source) as allies
left join country
    on country.iso3 = allies.iso3
where allies.iso3 not in ('USA', 'CAN');
