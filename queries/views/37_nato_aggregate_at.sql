-- Table macro nato_aggregate_at(as_of): NATO's own totals ('NATO Total', 'NATO Europe and
-- Canada') as they stood on a date. For each (aggregate, year), the row of the newest edition
-- whose file was public on or before as_of (edition.published; default NULL: the newest of
-- all). The edition rule of nato_at, for nato_aggregate.
-- Parameters: as_of (date or NULL).
create or replace macro nato_aggregate_at(as_of := null) as table
    select nato_aggregate.*
    from nato_aggregate
    where is_public_on('nato', nato_aggregate.edition, as_of)
    qualify row_number() over (
        partition by nato_aggregate.aggregate, nato_aggregate.year
        order by nato_aggregate.edition desc
    ) = 1
