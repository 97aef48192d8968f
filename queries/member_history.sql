-- member_history: every country that was ever a member of $alliance, or is a successor state of
-- one, with its NATO accession and where it stands on $as_of.
-- Unit: dates and flags. Source: membership, state_succession, country.
-- Parameters:
--   $alliance  grouping code (NATO, JEF, B9, UK-PL-UA, NORDEFCO, WEIMAR, WARSAW, EU)
--   $as_of     the evaluation date
-- Membership dates are inclusive: `departed` is the last day as a member (NULL: still one).
-- A successor row (relation other than 'member') stands for a state that came out of a member,
-- e.g. Czechia and Slovakia for Czechoslovakia in the Warsaw Pact.

with

spells as (
    select alliance, iso3, joined, departed
    from membership
),

members as (
    select
        iso3,
        iso3 as via,
        'member' as relation,
        min(joined) as joined,
        max(departed) filter (where departed is not null) as departed,
        bool_or(joined <= $as_of and (departed is null or departed >= $as_of)) as is_current_member,
    from spells
    where alliance = $alliance
    group by iso3
),

successors as (
    select
        succession.successor as iso3,
        members.iso3 as via,
        succession.relation,
        members.joined,
        members.departed,
        false as is_current_member,
    from members
    inner join state_succession as succession
        on succession.predecessor = members.iso3
    where succession.successor not in (select iso3 from members)
),

combined as (
    select * from members
    union all
    select * from successors
),

on_date as (
    select
        iso3,
        bool_or(alliance = 'NATO') as in_nato,
        bool_or(alliance = 'NORDEFCO') as in_nordefco,
        bool_or(alliance = 'WARSAW') as in_warsaw,
    from spells
    where joined <= $as_of and (departed is null or departed >= $as_of)
    group by iso3
),

nato_first as (
    select iso3, min(joined) as nato_joined
    from spells
    where alliance = 'NATO'
    group by iso3
),

soviet_bloc as (
    -- members of the Warsaw Pact at any time, the Soviet Union's former republics and the
    -- successors of Warsaw Pact members
    select iso3 from spells where alliance = 'WARSAW'
    union
    select succession.successor
    from state_succession as succession
    where succession.predecessor in (select iso3 from spells where alliance = 'WARSAW')
),

final as (
    select
        $alliance as alliance,
        combined.iso3,
        coalesce(country.name, combined.iso3) as country,
        coalesce(country.is_historical, false) as is_historical_state,
        combined.relation,
        combined.via,
        combined.joined,
        combined.departed,
        combined.is_current_member,
        nato_first.nato_joined,
        coalesce(on_date.in_nato, false) as in_nato_on_date,
        coalesce(on_date.in_nordefco, false) as in_nordefco_on_date,
        combined.iso3 in (select iso3 from soviet_bloc) as soviet_bloc_or_successor,
        combined.via = 'SUN'
            or combined.iso3 = 'SUN' as soviet_union_or_republic,
        $as_of as as_of,
    from combined
    left join country on country.iso3 = combined.iso3
    left join on_date on on_date.iso3 = combined.iso3
    left join nato_first on nato_first.iso3 = combined.iso3
)

select * from final
order by relation <> 'member', iso3
