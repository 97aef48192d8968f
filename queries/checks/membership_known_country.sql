-- Data test: every member is a known country (relationship membership.iso3 -> country.iso3).
-- Historical states (Soviet Union SUN, Czechoslovakia CSK, GDR DDR) are in the country table
-- from data/historical_states.csv. Returns the unknown members (zero rows = pass).

with

spells as (
    select * from membership
),

final as (
    select distinct
        spells.alliance,
        spells.iso3,
    from spells
    left join country
        on country.iso3 = spells.iso3
    where country.iso3 is null
)

select * from final
order by final.alliance, final.iso3
