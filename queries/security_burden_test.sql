-- security_burden_test: the Olson-Zeckhauser exploitation test on the broader burden, beside
-- the plain one, for the same allies and year: Spearman's rho between the members' GDP and
-- (a) their defence burden, (b) their broader burden (defence plus bilateral aid to Ukraine,
-- both as a share of GDP; the rows of queries/security_burden.sql, from the shared macro
-- broader_burden_base in queries/views/52_broader_burden.sql). If aid to Ukraine shifts the
-- burden towards small allies, rho_broader < rho_plain.
-- Unit: rank correlation coefficients (-1..1); counts of countries; percent of GDP (means).
-- Source: macro nato_at($as_of) (TABLE3 share of real GDP, TABLE5 GDP at constant prices), kiel_aid_monthly,
--   kiel_aid_donor (Kiel Ukraine Support Tracker), membership_spell.
-- Sample: the members of a year with a defence share, a broader burden (so the tracker follows
--   them) and a GDP > 0; both rhos are computed on exactly this sample. GDP is NATO's GDP at
--   constant prices, the GDP its share of real GDP is measured against. GDP ranks compare
--   only within one price base: a year whose sample holds two (price_base_year of the
--   editions used, one_price_base) has rho and t NULL and mixed_price_bases true.
-- Ranks as queries/exploitation_test.sql: average ranks for ties (rank() plus half the
--   number of other rows tied with it); rho = Pearson's r of the ranks;
--   t = rho sqrt((n-2)/(1-rho^2)) on df = n - 2 (+-infinity when |rho| = 1). Years with fewer
--   than 3 members in the sample are left out. p-values and intervals: ledger/stats.py.
-- Parameters: as security_burden: $alliance, $membership ('historical' | 'current'), $as_of,
--   $aid_rule ('calendar_year' | 'period_average'), $aid_type ('total' | 'military').

with

joined as (
    select * from broader_burden_base($alliance, $membership, $as_of, $aid_rule, $aid_type)
),

sample as (
    select
        joined.year,
        joined.iso3,
        joined.is_estimate,
        joined.gdp_constant_usd_m as gdp,
        joined.price_base_year,
        joined.defence_pct_gdp as plain,
        joined.defence_pct_gdp + joined.aid_pct_gdp as broader,
    from joined
    where joined.defence_pct_gdp >= 0
        and joined.aid_pct_gdp >= 0
        and joined.gdp_constant_usd_m > 0
),

ranked as (
    select
        sample.year,
        sample.iso3,
        sample.is_estimate,
        sample.price_base_year,
        sample.plain,
        sample.broader,
        avg_rank(sample.gdp, sample.year) as rank_gdp,
        avg_rank(sample.plain, sample.year) as rank_plain,
        avg_rank(sample.broader, sample.year) as rank_broader,
    from sample
),

spearman as (
    select
        ranked.year,
        count(*) as n,
        count(*) filter (where ranked.is_estimate) as n_estimates,
        one_price_base(ranked.price_base_year) as price_base_year,
        mixes_price_bases(ranked.price_base_year) as mixed_price_bases,
        case when not mixes_price_bases(ranked.price_base_year)
            then corr(ranked.rank_gdp, ranked.rank_plain)
        end as rho_plain,
        case when not mixes_price_bases(ranked.price_base_year)
            then corr(ranked.rank_gdp, ranked.rank_broader)
        end as rho_broader,
        avg(ranked.plain) as mean_defence_pct_gdp,
        avg(ranked.broader) as mean_broader_burden_pct,
        string_agg(ranked.iso3, ',' order by ranked.iso3) as members,
    from ranked
    group by ranked.year
),

left_out as (
    select
        joined.year,
        count(*) as n_members,
        string_agg(joined.iso3, ',' order by joined.iso3) filter (
            where not (
                coalesce(joined.defence_pct_gdp >= 0, false)
                and coalesce(joined.aid_pct_gdp >= 0, false)
                and coalesce(joined.gdp_constant_usd_m > 0, false)
            )
        ) as members_left_out,
    from joined
    group by joined.year
),

final as (
    select
        $alliance as alliance,
        $membership as membership,
        $aid_rule as aid_rule,
        $aid_type as aid_type,
        spearman.year,
        left_out.n_members,
        spearman.n,
        spearman.n_estimates,
        no_nan(spearman.rho_plain) as rho_plain,
        spearman_t(spearman.rho_plain, spearman.n) as t_plain,
        no_nan(spearman.rho_broader) as rho_broader,
        spearman_t(spearman.rho_broader, spearman.n) as t_broader,
        spearman.n - 2 as df,
        spearman.mean_defence_pct_gdp,
        spearman.mean_broader_burden_pct,
        spearman.members,
        left_out.members_left_out,
        spearman.price_base_year,
        spearman.mixed_price_bases,
    from spearman
    inner join left_out on left_out.year = spearman.year
    where spearman.n >= 3
)

select * from final
order by final.year
