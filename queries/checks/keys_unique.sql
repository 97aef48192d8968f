-- Data test: keys are unique. Returns one row per duplicated key (zero rows = pass).
-- The tables declare primary keys (etl/schema.sql), so a duplicate there already fails the
-- load; this test states the contract independently of the DDL and covers the views the
-- indicators join on, where a duplicate would double-count silently (e.g. two membership
-- spells of one country in one grouping touching the same year).
-- Columns: object (table or view), key (the key's values joined by '|'), n (rows).
-- Each object lists its key once, one row per row of it; the count is written once, below.

with

keys as (
    select 'alliance' as object, code as key from alliance
    union all select 'country', iso3 from country
    union all select 'membership', concat_ws('|', alliance, iso3, joined) from membership
    union all select 'sipri_milex', concat_ws('|', iso3, year, edition) from sipri_milex
    union all select 'nato_defence', concat_ws('|', iso3, year, edition) from nato_defence
    union all select 'wb_macro', concat_ws('|', iso3, year) from wb_macro
    union all select 'alliance_grouping', code from alliance_grouping
    union all select 'member_year', concat_ws('|', alliance, iso3, year) from member_year
    union all select 'defence_panel', concat_ws('|', source, iso3, year) from defence_panel
),

final as (
    select
        keys.object,
        keys.key,
        count(*) as n,
    from keys
    group by keys.object, keys.key
    having count(*) > 1
)

select * from final
order by final.object, final.key
