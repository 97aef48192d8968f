-- Data test: magnitudes after unit conversions. Returns the offending rows (zero rows = pass).
--   'me_gdp_pct far from the published share'  for NATO allies in the year: the panel's
--       100 x ME / GDP (GDP converted to US$ m; World Bank GDP for SIPRI rows) is outside
--       0.5-2 times the source's own share of GDP. A slip by 1000 (US$ vs US$ m) fails it;
--       honest differences (SIPRI and the World Bank use different GDP and exchange rates)
--       stay within 0.74-1.75 on the June 2024 data. Countries outside NATO are not checked:
--       hyperinflation years put SIPRI ME / World Bank GDP far off for them.
--   'NATO-derived population far from the World Bank'  population from NATO's TABLE5/TABLE6
--       outside 0.8-1.25 times the World Bank's for the same country-year (largest honest
--       gap on the June 2024 data: North Macedonia, 1.15, before its 2021 census revision).

with

panel as (
    select * from defence_panel
),

allies as (
    select * from member_year
    where alliance = 'NATO'
),

problems as (
    select
        panel.source,
        panel.iso3,
        panel.year,
        'me_gdp_pct far from the published share' as problem,
        panel.me_gdp_pct / panel.share_gdp_pct as ratio,
    from panel
    inner join allies
        on allies.iso3 = panel.iso3
        and allies.year = panel.year
    where panel.share_gdp_pct > 0
        and panel.me_gdp_pct / panel.share_gdp_pct not between 0.5 and 2

    union all

    select
        panel.source,
        panel.iso3,
        panel.year,
        'NATO-derived population far from the World Bank' as problem,
        panel.population / wb_macro.population as ratio,
    from panel
    inner join wb_macro
        on wb_macro.iso3 = panel.iso3
        and wb_macro.year = panel.year
    where panel.source = 'nato'
        and wb_macro.population > 0
        and panel.population / wb_macro.population not between 0.8 and 1.25
),

final as (
    select
        problems.source,
        problems.iso3,
        problems.year,
        problems.problem,
        problems.ratio,
    from problems
)

select * from final
order by final.source, final.iso3, final.year, final.problem
