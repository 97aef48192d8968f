-- series_of: one country's defence burden by year from each source that has it, kept apart
-- (the Country page's chart of the three sources and its key figures).
-- Unit: share_gdp_pct in percent of GDP, each source's own published share (SIPRI: share of
--   GDP; NATO: share of real GDP, TABLE3; World Bank: MS.MIL.XPND.GD.ZS); current_usd_m in
--   million US$ at current prices and me_per_capita_current_usd in US$ per head at current
--   prices (NULL for the World Bank, which publishes only the share).
-- Source: macro defence_panel_at($as_of) (the NATO edition and SIPRI release published by
--   $as_of, per country-year; per head on each source's own figures, as per_capita_source
--   says), wb_macro (the World Bank's one file, read whole).
-- Parameters: $iso3  the country, ISO 3166-1 alpha-3; $as_of  date of the editions read.

with

panel as (
    select
        defence_panel.year,
        case defence_panel.source when 'nato' then 'NATO' else 'SIPRI' end as source,
        defence_panel.share_gdp_pct,
        defence_panel.me_current_usd_m as current_usd_m,
        defence_panel.is_estimate,
        defence_panel.me_per_capita_current_usd,
        defence_panel.per_capita_source,
    from defence_panel_at($as_of) as defence_panel
    where defence_panel.iso3 = $iso3
),

wb as (
    select
        wb_macro.year,
        wb_macro.milex_share_gdp_pct,
    from wb_macro
    where wb_macro.iso3 = $iso3
        and wb_macro.milex_share_gdp_pct is not null
),

final as (
    select
        panel.year,
        panel.source,
        panel.share_gdp_pct,
        panel.current_usd_m,
        panel.is_estimate,
        panel.me_per_capita_current_usd,
        panel.per_capita_source,
    from panel

    union all

    select
        wb.year,
        'World Bank' as source,
        wb.milex_share_gdp_pct,
        null,
        false,
        null,
        null,
    from wb
)

select * from final
order by final.source, final.year
