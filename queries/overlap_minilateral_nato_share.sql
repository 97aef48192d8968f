-- overlap_minilateral_nato_share: per minilateral grouping and year, how many of its members
-- were NATO members that year, and which were not.
-- Unit: counts; percent.
-- Source: view member_year (historical rule: a member on at least one day of the year),
--   view alliance_grouping.
-- Parameters: none.

with

member_years as (
    select * from member_year
    where not is_derived
),

minilateral_years as (
    select distinct
        member_years.alliance,
        member_years.iso3,
        member_years.year,
    from member_years
    inner join alliance_grouping
        on alliance_grouping.code = member_years.alliance
    where alliance_grouping.is_minilateral
),

nato_years as (
    select distinct
        member_years.iso3,
        member_years.year,
    from member_years
    where member_years.alliance = 'NATO'
),

final as (
    select
        minilateral_years.alliance,
        minilateral_years.year,
        count(*) as n_members,
        count(nato_years.iso3) as n_nato_members,
        100 * count(nato_years.iso3) / count(*) as pct_nato_members,
        coalesce(
            string_agg(minilateral_years.iso3, ', ' order by minilateral_years.iso3)
                filter (where nato_years.iso3 is null),
            ''
        ) as non_nato_members,
    from minilateral_years
    left join nato_years
        on nato_years.iso3 = minilateral_years.iso3
        and nato_years.year = minilateral_years.year
    group by minilateral_years.alliance, minilateral_years.year
)

select * from final
order by final.alliance, final.year
