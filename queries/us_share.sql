-- us_share: per source and year, the United States' share of NATO's defence expenditure and
-- of NATO's GDP, and its burden-to-benefit ratio (ME share / GDP share).
-- Unit: percent (shares); ratio; money in million US$ at current prices and exchange rates.
-- Source: macro defence_panel_at($as_of) (both sources: 'nato' rows from NATO's tables,
--   'sipri' rows from SIPRI with the GDP its share implies), macro is_member_in (view
--   member_year, historical membership: allies in that year), macro nato_aggregate_at($as_of)
--   (NATO's own printed 'NATO Total', for comparison).
-- Parameters: $as_of  date of the editions read (the newest of each published by then).
-- Sums run over the allies with both ME and GDP that year (Iceland has no NATO ME figure).

with

panel as (
    select * from defence_panel_at($as_of)
),

nato_total as (
    select * from nato_aggregate_at($as_of)
    where aggregate = 'NATO Total'
),

joined as (
    select
        panel.source,
        panel.year,
        panel.iso3,
        panel.is_estimate,
        panel.me_current_usd_m,
        panel.gdp_current_usd_m,
        panel.me_current_usd_m is not null
            and panel.gdp_current_usd_m is not null as is_complete,
    from panel
    where is_member_in('NATO', panel.iso3, panel.year)
),

sums as (
    select
        joined.source,
        joined.year,
        count(*) filter (where joined.is_complete) as n_allies_with_data,
        bool_or(joined.is_estimate) filter (where joined.iso3 = 'USA') as us_is_estimate,
        sum(joined.me_current_usd_m) filter (where joined.is_complete) as nato_me_usd_m,
        sum(joined.gdp_current_usd_m) filter (where joined.is_complete) as nato_gdp_usd_m,
        sum(joined.me_current_usd_m) filter (
            where joined.is_complete and joined.iso3 = 'USA'
        ) as us_me_usd_m,
        sum(joined.gdp_current_usd_m) filter (
            where joined.is_complete and joined.iso3 = 'USA'
        ) as us_gdp_usd_m,
    from joined
    group by joined.source, joined.year
),

final as (
    select
        sums.source,
        sums.year,
        sums.us_is_estimate,
        sums.n_allies_with_data,
        sums.us_me_usd_m as us_me_current_usd_m,
        sums.nato_me_usd_m as nato_me_current_usd_m,
        100 * sums.us_me_usd_m / nullif(sums.nato_me_usd_m, 0) as us_share_me_pct,
        sums.us_gdp_usd_m as us_gdp_current_usd_m,
        sums.nato_gdp_usd_m as nato_gdp_current_usd_m,
        100 * sums.us_gdp_usd_m / nullif(sums.nato_gdp_usd_m, 0) as us_share_gdp_pct,
        (sums.us_me_usd_m / nullif(sums.nato_me_usd_m, 0))
            / nullif(sums.us_gdp_usd_m / nullif(sums.nato_gdp_usd_m, 0), 0)
            as us_burden_to_benefit_ratio,
        case when sums.source = 'nato'
            then nato_total.current_usd_m
        end as nato_printed_total_me_current_usd_m,
    from sums
    left join nato_total
        on nato_total.year = sums.year
    where sums.us_me_usd_m is not null
)

select * from final
order by final.source, final.year
