-- Table macro broader_burden_base: the rows security_burden lists and security_burden_test
-- ranks, stated once. broader_burden_base(grouping_code, membership_rule, on_date,
-- aid_rule_name, aid_type_name) gives one row per member (members_in) and year covered by both
-- NATO's tables (nato_at(on_date): the editions published by on_date) and the Kiel tracker
-- (read whole: its one release): iso3, year, is_estimate,
-- gdp_constant_usd_m, price_base_year (of gdp_constant_usd_m: the edition's), defence_pct_gdp
-- (NATO TABLE3 share of real GDP), aid_tracked,
-- aid_eur_bn, aid_months_covered, kiel_gdp_eur_bn, aid_pct_gdp.
-- The aid rules (aid_rule_name 'calendar_year' | 'period_average', aid_type_name 'total' |
-- 'military') are described in queries/security_burden.sql.
create or replace macro broader_burden_base(
    grouping_code, membership_rule, on_date, aid_rule_name, aid_type_name
) as table

with

nato as (
    select * from nato_at(on_date)
),

flows as (
    select
        kiel_aid_monthly.iso3,
        kiel_aid_monthly.year,
        kiel_aid_monthly.month,
        kiel_aid_monthly.year * 12 + kiel_aid_monthly.month - 1 as month_index,
        case aid_type_name
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
        case aid_rule_name
            when 'period_average'
                then coalesce(whole_period.aid_eur_bn, 0) * 12
                    / (span.last_month - span.first_month + 1)
            else coalesce(by_year.aid_eur_bn, 0)
        end as aid_eur_bn,
        case aid_rule_name
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

years as (
    select distinct nato.year from nato
    inner join kiel_years on kiel_years.year = nato.year
),

members as (
    select selected.iso3, selected.year
    from members_in(grouping_code, membership_rule, on_date, (select list(year) from years))
        as selected
),

joined as (
    select
        members.iso3,
        members.year,
        nato.is_estimate,
        nato.gdp_constant_usd_m,
        nato.price_base_year,
        nato.share_gdp_pct as defence_pct_gdp,
        aid.iso3 is not null as aid_tracked,
        aid.aid_eur_bn,
        aid.aid_months_covered,
        aid.gdp_eur_bn as kiel_gdp_eur_bn,
        100 * aid.aid_eur_bn / nullif(aid.gdp_eur_bn, 0) as aid_pct_gdp,
    from members
    left join nato using (iso3, year)
    left join aid using (iso3, year)
)

select * from joined;
