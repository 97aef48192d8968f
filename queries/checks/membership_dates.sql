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

problems as (
    select spells.alliance, spells.iso3, spells.joined, spells.departed,
        'departed on or before joined' as problem,
    from spells
    where spells.departed <= spells.joined

    union all
    select spells.alliance, spells.iso3, spells.joined, spells.departed,
        'joined in the future',
    from spells
    where spells.joined > current_date

    union all
    select spells.alliance, spells.iso3, spells.joined, spells.departed,
        'joined before the grouping was founded',
    from spells
    inner join groupings
        on groupings.code = spells.alliance
    where spells.joined < groupings.founded

    union all
    select spells.alliance, spells.iso3, spells.joined, spells.departed,
        'departed after the grouping dissolved',
    from spells
    inner join groupings
        on groupings.code = spells.alliance
    where spells.departed > groupings.dissolved

    union all
    select spells.alliance, spells.iso3, spells.joined, spells.departed,
        'still open after the grouping dissolved',
    from spells
    inner join groupings
        on groupings.code = spells.alliance
    where spells.departed is null
        and groupings.dissolved is not null

    union all
    select spells.alliance, spells.iso3, spells.joined, spells.departed,
        'unknown date_precision',
    from spells
    where spells.date_precision not in ('day', 'year')

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
