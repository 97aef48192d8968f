-- built_by: the run that published this database file: the raw folder it read (NULL: the
-- bundled snapshot) and the warehouse version of the code that built it (NULL: before versions
-- were recorded). The dashboard compares that version with its own code's (app/firstrun.py).
-- Source: table etl_run (written by the build). Parameters: none.
-- Every column (`etl_run.*`): a file built before warehouse_version existed still answers,
-- without that column, instead of failing on it.

select etl_run.*
from etl_run
where etl_run.outcome = 'published'
order by etl_run.started_at desc
limit 1
