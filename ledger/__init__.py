"""The read side: what runs at request time against the published database (queries with their
statistics, claims, the SQL explorer's sandbox and its worker, the sources' freshness). It may
import etl's shared helpers (core.errors, core.db, core.limits) and the source registry's metadata
(etl.sources: names, publishers, release periods; its parsers are named by string and loaded
only by the build), but never the write side (parsers, build, refresh, download)."""
