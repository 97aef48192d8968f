-- vintages: every figure a source has published for one country and year, edition by edition:
-- the day each edition came out (and the day its file was public), the figure it printed, and
-- how it stands against the edition before it. "First published 2.28 % in April 2025, revised to
-- 2.44 % in April 2026" is read from these rows.
-- Unit: percent (share of GDP) and million US$ at current prices; constant prices are shown at
--   each edition's own price base (price_base_year), never compared across editions.
-- Source: macro edition_figures (tables edition, sipri_milex: every SIPRI release, nato_defence:
--   every NATO edition).
-- Parameters:
--   $source  'sipri' or 'nato'
--   $iso3    the country (ISO3)
--   $year    the year of the figure
-- An edition that does not print the country-year gives no row; one that prints it without a
-- share of GDP ('...') gives a row with a NULL share.

with

with_editions as (
    select
        figures.*,
        lag(figures.share_gdp_pct) over (order by figures.edition) as previous_share_gdp_pct,
        row_number() over (order by figures.edition) as nth,
    from edition_figures($source) as figures
    where figures.iso3 = $iso3
        and figures.year = $year
),

final as (
    select
        with_editions.source,
        with_editions.iso3,
        with_editions.year,
        with_editions.edition,
        with_editions.published,
        with_editions.file,
        with_editions.share_gdp_pct,
        with_editions.current_usd_m,
        with_editions.constant_usd_m,
        with_editions.price_base_year,
        with_editions.is_estimate,
        with_editions.share_gdp_pct - with_editions.previous_share_gdp_pct as share_gdp_change_pp,
        case
            when with_editions.nth = 1 then 'first published'
            when with_editions.share_gdp_pct is null then 'no share printed'
            when with_editions.previous_share_gdp_pct is null then 'first share printed'
            when round(with_editions.share_gdp_pct, 6)
                = round(with_editions.previous_share_gdp_pct, 6) then 'unchanged'
            else 'revised'
        end as change,
    from with_editions
)

select * from final
order by final.edition
