-- Scalar macro is_public_on(source_name, edition_date, as_of): whether the edition edition_date
-- of source source_name ('nato', 'sipri', ...) had a file public on or before as_of
-- (edition.published <= as_of); true for every edition when as_of is NULL (the newest of all).
-- The test of NATO's edition rule, shared by nato_at and nato_aggregate_at.
-- Parameters: source_name (edition.source), edition_date (edition.edition), as_of (date or NULL).
create or replace macro is_public_on(source_name, edition_date, as_of) as
    as_of is null
    or edition_date in (
        select edition.edition
        from edition
        where edition.source = source_name
            and edition.published <= as_of
    );

-- Table macro nato_at(as_of): NATO's figures as they stood on a date. For each (iso3, year),
-- the row of the newest edition whose file was public on or before as_of (edition.published,
-- as sipri_at reads it; default NULL: the newest of all). A year NATO's newer edition does not
-- print stays as the older edition printed it. Rows keep their `edition` and
-- `price_base_year`, so every indicator can say which edition it used. This is the one place
-- NATO's edition rule is written; sipri_at is its SIPRI twin.
-- Parameters: as_of (date or NULL).
create or replace macro nato_at(as_of := null) as table
    select nato_defence.*
    from nato_defence
    where is_public_on('nato', nato_defence.edition, as_of)
    qualify row_number() over (
        partition by nato_defence.iso3, nato_defence.year order by nato_defence.edition desc
    ) = 1
