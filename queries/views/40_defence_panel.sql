-- View defence_panel, and the table macro defence_panel_at(as_of) it reads: one row per
-- (source, iso3, year) of defence expenditure (ME), GDP and population, each source kept whole and
-- labelled, each row from one publisher's file. Never mixes two publishers within a row.
--
-- defence_panel_at(as_of): the panel as it could be read on as_of, from the editions published
--   by then (nato_at(as_of), sipri_at(as_of); edition.published <= as_of): no figure a later
--   edition or release first printed. as_of NULL (the default): the newest of every source.
--   defence_panel is defence_panel_at(NULL). A date before a source's first edition gives no
--   rows of that source (before 2017-09-20 no SIPRI rows, before 2024-06-17 no NATO rows, on
--   the files held).
-- source = 'nato': NATO "Defence Expenditure of NATO Countries" tables, the newest edition for
--   each country-year (nato_at()). ME in million current US$ (Table 2) and constant US$ at the
--   edition's price base (Table 2; price_base_year says which year, 2015 in 2024, 2021 since
--   2025); share_gdp_pct is NATO's own share of real GDP (Table 3); GDP current US$ m is
--   NATO's (Table 5); population is derived from NATO's tables as
--   GDP at constant US$ m (Table 5) / GDP per capita in thousand constant US$ (Table 6) x 1000,
--   in persons (NULL when either is missing); equipment_share_pct is Table 8a.
--   Iceland has GDP rows but no ME (no armed forces; no row at all since 2026).
-- source = 'sipri': SIPRI Military Expenditure Database, one release whole (sipri_at()). ME in
--   million current US$ and constant US$ (price_base_year: the year of SIPRI's 'Constant (YYYY)
--   US$' sheet); share_gdp_pct is SIPRI's own share of GDP. SIPRI prints no GDP or population,
--   but its figures imply the ones it used, of the same release: GDP = current US$ / share of
--   GDP x 100, population = current US$ / per-capita figure (gdp_source, population_source say
--   so). So a SIPRI row is as of its release alone, never another publisher's later file (it
--   took the World Bank's until 2026-12; the World Bank's own series stays apart: wb_macro,
--   cross_source_share_gdp, series_of). Where SIPRI prints no share or a zero share (Iceland:
--   0 US$, a zero or '...' share) the GDP is NULL, and where it prints no per-capita figure
--   (before 1988; Iceland's 0) the population is NULL. The implied figures carry the rounding of
--   SIPRI's printed share and per-capita cells, and its slips: the April 2024 release's Slovenia
--   2022 per-capita figure implies 5.8 million people (2.1 million live there).
--
-- Defence spending per head, in US$: each source's own figures, never another's population.
--   NATO rows: ME / the population NATO's tables imply (the constant-price figure is NATO's own
--   Table 6 per-capita figure, to the cent). SIPRI rows: SIPRI's published per-capita figure
--   (current US$), and at constant prices ME / the population that figure implies.
-- me_gdp_pct = 100 x me_current_usd_m / gdp_current_usd_m, computed here from the row's own
-- columns: for SIPRI rows it is SIPRI's published share again (up to floating-point rounding),
-- its GDP being the one that share implies; for NATO rows it uses current prices where NATO's
-- share uses constant prices. Indicators that compare with a guideline use share_gdp_pct.
-- Constant-price figures are comparable only within one price_base_year.
-- Parameters: as_of (date or NULL) of defence_panel_at; the view takes none (the newest).
--
-- Columns (etl export reads this block into the data package; one per column, in order):
--   source: 'nato' (nato_at(): NATO tables, newest edition) or 'sipri' (sipri_at(): SIPRI, newest
--     release); whose ME, GDP, population, price base and share of GDP the row holds
--   iso3: country.iso3
--   year: calendar year of the figures
--   edition: publication date of the NATO edition or SIPRI release the row comes from
--   is_estimate: NATO year printed as an estimate ('2025e'); SIPRI: a figure of the row printed
--     blue (SIPRI estimate)
--   is_uncertain: SIPRI: a figure of the row printed red (highly uncertain); false for NATO
--   me_current_usd_m: defence expenditure, million US$ at current prices and exchange rates
--     (NATO Table 2; SIPRI 'Current US$')
--   me_constant_usd_m: defence expenditure, million US$ at constant price_base_year prices
--     (NATO Table 2; SIPRI 'Constant (YYYY) US$')
--   price_base_year: year of the constant prices (NATO 2015 in 2024, 2021 since 2025; SIPRI's
--     sheet year); constant figures compare only within one price_base_year
--   share_gdp_pct: the source's own ME share of GDP, percent (NATO Table 3, of real GDP; SIPRI
--     'Share of GDP')
--   me_gdp_pct: 100 x me_current_usd_m / gdp_current_usd_m, percent, from the row's own columns
--     (for SIPRI rows its published share again)
--   gdp_current_usd_m: GDP, million US$ at current prices (NATO Table 5; for SIPRI rows
--     'Current US$' / 'Share of GDP' x 100, the GDP SIPRI used; NULL where its share is 0 or
--     missing)
--   gdp_source: which table gdp_current_usd_m comes from
--   population: persons (NATO: Table 5 GDP at constant US$ m / Table 6 GDP per capita in
--     thousand constant US$ x 1000; SIPRI: 'Current US$' x 1e6 / 'Per capita', the population
--     SIPRI used; NULL before 1988 and where its per-capita figure is 0 or missing)
--   population_source: which table population comes from
--   me_per_capita_current_usd: defence expenditure per head, US$ at current prices and exchange
--     rates (NATO: me_current_usd_m / population; SIPRI: its published 'Per capita' figure)
--   me_per_capita_constant_usd: defence expenditure per head, US$ at constant price_base_year
--     prices (NATO: me_constant_usd_m / population = Table 6's per-capita figure; SIPRI:
--     me_constant_usd_m / the population its per-capita figure implies)
--   per_capita_source: which figures the per-head columns come from
--   equipment_share_pct: NATO Table 8a, equipment share of defence expenditure, percent; NULL
--     for SIPRI rows (SIPRI publishes none)
create or replace macro defence_panel_at(as_of := null) as table

