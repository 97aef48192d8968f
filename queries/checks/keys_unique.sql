-- Data test: keys are unique. Returns one row per duplicated key (zero rows = pass).
-- The tables declare primary keys (etl/schema.sql), so a duplicate there already fails the
-- load; this test states the contract independently of the DDL and covers the views the
-- indicators join on, where a duplicate would double-count silently (e.g. two membership
-- spells of one country in one grouping touching the same year).
-- Columns: object (table or view), key (the key's values joined by '|'), n (rows).

with

duplicates as (
    select 'alliance' as object, code as key, count(*) as n
    from alliance group by all having count(*) > 1

    union all
    select 'country', iso3, count(*)
    from country group by iso3 having count(*) > 1

    union all
    select 'membership', concat_ws('|', alliance, iso3, joined), count(*)
    from membership group by alliance, iso3, joined having count(*) > 1

    union all
    select 'sipri_milex', concat_ws('|', iso3, year, edition), count(*)
    from sipri_milex group by iso3, year, edition having count(*) > 1

    union all
    select 'nato_defence', concat_ws('|', iso3, year, edition), count(*)
    from nato_defence group by iso3, year, edition having count(*) > 1

    union all
    select 'wb_macro', concat_ws('|', iso3, year), count(*)
    from wb_macro group by iso3, year having count(*) > 1

    union all
    select 'alliance_grouping', code, count(*)
    from alliance_grouping group by code having count(*) > 1

    union all
    select 'member_year', concat_ws('|', alliance, iso3, year), count(*)
    from member_year group by alliance, iso3, year having count(*) > 1

    union all
    select 'defence_panel', concat_ws('|', source, iso3, year), count(*)
    from defence_panel group by source, iso3, year having count(*) > 1
),

final as (
    select
        duplicates.object,
        duplicates.key,
        duplicates.n,
    from duplicates
)

select * from final
order by final.object, final.key
