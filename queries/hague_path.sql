-- hague_path: for each ally, the real annual growth of defence spending it needs to reach the
-- Hague commitment (3.5 % of GDP on core defence) by $target_year from its latest figure,
-- against the real growth it has managed since $base_year.
-- Unit: percent (shares of GDP; growth rates per year); money in US$ m at constant prices
--   (price_base_year).
-- Source: nato_defence through nato_at($as_of) (NATO tables, the newest edition published by
--   $as_of per country-year: TABLE3 share of real GDP,
--   TABLE2 expenditure at constant prices and exchange rates), membership_spell, country.
-- Allies: members of NATO on $as_of with a NATO share of GDP (Iceland, with no armed forces,
--   has none). Latest figure: the ally's latest year with a share of GDP; is_estimate flags
--   NATO's estimates (2023e, 2024e).
-- Required growth. With GDP growing at g = $gdp_growth_pct / 100 a year in real terms and
--   spending at r, the share after n = $target_year - latest_year years is
--   s_T = s_0 ((1 + r) / (1 + g))^n, so reaching $target_pct needs
--     r = (target / s_0)^(1 / n) (1 + g) - 1.
--   An ally already above the target may let spending grow more slowly than GDP (r < g).
-- Achieved growth: the compound annual growth rate of ME at constant US$ from $base_year
--   to the latest year, (ME_latest / ME_base)^(1 / (latest - base)) - 1. Constant prices and
--   exchange rates, so it is real growth in national currency.
--   Both figures must share one price base (the edition's price_base_year: 2015 in NATO's 2024
--   edition, 2021 since 2025): when the base year's figure comes from an edition at another
--   base, base_me_constant_usd_m and the achieved growth (and what follows from it) are NULL
--   and mixed_price_bases is true, rather than a ratio across two bases.
-- on_course: achieved >= required (NULL when either is unknown). projected_share: s_0 x
--   ((1 + achieved) / (1 + g))^n, the share in $target_year if the achieved rate continued.
-- Parameters:
--   $target_pct      share of GDP to reach (default 3.5, the Hague core-defence line)
--   $target_year     year to reach it by (default 2035)
--   $gdp_growth_pct  assumed real GDP growth, percent a year (default 1.5)
--   $base_year       start of the achieved-growth window (default 2014)
--   $as_of           date whose NATO members are listed, and of the NATO edition read
--                    (nato_at: the newest published by then; default today)

with

nato as (
    select * from nato_at($as_of)  -- the newest edition of each country-year by $as_of
),

allies as (
    select distinct membership_spell.iso3 from membership_spell
    where membership_spell.alliance = 'NATO'
        and is_member_on(membership_spell.joined, membership_spell.departed, $as_of)
),

latest as (
    select
        nato.iso3,
        nato.year,
        nato.is_estimate,
        nato.share_gdp_pct,
        nato.constant_usd_m,
        nato.price_base_year,
    from nato
    inner join allies on allies.iso3 = nato.iso3
    where nato.share_gdp_pct > 0
    qualify row_number() over (partition by nato.iso3 order by nato.year desc) = 1
),

base as (
    select
        nato.iso3,
        nato.constant_usd_m,
        nato.price_base_year,
    from nato
    where nato.year = $base_year
        and nato.constant_usd_m > 0
),

growth as (
    select
        latest.iso3,
        latest.year as latest_year,
        latest.is_estimate,
        latest.share_gdp_pct,
        $target_year - latest.year as n_years,
        latest.price_base_year,
        base.price_base_year is distinct from latest.price_base_year
            and base.price_base_year is not null as mixed_price_bases,
        case when base.price_base_year = latest.price_base_year
            then base.constant_usd_m
        end as base_me,
        latest.constant_usd_m as latest_me,
        case when $target_year > latest.year
            then pow($target_pct / latest.share_gdp_pct, 1 / ($target_year - latest.year))
                * (1 + $gdp_growth_pct / 100) - 1
        end as required,
        case when latest.year > $base_year and latest.constant_usd_m > 0
                and base.price_base_year = latest.price_base_year
            then pow(
                latest.constant_usd_m / base.constant_usd_m,
                1 / (latest.year - $base_year)
            ) - 1
        end as achieved,
    from latest
    left join base on base.iso3 = latest.iso3
),

final as (
    select
        growth.iso3,
        country.name as country,
        growth.latest_year,
        growth.is_estimate as latest_is_estimate,
        growth.share_gdp_pct as latest_share_gdp_pct,
        $target_pct as target_pct,
        $target_year as target_year,
        growth.n_years as years_to_target,
        $gdp_growth_pct as gdp_growth_pct,
        100 * growth.required as required_real_growth_pct,
        $base_year as base_year,
        growth.base_me as base_me_constant_usd_m,
        growth.latest_me as latest_me_constant_usd_m,
        growth.price_base_year,
        growth.mixed_price_bases,
        100 * growth.achieved as avg_real_growth_pct,
        growth.achieved >= growth.required as on_course,
        100 * (growth.required - growth.achieved) as growth_gap_pp,
        case when growth.n_years > 0
            then growth.share_gdp_pct
                * pow((1 + growth.achieved) / (1 + $gdp_growth_pct / 100), growth.n_years)
        end as projected_share_gdp_pct,
        growth.share_gdp_pct >= $target_pct as at_target_now,
    from growth
    left join country on country.iso3 = growth.iso3
)

select * from final
order by final.iso3
