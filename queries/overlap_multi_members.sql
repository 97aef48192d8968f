-- overlap_multi_members: countries that belong to two or more groupings on $as_of, with the
-- groupings they belong to.
-- Unit: counts; lists of grouping codes.
-- Source: macro members_on($as_of) (view membership_spell, derived NATO_EUROPE_CANADA left
--   out; view alliance_grouping), table country.
-- Parameters:
--   $as_of  the date (member on D: joined <= D and (departed is null or departed > D))

with

current_members as (
    select * from members_on($as_of)
),

per_country as (
    select
        current_members.iso3,
        count(*) as n_groupings,
        count(*) filter (where current_members.is_minilateral) as n_minilaterals,
        bool_or(current_members.alliance = 'NATO') as in_nato,
        string_agg(current_members.alliance, ', ' order by current_members.alliance)
            as groupings,
    from current_members
    group by current_members.iso3
),

final as (
    select
        $as_of as as_of,
        per_country.iso3,
        country.name as country,
        per_country.n_groupings,
        per_country.n_minilaterals,
        per_country.in_nato,
        per_country.groupings,
    from per_country
    left join country
        on country.iso3 = per_country.iso3
    where per_country.n_groupings >= 2
)

select * from final
order by final.n_groupings desc, final.iso3
