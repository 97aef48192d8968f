-- View member_year_overlap: member_year with the overlap between groupings beside it: one row per
-- (alliance, iso3, year) a country was a member (historical rule, see member_year), whether the
-- grouping is a minilateral (alliance_grouping.is_minilateral) and whether the country was a
-- NATO member that same year. The derived NATO_EUROPE_CANADA is left out (it would count NATO
-- twice). The rows membership_timeline and overlap_minilateral_nato_share count.
--
-- Columns (etl export reads this block into the data package; one per column, in order):
--   alliance: alliance_grouping.code (membership.alliance; never NATO_EUROPE_CANADA)
--   iso3: member's country.iso3
--   year: a calendar year the membership touches (member on at least one day of it)
--   is_minilateral: the grouping is one of the five formats the article names beside NATO
--   in_nato: the country was a NATO member that year (true on NATO's own rows)
create or replace view member_year_overlap as

with

member_years as (
    select distinct
        member_year.alliance,
        member_year.iso3,
        member_year.year,
    from member_year
    where not member_year.is_derived
),

nato_years as (
    select
        member_years.iso3,
        member_years.year,
    from member_years
    where member_years.alliance = 'NATO'
),

final as (
    select
        member_years.alliance,
        member_years.iso3,
        member_years.year,
        alliance_grouping.is_minilateral,
        nato_years.iso3 is not null as in_nato,
    from member_years
    inner join alliance_grouping
        on alliance_grouping.code = member_years.alliance
    left join nato_years using (iso3, year)
)

select * from final
