-- revisions: how each edition changed the figures of the edition before it, per source,
-- country and year: estimates replaced by outturns, estimates revised, restated years, new
-- years, new countries (a state the edition before printed nothing for), and figures dropped
-- (Iceland's row, absent from NATO's 2026 tables; a dropped country).
-- Unit: percent (share of GDP) and million US$ at current prices; current prices because
--   constant prices of two editions may sit at different bases (price_base_year).
-- Source: macro edition_figures (table edition: which editions were loaded and when each was
--   published; nato_defence: NATO tables, every edition; sipri_milex: SIPRI, every release).
-- Parameters:
--   $source  'nato', 'sipri', or NULL for both
--   $iso3    one country (ISO3), or NULL for every country
-- Only figures that changed, appeared or disappeared are returned; an edition with no
-- predecessor loaded has nothing to compare with and returns no row.

with

-- Every figure with the editions before and after its own (NULL at either end of a source's
-- list): read once as the newer side (has a predecessor) and once as the older (has a successor).
-- A SIPRI row with neither a share nor current US$ (a state listed, nothing printed) is no figure.
linked as (
    select * from edition_figures($source) as figures
    where ($iso3 is null or figures.iso3 = $iso3)
        and (
            figures.source <> 'sipri'
            or figures.share_gdp_pct is not null
            or figures.current_usd_m is not null
        )
),

-- The countries each edition prints at least one figure for.
printed as (
    select distinct linked.source, linked.edition, linked.iso3 from linked
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

-- Whether the country itself is in the other edition at all (a new or a dropped country).
located as (
    select
        compared.*,
        before.iso3 is null as country_is_new,
        after.iso3 is null as country_is_dropped,
    from compared
    left join printed as before
        on before.source = compared.source
        and before.edition = compared.previous_edition
        and before.iso3 = compared.iso3
    left join printed as after
        on after.source = compared.source
        and after.edition = compared.edition
        and after.iso3 = compared.iso3
),

final as (
    select
        located.source,
        located.edition,
        located.previous_edition,
        located.iso3,
        located.year,
        case
            when located.is_dropped and located.country_is_dropped then 'dropped country'
            when located.is_dropped then 'dropped'
            when located.is_new and located.country_is_new then 'new country'
            when located.is_new then 'new year'
            when located.was_estimate and not located.is_estimate
                then 'estimate replaced by outturn'
            when located.was_estimate then 'estimate revised'
            else 'restated'
        end as change,
        located.was_estimate,
        located.is_estimate,
        located.previous_share_gdp_pct,
        located.share_gdp_pct,
        located.share_gdp_pct - located.previous_share_gdp_pct as share_gdp_change_pp,
        located.previous_current_usd_m,
        located.current_usd_m,
        100 * (located.current_usd_m / nullif(located.previous_current_usd_m, 0) - 1)
            as current_usd_change_pct,
    from located
    where located.is_new
        or located.is_dropped
        or located.was_estimate is distinct from located.is_estimate
        or round(located.share_gdp_pct, 6) is distinct from round(located.previous_share_gdp_pct, 6)
        or round(located.current_usd_m, 6) is distinct from round(located.previous_current_usd_m, 6)
)

select * from final
order by final.source, final.edition, final.iso3, final.year
