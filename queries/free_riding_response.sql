-- free_riding_response: per ally, how its real defence spending moved with the United States'
-- over a window of years: the OLS slope of the ally's annual change in log ME on the US's,
-- Delta ln ME_i,t = a + b Delta ln ME_US,t + e. A negative slope (spending less when the US
-- spends more) suggests free riding; a positive one, following the leader. An approximation
-- of the spatial-lag test of Pluemper & Neumayer (2015), not their model: one regressor, no
-- controls, no threat terms.
-- Unit: slope and intercept in log points per log point (elasticity of the change), r2 0..1.
-- Source: defence_panel_at($as_of) (the editions published by $as_of), ME at constant prices (me_constant_usd_m, at the edition's
--   price_base_year): NATO Table 2 ($source = 'nato') or SIPRI ($source = 'sipri');
--   member_year / membership_spell.
-- Window: levels from $from_year to $to_year, so the changes are those of the years
--   $from_year + 1 .. $to_year (year t - 1 to t), each needing ME > 0 in both years.
-- Allies: members of $alliance other than the United States: 'historical' counts a change
--   of year t when the country was a member in t; 'current' takes the members on $as_of.
--   An ally needs at least 3 changes (df = n - 2 >= 1).
-- Price bases: a change counts only when both its years come from editions at one
--   price_base_year (NATO 2015 in 2024, 2021 since 2025; SIPRI's sheet year); a change across
--   two bases would be a rebasing, not growth, and is left out like a missing year.
--   price_base_year is the one base of the ally's fitted changes (NULL if they span two);
--   mixed_price_bases says the ally's or the US's series changed base in the window.
-- Columns slope, intercept, r2 are DuckDB's regr_slope, regr_intercept, regr_r2;
--   slope_se = sqrt(residual SS / (n - 2) / Sxx) and t = slope / slope_se, as
--   scipy.stats.linregress. p-value: ledger/stats.py.
-- Parameters: $alliance, $source ('nato' | 'sipri'), $membership ('historical' | 'current'),
--   $as_of (date of the editions read, and of membership for 'current'), $from_year, $to_year (integers).

with

members as (
    select members.iso3, members.year
    from member_panel_at($alliance, $membership, $as_of, $source) as members
),

constant_prices as (
    select
        defence_panel.iso3,
        defence_panel.year,
        defence_panel.me_constant_usd_m as me,
        defence_panel.price_base_year,
    from defence_panel_at($as_of) as defence_panel
    where defence_panel.source = $source
        and defence_panel.year between $from_year and $to_year
),

positive as (
    select
        constant_prices.iso3,
        constant_prices.year,
        constant_prices.me,
        constant_prices.price_base_year,
    from constant_prices
    where constant_prices.me > 0
),

changes as (
    select
        this_year.iso3,
        this_year.year,
        this_year.price_base_year,
        ln(this_year.me) - ln(last_year.me) as dln_me,
    from positive as this_year
    inner join positive as last_year
        on last_year.iso3 = this_year.iso3
        and last_year.year = this_year.year - 1
        and last_year.price_base_year = this_year.price_base_year
),

rebased as (
    -- series whose edition's price base changes inside the window
    select positive.iso3,
    from positive
    group by positive.iso3
    having mixes_price_bases(positive.price_base_year)
),

us as (
    select
        changes.year,
        changes.dln_me,
    from changes
    where changes.iso3 = 'USA'
),

allies as (
    select
        changes.iso3,
        changes.year,
        changes.dln_me,
        changes.price_base_year,
        us.dln_me as dln_me_us,
    from changes
    inner join us on us.year = changes.year
    inner join members
        on members.iso3 = changes.iso3
        and members.year = changes.year
    where changes.iso3 <> 'USA'
),

fits as (
    select
        allies.iso3,
        regr_count(allies.dln_me, allies.dln_me_us)::bigint as n,
        min(allies.year) as first_year,
        max(allies.year) as last_year,
        regr_slope(allies.dln_me, allies.dln_me_us) as slope,
        regr_intercept(allies.dln_me, allies.dln_me_us) as intercept,
        regr_r2(allies.dln_me, allies.dln_me_us) as r2,
        regr_sxx(allies.dln_me, allies.dln_me_us) as sxx,
        regr_syy(allies.dln_me, allies.dln_me_us) as syy,
        regr_sxy(allies.dln_me, allies.dln_me_us) as sxy,
        avg(allies.dln_me) as mean_dln_me,
        avg(allies.dln_me_us) as mean_dln_me_us,
        one_price_base(allies.price_base_year) as price_base_year,
    from allies
    group by allies.iso3
    having regr_count(allies.dln_me, allies.dln_me_us) >= 3
),

with_errors as (
    select
        fits.iso3,
        fits.n,
        fits.first_year,
        fits.last_year,
        fits.slope,
        fits.intercept,
        fits.r2,
        fits.mean_dln_me,
        fits.mean_dln_me_us,
        fits.price_base_year,
        case
            when fits.sxx > 0
                then sqrt(greatest(fits.syy - fits.slope * fits.sxy, 0) / (fits.n - 2) / fits.sxx)
        end as slope_se,
    from fits
),

final as (
    select
        $alliance as alliance,
        $source as source,
        $membership as membership,
        with_errors.iso3,
        country.name as country,
        with_errors.first_year,
        with_errors.last_year,
        with_errors.n,
        with_errors.slope,
        with_errors.intercept,
        with_errors.r2,
        with_errors.slope_se,
        case when with_errors.slope_se > 0 then with_errors.slope / with_errors.slope_se end as t,
        with_errors.n - 2 as df,
        with_errors.mean_dln_me,
        with_errors.mean_dln_me_us,
        with_errors.price_base_year,
        rebased.iso3 is not null or exists (select 1 from rebased where rebased.iso3 = 'USA')
            as mixed_price_bases,
    from with_errors
    left join country on country.iso3 = with_errors.iso3
    left join rebased on rebased.iso3 = with_errors.iso3
)

select * from final
order by final.slope, final.iso3
