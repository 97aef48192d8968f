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
    from edition
),

pairs as (
    select
        editions.source,
        editions.edition,
        editions.previous_edition,
        new.iso3,
        new.year,
        old.is_estimate as was_estimate,
        new.is_estimate,
        old.share_gdp_pct as previous_share_gdp_pct,
        new.share_gdp_pct,
        old.current_usd_m as previous_current_usd_m,
        new.current_usd_m,
        old.iso3 is null as is_new,
        false as is_dropped,
    from editions
    inner join selected as new
        on new.source = editions.source
        and new.edition = editions.edition
    left join selected as old
        on old.source = new.source
        and old.edition = editions.previous_edition
        and old.iso3 = new.iso3
        and old.year = new.year
    where editions.previous_edition is not null
),

dropped as (
    select
        editions.source,
        editions.edition,
        editions.previous_edition,
        old.iso3,
        old.year,
        old.is_estimate as was_estimate,
        null::boolean as is_estimate,
        old.share_gdp_pct as previous_share_gdp_pct,
        null::double as share_gdp_pct,
        old.current_usd_m as previous_current_usd_m,
        null::double as current_usd_m,
        false as is_new,
        true as is_dropped,
    from editions
    inner join selected as old
        on old.source = editions.source
        and old.edition = editions.previous_edition
    anti join selected as new
        on new.source = editions.source
        and new.edition = editions.edition
        and new.iso3 = old.iso3
        and new.year = old.year
),

unioned as (
    select * from pairs
    union all
    select * from dropped
),

final as (
    select
        unioned.source,
        unioned.edition,
        unioned.previous_edition,
        unioned.iso3,
        unioned.year,
        case
            when unioned.is_dropped then 'dropped'
            when unioned.is_new then 'new year'
            when unioned.was_estimate and not unioned.is_estimate
                then 'estimate replaced by outturn'
            when unioned.was_estimate then 'estimate revised'
            else 'restated'
        end as change,
        unioned.was_estimate,
        unioned.is_estimate,
        unioned.previous_share_gdp_pct,
        unioned.share_gdp_pct,
        unioned.share_gdp_pct - unioned.previous_share_gdp_pct as share_gdp_change_pp,
        unioned.previous_current_usd_m,
        unioned.current_usd_m,
        100 * (unioned.current_usd_m / nullif(unioned.previous_current_usd_m, 0) - 1)
            as current_usd_change_pct,
    from unioned
    where unioned.is_new
        or unioned.is_dropped
        or unioned.was_estimate is distinct from unioned.is_estimate
        or round(unioned.share_gdp_pct, 6) is distinct from round(unioned.previous_share_gdp_pct, 6)
        or round(unioned.current_usd_m, 6) is distinct from round(unioned.previous_current_usd_m, 6)
)

select * from final
order by final.source, final.edition, final.iso3, final.year
