-- concordance_test: Wilcoxon signed-rank test of whether the members' shares of the grouping's
-- defence spending (burden shares) match their shares of its benefits (Sandler & Murdoch
-- 2000; Sandler & Shimizu 2014), one row per year and variant of the benefit share:
--   variant 'gdp':            d_i = b_i - y_i
--   variant 'gdp_population': d_i = b_i - (y_i + n_i) / 2
-- with b_i = 100 ME_i / sum ME, y_i = 100 GDP_i / sum GDP, n_i = 100 POP_i / sum POP over the
-- members of the year (percent). Few large positive d (the US) against many small negative
-- ones: the burden is not shared in proportion to the benefit.
-- Unit: rank sums (W+, W-), counts of countries, z scores; d in percentage points of share.
-- Source: macro member_panel_at over defence_panel_at($as_of) (ME and GDP in current US$ m:
--   NATO tables, or SIPRI ME with the GDP its share implies; population: NATO-derived or
--   SIPRI-implied; the editions published by $as_of), member_year / membership_spell.
-- A member-year enters when its ME (>= 0) and GDP (> 0) are known; the 'gdp_population' row
--   is computed only when every one of them has a population.
-- Method (scipy.stats.wilcoxon, zero_method='wilcox'): zero differences are dropped (n_zero
--   counts them), |d| gets average ranks over the n others, W+ (w_plus) = sum of the ranks of
--   positive d, W- (w_minus) of negative d; z = (W+ - n(n+1)/4) / sqrt(n(n+1)(2n+1)/24);
--   z_ties uses the tie-corrected variance n(n+1)(2n+1)/24 - sum(t^3 - t)/48 (tie_term =
--   sum over groups of tied |d| of t^3 - t) and is the z of scipy.stats.wilcoxon(method=
--   'approx', correction=False); z_ties = z when there are no ties. p-values: ledger/stats.py.
-- `differences` lists the n non-zero d (sorted) for ledger/stats.py's Hodges-Lehmann estimate
--   hl and its 95 % interval hl_lo, hl_hi; the runner drops the list once they are computed.
-- Parameters: $alliance (grouping code), $source ('nato' | 'sipri'), $membership
--   ('historical': the members of each year; 'current': the members on $as_of, for every year),
--   $as_of (date of the editions read, and of membership for 'current').

with

sample as (
    select
        members.year,
        members.iso3,
        members.me_current_usd_m as me,
        members.gdp_current_usd_m as gdp,
        members.population,
    from member_panel_at($alliance, $membership, $as_of, $source) as members
    where members.me_current_usd_m >= 0
        and members.gdp_current_usd_m > 0
),

shares as (
    select
        sample.year,
        sample.iso3,
        100 * sample.me / sum(sample.me) over (partition by sample.year) as burden_share,
        100 * sample.gdp / sum(sample.gdp) over (partition by sample.year) as gdp_share,
        100 * sample.population / sum(sample.population) over (partition by sample.year)
            as population_share,
        count(sample.population) over (partition by sample.year)
            = count(*) over (partition by sample.year) as population_complete,
    from sample
),

differences as (
    select
        shares.year,
        'gdp' as variant,
        shares.iso3,
        shares.burden_share - shares.gdp_share as d,
    from shares

    union all

    select
        shares.year,
        'gdp_population' as variant,
        shares.iso3,
        shares.burden_share - (shares.gdp_share + shares.population_share) / 2 as d,
    from shares
    where shares.population_complete
),

nonzero as (
    select
        differences.year,
        differences.variant,
        differences.iso3,
        differences.d,
        abs(differences.d) as abs_d,
    from differences
    where differences.d <> 0
),

ranked as (
    select
        nonzero.year,
        nonzero.variant,
        nonzero.d,
        avg_rank(nonzero.abs_d, (nonzero.year, nonzero.variant)) as rank_abs_d,
    from nonzero
),

rank_sums as (
    select
        ranked.year,
        ranked.variant,
        count(*) as n,
        count(*) filter (where ranked.d > 0) as n_positive,
        count(*) filter (where ranked.d < 0) as n_negative,
        coalesce(sum(ranked.rank_abs_d) filter (where ranked.d > 0), 0) as w_plus,
        coalesce(sum(ranked.rank_abs_d) filter (where ranked.d < 0), 0) as w_minus,
        list(ranked.d order by ranked.d) as differences,
    from ranked
    group by ranked.year, ranked.variant
),

tie_groups as (
    select
        nonzero.year,
        nonzero.variant,
        count(*) as t,
    from nonzero
    group by nonzero.year, nonzero.variant, nonzero.abs_d
),

tie_terms as (
    select
        tie_groups.year,
        tie_groups.variant,
        sum(tie_groups.t * tie_groups.t * tie_groups.t - tie_groups.t)::bigint as tie_term,
    from tie_groups
    group by tie_groups.year, tie_groups.variant
),

group_years as (
    select
        differences.year,
        differences.variant,
        count(*) as members,
        count(*) filter (where differences.d = 0) as n_zero,
    from differences
    group by differences.year, differences.variant
),

statistics as (
    select
        group_years.year,
        group_years.variant,
        group_years.members,
        coalesce(rank_sums.n, 0) as n,
        group_years.n_zero,
        coalesce(rank_sums.n_positive, 0) as n_positive,
        coalesce(rank_sums.n_negative, 0) as n_negative,
        coalesce(rank_sums.w_plus, 0) as w_plus,
        coalesce(rank_sums.w_minus, 0) as w_minus,
        coalesce(tie_terms.tie_term, 0) as tie_term,
        rank_sums.differences,
    from group_years
    left join rank_sums using (year, variant)
    left join tie_terms using (year, variant)
),

final as (
    select
        $alliance as alliance,
        $source as source,
        $membership as membership,
        statistics.year,
        statistics.variant,
        statistics.members,
        statistics.n,
        statistics.n_zero,
        statistics.n_positive,
        statistics.n_negative,
        statistics.w_plus,
        statistics.w_minus,
        least(statistics.w_plus, statistics.w_minus) as w_min,
        statistics.n * (statistics.n + 1) / 4 as w_mean,
        case
            when statistics.n > 0
                then (statistics.w_plus - statistics.n * (statistics.n + 1) / 4)
                / sqrt(statistics.n * (statistics.n + 1) * (2 * statistics.n + 1) / 24)
        end as z,
        statistics.tie_term,
        case
            when statistics.n * (statistics.n + 1) * (2 * statistics.n + 1) / 24
                - statistics.tie_term / 48 > 0
                then (statistics.w_plus - statistics.n * (statistics.n + 1) / 4)
                / sqrt(
                    statistics.n * (statistics.n + 1) * (2 * statistics.n + 1) / 24
                    - statistics.tie_term / 48
                )
        end as z_ties,
        statistics.differences,
    from statistics
)

select * from final
order by final.year, final.variant
