-- countries: every country that was ever a member of a tracked grouping, with its name and
-- whether it is a state that no longer exists (the Country page's picker).
-- Source: tables membership and country. Parameters: none.

select distinct
    membership.iso3,
    coalesce(country.name, membership.iso3) as name,
    coalesce(country.is_historical, false) as is_historical,
from membership
left join country
    on country.iso3 = membership.iso3
order by name
