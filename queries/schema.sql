-- schema: every column of every table and view in the database, with its type and whether
-- it belongs to a table or a view (the SQL explorer's reference).
-- Source: information_schema. Parameters: none.

select
    columns.table_name as "table",
    columns.column_name as "column",
    columns.data_type as "type",
    (
        select tables.table_type from information_schema.tables as tables
        where tables.table_name = columns.table_name
            and tables.table_schema = columns.table_schema
        limit 1
    ) as kind,
from information_schema.columns as columns
where columns.table_schema = 'main'
order by kind, "table", columns.ordinal_position
