-- Data test: every membership spell has valid dates. Returns the offending spells
-- (zero rows = pass), with the problem named:
--   'departed on or before joined'            the spell ends before (or as) it starts
--   'joined in the future'                    joined after today
--   'joined before the grouping was founded'  joined < alliance.founded
--   'departed after the grouping dissolved'   departed > alliance.dissolved
--   'still open after the grouping dissolved' departed NULL but the grouping has dissolved
--   'unknown date_precision'                  not 'day' or 'year'
--   'overlaps another spell'                  two spells of one country in one grouping overlap

with

spells as (
    select * from membership
),

groupings as (
    select * from alliance
),

-- One row per spell and rule it breaks: each rule is a row of the table `rules` (its problem,
-- and whether the spell breaks it); a spell whose grouping is unknown breaks none of the three
-- rules on the grouping's dates (membership_known_country and member_year_within_grouping
-- cover it).
problems as (
    select spells.alliance, spells.iso3, spells.joined, spells.departed, rules.problem,
    from spells
    left join groupings
        on groupings.code = spells.alliance
    cross join lateral (
        values
            ('departed on or before joined', spells.departed <= spells.joined),
            ('joined in the future', spells.joined > current_date),
            ('joined before the grouping was founded', spells.joined < groupings.founded),
            ('departed after the grouping dissolved', spells.departed > groupings.dissolved),
            (
                'still open after the grouping dissolved',
                spells.departed is null and groupings.dissolved is not null
            ),
            ('unknown date_precision', spells.date_precision not in ('day', 'year'))
    ) as rules (problem, broken)
    where rules.broken

    union all
    select a.alliance, a.iso3, a.joined, a.departed,
        'overlaps another spell',
    from spells as a
    inner join spells as b
        on b.alliance = a.alliance
        and b.iso3 = a.iso3
        and b.joined <> a.joined
        and b.joined < coalesce(a.departed, date '9999-12-31')
        and a.joined < coalesce(b.departed, date '9999-12-31')
),

final as (
    select
        problems.alliance,
        problems.iso3,
        problems.joined,
        problems.departed,
        problems.problem,
    from problems
)

select * from final
order by final.alliance, final.iso3, final.joined, final.problem
