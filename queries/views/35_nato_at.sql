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
    where as_of is null
        or nato_defence.edition in (
            select edition.edition
            from edition
            where edition.source = 'nato'
                and edition.published <= as_of
        )
    qualify row_number() over (
        partition by nato_defence.iso3, nato_defence.year order by nato_defence.edition desc
    ) = 1
