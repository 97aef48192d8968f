-- series_of: one country's defence burden by year from each source that has it, kept apart
-- (the Country page's chart of the three sources).
-- Unit: share_gdp_pct in percent of GDP, each source's own published share (SIPRI: share of
--   GDP; NATO: share of real GDP, TABLE3; World Bank: MS.MIL.XPND.GD.ZS); current_usd_m in
--   million US$ at current prices (NULL for the World Bank, which publishes only the share).
-- Source: macros sipri_at() and nato_at() (the NATO edition in use per country-year), wb_macro.
-- Parameters: $iso3  the country, ISO 3166-1 alpha-3.

with

sipri as (
    select
        sipri_milex.year,
        sipri_milex.share_gdp_pct,
        sipri_milex.current_usd_m,
        sipri_milex.is_estimate,
    from sipri_at() as sipri_milex
    where sipri_milex.iso3 = $iso3
),

nato as (
    select
        nato_rows.year,
        nato_rows.share_gdp_pct,
        nato_rows.current_usd_m,
        nato_rows.is_estimate,
    from nato_at() as nato_rows
    where nato_rows.iso3 = $iso3
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
    select sipri.year, 'SIPRI' as source, sipri.share_gdp_pct, sipri.current_usd_m, sipri.is_estimate,
    from sipri

    union all

    select nato.year, 'NATO' as source, nato.share_gdp_pct, nato.current_usd_m, nato.is_estimate,
    from nato

    union all

    select wb.year, 'World Bank' as source, wb.milex_share_gdp_pct, null, false,
    from wb
)

select * from final
order by final.source, final.year
