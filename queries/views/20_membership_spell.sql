-- View membership_spell: one row per membership spell (alliance, iso3, joined), from the
-- membership table, plus the derived grouping NATO_EUROPE_CANADA (every NATO spell except the
-- United States').
--
-- Dates: the membership table's `departed` is the last day as a member (inclusive, as in
-- data/memberships.csv). This view turns it into the first day outside (departed + 1 day), so
-- every query here works on half-open spells: a member on day D when joined <= D and
-- (departed is null or departed > D).
-- Years (the "historical" rule): a country counts for year Y when it was a member on at least
-- one day of Y, i.e. first_year <= Y <= last_year with first_year = year(joined) and
-- last_year = year(departed - 1 day); last_year is NULL while the spell is open.
-- Finland joined NATO on 2023-04-04, so it counts as a NATO member for 2023.
--
-- Columns (etl export reads this block into the data package; one per column, in order):
--   alliance: alliance_grouping.code (membership.alliance, or NATO_EUROPE_CANADA)
--   iso3: member's country.iso3 (data/memberships.csv)
--   joined: first day as a member (inclusive)
--   departed: first day no longer a member (membership.departed + 1 day); NULL while a member
--   first_year: year(joined), the first year the country counts as a member
--   last_year: year of the last day as a member, the last year it counts; NULL while open
--   date_precision: 'day' or 'year' (only the year is well attested)
--   is_derived: true for the NATO_EUROPE_CANADA spells derived from the NATO ones
--   source_url: page that attests the spell's dates (the NATO spell's for derived rows)
--   note: free text from data/memberships.csv; 'derived from the NATO spell' on derived rows
create or replace view membership_spell as

with

source as (
    select * from membership
),

with_derived as (
    select
        source.alliance,
        source.iso3,
        source.joined,
        source.departed,
        source.date_precision,
        source.source_url,
        source.note,
        false as is_derived,
    from source

    union all

    select
        'NATO_EUROPE_CANADA' as alliance,
        source.iso3,
        source.joined,
        source.departed,
        source.date_precision,
        source.source_url,
        'derived from the NATO spell' as note,
        true as is_derived,
    from source
    where source.alliance = 'NATO'
        and source.iso3 <> 'USA'
),

final as (
    select
        with_derived.alliance,
        with_derived.iso3,
        with_derived.joined,
        cast(with_derived.departed + interval 1 day as date) as departed,
        year(with_derived.joined) as first_year,
        year(with_derived.departed) as last_year,
        with_derived.date_precision,
        with_derived.is_derived,
        with_derived.source_url,
        with_derived.note,
    from with_derived
)

select * from final
