-- country: one country's profile: name, capital and its coordinates, region, whether it
-- borders Russia or Belarus, whether it is a historical state (the Country page).
-- Source: table country (REST Countries, with data/country_overrides.csv).
-- Parameters: $iso3  the country, ISO 3166-1 alpha-3.

select
    country.iso3,
    country.name,
    country.capital,
    country.capital_lat,
    country.capital_lon,
    country.region,
    country.subregion,
    country.borders_russia_or_belarus,
    country.is_historical,
from country
where country.iso3 = $iso3
