"""Read side of Alliance Ledger: what the dashboard and the CLI read (claims, later queries)."""
