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
