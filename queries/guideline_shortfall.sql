-- guideline_shortfall: per NATO ally and year, its burden against NATO's guidelines
-- (2 % of GDP, 2006 / Wales 2014; 3.5 % core defence, The Hague 2025; 20 % of defence
-- expenditure on major equipment, Wales 2014) and the shortfall in US$ m to 2 % and 3.5 %.
-- Unit: percent of GDP and of ME; money in million US$ at current prices and exchange rates.
-- Source: macro member_panel_at over macro defence_panel_at($as_of) (the editions published by
--   $as_of; 'nato' or 'sipri'; the equipment share exists only in NATO's TABLE8a and is NULL on
--   SIPRI's figures), view membership_spell, table country.
-- Parameters:
--   $year        one year, or NULL for every year
--   $source      'nato' or 'sipri'
--   $membership  'historical' (allies in that year) or 'current' (allies on $as_of)
--   $as_of       date for 'current' membership, and of the editions read (defence_panel_at)
-- Shortfall to a line L (percent) = max(0, L - share_gdp_pct) / 100 x GDP in current US$ m:
-- the gap in points of the source's published share, valued at the year's GDP, so the
-- shortfall is positive exactly when the ally is below the line.

with

allies as (
    select * from member_panel_at('NATO', $membership, $as_of, $source) as panel
    where $year is null or panel.year = $year
),

final as (
    select
        $source as source,
        allies.year,
        allies.iso3,
        country.name as country,
        allies.is_estimate,
        allies.share_gdp_pct as burden_pct,
        allies.equipment_share_pct,
        allies.me_current_usd_m,
        allies.gdp_current_usd_m,
        allies.share_gdp_pct >= 2 as meets_2pct,
        allies.share_gdp_pct >= 3.5 as meets_3_5pct,
        allies.equipment_share_pct >= 20 as meets_20pct_equipment,
        -- greatest() skips NULLs, so an ally without a share would get 0: guard it.
        case when allies.share_gdp_pct is not null
            then greatest(0, 2 - allies.share_gdp_pct) / 100 * allies.gdp_current_usd_m
        end as shortfall_2pct_usd_m,
        case when allies.share_gdp_pct is not null
            then greatest(0, 3.5 - allies.share_gdp_pct) / 100 * allies.gdp_current_usd_m
        end as shortfall_3_5pct_usd_m,
    from allies
    left join country
        on country.iso3 = allies.iso3
)

select * from final
order by final.year, final.iso3
