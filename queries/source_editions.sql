-- source_editions: every raw file with its edition text and, where the `edition` table records
-- one, the publisher's release date (what ledger.freshness ages each source by).
-- Source: tables source_file and edition (written by the build). Parameters: none.

select
    source_file.name,
    source_file.edition,
    edition.edition as published,
from source_file
left join edition on edition.file = source_file.name
order by source_file.name
