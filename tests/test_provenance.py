"""app/provenance.py: the publishers named under a chart come from the query's `source`
parameter or its sidecar's tables, mapped through the catalogue (core/catalogue/sources.py)."""

from __future__ import annotations

from app import provenance
from core.catalogue.sources import SOURCES


def test_every_table_of_a_single_source_maps_to_it():
    filled = provenance.table_sources()
    for source in SOURCES.values():
        for table in source.tables:
            assert filled[table] == source.key, table
    assert "edition" not in filled  # every source fills it: it names none
    assert filled["member_year"] == provenance.MEMBERSHIPS


def test_sources_follow_the_chosen_publisher():
    assert provenance.sources_for("sipri") == ["sipri"]  # SIPRI's own GDP, not the World Bank's
    assert provenance.sources_for(None) == []
    assert provenance.sources_of("security_burden") == ["nato", "kiel", "memberships"]
    chosen = provenance.sources_of("security_burden", {"source": "sipri"})
    assert chosen == ["sipri", "kiel", "memberships"]
    assert "restcountries" not in provenance.sources_of("burden")  # only threat reads places
    assert "restcountries" in provenance.sources_of("threat_proximity")
