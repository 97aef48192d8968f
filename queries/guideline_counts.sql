-- guideline_counts: per year, how many NATO allies are at or above NATO's guidelines: 2 % of
-- GDP, the 3.5 % Hague core line, and 20 % of defence expenditure on major equipment (NATO's
-- TABLE8a, so NULL counts on SIPRI's figures), with the allies below 2 % and below 20 %.
-- Unit: counts of allies; lists of ISO3 codes.
-- Source: macro member_panel_at over macro defence_panel_at($as_of) (the editions published by
--   $as_of), view membership_spell.
-- Parameters:
--   $source      'nato' or 'sipri'
--   $membership  'historical' (allies in that year) or 'current' (allies on $as_of)
--   $as_of       date for 'current' membership, and of the editions read (defence_panel_at)

with

allies as (
    select * from member_panel_at('NATO', $membership, $as_of, $source)
),

final as (
    select
        $source as source,
        allies.year,
        bool_or(allies.is_estimate) as any_estimate,
        count(*) as n_allies,
        count(allies.share_gdp_pct) as n_allies_with_data,
        count(*) filter (where allies.share_gdp_pct >= 2) as n_at_or_above_2pct,
        count(*) filter (where allies.share_gdp_pct < 2) as n_below_2pct,
        count(*) filter (where allies.share_gdp_pct >= 3.5) as n_at_or_above_3_5pct,
        case when $source = 'nato'
            then count(allies.equipment_share_pct)
        end as n_allies_with_equipment_data,
        case when $source = 'nato'
            then count(*) filter (where allies.equipment_share_pct >= 20)
        end as n_at_or_above_20pct_equipment,
        case when $source = 'nato'
            then count(*) filter (where allies.equipment_share_pct < 20)
        end as n_below_20pct_equipment,
        case when $source = 'nato'
            then count(*) filter (
                where allies.share_gdp_pct >= 2 and allies.equipment_share_pct >= 20
            )
        end as n_meeting_2pct_and_20pct,
        coalesce(
            string_agg(allies.iso3, ', ' order by allies.iso3)
                filter (where allies.share_gdp_pct < 2),
            ''
        ) as allies_below_2pct,
        coalesce(
            string_agg(allies.iso3, ', ' order by allies.iso3)
                filter (where allies.equipment_share_pct < 20),
            ''
        ) as allies_below_20pct_equipment,
        coalesce(
            string_agg(allies.iso3, ', ' order by allies.iso3)
                filter (where allies.share_gdp_pct is null),
            ''
        ) as allies_without_data,
    from allies
    group by allies.year
)

select * from final
order by final.year
