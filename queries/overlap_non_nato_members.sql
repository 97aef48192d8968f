-- overlap_non_nato_members: spells of minilateral membership (JEF, B9, NORDEFCO, WEIMAR,
-- UK-PL-UA) during which the member was not in NATO, as known on $as_of: e.g. Ukraine in
-- UK-PL-UA, Finland and Sweden in JEF and NORDEFCO before they joined NATO.
-- Unit: dates; days.
-- Source: view membership_spell, view alliance_grouping, table country.
-- Parameters:
--   $as_of  the date the facts are read at: spells starting after it are ignored, and an
--           interval still running on it has outside_nato_to NULL and is_current true.
-- Each row is the intersection of one minilateral spell with one period outside NATO (the
-- time before the first NATO spell, between NATO spells, or after the last). Dates are
-- half-open like the membership table: outside_nato_from is the first day outside NATO as a
-- minilateral member, outside_nato_to the first day the condition no longer held.

with

spells as (
    select * from membership_spell
    where not is_derived
        and joined <= $as_of
),

minilateral_spells as (
    select spells.*
    from spells
    inner join alliance_grouping
        on alliance_grouping.code = spells.alliance
    where alliance_grouping.is_minilateral
),

nato_spells as (
    select
        spells.iso3,
        spells.joined,
        coalesce(spells.departed, date '9999-12-31') as departed,
    from spells
    where spells.alliance = 'NATO'
),

-- Periods outside NATO for every country with a minilateral spell: from the end of the
-- previous NATO spell (or the beginning of time) to the start of the next (or the end of time).
nato_ordered as (
    select
        nato_spells.iso3,
        nato_spells.joined,
        nato_spells.departed,
        lag(nato_spells.departed) over (
            partition by nato_spells.iso3 order by nato_spells.joined
        ) as previous_departed,
    from nato_spells
),

gaps as (
    select
        nato_ordered.iso3,
        coalesce(nato_ordered.previous_departed, date '0001-01-01') as gap_from,
        nato_ordered.joined as gap_to,
    from nato_ordered

    union all

    select
        nato_ordered.iso3,
        max(nato_ordered.departed) as gap_from,
        date '9999-12-31' as gap_to,
    from nato_ordered
    group by nato_ordered.iso3

    union all

    select distinct
        minilateral_spells.iso3,
        date '0001-01-01' as gap_from,
        date '9999-12-31' as gap_to,
    from minilateral_spells
    where minilateral_spells.iso3 not in (select nato_spells.iso3 from nato_spells)
),

intersected as (
    select
        minilateral_spells.alliance,
        minilateral_spells.iso3,
        minilateral_spells.joined,
        minilateral_spells.departed,
        greatest(minilateral_spells.joined, gaps.gap_from) as outside_from,
        least(coalesce(minilateral_spells.departed, date '9999-12-31'), gaps.gap_to)
            as outside_to,
        gaps.gap_to as nato_joined,
    from minilateral_spells
    inner join gaps
        on gaps.iso3 = minilateral_spells.iso3
    where greatest(minilateral_spells.joined, gaps.gap_from)
        < least(coalesce(minilateral_spells.departed, date '9999-12-31'), gaps.gap_to)
),

final as (
    select
        $as_of as as_of,
        intersected.alliance,
        intersected.iso3,
        country.name as country,
        intersected.joined as minilateral_joined,
        intersected.departed as minilateral_departed,
        intersected.outside_from as outside_nato_from,
        case when intersected.outside_to <= $as_of then intersected.outside_to
        end as outside_nato_to,
        case
            when intersected.outside_to = intersected.nato_joined
                and intersected.nato_joined <= $as_of
                then intersected.nato_joined
        end as nato_joined,
        intersected.outside_to > $as_of as is_current,
        least(intersected.outside_to, $as_of::date) - intersected.outside_from
            as days_outside_nato,
    from intersected
    left join country
        on country.iso3 = intersected.iso3
)

select * from final
order by final.alliance, final.iso3, final.outside_nato_from
