-- View member_year: membership expanded to one row per (alliance, iso3, year), for every
-- year a spell touches (historical rule: a member on at least one day of the year; see
-- membership_spell). Open spells run to the current calendar year. Includes the derived
-- grouping NATO_EUROPE_CANADA. (alliance, iso3, year) is unique unless two spells of the same
-- country in the same grouping touch one year: queries/checks/keys_unique.sql fails then.
--
-- Columns (etl export reads this block into the data package; one per column, in order):
--   alliance: alliance_grouping.code (membership.alliance, or NATO_EUROPE_CANADA)
--   iso3: member's country.iso3
--   year: a calendar year the spell touches (member on at least one day of it)
--   joined: first day of the spell (inclusive; membership_spell.joined)
--   departed: first day outside the spell (membership_spell.departed); NULL while a member
--   date_precision: 'day' or 'year' (only the year is well attested)
--   is_derived: true for the NATO_EUROPE_CANADA rows derived from the NATO spells
create or replace view member_year as

with

spells as (
    select * from membership_spell
),

expanded as (
    select
        spells.alliance,
        spells.iso3,
        unnest(
            generate_series(
                spells.first_year,
                coalesce(spells.last_year, year(current_date))
            )
        ) as year,
        spells.joined,
        spells.departed,
        spells.date_precision,
        spells.is_derived,
    from spells
    where spells.first_year <= coalesce(spells.last_year, year(current_date))
),

final as (
    select
        expanded.alliance,
        expanded.iso3,
        expanded.year::integer as year,
        expanded.joined,
        expanded.departed,
        expanded.date_precision,
        expanded.is_derived,
    from expanded
)

select * from final;

-- Scalar macro is_member_in(grouping_code, country_iso3, in_year): whether the country was a
-- member of the grouping in that year, as member_year lists it (historical rule: a member on
-- at least one day of the year). The test of "an ally that year" that us_share and the data
-- check panel_magnitude put on defence_panel rows, stated once.
-- Parameters: grouping_code (alliance_grouping.code), country_iso3, in_year (integer).
create or replace macro is_member_in(grouping_code, country_iso3, in_year) as
    exists (
        select 1
        from member_year
        where member_year.alliance = grouping_code
            and member_year.iso3 = country_iso3
            and member_year.year = in_year
    );
