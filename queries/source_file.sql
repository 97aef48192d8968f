-- source_file: every raw file the published database was built from, with its publisher,
-- edition, address, licence, checksum, size and rows read (chart captions, the Data and
-- methods page, the claims' "source" lines).
-- Source: table source_file (written by the build). Parameters: none.

select
    source_file.name,
    source_file.publisher,
    source_file.edition,
    source_file.url,
    source_file.licence,
    source_file.sha256,
    source_file.bytes,
    source_file.rows,
    source_file.loaded_at,
from source_file
order by source_file.publisher, source_file.name
