-- guideline_counts: per year, how many NATO allies are at or above NATO's guidelines: 2 % of
-- GDP, the 3.5 % Hague core line, and 20 % of defence expenditure on major equipment (NATO's
-- TABLE8a, so NULL counts on SIPRI's figures), with the allies below 2 % and below 20 %.
-- Unit: counts of allies; lists of ISO3 codes.
-- Source: macro defence_panel_at($as_of) (the editions published by $as_of), view membership_spell.
-- Parameters:
--   $source      'nato' or 'sipri'
--   $membership  'historical' (allies in that year) or 'current' (allies on $as_of)
--   $as_of       date for 'current' membership, and of the editions read (defence_panel_at)

with

panel as (
    select * from defence_panel_at($as_of)
    where source = $source
),

years as (
    select distinct panel.year from panel
),

members as (
    select selected.iso3, selected.year
    from members_in('NATO', $membership, $as_of, (select list(year) from years))
        as selected
),

joined as (
    select
        members.iso3,
        members.year,
        panel.is_estimate,
        panel.share_gdp_pct,
        panel.equipment_share_pct,
    from members
    left join panel
        on panel.iso3 = members.iso3
        and panel.year = members.year
),

final as (
    select
        $source as source,
        joined.year,
        bool_or(joined.is_estimate) as any_estimate,
        count(*) as n_allies,
        count(joined.share_gdp_pct) as n_allies_with_data,
        count(*) filter (where joined.share_gdp_pct >= 2) as n_at_or_above_2pct,
        count(*) filter (where joined.share_gdp_pct < 2) as n_below_2pct,
        count(*) filter (where joined.share_gdp_pct >= 3.5) as n_at_or_above_3_5pct,
        case when $source = 'nato'
            then count(joined.equipment_share_pct)
        end as n_allies_with_equipment_data,
        case when $source = 'nato'
            then count(*) filter (where joined.equipment_share_pct >= 20)
        end as n_at_or_above_20pct_equipment,
        case when $source = 'nato'
            then count(*) filter (where joined.equipment_share_pct < 20)
        end as n_below_20pct_equipment,
        case when $source = 'nato'
            then count(*) filter (
                where joined.share_gdp_pct >= 2 and joined.equipment_share_pct >= 20
            )
        end as n_meeting_2pct_and_20pct,
        coalesce(
            string_agg(joined.iso3, ', ' order by joined.iso3)
                filter (where joined.share_gdp_pct < 2),
            ''
        ) as allies_below_2pct,
        coalesce(
            string_agg(joined.iso3, ', ' order by joined.iso3)
                filter (where joined.equipment_share_pct < 20),
            ''
        ) as allies_below_20pct_equipment,
        coalesce(
            string_agg(joined.iso3, ', ' order by joined.iso3)
                filter (where joined.share_gdp_pct is null),
            ''
        ) as allies_without_data,
    from joined
    group by joined.year
)

select * from final
order by final.year
