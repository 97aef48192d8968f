-- group_totals: per grouping and year, the members' total defence expenditure at current and
-- at constant prices, the median defence burden, and real growth since 2014.
-- Unit: money in million US$ (current prices; constant prices at price_base_year, the base
--   of the edition used: 2015 or 2021 on NATO's figures, 2023 or 2024 on SIPRI's); burden and
--   growth in percent. A constant-price total mixing two bases is NULL, not a sum.
-- Source: macro member_panel_at over macro defence_panel_at($as_of) (the editions published by
--   $as_of), view membership_spell, view alliance_grouping (every grouping, including the
--   derived NATO_EUROPE_CANADA).
-- Parameters:
--   $alliance    one grouping code, or NULL for every grouping
--   $source      'nato' or 'sipri'
--   $membership  'historical' (members in that year) or 'current' (members on $as_of)
--   $as_of       date for 'current' membership, and of the editions read (defence_panel_at)
-- Real growth since 2014 is like-for-like: 100 x (sum of constant-price ME in the year /
-- sum in 2014 - 1) over the year's members that have a constant-price figure in both years,
-- so enlargement does not count as growth, and whose two figures share one price base.
-- NULL before 2014.

with

members as (
    select * from member_panel_at($alliance, $membership, $as_of, $source)
),

base as (
    -- every country's 2014 figure, member that year or not (like-for-like growth)
    select * from defence_panel_at($as_of)
    where source = $source
        and year = 2014
),

joined as (
    select
        members.alliance,
        members.iso3,
        members.year,
        members.is_estimate,
        members.share_gdp_pct,
        members.me_current_usd_m,
        members.me_constant_usd_m,
        members.price_base_year,
        case when base.price_base_year = members.price_base_year
            then base.me_constant_usd_m
        end as me_constant_2014_usd_m,
    from members
    left join base
        on base.iso3 = members.iso3
),

totals as (
    select
        joined.alliance,
        joined.year,
        bool_or(joined.is_estimate) as any_estimate,
        count(*) as n_members,
        count(joined.me_current_usd_m) as n_members_with_data,
        sum(joined.me_current_usd_m) as total_me_current_usd_m,
        case when count(distinct joined.price_base_year) = 1
            then sum(joined.me_constant_usd_m)
        end as total_me_constant_usd_m,
        case when count(distinct joined.price_base_year) = 1
            then any_value(joined.price_base_year)
        end as price_base_year,
        median(joined.share_gdp_pct) as median_burden_pct,
        count(*) filter (
            where joined.me_constant_usd_m is not null
                and joined.me_constant_2014_usd_m is not null
        ) as n_members_like_for_like,
        sum(joined.me_constant_usd_m) filter (
            where joined.me_constant_2014_usd_m is not null
        ) as like_for_like_year_usd_m,
        sum(joined.me_constant_2014_usd_m) filter (
            where joined.me_constant_usd_m is not null
        ) as like_for_like_2014_usd_m,
    from joined
    group by joined.alliance, joined.year
),

final as (
    select
        $source as source,
        totals.alliance,
        alliance_grouping.name as alliance_name,
        totals.year,
        totals.any_estimate,
        totals.n_members,
        totals.n_members_with_data,
        totals.total_me_current_usd_m,
        totals.total_me_constant_usd_m,
        totals.price_base_year,
        totals.median_burden_pct,
        case when totals.year >= 2014
            then 100 * (
                totals.like_for_like_year_usd_m
                / nullif(totals.like_for_like_2014_usd_m, 0) - 1
            )
        end as real_growth_since_2014_pct,
        case when totals.year >= 2014
            then totals.n_members_like_for_like
        end as n_members_like_for_like,
    from totals
    left join alliance_grouping
        on alliance_grouping.code = totals.alliance
)

select * from final
order by final.alliance, final.year
