-- memberships_of: one country's memberships as data/memberships.csv records them, with each
-- grouping's name, in the order it joined (the Country page).
-- Dates: departed is the last day as a member (inclusive), as in the CSV.
-- Source: tables membership and alliance.
-- Parameters: $iso3  the country, ISO 3166-1 alpha-3.

select
    membership.alliance,
    coalesce(alliance.name, membership.alliance) as grouping,
    membership.joined,
    membership.departed,
    membership.date_precision,
    membership.note,
    membership.source_url,
from membership
left join alliance
    on alliance.code = membership.alliance
where membership.iso3 = $iso3
order by membership.joined
