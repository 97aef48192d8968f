-- coverage: what the loaded spending data cover, one row per NATO edition and SIPRI release:
-- its definition, price base, years, and how many countries (and which regional totals) it
-- holds. DMDC's report (head counts, no prices) has its own edition row but is not listed here.
-- Unit: counts; years; the price base is a calendar year.
-- Source: table edition, nato_defence, sipri_milex, sipri_region_total.
-- Parameters: none.
-- The newest edition of each source is the one the indicators use by default (nato_at,
-- sipri_at); is_newest marks it.

with

countries as (
    select 'nato' as source, nato_defence.edition, count(distinct nato_defence.iso3) as n
    from nato_defence
    group by nato_defence.edition
    union all
    select 'sipri' as source, sipri_milex.edition, count(distinct sipri_milex.iso3) as n
    from sipri_milex
    where sipri_milex.current_usd_m is not null or sipri_milex.share_gdp_pct is not null
    group by sipri_milex.edition
),

regions as (
    select
        'sipri' as source,
        sipri_region_total.edition,
        count(distinct sipri_region_total.region) as n,
    from sipri_region_total
    group by sipri_region_total.edition
),

final as (
    select
        edition.source,
        edition.edition,
        edition.edition = max(edition.edition) over (partition by edition.source) as is_newest,
        edition.definition,
        edition.price_base_year,
        edition.first_year,
        edition.last_year,
        countries.n as n_countries,
        coalesce(regions.n, 0) as n_regional_totals,
        edition.file,
    from edition
    left join countries using (source, edition)
    left join regions using (source, edition)
    where edition.source in ('nato', 'sipri')  -- spending; DMDC's head counts: us_forces
)

select * from final
order by final.source, final.edition
