-- overlap_minilateral_nato_share: per minilateral grouping and year, how many of its members
-- were NATO members that year, and which were not.
-- Unit: counts; percent.
-- Source: view member_year_overlap (member_year, historical rule: a member on at least one day
--   of the year; alliance_grouping's minilaterals; NATO membership the same year).
-- Parameters: none.

with

minilateral_years as (
    select * from member_year_overlap
    where is_minilateral
),

final as (
    select
        minilateral_years.alliance,
        minilateral_years.year,
        count(*) as n_members,
        count(*) filter (where minilateral_years.in_nato) as n_nato_members,
        100 * count(*) filter (where minilateral_years.in_nato) / count(*) as pct_nato_members,
        coalesce(
            string_agg(minilateral_years.iso3, ', ' order by minilateral_years.iso3)
                filter (where not minilateral_years.in_nato),
            ''
        ) as non_nato_members,
    from minilateral_years
    group by minilateral_years.alliance, minilateral_years.year
)

select * from final
order by final.alliance, final.year
