-- membership_timeline: per year, the number of NATO members and how many of them sit in at
-- least one minilateral grouping (JEF, B9, NORDEFCO, WEIMAR, UK-PL-UA), plus the minilateral
-- members outside NATO.
-- Unit: counts of countries; percent.
-- Source: view member_year (historical rule: a member on at least one day of the year; open
--   spells run to the current year), view alliance_grouping.
-- Parameters: none.
-- Years run from NATO's first year to the current calendar year.

with

member_years as (
    select * from member_year
    where not is_derived
),

minilateral_years as (
    select distinct
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

years as (
    select distinct nato_years.year from nato_years
),

nato_counts as (
    select
        nato_years.year,
        count(*) as n_nato_members,
        count(minilateral_years.iso3) as n_nato_in_minilateral,
    from nato_years
    left join minilateral_years
        on minilateral_years.iso3 = nato_years.iso3
        and minilateral_years.year = nato_years.year
    group by nato_years.year
),

minilateral_counts as (
    select
        minilateral_years.year,
        count(*) as n_minilateral_members,
        count(*) filter (where nato_years.iso3 is null) as n_minilateral_outside_nato,
        string_agg(minilateral_years.iso3, ', ' order by minilateral_years.iso3)
            filter (where nato_years.iso3 is null) as minilateral_outside_nato,
    from minilateral_years
    left join nato_years
        on nato_years.iso3 = minilateral_years.iso3
        and nato_years.year = minilateral_years.year
    group by minilateral_years.year
),

final as (
    select
        years.year,
        nato_counts.n_nato_members,
        nato_counts.n_nato_in_minilateral,
        100 * nato_counts.n_nato_in_minilateral / nato_counts.n_nato_members
            as pct_nato_in_minilateral,
        coalesce(minilateral_counts.n_minilateral_members, 0) as n_minilateral_members,
        coalesce(minilateral_counts.n_minilateral_outside_nato, 0)
            as n_minilateral_outside_nato,
        coalesce(minilateral_counts.minilateral_outside_nato, '') as minilateral_outside_nato,
    from years
    inner join nato_counts
        on nato_counts.year = years.year
    left join minilateral_counts
        on minilateral_counts.year = years.year
)

select * from final
order by final.year
