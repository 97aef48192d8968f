-- Data test: shares in the defence panel lie in 0-100 percent, except documented outliers.
-- Returns the offending values (zero rows = pass).
-- Columns checked: share_gdp_pct (the source's own published share of GDP) and
-- equipment_share_pct (NATO). me_gdp_pct is not checked here: for SIPRI rows it divides
-- SIPRI's ME by the World Bank's GDP, and exchange-rate differences between the two put it
-- above 100 % for real rows (Myanmar 1997-2001); panel_magnitude.sql checks it instead.
-- Allow-list: the rows of data/allowlist.csv for these shares, repeated here because a data
-- test cannot read files (tests/test_data_checks.py checks the two lists agree):
--   sipri KWT 1991: Kuwait's 1991 Gulf War spending exceeded its war-depressed GDP.

with

panel as (
    select * from defence_panel
),

allowed as (
    select * from (values
        ('sipri', 'KWT', 1991)
    ) as allowed (source, iso3, year)
),

values_long as (
    select panel.source, panel.iso3, panel.year, 'share_gdp_pct' as measure,
        panel.share_gdp_pct as value,
    from panel
    union all
    select panel.source, panel.iso3, panel.year, 'equipment_share_pct', panel.equipment_share_pct
    from panel
),

final as (
    select
        values_long.source,
        values_long.iso3,
        values_long.year,
        values_long.measure,
        values_long.value,
    from values_long
    left join allowed using (source, iso3, year)
    where (values_long.value < 0 or values_long.value > 100)
        and allowed.iso3 is null
)

select * from final
order by final.source, final.iso3, final.year, final.measure
