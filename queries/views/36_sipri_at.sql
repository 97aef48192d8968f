-- Table macro sipri_at(as_of): SIPRI's figures as they stood on a date: the whole of the newest
-- release whose file was public on or before as_of (edition.published; default NULL: the newest
-- of all). A release restates every year, so one release is used whole: a year or a state it no
-- longer prints is not brought back from an older one, and every row keeps its `edition` and
-- `price_base_year`.
-- Parameters: as_of (date or NULL).
create or replace macro sipri_at(as_of := null) as table
    select sipri_milex.*
    from sipri_milex
    where sipri_milex.edition = (
        select max(edition.edition)
        from edition
        where edition.source = 'sipri'
            and (as_of is null or edition.published <= as_of)
    )
