"""The catalogue (core/catalogue/) is the one place each shared concept is spelled: it agrees
with what it describes (the DDL, data/alliances.csv, the write side's source modules), and its
names are unambiguous."""

from __future__ import annotations

import csv
import re

from core.catalogue import groupings, guidelines, sources, tables, verdicts
from core.db import SCHEMA
from etl.sources import REGISTRY


def test_the_tables_are_those_of_the_ddl_in_its_order():
    ddl = re.findall(r"^create table (\w+)", SCHEMA.read_text(encoding="utf-8"), re.MULTILINE)
    assert tables.names() == ddl
    fillers = {t.filled_by for t in tables.TABLES}
    assert fillers <= {*sources.SOURCES, tables.FACTS, tables.BUILD, tables.EVERY_SOURCE}


def test_every_source_module_refers_to_its_entry_and_every_entry_has_one():
    assert {s.key for s in REGISTRY.values()} == set(sources.SOURCES)
    for key, source in REGISTRY.items():
        assert source.about is sources.SOURCES[key]
        assert all(p.startswith(source.about.prefix) for p in source.patterns), key


def test_every_grouping_of_the_facts_is_named_once_and_the_derived_one_is_declared():
    with groupings.ALLIANCES.open(encoding="utf-8", newline="") as f:
        codes = [r["code"] for r in csv.DictReader(f)]
    assert groupings.codes() == [*codes, "NATO_EUROPE_CANADA"]
    assert set(groupings.NAMES) == set(codes)  # every grouping has its own label
    labels = [g.label for g in groupings.GROUPINGS.values()]
    shorts = [g.short for g in groupings.GROUPINGS.values()]
    assert len(set(labels)) == len(labels) and len(set(shorts)) == len(shorts)
    assert all(groupings.by_column(g.column) is g for g in groupings.GROUPINGS.values())


def test_names_are_unambiguous():
    everyone = [*sources.SOURCES.values(), sources.MEMBERSHIPS]
    for field in ("key", "short", "folder"):
        values = [getattr(s, field) for s in everyone]
        assert len(set(values)) == len(values), field
    assert sources.offered() == ["nato", "sipri"]
    letters = [v.letter for v in verdicts.VERDICTS.values()]
    assert len(set(letters)) == len(letters)
    assert set(verdicts.JUDGED) < set(verdicts.VERDICTS)
    assert [g.value for g in guidelines.BURDEN_LINES] == [2.0, 3.5]
