-- Data test: every member-year of a grouping lies within the grouping's life and comes from a
-- dated spell. Returns the offending member-years (zero rows = pass):
--   'year before the grouping was founded'  year < year(alliance.founded)
--   'year after the grouping dissolved'     year > year(alliance.dissolved)
--   'no joined date'                        the spell has no joined date
--   'unknown grouping'                      the code is not in alliance_grouping

with

member_years as (
    select * from member_year
),

groupings as (
    select * from alliance_grouping
),

problems as (
    select member_years.alliance, member_years.iso3, member_years.year,
        case
            when groupings.code is null then 'unknown grouping'
            when member_years.joined is null then 'no joined date'
            when member_years.year < year(groupings.founded)
                then 'year before the grouping was founded'
            when member_years.year > year(groupings.dissolved)
                then 'year after the grouping dissolved'
        end as problem,
    from member_years
    left join groupings
        on groupings.code = member_years.alliance
),

final as (
    select
        problems.alliance,
        problems.iso3,
        problems.year,
        problems.problem,
    from problems
    where problems.problem is not null
)

select * from final
order by final.alliance, final.iso3, final.year
