-- editions: every edition row the build wrote, one per publisher file: its source, release
-- date, the day its bytes were public (what the as-of rule of nato_at, sipri_at and
-- defence_panel_at compares with as_of), definition, price base, file and years. A judgment
-- as of a date D may use a file only if published <= D.
-- Unit: dates; calendar years (the price base is a calendar year).
-- Source: table edition (etl/sources/<source>.py and each parser say where the dates come
--   from: NATO's and SIPRI's registry or workbook, the World Bank's 'Last Updated Date', Kiel's
--   release_info.csv, COW's version year, REST Countries' registry entry).
-- Parameters: none.

select
    edition.source,
    edition.edition,
    edition.published,
    edition.definition,
    edition.price_base_year,
    edition.file,
    edition.first_year,
    edition.last_year,
from edition
order by edition.source, edition.edition, edition.file
