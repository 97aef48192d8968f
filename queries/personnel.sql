-- personnel: military personnel per 1,000 inhabitants and defence spending per soldier, per
-- member of a grouping and year, one series joined from two sources and labelled by them.
-- Unit: personnel in thousands; per 1,000 inhabitants; spending per soldier in thousand US$.
-- Source:
--   source = 'nato' (years from the first year of NATO's tables, 2014, onwards): nato_defence,
--     the newest edition published by $as_of per country-year (nato_at): TABLE7 military
--     personnel, TABLE2 expenditure (current and constant US$); population = GDP at constant prices (TABLE5) / GDP per capita
--     (TABLE6) x 1000, the population NATO's own per-capita figures imply (as defence_panel).
--   source = 'cow' (years before that): Correlates of War National Material Capabilities
--     (cow_nmc): milper (thousands), milex (thousand current US$), tpop (thousands). COW rows
--     join on iso3, so historical states keep their own codes (SUN, CSK, DDR, YUG) and DEU
--     is the Federal Republic until 1989.
-- personnel_per_1000 = 1000 x personnel / population.
-- me_per_soldier_current_kusd = expenditure in current US$ / personnel, thousand US$ per head
--   (NATO: current_usd_m / personnel_k; COW: milex_current_kusd / milper_k / 1000).
-- me_per_soldier_constant_kusd = the same at constant US$ (NATO rows only), at price_base_year,
--   the base of the row's edition (2015 in NATO's 2024 edition, 2021 since 2025; NULL on COW
--   rows). Rows of one result may differ in base: compare them within one price_base_year.
-- Parameters:
--   $alliance    grouping code (NATO, WARSAW, JEF, B9, ..., NATO_EUROPE_CANADA)
--   $membership  'historical' (members in that year) or 'current' (members on $as_of)
--   $as_of       date for 'current' membership, and of the NATO edition read (nato_at)
--   $year_from, $year_to  optional year range (NULL = open)
-- Members with no row in the year's source appear with NULL figures, so gaps are visible.

with

nato as (
    select * from nato_at($as_of)  -- the newest edition of each country-year by $as_of
),

switch as (
    -- the first year of NATO's tables: NATO from here on, COW before
    select min(nato_tables.year) as first_nato_year from nato_at($as_of) as nato_tables
),

nato_rows as (
    select
        'nato' as source,
        nato.iso3,
        nato.year,
        nato.is_estimate,
        nato.personnel_k,
        nato.gdp_constant_usd_m / nullif(nato.gdp_per_capita_constant_kusd, 0) * 1000
            as population,
        'NATO TABLE5/TABLE6 (GDP at constant prices / GDP per capita)' as population_source,
        nato.current_usd_m as me_current_usd_m,
        nato.current_usd_m / nullif(nato.personnel_k, 0) as me_per_soldier_current_kusd,
        nato.constant_usd_m / nullif(nato.personnel_k, 0)
            as me_per_soldier_constant_kusd,
        nato.price_base_year,
    from nato
),

cow_rows as (
    select
        'cow' as source,
        cow_nmc.iso3,
        cow_nmc.year,
        false as is_estimate,
        cow_nmc.milper_k as personnel_k,
        cow_nmc.tpop_k * 1000 as population,
        'COW NMC tpop' as population_source,
        cow_nmc.milex_current_kusd / 1000 as me_current_usd_m,
        cow_nmc.milex_current_kusd / nullif(cow_nmc.milper_k, 0) / 1000
            as me_per_soldier_current_kusd,
        null::double as me_per_soldier_constant_kusd,
        null::integer as price_base_year,
    from cow_nmc
    cross join switch
    where cow_nmc.iso3 is not null
        and cow_nmc.year < switch.first_nato_year
),

panel as (
    select * from nato_rows
    union all by name
    select * from cow_rows
),

years as (
    select distinct panel.year from panel
    where ($year_from is null or panel.year >= $year_from)
        and ($year_to is null or panel.year <= $year_to)
),

members as (
    select selected.iso3, selected.year
    from members_in($alliance, $membership, $as_of, (select list(year) from years))
        as selected
),

final as (
    select
        $alliance as alliance,
        $membership as membership,
        members.iso3,
        country.name as country,
        members.year,
        case when members.year >= switch.first_nato_year then 'nato' else 'cow' end as source,
        panel.is_estimate,
        panel.personnel_k,
        panel.population,
        panel.population_source,
        1000 * panel.personnel_k * 1000 / nullif(panel.population, 0) as personnel_per_1000,
        panel.me_current_usd_m,
        panel.me_per_soldier_current_kusd,
        panel.me_per_soldier_constant_kusd,
        panel.price_base_year,
    from members
    cross join switch
    left join panel using (iso3, year)
    left join country
        on country.iso3 = members.iso3
)

select * from final
order by final.year, final.iso3
