-- Table macro edition_figures(source_name): every figure every loaded edition of NATO's tables
-- and SIPRI's releases printed, edition by edition (not as of a date: nato_at and sipri_at pick
-- one edition; this keeps them all), each beside its edition's row. One row per (source, iso3,
-- year, edition): source ('nato' | 'sipri'), iso3, year, edition, is_estimate, share_gdp_pct,
-- current_usd_m, constant_usd_m, price_base_year (the edition's own base), then the edition's
-- published day and file, and the source's editions just before and after it (previous_edition,
-- next_edition; NULL at either end). A figure of an edition the edition table does not list is
-- left out. What vintages (one figure, edition by edition) and revisions (each edition against
-- the one before) read.
-- Parameters: source_name ('nato', 'sipri', or NULL for both).
create or replace macro edition_figures(source_name) as table

with

figures as (
    select
        'nato' as source,
        nato_defence.iso3,
        nato_defence.year,
        nato_defence.edition,
        nato_defence.is_estimate,
        nato_defence.share_gdp_pct,
        nato_defence.current_usd_m,
        nato_defence.constant_usd_m,
        nato_defence.price_base_year,
    from nato_defence
    union all
    select
        'sipri' as source,
        sipri_milex.iso3,
        sipri_milex.year,
        sipri_milex.edition,
        sipri_milex.is_estimate,
        sipri_milex.share_gdp_pct,
        sipri_milex.current_usd_m,
        sipri_milex.constant_usd_m,
        sipri_milex.price_base_year,
    from sipri_milex
),

editions as (
    select
        edition.source,
        edition.edition,
        edition.published,
        edition.file,
        lag(edition.edition) over (partition by edition.source order by edition.edition)
            as previous_edition,
        lead(edition.edition) over (partition by edition.source order by edition.edition)
            as next_edition,
    from edition
)

select
    figures.*,
    editions.published,
    editions.file,
    editions.previous_edition,
    editions.next_edition,
from figures
inner join editions
    on editions.source = figures.source
    and editions.edition = figures.edition
where source_name is null or figures.source = source_name;
