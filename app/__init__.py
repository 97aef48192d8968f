"""The Alliance Ledger dashboard (Streamlit): data access, controls, charts and pages."""
