-- Data test: magnitudes after unit conversions, on defence_panel (the newest editions); all but
-- the last for NATO allies in the year only (hyperinflation years put other countries' figures
-- far from the World Bank's). Returns the offending rows (zero rows = pass).
--   'me_gdp_pct far from the published share'  NATO rows: the panel's 100 x ME / GDP (current
--       prices, GDP converted to US$ m) outside 0.5-2 times NATO's own share of real GDP. A
--       slip by 1000 (US$ vs US$ m) fails it. SIPRI rows are not compared here: their GDP is
--       the one SIPRI's share implies, so the two agree by construction.
--   'SIPRI-implied GDP far from the World Bank'  SIPRI rows: that implied GDP (current US$ /
--       share of GDP) outside 0.5-2 times the World Bank's GDP for the country-year. A slip in
--       SIPRI's money or share (by 100 or 1000) fails it; honest differences (other exchange
--       rates and GDP vintages) stay within 0.74-1.75 in all eight releases held.
--   'SIPRI-implied population far from the World Bank'  SIPRI rows: the population SIPRI's
--       per-capita figure implies outside 0.8-1.25 times the World Bank's (0.96-1.06 in the
--       April 2026 release; the April 2024 release's Slovenia 2022, 2.74, is a slip in
--       SIPRI's own per-capita cell).
--   'NATO-derived population far from the World Bank'  population from NATO's TABLE5/TABLE6
--       outside 0.8-1.25 times the World Bank's for the same country-year (largest honest
--       gap on the June 2024 data: North Macedonia, 1.15, before its 2021 census revision).
-- The World Bank is the yardstick only: no panel figure is taken from it.

with

panel as (
    select * from defence_panel
),

checked as (
    select
        panel.source,
        panel.iso3,
        panel.year,
        panel.me_gdp_pct,
        panel.share_gdp_pct,
        panel.gdp_current_usd_m,
        panel.population,
        wb_macro.gdp_current_usd / 1e6 as wb_gdp_current_usd_m,
        wb_macro.population as wb_population,
        is_member_in('NATO', panel.iso3, panel.year) as is_ally,
    from panel
    left join wb_macro
        on wb_macro.iso3 = panel.iso3
        and wb_macro.year = panel.year
),

-- One row per panel row and comparison that applies to it: each comparison is a row of the
-- table `bounds` (its problem, the ratio, the range it must lie in, the rows it applies to).
ratios as (
    select
        checked.source,
        checked.iso3,
        checked.year,
        bounds.problem,
        bounds.ratio,
        bounds.low,
        bounds.high,
    from checked
    cross join lateral (
        values
            (
                'me_gdp_pct far from the published share',
                checked.me_gdp_pct / nullif(checked.share_gdp_pct, 0),
                0.5,
                2,
                checked.source = 'nato' and checked.is_ally
            ),
            (
                'SIPRI-implied GDP far from the World Bank',
                checked.gdp_current_usd_m / nullif(checked.wb_gdp_current_usd_m, 0),
                0.5,
                2,
                checked.source = 'sipri' and checked.is_ally
            ),
            (
                case checked.source
                    when 'nato' then 'NATO-derived population far from the World Bank'
                    else 'SIPRI-implied population far from the World Bank'
                end,
                checked.population / nullif(checked.wb_population, 0),
                0.8,
                1.25,
                checked.source = 'nato' or checked.is_ally
            )
    ) as bounds (problem, ratio, low, high, applies)
    where bounds.applies
),

final as (
    select
        ratios.source,
        ratios.iso3,
        ratios.year,
        ratios.problem,
        ratios.ratio,
    from ratios
    where ratios.ratio not between ratios.low and ratios.high
)

select * from final
order by final.source, final.iso3, final.year, final.problem
