-- threat_proximity_test: per year, Spearman's rank correlation rho between distance from
-- capital to Moscow and defence burden across the European NATO allies with both figures,
-- with n; also the median European burden that year. The p-value is left to Python
-- (etl/stats.py): t = rho x sqrt((n - 2) / (1 - rho^2)) with n - 2 degrees of freedom.
-- Unit: rho (-1 to 1); n (allies); percent of GDP.
-- Source: view defence_panel, view membership_spell, table country (see threat_proximity).
-- Parameters:
--   $source      'nato' or 'sipri'
--   $membership  'historical' (allies in that year) or 'current' (allies on $as_of)
--   $as_of       date for 'current' membership
-- Ranks: tied values share the average of the ranks they span
-- (rank + (number tied - 1) / 2); rho is Pearson's correlation of those ranks. rho is NULL
-- when n < 3 or either variable is constant.

with

panel as (
    select * from defence_panel
    where source = $source
),

spells as (
    select * from membership_spell
    where alliance = 'NATO'
        and iso3 not in ('USA', 'CAN')
),

moscow as (
    select
        radians(country.capital_lat) as lat,
        radians(country.capital_lon) as lon,
    from country
    where country.iso3 = 'RUS'
),

years as (
    select distinct panel.year from panel
),

members as (
    select distinct
        spells.iso3,
        years.year,
    from spells
    inner join years
        on case
            when $membership = 'current'
                then spells.joined <= $as_of
                    and (spells.departed is null or spells.departed > $as_of)
            else years.year >= spells.first_year
                and (spells.last_year is null or years.year <= spells.last_year)
        end
),

distances as (
    select
        country.iso3,
        2 * 6371.0088 * asin(sqrt(
            power(sin((moscow.lat - radians(country.capital_lat)) / 2), 2)
            + cos(radians(country.capital_lat)) * cos(moscow.lat)
            * power(sin((moscow.lon - radians(country.capital_lon)) / 2), 2)
        )) as distance_km,
    from country
    inner join moscow
        on true
),

joined as (
    select
        members.year,
        members.iso3,
        distances.distance_km,
        panel.share_gdp_pct as burden_pct,
    from members
    left join distances
        on distances.iso3 = members.iso3
    left join panel
        on panel.iso3 = members.iso3
        and panel.year = members.year
),

complete as (
    select * from joined
    where joined.distance_km is not null
        and joined.burden_pct is not null
),

ranked as (
    select
        complete.year,
        complete.distance_km,
        complete.burden_pct,
        rank() over (partition by complete.year order by complete.distance_km)
            + (count(*) over (partition by complete.year, complete.distance_km) - 1) / 2
            as distance_rank,
        rank() over (partition by complete.year order by complete.burden_pct)
            + (count(*) over (partition by complete.year, complete.burden_pct) - 1) / 2
            as burden_rank,
    from complete
),

correlations as (
    select
        ranked.year,
        count(*) as n,
        case
            when count(*) >= 3
                and var_pop(ranked.distance_rank) > 0
                and var_pop(ranked.burden_rank) > 0
                then corr(ranked.distance_rank, ranked.burden_rank)
        end as rho,
    from ranked
    group by ranked.year
),

medians as (
    select
        joined.year,
        count(joined.burden_pct) as n_allies_with_burden,
        median(joined.burden_pct) as median_burden_pct,
    from joined
    group by joined.year
),

final as (
    select
        $source as source,
        medians.year,
        coalesce(correlations.n, 0) as n,
        correlations.rho,
        medians.n_allies_with_burden,
        medians.median_burden_pct,
    from medians
    left join correlations
        on correlations.year = medians.year
)

select * from final
order by final.year
