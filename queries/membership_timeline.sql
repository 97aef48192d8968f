-- membership_timeline: per year, the number of NATO members and how many of them sit in at
-- least one minilateral grouping (JEF, B9, NORDEFCO, WEIMAR, UK-PL-UA), plus the minilateral
-- members outside NATO.
-- Unit: counts of countries; percent.
-- Source: view member_year_overlap (member_year, historical rule: a member on at least one day
--   of the year, open spells running to the current year; alliance_grouping's minilaterals).
-- Parameters: none.
-- Years run from NATO's first year to the current calendar year.

with

country_years as (
    -- one row per country and year: in NATO, in at least one minilateral
    select
        member_year_overlap.iso3,
        member_year_overlap.year,
        bool_or(member_year_overlap.in_nato) as in_nato,
        bool_or(member_year_overlap.is_minilateral) as in_minilateral,
    from member_year_overlap
    group by member_year_overlap.iso3, member_year_overlap.year
),

counts as (
    select
        country_years.year,
        count(*) filter (where country_years.in_nato) as n_nato_members,
        count(*) filter (where country_years.in_nato and country_years.in_minilateral)
            as n_nato_in_minilateral,
        count(*) filter (where country_years.in_minilateral) as n_minilateral_members,
        count(*) filter (where country_years.in_minilateral and not country_years.in_nato)
            as n_minilateral_outside_nato,
        coalesce(
            string_agg(country_years.iso3, ', ' order by country_years.iso3)
                filter (where country_years.in_minilateral and not country_years.in_nato),
            ''
        ) as minilateral_outside_nato,
    from country_years
    group by country_years.year
),

final as (
    select
        counts.year,
        counts.n_nato_members,
        counts.n_nato_in_minilateral,
        100 * counts.n_nato_in_minilateral / counts.n_nato_members as pct_nato_in_minilateral,
        counts.n_minilateral_members,
        counts.n_minilateral_outside_nato,
        counts.minilateral_outside_nato,
    from counts
    where counts.n_nato_members > 0
)

select * from final
order by final.year
