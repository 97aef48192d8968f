-- View alliance_grouping: every grouping the indicators know, one row per code.
-- The alliance table's rows plus one derived grouping, NATO_EUROPE_CANADA (NATO minus the
-- United States, NATO's own "NATO Europe and Canada" aggregate).
-- is_minilateral marks the five formats the article names beside NATO (paras 13-17; claim
-- C6): JEF, B9, NORDEFCO, WEIMAR and UK-PL-UA. The list is kept here, in one place.
--
-- Columns (etl export reads this block into the data package; one per column, in order):
--   code: grouping code: alliance.code, or NATO_EUROPE_CANADA for the derived grouping
--   name: full name (data/alliances.csv via the alliance table; NATO_EUROPE_CANADA's is set here)
--   kind: 'treaty alliance', 'minilateral', 'union', or 'derived grouping'
--   founded: first day the grouping existed (NATO_EUROPE_CANADA takes NATO's)
--   dissolved: last day (inclusive) the grouping existed; NULL while it exists
--   source_url: page that attests the founding and dissolution dates
--   is_derived: true for NATO_EUROPE_CANADA, which is derived here, not a row of alliance
--   is_minilateral: one of the five formats the article names beside NATO (claim C6)
create or replace view alliance_grouping as

with

source as (
    select * from alliance
),

renamed as (
    select
        source.code,
        source.name,
        source.kind,
        source.founded,
        source.dissolved,
        source.source_url,
        false as is_derived,
    from source

    union all

    select
        'NATO_EUROPE_CANADA' as code,
        'NATO Europe and Canada (derived: NATO members other than the United States)' as name,
        'derived grouping' as kind,
        source.founded,
        source.dissolved,
        source.source_url,
        true as is_derived,
    from source
    where source.code = 'NATO'
),

final as (
    select
        renamed.code,
        renamed.name,
        renamed.kind,
        renamed.founded,
        renamed.dissolved,
        renamed.source_url,
        renamed.is_derived,
        renamed.code in ('JEF', 'B9', 'NORDEFCO', 'WEIMAR', 'UK-PL-UA') as is_minilateral,
    from renamed
)

select * from final
