-- etl_run: the builds and refreshes that wrote the published database, newest first (the
-- sidebar's "published" date and the Data and methods page).
-- Source: table etl_run (written by the build). Parameters: none.

select
    etl_run.run_id,
    etl_run.command,
    etl_run.raw_dir,
    etl_run.started_at,
    etl_run.finished_at,
    etl_run.outcome,
    etl_run.message,
    etl_run.sources_sha256,
from etl_run
order by etl_run.started_at desc
