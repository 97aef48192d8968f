-- threat_proximity_test: per year, Spearman's rank correlation rho between distance from
-- capital to Moscow and defence burden across the European NATO allies with both figures,
-- with n; also the median European burden that year. The p-value is left to Python
-- (ledger/stats.py): t = rho x sqrt((n - 2) / (1 - rho^2)) with n - 2 degrees of freedom.
-- Unit: rho (-1 to 1); n (allies); percent of GDP.
-- Source: macro european_allies_at (member_panel_at over macro defence_panel_at($as_of), view
--   membership_spell, table country; see threat_proximity).
-- Parameters:
--   $source      'nato' or 'sipri'
--   $membership  'historical' (allies in that year) or 'current' (allies on $as_of)
--   $as_of       date for 'current' membership, and of the editions read (defence_panel_at)
-- Ranks: tied values share the average of the ranks they span
-- (rank + (number tied - 1) / 2); rho is Pearson's correlation of those ranks. rho is NULL
-- when n < 3 or either variable is constant.

with

joined as (
    select
        allies.year,
        allies.iso3,
        allies.distance_to_moscow_km as distance_km,
        allies.share_gdp_pct as burden_pct,
    from european_allies_at($membership, $as_of, $source) as allies
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
        avg_rank(complete.distance_km, complete.year) as distance_rank,
        avg_rank(complete.burden_pct, complete.year) as burden_rank,
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
