-- overlap_matrix: membership matrix as of a date: one row per country that belongs to at least
-- one grouping on $as_of, one boolean column per grouping.
-- Unit: booleans; counts of groupings.
-- Source: macro members_on($as_of) (view membership_spell, the membership table, without the
--   derived NATO_EUROPE_CANADA; view alliance_grouping), table country.
-- Parameters:
--   $as_of  the date (member on D: joined <= D and (departed is null or departed > D))

with

current_members as (
    select * from members_on($as_of)
),

pivoted as (
    select
        current_members.iso3,
        bool_or(current_members.alliance = 'NATO') as nato,
        bool_or(current_members.alliance = 'EU') as eu,
        bool_or(current_members.alliance = 'JEF') as jef,
        bool_or(current_members.alliance = 'B9') as b9,
        bool_or(current_members.alliance = 'NORDEFCO') as nordefco,
        bool_or(current_members.alliance = 'WEIMAR') as weimar,
        bool_or(current_members.alliance = 'UK-PL-UA') as uk_pl_ua,
        bool_or(current_members.alliance = 'WARSAW') as warsaw,
        count(*) as n_groupings,
        count(*) filter (where current_members.is_minilateral) as n_minilaterals,
    from current_members
    group by current_members.iso3
),

final as (
    select
        $as_of as as_of,
        pivoted.iso3,
        country.name as country,
        pivoted.nato,
        pivoted.eu,
        pivoted.jef,
        pivoted.b9,
        pivoted.nordefco,
        pivoted.weimar,
        pivoted.uk_pl_ua,
        pivoted.warsaw,
        pivoted.n_groupings,
        pivoted.n_minilaterals,
    from pivoted
    left join country
        on country.iso3 = pivoted.iso3
)

select * from final
order by final.iso3
