-- equipment_investment: each ally's spending on major equipment per year at constant prices,
-- its running sum since $base_year, and an equipment stock proxy built by perpetual inventory,
-- with the ally's share of the grouping's stock beside its share of the grouping's real GDP.
-- Unit: million US$ at constant prices and exchange rates (at price_base_year, the base of the
--   edition used: 2015 in NATO's 2024 edition, 2021 since 2025); shares in percent.
-- Price bases: a stock or running sum whose years come from editions at different bases is
--   NULL, and so are the grouping's totals and shares in a year whose members' stocks differ in
--   base (one_price_base / mixes_price_bases); mixed_price_bases says so. Never summed silently.
-- Source: nato_defence through nato_at($as_of) (NATO "Defence Expenditure of NATO
--   Countries", the newest edition published by $as_of per country-year: TABLE2 constant US$, TABLE8a equipment share, TABLE5 GDP at the
--   edition's constant prices), membership_spell (data/memberships.csv), country.
-- Investment I_t = ME at constant US$ (TABLE2) x equipment share (TABLE8a) / 100.
--   NATO's "major equipment" includes research and development devoted to it.
-- Perpetual inventory: S_t = (1 - d) S_{t-1} + I_t, d = $depreciation, run for each ally from
--   its first year k0 >= $base_year with an investment figure. Written in closed form, one
--   self-join, no recursion:
--     S_t = sum over k = k0..t of (1 - d)^(t - k) I_k  +  (1 - d)^(t - k0) x C,
--   where C is the stock carried into k0:
--     $initial_stock = 'steady_state': S_k0 = I_k0 / d, the stock a constant investment I_k0
--       builds up forever (Harberger's rule with zero growth), so C = I_k0 (1 - d) / d;
--     $initial_stock = 'zero': nothing before k0, S_k0 = I_k0, C = 0.
--   A year missing between k0 and t leaves S_t (and the running sum) NULL, not understated.
-- Shares: within a year, over the grouping's members (under $membership) that have both a
--   stock and a GDP at constant prices: stock_share = S_i / sum S, gdp_share = GDP_i / sum GDP,
--   ratio = stock_share / gdp_share (> 1: more equipment than its economic weight). The stock
--   is the country's own from k0 whatever year it joined; membership only decides who counts.
-- Parameters:
--   $alliance       grouping code (NATO, JEF, B9, ..., NATO_EUROPE_CANADA)
--   $membership     'historical' (members in that year) or 'current' (members on $as_of)
--   $as_of          date for 'current' membership, and of the NATO edition read (nato_at)
--   $base_year      first year of the running sum and of the inventory (default 2014)
--   $depreciation   geometric depreciation rate d, 0 < d <= 1 (default 0.10)
--   $initial_stock  'steady_state' or 'zero'

with

nato as (
    select * from nato_at($as_of)  -- the newest edition of each country-year by $as_of
),

investment as (
    select
        nato.iso3,
        nato.year,
        nato.is_estimate,
        nato.constant_usd_m as me_constant_usd_m,
        nato.equipment_share_pct,
        nato.constant_usd_m * nato.equipment_share_pct / 100
            as equipment_constant_usd_m,
        nato.gdp_constant_usd_m,
        nato.price_base_year,
    from nato
    where nato.year >= $base_year
),

first_year as (
    select
        investment.iso3,
        min(investment.year) as k0,
    from investment
    where investment.equipment_constant_usd_m is not null
    group by investment.iso3
),

inventory as (
    select
        t.iso3,
        t.year,
        first_year.k0,
        count(k.equipment_constant_usd_m) as n_years,
        sum(k.equipment_constant_usd_m) as cumulative,
        sum(k.equipment_constant_usd_m * pow(1 - $depreciation, t.year - k.year))
            as discounted,
        any_value(k.equipment_constant_usd_m) filter (where k.year = first_year.k0)
            as investment_k0,
        mixes_price_bases(
            case when k.equipment_constant_usd_m is not null then k.price_base_year end
        ) as mixes_bases,
    from investment as t
    inner join first_year
        on first_year.iso3 = t.iso3
        and t.year >= first_year.k0
    inner join investment as k
        on k.iso3 = t.iso3
        and k.year between first_year.k0 and t.year
    group by t.iso3, t.year, first_year.k0
),

stock as (
    select
        inventory.iso3,
        inventory.year,
        inventory.k0,
        inventory.mixes_bases,
        case when inventory.n_years = inventory.year - inventory.k0 + 1
                and not inventory.mixes_bases
            then inventory.cumulative
        end as cumulative,
        case when inventory.n_years = inventory.year - inventory.k0 + 1
                and not inventory.mixes_bases
            then inventory.discounted
                + case $initial_stock
                    when 'steady_state'
                        then pow(1 - $depreciation, inventory.year - inventory.k0)
                            * inventory.investment_k0 * (1 - $depreciation)
                            / nullif($depreciation, 0)
                    else 0
                end
        end as stock,
    from inventory
),

years as (
    select distinct investment.year from investment
),

members as (
    select selected.iso3, selected.year
    from members_in($alliance, $membership, $as_of, (select list(year) from years))
        as selected
),

joined as (
    select
        members.iso3,
        members.year,
        investment.is_estimate,
        investment.me_constant_usd_m,
        investment.equipment_share_pct,
        investment.equipment_constant_usd_m,
        stock.k0,
        stock.cumulative,
        stock.stock,
        investment.gdp_constant_usd_m,
        investment.price_base_year,
        coalesce(stock.mixes_bases, false) as stock_mixes_bases,
        stock.stock is not null and investment.gdp_constant_usd_m > 0 as in_total,
    from members
    left join investment using (iso3, year)
    left join stock using (iso3, year)
),

totals as (
    select
        joined.year,
        count(*) filter (where joined.in_total) as n_allies_in_total,
        case when not mixes_price_bases(
                case when joined.in_total then joined.price_base_year end
            )
            then sum(joined.stock) filter (where joined.in_total)
        end as alliance_stock,
        case when not mixes_price_bases(
                case when joined.in_total then joined.price_base_year end
            )
            then sum(joined.gdp_constant_usd_m) filter (where joined.in_total)
        end as alliance_gdp,
        mixes_price_bases(case when joined.in_total then joined.price_base_year end)
            as mixes_bases,
    from joined
    group by joined.year
),

final as (
    select
        $alliance as alliance,
        $membership as membership,
        $depreciation as depreciation,
        $initial_stock as initial_stock,
        joined.iso3,
        country.name as country,
        joined.year,
        joined.is_estimate,
        joined.me_constant_usd_m,
        joined.equipment_share_pct,
        joined.equipment_constant_usd_m,
        joined.k0 as stock_first_year,
        joined.cumulative as equipment_cumulative_constant_usd_m,
        joined.stock as equipment_stock_constant_usd_m,
        joined.gdp_constant_usd_m,
        joined.price_base_year,
        joined.stock_mixes_bases or totals.mixes_bases as mixed_price_bases,
        totals.n_allies_in_total,
        totals.alliance_stock as alliance_stock_constant_usd_m,
        totals.alliance_gdp as alliance_gdp_constant_usd_m,
        case when joined.in_total
            then 100 * joined.stock / nullif(totals.alliance_stock, 0)
        end as stock_share_pct,
        case when joined.in_total
            then 100 * joined.gdp_constant_usd_m / nullif(totals.alliance_gdp, 0)
        end as gdp_share_pct,
        case when joined.in_total
            then (joined.stock / nullif(totals.alliance_stock, 0))
                / nullif(joined.gdp_constant_usd_m / nullif(totals.alliance_gdp, 0), 0)
        end as stock_to_gdp_share_ratio,
    from joined
    inner join totals
        on totals.year = joined.year
    left join country
        on country.iso3 = joined.iso3
)

select * from final
order by final.year, final.iso3
