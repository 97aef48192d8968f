-- burden_sharing: per grouping-year and member, the member's share of the grouping's defence
-- expenditure (burden share b_i), of its GDP (y_i) and of its population (n_i), the
-- burden-to-benefit ratio R_i = b_i / y_i, the fair share FS_i = sum(ME) x y_i and the gap
-- ME_i - FS_i.
-- Unit: shares in percent; money in million US$ at current prices and exchange rates.
-- Source: macro member_panel_at over macro defence_panel_at($as_of) (NATO tables, or SIPRI with
--   the GDP and population its figures imply; the editions published by $as_of), view
--   membership_spell, table country.
-- Parameters:
--   $alliance    grouping code (NATO, JEF, B9, UK-PL-UA, NORDEFCO, WEIMAR, WARSAW, EU,
--                NATO_EUROPE_CANADA)
--   $year        one year, or NULL for every year
--   $source      'nato' or 'sipri'
--   $membership  'historical' (members in that year) or 'current' (members on $as_of)
--   $as_of       date for 'current' membership, and of the editions read (defence_panel_at)
-- The sums run over the members with both ME and GDP that year ("complete" members); the
-- population sum over complete members with a population figure. A member lacking ME or GDP
-- is listed with NULL shares and counted in n_members but not in n_members_with_data.

with

members as (
    select * from member_panel_at($alliance, $membership, $as_of, $source) as panel
    where $year is null or panel.year = $year
),

joined as (
    select
        members.iso3,
        members.year,
        members.is_estimate,
        members.me_current_usd_m,
        members.gdp_current_usd_m,
        members.population,
        members.me_current_usd_m is not null
            and members.gdp_current_usd_m is not null as is_complete,
    from members
),

group_sums as (
    select
        joined.year,
        count(*) as n_members,
        count(*) filter (where joined.is_complete) as n_members_with_data,
        sum(joined.me_current_usd_m) filter (where joined.is_complete) as group_me_usd_m,
        sum(joined.gdp_current_usd_m) filter (where joined.is_complete) as group_gdp_usd_m,
        sum(joined.population) filter (where joined.is_complete) as group_population,
    from joined
    group by joined.year
),

shares as (
    select
        joined.iso3,
        joined.year,
        joined.is_estimate,
        joined.me_current_usd_m,
        joined.gdp_current_usd_m,
        joined.population,
        group_sums.group_me_usd_m,
        group_sums.group_gdp_usd_m,
        group_sums.group_population,
        group_sums.n_members,
        group_sums.n_members_with_data,
        case when joined.is_complete
            then 100 * joined.me_current_usd_m / nullif(group_sums.group_me_usd_m, 0)
        end as burden_share_pct,
        case when joined.is_complete
            then 100 * joined.gdp_current_usd_m / nullif(group_sums.group_gdp_usd_m, 0)
        end as gdp_share_pct,
        case when joined.is_complete
            then 100 * joined.population / nullif(group_sums.group_population, 0)
        end as population_share_pct,
    from joined
    inner join group_sums
        on group_sums.year = joined.year
),

final as (
    select
        $source as source,
        $alliance as alliance,
        shares.year,
        shares.iso3,
        country.name as country,
        shares.is_estimate,
        shares.me_current_usd_m,
        shares.gdp_current_usd_m,
        shares.population,
        shares.burden_share_pct,
        shares.gdp_share_pct,
        shares.population_share_pct,
        shares.burden_share_pct / nullif(shares.gdp_share_pct, 0) as burden_to_benefit_ratio,
        shares.group_me_usd_m * shares.gdp_share_pct / 100 as fair_share_usd_m,
        shares.me_current_usd_m - shares.group_me_usd_m * shares.gdp_share_pct / 100
            as gap_usd_m,
        shares.group_me_usd_m as group_me_current_usd_m,
        shares.group_gdp_usd_m as group_gdp_current_usd_m,
        shares.group_population,
        shares.n_members,
        shares.n_members_with_data,
    from shares
    left join country
        on country.iso3 = shares.iso3
)

select * from final
order by final.year, final.iso3
