-- security_burden: the "broader burden" of each member of a grouping per year: defence
-- expenditure plus bilateral aid to Ukraine, both as a share of GDP (after Sandler and
-- Shimizu 2014, who add allies' other security contributions to the defence burden).
-- Unit: percent of GDP; aid in EUR bn; GDP in US$ m at constant price_base_year prices (the
--   base of the row's edition: 2015 in NATO's 2024 edition, 2021 since 2025).
-- Source: macro nato_at($as_of) (NATO tables, latest edition per country-year: TABLE3 share of real
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
--   $as_of       date for 'current' membership, and of the NATO edition read (nato_at)
--   $aid_rule    'calendar_year' or 'period_average'
--   $aid_type    'total' or 'military'

with

joined as (
    select * from broader_burden_base($alliance, $membership, $as_of, $aid_rule, $aid_type)
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
        joined.price_base_year,
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
