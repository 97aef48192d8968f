"""The read side: what runs at request time against the published database (queries with their
statistics, claims; later sandbox and freshness). It may import etl's shared helpers (etl.errors,
etl.db) but never the write side (parsers, build, refresh, download)."""
