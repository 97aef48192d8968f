"""The bottom layer: what the write side (etl/), the read side (ledger/) and the dashboard (app/)
share, importing nothing of theirs. The error type, the limits, the published database and how
readers open it, the project's side files, and the catalogue (core/catalogue/): every source,
grouping, verdict and guideline spelled once. docs/ARCHITECTURE.md draws the layers."""
