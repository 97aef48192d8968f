-- security_burden: the "broader burden" of each member of a grouping per year: defence
-- expenditure plus bilateral aid to Ukraine, both as a share of GDP (after Sandler and
-- Shimizu 2014, who add allies' other security contributions to the defence burden).
-- Unit: percent of GDP; aid in EUR bn.
-- Source: nato_defence (NATO tables, latest edition per country-year: TABLE3 share of real
--   GDP, TABLE5 GDP at constant prices), kiel_aid_monthly and kiel_aid_donor (Kiel Ukraine Support
--   Tracker: monthly flows of bilateral aid allocated, EUR bn, and the donor's GDP in EUR bn
--   of a fixed reference year), membership_spell, country.
-- Aid as a share of GDP, two rules ($aid_rule):
--   'calendar_year': the year's monthly flows summed, over the tracker's GDP:
--     aid_pct_gdp = 100 x sum of the year's flows / gdp_eur_bn (= the sum of Kiel's monthly
--     pct_gdp for total aid);
--   'period_average': the tracker's whole-period total spread evenly over the years it covers:
--     100 x sum of all flows / gdp_eur_bn x 12 / months covered, the months running from the
--     first to the last month in kiel_aid_monthly (January 2022 to the release's last month).
--   $aid_type picks the flows: 'total' (military + financial + humanitarian) or 'military'.
-- A donor the tracker follows (a row in kiel_aid_donor) that gave nothing in a year has aid 0;
--   an ally the tracker does not follow (Albania, Montenegro, North Macedonia) has aid NULL
--   (aid_tracked = false) and no broader burden, rather than a zero nobody measured.
-- broader_burden_pct = defence_pct_gdp + aid_pct_gdp. Years: those in both NATO's tables and
--   the tracker (2022 onwards).
-- Parameters:
--   $alliance    grouping code (NATO, NATO_EUROPE_CANADA, JEF, B9, ...)
--   $membership  'historical' (members in that year) or 'current' (members on $as_of)
--   $as_of       date for 'current' membership
--   $aid_rule    'calendar_year' or 'period_average'
--   $aid_type    'total' or 'military'

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

final as (
    select
        $alliance as alliance,
        $membership as membership,
        $aid_rule as aid_rule,
        $aid_type as aid_type,
        joined.iso3,
        country.name as country,
        joined.year,
        joined.is_estimate,
        joined.gdp_constant_usd_m,
        joined.defence_pct_gdp,
        joined.aid_tracked,
        joined.aid_eur_bn,
        joined.aid_months_covered,
        joined.kiel_gdp_eur_bn,
        joined.aid_pct_gdp,
        joined.defence_pct_gdp + joined.aid_pct_gdp as broader_burden_pct,
        100 * joined.aid_pct_gdp / nullif(joined.defence_pct_gdp + joined.aid_pct_gdp, 0)
            as aid_share_of_broader_pct,
    from joined
    left join country
        on country.iso3 = joined.iso3
)

select * from final
order by final.year, final.iso3
