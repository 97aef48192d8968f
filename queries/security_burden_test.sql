-- security_burden_test: the Olson-Zeckhauser exploitation test on the broader burden, beside
-- the plain one, for the same allies and year: Spearman's rho between the members' GDP and
-- (a) their defence burden, (b) their broader burden (defence plus bilateral aid to Ukraine,
-- both as a share of GDP; see queries/security_burden.sql, whose CTEs this file repeats up to
-- `joined`). If aid to Ukraine shifts the burden towards small allies, rho_broader < rho_plain.
-- Unit: rank correlation coefficients (-1..1); counts of countries; percent of GDP (means).
-- Source: nato_defence (TABLE3 share of real GDP, TABLE5 GDP at constant prices), kiel_aid_monthly,
--   kiel_aid_donor (Kiel Ukraine Support Tracker), membership_spell.
-- Sample: the members of a year with a defence share, a broader burden (so the tracker follows
--   them) and a GDP > 0; both rhos are computed on exactly this sample. GDP is NATO's GDP at
--   constant prices, the GDP its share of real GDP is measured against.
-- Ranks as queries/exploitation_test.sql: average ranks for ties (rank() plus half the
--   number of other rows tied with it); rho = Pearson's r of the ranks;
--   t = rho sqrt((n-2)/(1-rho^2)) on df = n - 2 (+-infinity when |rho| = 1). Years with fewer
--   than 3 members in the sample are left out. p-values: etl/stats.py spearman_p(rho, n).
-- Parameters: as security_burden: $alliance, $membership ('historical' | 'current'), $as_of,
--   $aid_rule ('calendar_year' | 'period_average'), $aid_type ('total' | 'military').

with

nato as (
    select * from nato_at()  -- the newest edition of each country-year
),

flows as (
    select
        kiel_aid_monthly.iso3,
        kiel_aid_monthly.year,
        kiel_aid_monthly.month,
        kiel_aid_monthly.year * 12 + kiel_aid_monthly.month - 1 as month_index,
        case $aid_type
            when 'military' then kiel_aid_monthly.military_eur_bn
            else kiel_aid_monthly.total_eur_bn
        end as aid_eur_bn,
        kiel_aid_monthly.gdp_eur_bn,
    from kiel_aid_monthly
    where kiel_aid_monthly.iso3 is not null
),

span as (
    select
        min(kiel_aid_monthly.year * 12 + kiel_aid_monthly.month - 1) as first_month,
        max(kiel_aid_monthly.year * 12 + kiel_aid_monthly.month - 1) as last_month,
    from kiel_aid_monthly
),

kiel_years as (
    select
        unnest(generate_series(span.first_month // 12, span.last_month // 12)) as year,
    from span
),

tracked as (
    select distinct kiel_aid_donor.iso3 from kiel_aid_donor
    where kiel_aid_donor.iso3 is not null
),

donor_gdp as (
    select
        flows.iso3,
        max(flows.gdp_eur_bn) as gdp_eur_bn,
    from flows
    group by flows.iso3
),

by_year as (
    select
        flows.iso3,
        flows.year,
        sum(flows.aid_eur_bn) as aid_eur_bn,
    from flows
    group by flows.iso3, flows.year
),

whole_period as (
    select
        flows.iso3,
        sum(flows.aid_eur_bn) as aid_eur_bn,
    from flows
    group by flows.iso3
),

aid as (
    select
        tracked.iso3,
        kiel_years.year,
        case $aid_rule
            when 'period_average'
                then coalesce(whole_period.aid_eur_bn, 0) * 12
                    / (span.last_month - span.first_month + 1)
            else coalesce(by_year.aid_eur_bn, 0)
        end as aid_eur_bn,
        case $aid_rule
            when 'period_average' then span.last_month - span.first_month + 1
            else least(span.last_month, kiel_years.year * 12 + 11)
                - greatest(span.first_month, kiel_years.year * 12) + 1
        end as aid_months_covered,
        donor_gdp.gdp_eur_bn,
    from tracked
    cross join kiel_years
    cross join span
    left join by_year
        on by_year.iso3 = tracked.iso3
        and by_year.year = kiel_years.year
    left join whole_period
        on whole_period.iso3 = tracked.iso3
    left join donor_gdp
        on donor_gdp.iso3 = tracked.iso3
),

spells as (
    select * from membership_spell
    where alliance = $alliance
),

years as (
    select distinct nato.year from nato
    inner join kiel_years on kiel_years.year = nato.year
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

joined as (
    select
        members.iso3,
        members.year,
        nato.is_estimate,
        nato.gdp_constant_usd_m,
        nato.share_gdp_pct as defence_pct_gdp,
        aid.iso3 is not null as aid_tracked,
        aid.aid_eur_bn,
        aid.aid_months_covered,
        aid.gdp_eur_bn as kiel_gdp_eur_bn,
        100 * aid.aid_eur_bn / nullif(aid.gdp_eur_bn, 0) as aid_pct_gdp,
    from members
    left join nato
        on nato.iso3 = members.iso3
        and nato.year = members.year
    left join aid
        on aid.iso3 = members.iso3
        and aid.year = members.year
),

sample as (
    select
        joined.year,
        joined.iso3,
        joined.is_estimate,
        joined.gdp_constant_usd_m as gdp,
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
        sample.plain,
        sample.broader,
        rank() over (partition by sample.year order by sample.gdp)
            + (count(*) over (partition by sample.year, sample.gdp) - 1) / 2 as rank_gdp,
        rank() over (partition by sample.year order by sample.plain)
            + (count(*) over (partition by sample.year, sample.plain) - 1) / 2 as rank_plain,
        rank() over (partition by sample.year order by sample.broader)
            + (count(*) over (partition by sample.year, sample.broader) - 1) / 2
            as rank_broader,
    from sample
),

spearman as (
    select
        ranked.year,
        count(*) as n,
        count(*) filter (where ranked.is_estimate) as n_estimates,
        corr(ranked.rank_gdp, ranked.rank_plain) as rho_plain,
        corr(ranked.rank_gdp, ranked.rank_broader) as rho_broader,
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
        case when not isnan(spearman.rho_plain) then spearman.rho_plain end as rho_plain,
        case
            when isnan(spearman.rho_plain) then null
            when abs(spearman.rho_plain) < 1
                then spearman.rho_plain
                    * sqrt((spearman.n - 2) / (1 - spearman.rho_plain * spearman.rho_plain))
            else sign(spearman.rho_plain) * 'infinity'::double
        end as t_plain,
        case when not isnan(spearman.rho_broader) then spearman.rho_broader end as rho_broader,
        case
            when isnan(spearman.rho_broader) then null
            when abs(spearman.rho_broader) < 1
                then spearman.rho_broader
                    * sqrt((spearman.n - 2) / (1 - spearman.rho_broader * spearman.rho_broader))
            else sign(spearman.rho_broader) * 'infinity'::double
        end as t_broader,
        spearman.n - 2 as df,
        spearman.mean_defence_pct_gdp,
        spearman.mean_broader_burden_pct,
        spearman.members,
        left_out.members_left_out,
    from spearman
    inner join left_out on left_out.year = spearman.year
    where spearman.n >= 3
)

select * from final
order by final.year
