-- spells: every membership spell as data/memberships.csv records it (derived groupings left
-- out), with the country's name (the Alliances page's timeline).
-- Dates: joined is the first day as a member; departed is the first day outside (see
-- view membership_spell), NULL while the spell is open.
-- Source: view membership_spell, table country. Parameters: none.

select
    membership_spell.alliance,
    membership_spell.iso3,
    coalesce(country.name, membership_spell.iso3) as country,
    membership_spell.joined,
    membership_spell.departed,
    membership_spell.date_precision,
    membership_spell.note,
from membership_spell
left join country
    on country.iso3 = membership_spell.iso3
where not membership_spell.is_derived
order by membership_spell.alliance, membership_spell.joined, country