with

nato_source as (
    select * from nato_at(as_of)
),

sipri_source as (
    select * from sipri_at(as_of)
),

nato_renamed as (
    select
        'nato' as source,
        nato_source.iso3,
        nato_source.year,
        nato_source.edition,
        nato_source.is_estimate,
        false as is_uncertain,
        nato_source.current_usd_m as me_current_usd_m,
        nato_source.constant_usd_m as me_constant_usd_m,
        nato_source.price_base_year,
        nato_source.share_gdp_pct,
        nato_source.gdp_current_usd_m,
        'NATO TABLE5 (GDP, current prices and exchange rates)' as gdp_source,
        nato_source.gdp_constant_usd_m
            / nullif(nato_source.gdp_per_capita_constant_kusd, 0) * 1000 as population,
        'NATO TABLE5/TABLE6 (GDP at constant prices / GDP per capita)' as population_source,
        nato_source.current_usd_m * 1e6 / nullif(population, 0) as me_per_capita_current_usd,
        nato_source.constant_usd_m * 1e6 / nullif(population, 0) as me_per_capita_constant_usd,
        'NATO TABLE2 / population implied by TABLE5/TABLE6 (constant: = TABLE6 per capita)'
            as per_capita_source,
        nato_source.equipment_share_pct,
    from nato_source
),

sipri_renamed as (
    select
        'sipri' as source,
        sipri_source.iso3,
        sipri_source.year,
        sipri_source.edition,
        sipri_source.is_estimate,
        sipri_source.is_uncertain,
        sipri_source.current_usd_m as me_current_usd_m,
        sipri_source.constant_usd_m as me_constant_usd_m,
        sipri_source.price_base_year,
        sipri_source.share_gdp_pct,
        sipri_source.current_usd_m / nullif(sipri_source.share_gdp_pct, 0) * 100
            as gdp_current_usd_m,
        'SIPRI Current US$ / Share of GDP (the GDP SIPRI used, same release)' as gdp_source,
        sipri_source.current_usd_m * 1e6 / nullif(sipri_source.per_capita_current_usd, 0)
            as population,
        'SIPRI Current US$ / Per capita (the population SIPRI used, same release)'
            as population_source,
        sipri_source.per_capita_current_usd as me_per_capita_current_usd,
        sipri_source.constant_usd_m * sipri_source.per_capita_current_usd
            / nullif(sipri_source.current_usd_m, 0) as me_per_capita_constant_usd,
        'SIPRI per capita (current US$), constant: SIPRI constant US$ / the population it implies'
            as per_capita_source,
        null::double as equipment_share_pct,
    from sipri_source
),

unioned as (
    select * from nato_renamed
    union all by name
    select * from sipri_renamed
),

final as (
    select
        unioned.source,
        unioned.iso3,
        unioned.year,
        unioned.edition,
        unioned.is_estimate,
        unioned.is_uncertain,
        unioned.me_current_usd_m,
        unioned.me_constant_usd_m,
        unioned.price_base_year,
        unioned.share_gdp_pct,
        100 * unioned.me_current_usd_m / nullif(unioned.gdp_current_usd_m, 0) as me_gdp_pct,
        unioned.gdp_current_usd_m,
        unioned.gdp_source,
        unioned.population,
        unioned.population_source,
        unioned.me_per_capita_current_usd,
        unioned.me_per_capita_constant_usd,
        unioned.per_capita_source,
        unioned.equipment_share_pct,
    from unioned
)

select * from final;

create or replace view defence_panel as
select * from defence_panel_at(null)
