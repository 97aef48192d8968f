-- View cross_source_share_gdp, and the table macro cross_source_share_gdp_at(as_of) it reads:
-- SIPRI vs NATO vs World Bank military expenditure as a share of GDP (percent) for every
-- country-year at least two of them cover, each source's own published share side by side
-- (sipri_pct: sipri_at(as_of), the release in use; nato_pct: NATO's share of real GDP from
-- nato_at(as_of), the edition in use; wb_pct: World Bank MS.MIL.XPND.GD.ZS, its one file), and
-- max_abs_diff_pp, the largest gap between any two of them in percentage points.
-- as_of picks the NATO edition and SIPRI release as defence_panel_at does (NULL, the default
-- and the view's: the newest); the World Bank's series is read whole.
-- The build used to fill a table of this name with the same select.
--
-- Columns (etl export reads this block into the data package; one per column, in order):
--   iso3: country.iso3 (at least two sources cover it)
--   year: calendar year
--   sipri_pct: SIPRI share_gdp_pct, newest release (as of as_of)
--   nato_pct: NATO share of real GDP, newest edition (as of as_of)
--   wb_pct: World Bank MS.MIL.XPND.GD.ZS
--   max_abs_diff_pp: largest pairwise gap, percentage points
create or replace macro cross_source_share_gdp_at(as_of := null) as table

with

sipri as (
    select sipri_rows.iso3, sipri_rows.year, sipri_rows.share_gdp_pct from sipri_at(as_of) as sipri_rows
),

nato as (
    select nato_rows.iso3, nato_rows.year, nato_rows.share_gdp_pct from nato_at(as_of) as nato_rows
    where nato_rows.share_gdp_pct is not null
),

wb as (
    select wb_macro.iso3, wb_macro.year, wb_macro.milex_share_gdp_pct from wb_macro
),

joined as (
    select
        coalesce(sipri.iso3, nato.iso3, wb.iso3) as iso3,
        coalesce(sipri.year, nato.year, wb.year) as year,
        sipri.share_gdp_pct as sipri_pct,
        nato.share_gdp_pct as nato_pct,
        wb.milex_share_gdp_pct as wb_pct,
    from sipri
    full join nato using (iso3, year)
    full join wb using (iso3, year)
),

final as (
    select
        joined.iso3,
        joined.year,
        joined.sipri_pct,
        joined.nato_pct,
        joined.wb_pct,
        greatest(
            abs(joined.sipri_pct - joined.nato_pct),
            abs(joined.sipri_pct - joined.wb_pct),
            abs(joined.nato_pct - joined.wb_pct)
        ) as max_abs_diff_pp,
    from joined
    where (joined.sipri_pct is not null)::int + (joined.nato_pct is not null)::int
        + (joined.wb_pct is not null)::int >= 2
)

select * from final;

create or replace view cross_source_share_gdp as
select * from cross_source_share_gdp_at(null)
