-- revisions: how each edition changed the figures of the edition before it, per source,
-- country and year: estimates replaced by outturns, estimates revised, restated years, new
-- years, and figures dropped (Iceland's row, absent from NATO's 2026 tables).
-- Unit: percent (share of GDP) and million US$ at current prices; current prices because
--   constant prices of two editions may sit at different bases (price_base_year).
-- Source: table edition (which editions were loaded and when each was published),
--   nato_defence (NATO tables, every edition), sipri_milex (SIPRI, every release).
-- Parameters:
--   $source  'nato', 'sipri', or NULL for both
--   $iso3    one country (ISO3), or NULL for every country
-- Only figures that changed, appeared or disappeared are returned; an edition with no
-- predecessor loaded has nothing to compare with and returns no row.

with

figures as (
    select
        'nato' as source,
        nato_defence.iso3,
        nato_defence.year,
        nato_defence.edition,
        nato_defence.is_estimate,
        nato_defence.share_gdp_pct,
        nato_defence.current_usd_m,
    from nato_defence
    union all
    select
        'sipri' as source,
        sipri_milex.iso3,
        sipri_milex.year,
        sipri_milex.edition,
        sipri_milex.is_estimate,
        sipri_milex.share_gdp_pct,
        sipri_milex.current_usd_m,
    from sipri_milex
    where sipri_milex.share_gdp_pct is not null or sipri_milex.current_usd_m is not null
),

selected as (
    select * from figures
    where ($source is null or figures.source = $source)
        and ($iso3 is null or figures.iso3 = $iso3)
),

editions as (
    select
        edition.source,
        edition.edition,
        lag(edition.edition) over (partition by edition.source order by edition.edition)
            as previous_edition,
        lead(edition.edition) over (partition by edition.source order by edition.edition)
            as next_edition,
    from edition
),

-- Every figure with the editions before and after its own (NULL at either end of a source's
-- list): read once as the newer side (has a predecessor) and once as the older (has a successor).
linked as (
    select
        selected.*,
        editions.previous_edition,
        editions.next_edition,
    from selected
    inner join editions
        on editions.source = selected.source
        and editions.edition = selected.edition
),

-- Each figure of an edition beside the same country-year of the edition before it: one side
-- missing is a new year (no old figure) or a dropped one (no new figure).
compared as (
    select
        coalesce(new.source, old.source) as source,
        coalesce(new.edition, old.next_edition) as edition,
        coalesce(new.previous_edition, old.edition) as previous_edition,
        coalesce(new.iso3, old.iso3) as iso3,
        coalesce(new.year, old.year) as year,
        old.is_estimate as was_estimate,
        new.is_estimate,
        old.share_gdp_pct as previous_share_gdp_pct,
        new.share_gdp_pct,
        old.current_usd_m as previous_current_usd_m,
        new.current_usd_m,
        old.iso3 is null as is_new,
        new.iso3 is null as is_dropped,
    from (select * from linked where linked.previous_edition is not null) as new
    full outer join (select * from linked where linked.next_edition is not null) as old
        on old.source = new.source
        and old.edition = new.previous_edition
        and old.iso3 = new.iso3
        and old.year = new.year
),

final as (
    select
        compared.source,
        compared.edition,
        compared.previous_edition,
        compared.iso3,
        compared.year,
        case
            when compared.is_dropped then 'dropped'
            when compared.is_new then 'new year'
            when compared.was_estimate and not compared.is_estimate
                then 'estimate replaced by outturn'
            when compared.was_estimate then 'estimate revised'
            else 'restated'
        end as change,
        compared.was_estimate,
        compared.is_estimate,
        compared.previous_share_gdp_pct,
        compared.share_gdp_pct,
        compared.share_gdp_pct - compared.previous_share_gdp_pct as share_gdp_change_pp,
        compared.previous_current_usd_m,
        compared.current_usd_m,
        100 * (compared.current_usd_m / nullif(compared.previous_current_usd_m, 0) - 1)
            as current_usd_change_pct,
    from compared
    where compared.is_new
        or compared.is_dropped
        or compared.was_estimate is distinct from compared.is_estimate
        or round(compared.share_gdp_pct, 6) is distinct from round(compared.previous_share_gdp_pct, 6)
        or round(compared.current_usd_m, 6) is distinct from round(compared.previous_current_usd_m, 6)
)

select * from final
order by final.source, final.edition, final.iso3, final.year
