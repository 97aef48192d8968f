"""SIPRI's parser against the changes real releases make, applied to the genuine workbooks.

The eight releases held differ from their documentation and from each other (docs/SOURCES.md
lists how). A next release may change its layout again, so each test here takes a genuine
workbook, changes it the way a release might (a blank column inserted, sheets reordered, the
constant-price sheet renamed, a marker in a new place, no docProps date, a footnote glued to a
name, a country added, dropped or printed twice, a year column gone, a unit changed in a title)
and checks the parser either gives the same sipri_milex, sipri_missing, sipri_country_note and
sipri_region_total rows as for the untouched file, once the change's own effect is accounted for
(a country dropped has no rows, a cell made '…' has no figure), or refuses the file in one line
naming file, sheet and, where it can, row and column. Never a wrong parse.

Three layouts: the April 2017 release (the oldest held: 'Constant (2015) USD', '. .', legend
lines under the tables, a 'USSR/Russia' row, a '2016 Current' column), the April 2022 one
(Apache POI's attribute order, no theme, no docProps modified date, years stored as 1949.0) and
the April 2026 one (the newest: 'Constant (2024) US$', '...' and '…', placeholders in Notes).
Every variation runs on at least the 2017 and the 2026 release. Workbooks are changed at the XML
level (tests/xlsxedit.py), so everything a change does not touch keeps its bytes.

Hypothesis draws the instances where a family has many (which column, sheet, marker, country);
examples are bounded (VARIATION_EXAMPLES, default 6 per test) and deadlines are off, as in
tests/test_parser_properties.py. Each example parses one whole workbook (0.3-0.4 s quiet).
`pytest -s` prints the cases tried and held per family at the end.
"""

from __future__ import annotations

import functools
import json
import os
import random
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from core.errors import EtlError
from core.files import sha256
from etl import sipri
from etl.countries import lookup
from etl.sources import provenance
from etl.sources.sipri import SOURCE
from tests.xlsxedit import ERRORS, Book, Layout, layout

pytestmark = pytest.mark.raw

EXAMPLES = int(os.environ.get("VARIATION_EXAMPLES", "6"))
SOME = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,  # nothing written into the worktree; a failure prints its example
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

RELEASES = {  # the layout's release year -> the genuine file
    "2017": "SIPRI-Milex-data-1949-2016.xlsx",
    "2022": "SIPRI-Milex-data-1949-2021.xlsx",
    "2026": "SIPRI-Milex-data-1949-2025_v1.2.xlsx",
}
TWO = ["2017", "2026"]  # the oldest and the newest layout: every variation runs on both
TABLES = ("sipri_milex", "sipri_missing", "sipri_country_note", "sipri_region_total")
REGIONAL = sipri.REGIONAL
# Every spelling of 'no data' a release has printed ('. .' 2017-2021, '...' 2022 on, '…' 2026)
# and the variants the parser's pattern allows.
MARKERS = ["…", "...", ". .", "..", ". . ", "……"]
# Real states SIPRI does not cover (none of these has a row in any release held).
ABSENT = ["Andorra", "Liechtenstein", "Monaco", "San Marino", "Vanuatu", "Samoa", "Tonga"]

TALLY: Counter[str] = Counter()


@pytest.fixture(scope="module", autouse=True)
def _tally() -> Iterator[None]:
    yield
    print("\nSIPRI variations held per family:", dict(sorted(TALLY.items())))


def held(family: str) -> None:
    TALLY[family] += 1


# --- the genuine workbooks, read once -------------------------------------------------------


@functools.cache
def pristine(raw_dir: Path, release: str) -> Book:
    return Book(raw_dir / "sipri" / RELEASES[release])


@functools.cache
def sheets(raw_dir: Path, release: str) -> dict[str, str]:
    """sipri_milex column (or 'regional') -> the release's sheet name."""
    found, _ = sipri.measures(list(pristine(raw_dir, release).sheets), RELEASES[release])
    return {m.column: name for name, m in found.items()} | {"regional": REGIONAL}


@functools.cache
def grid(raw_dir: Path, release: str, sheet: str) -> Layout:
    return layout(pristine(raw_dir, release), sheet)


@functools.cache
def base_year(raw_dir: Path, release: str) -> int:
    return sipri.measures(list(pristine(raw_dir, release).sheets), RELEASES[release])[1]


def frames(parsed) -> dict[str, pl.DataFrame]:
    """The four tables without their edition key (an edited copy is not the registry's file,
    so it is dated otherwise), in one order."""
    out = {}
    for table in TABLES:
        frame = parsed.tables[table].drop("edition")
        out[table] = frame.sort(frame.columns, nulls_last=True)
    return out


@functools.cache
def baseline(raw_dir: Path, release: str) -> dict[str, pl.DataFrame]:
    return frames(sipri.parse_file(raw_dir / "sipri" / RELEASES[release], raw_dir))


def states(raw_dir: Path, release: str, sheet: str) -> dict[str, str]:
    """Label -> ISO3 of the states a sheet prints (not the EU, not a split series)."""
    found = {}
    for label in grid(raw_dir, release, sheet).labels:
        code = lookup(label)
        if code and label not in sipri.SPLIT_SERIES and code not in ("SUN", "RUS"):
            found[label] = code
    return found


def country_sheets(raw_dir: Path, release: str) -> list[str]:
    return [name for column, name in sheets(raw_dir, release).items() if column != "regional"]


# --- a changed copy, and what the parser must make of it ------------------------------------


def variant_name(release: str) -> str:
    """Matches the parser's glob, claims no known release: read like any unknown file."""
    return f"SIPRI-Milex-data-{release}-variant.xlsx"


@contextmanager
def variant(
    raw_dir: Path, release: str, *edits: Callable[[Book], None], published: date | None = None
) -> Iterator[Path]:
    """A raw dir holding one changed copy of a release. `published` writes the provenance
    record `etl refresh` would keep beside a download (the only date an Apache POI copy has)."""
    with tempfile.TemporaryDirectory() as folder:
        raw = Path(folder)
        (raw / "sipri").mkdir()
        path = raw / "sipri" / variant_name(release)
        book = pristine(raw_dir, release).copy_to(path)
        for edit in edits:
            edit(book)
        book.save()
        if published is not None:
            record = {"file": path.name, "sha256": sha256(path), "bytes": path.stat().st_size}
            record |= {"source": "sipri", "published": published.isoformat()}
            provenance.path_of(path).write_text(json.dumps(record), encoding="utf-8")
        yield raw


def release_day(release: str) -> date:
    return next(k.published for k in SOURCE.known if k.name == RELEASES[release])


def same(got: pl.DataFrame, expected: pl.DataFrame, table: str) -> None:
    try:
        assert_frame_equal(got, expected, check_exact=True)
    except AssertionError as err:
        raise AssertionError(f"{table}: {err}") from None


def parses_as(raw: Path, expected: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    got = frames(sipri.parse(raw))
    for table in TABLES:
        same(got[table], expected[table], table)
    return got


def refused(
    raw: Path,
    release: str,
    says: str,
    *,
    sheet: str | None = None,
    row: int | None = None,
    column: str | None = None,
) -> EtlError:
    """The parse fails with one line naming the file (and sheet, row, column when given)."""
    with pytest.raises(EtlError) as caught:
        sipri.parse(raw)
    err = caught.value
    line = str(err)
    assert "\n" not in line and len(line) < 600, line
    assert err.file == f"sipri/{variant_name(release)}", line
    assert re.search(says, err.problem, re.IGNORECASE), line
    for what, want in (("sheet", sheet), ("row", row), ("column", column)):
        if want is not None:
            assert str(getattr(err, what)).startswith(str(want)), f"{what}: {line}"
    return err


def sorted_like(frames_: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    return {t: f.sort(f.columns, nulls_last=True) for t, f in frames_.items()}


# --- 1. a blank column: after Country, between two years, at the end ------------------------

POSITIONS = ("after country", "between years", "at the end")


def blank_column_at(grid_: Layout, position: str, pick: int) -> int:
    if position == "after country":
        return 1
    if position == "between years":
        later = sorted(grid_.years)[1:]  # before any year but the first: between two years
        return later[pick % len(later)]
    return max(grid_.columns) + 1


def check_blank_column(raw_dir, release, which: int, position: str, pick: int, fill) -> None:
    names = [*country_sheets(raw_dir, release), REGIONAL]
    sheet = names[which % len(names)]
    at = blank_column_at(grid(raw_dir, release, sheet), position, pick)
    if position == "at the end" and fill is None:
        fill = ""  # a column with no cells at the end is no change at all
    with variant(
        raw_dir,
        release,
        lambda book: book.insert_column(sheet, at, fill),
        published=release_day(release),
    ) as raw:
        parses_as(raw, baseline(raw_dir, release))
    held("blank column")


@pytest.mark.parametrize("position", POSITIONS)
@pytest.mark.parametrize("release", TWO)
def test_a_blank_column_in_the_constant_price_sheet_changes_nothing(raw_dir, release, position):
    """2017-2021 already print one blank column between Country and Notes (base-year notes in
    it): one more, or one between two years or at the end, is ignored."""
    check_blank_column(raw_dir, release, 0, position, 0, "")


@SOME
@given(
    release=st.sampled_from(list(RELEASES)),
    which=st.integers(0, 6),
    position=st.sampled_from(POSITIONS),
    pick=st.integers(0, 200),
    fill=st.sampled_from([None, "", " "]),
)
def test_a_blank_column_anywhere_changes_nothing(raw_dir, release, which, position, pick, fill):
    check_blank_column(raw_dir, release, which, position, pick, fill)


# --- 2. sheets reordered --------------------------------------------------------------------


def check_reordered(raw_dir, release: str, order: list[str]) -> None:
    with variant(
        raw_dir, release, lambda book: book.reorder_sheets(order), published=release_day(release)
    ) as raw:
        parses_as(raw, baseline(raw_dir, release))
    held("sheets reordered")


@pytest.mark.parametrize("release", TWO)
def test_sheets_in_reverse_order_change_nothing(raw_dir, release):
    check_reordered(raw_dir, release, list(reversed(pristine(raw_dir, release).sheets)))


@SOME
@given(release=st.sampled_from(list(RELEASES)), seed=st.integers(0, 2**32))
def test_sheets_in_any_order_change_nothing(raw_dir, release, seed):
    names = list(pristine(raw_dir, release).sheets)
    check_reordered(raw_dir, release, random.Random(seed).sample(names, len(names)))


# --- 3. the constant-price sheet renamed ----------------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    ["Constant ({b}) USD", "constant ({b}) us$", "Constant  ({b})  US$", "CONSTANT ({b}) USD "],
)
@pytest.mark.parametrize("release", TWO)
def test_the_constant_price_sheet_under_another_spelling(raw_dir, release, spelling):
    """The base year comes from the name, whatever its case, spacing or currency sign."""
    old = sheets(raw_dir, release)["constant_usd_m"]
    new = spelling.format(b=base_year(raw_dir, release))
    expected = dict(baseline(raw_dir, release))
    notes = expected["sipri_country_note"]  # a base-year note names the sheet it stands in
    expected["sipri_country_note"] = notes.with_columns(
        pl.col("sheet_notes").str.replace(old, new, literal=True)
    )
    with variant(
        raw_dir, release, lambda book: book.rename_sheet(old, new), published=release_day(release)
    ) as raw:
        got = parses_as(raw, expected)
    assert set(got["sipri_milex"]["price_base_year"]) == {base_year(raw_dir, release)}
    held("constant sheet renamed")


@pytest.mark.parametrize("release", TWO)
def test_a_base_year_in_the_name_that_the_title_contradicts_is_refused(raw_dir, release):
    old = sheets(raw_dir, release)["constant_usd_m"]
    new = f"Constant ({base_year(raw_dir, release) + 1}) US$"
    with variant(
        raw_dir, release, lambda book: book.rename_sheet(old, new), published=release_day(release)
    ) as raw:
        refused(raw, release, "name says constant .* title says", sheet=new, row=1)
    held("constant sheet renamed")


# --- 4. 'no data' markers in new places -----------------------------------------------------

PLACES = ("value cell", "subregion row", "Notes column", "subregion's Notes")


def check_marker(raw_dir, release: str, which: int, place: str, marker: str, pick: int) -> None:
    names = country_sheets(raw_dir, release)
    sheet = names[which % len(names)]
    column = next(c for c, n in sheets(raw_dir, release).items() if n == sheet)
    g = grid(raw_dir, release, sheet)
    notes_j = g.column("Notes")
    expected = dict(baseline(raw_dir, release))
    subregions = [r for label, r in g.labels.items() if label.casefold() in sipri.SUBREGIONS]
    countries = states(raw_dir, release, sheet)
    if place == "value cell":
        label = sorted(countries)[pick % len(countries)]
        year_j = sorted(g.years)[(pick // len(countries)) % len(g.years)]
        cells = [(g.labels[label], year_j)]
        iso3, year = countries[label], g.years[year_j]
        key = (pl.col("iso3") == iso3) & (pl.col("year") == year)
        milex = expected["sipri_milex"]
        expected["sipri_milex"] = milex.with_columns(
            pl.when(key).then(None).otherwise(pl.col(column)).alias(column)
        )
        missing = expected["sipri_missing"].filter(~(key & (pl.col("measure") == column)))
        # an error cell is no figure and says so, like the one '#VALUE!' of the 2020 and 2021
        # releases (Myanmar 1997, share of government spending)
        reason = "spreadsheet error" if marker in ERRORS else "no data"
        now = pl.DataFrame([(iso3, year, column, reason)], schema=missing.columns[:4], orient="row")
        expected["sipri_missing"] = pl.concat([missing, now.cast(missing.schema)])
    elif place == "subregion row":
        row = subregions[pick % len(subregions)]
        years = sorted(g.years)
        cells = [(row, j) for j in (years[0], years[len(years) // 2], years[-1])]
    elif place == "Notes column":
        bare = [label for label in sorted(countries) if not g.text(g.labels[label], notes_j)]
        label = bare[pick % len(bare)]
        cells = [(g.labels[label], notes_j)]
        notes = expected["sipri_country_note"]
        expected["sipri_country_note"] = notes.with_columns(
            notes_placeholder=pl.col("notes_placeholder") | (pl.col("iso3") == countries[label])
        )
    else:
        cells = [(subregions[pick % len(subregions)], notes_j)]

    def mark(book: Book) -> None:
        for row, j in cells:
            book.put_cell(sheet, f"{_letters(j)}{row}", marker)

    with variant(raw_dir, release, mark, published=release_day(release)) as raw:
        got = frames(sipri.parse(raw))
    expected = sorted_like(expected)
    flags = ["is_estimate", "is_uncertain"]
    for table in TABLES:
        drop = flags if table == "sipri_milex" else []
        same(got[table].drop(drop), expected[table].drop(drop), table)
    # a figure made '…' can only lose its colour flag, and only in its own row
    was = expected["sipri_milex"].select("iso3", "year", *flags)
    now = got["sipri_milex"].select("iso3", "year", *flags)
    changed = was.join(now, on=["iso3", "year"], suffix="_now").filter(
        (pl.col("is_estimate") != pl.col("is_estimate_now"))
        | (pl.col("is_uncertain") != pl.col("is_uncertain_now"))
    )
    if place == "value cell":
        assert changed.height <= 1
        assert not (changed["is_estimate_now"] & ~changed["is_estimate"]).any()
        assert not (changed["is_uncertain_now"] & ~changed["is_uncertain"]).any()
    else:
        assert changed.height == 0
    held(f"marker in a {place}")


def _letters(j: int) -> str:
    return sipri.column_letters(j)


@pytest.mark.parametrize("place", PLACES)
@pytest.mark.parametrize("release", TWO)
def test_an_ellipsis_in_a_new_place(raw_dir, release, place):
    check_marker(raw_dir, release, 0, place, "…", 7)


@pytest.mark.parametrize("error", ["#VALUE!", "#DIV/0!", "#N/A"])
@pytest.mark.parametrize("release", TWO)
def test_an_excel_error_in_a_value_cell_is_no_figure(raw_dir, release, error):
    """Never a figure, never a refusal of the genuine 2020 and 2021 releases, which hold one."""
    check_marker(raw_dir, release, 3, "value cell", error, 1234)


@SOME
@given(
    release=st.sampled_from(list(RELEASES)),
    which=st.integers(0, 5),
    place=st.sampled_from(PLACES),
    marker=st.sampled_from(MARKERS),
    pick=st.integers(0, 20_000),
)
def test_any_marker_in_a_new_place(raw_dir, release, which, place, marker, pick):
    check_marker(raw_dir, release, which, place, marker, pick)


# --- 5. no docProps date --------------------------------------------------------------------


@pytest.mark.parametrize("release", TWO)
def test_an_unknown_copy_without_a_date_or_a_record_is_refused(raw_dir, release):
    with variant(raw_dir, release, Book.drop_modified_date) as raw:
        refused(raw, release, "no release date")
    held("no docProps date")


@pytest.mark.parametrize("drop", [Book.drop_modified_date, Book.drop_core_properties])
@pytest.mark.parametrize("release", TWO)
def test_an_unknown_copy_without_a_date_takes_its_records_date(raw_dir, release, drop):
    day = release_day(release) + timedelta(days=3)
    with variant(raw_dir, release, drop, published=day) as raw:
        parsed = sipri.parse(raw)
        parses_as(raw, baseline(raw_dir, release))
    for table in (*TABLES, "edition"):
        assert set(parsed.tables[table]["edition"]) == {day}, table
    assert parsed.tables["edition"]["published"].item() == day
    held("no docProps date")


@pytest.mark.parametrize("name", [*RELEASES.values(), "SIPRI-Milex-data-1949-2022.xlsx"])
def test_a_known_file_keeps_its_registry_date(raw_dir, tmp_path, name):
    """Whatever its docProps say (2017: re-saved in September; 2022, 2023: no date at all) and
    whatever a provenance record beside it says."""
    (tmp_path / "sipri").mkdir()
    path = tmp_path / "sipri" / name
    shutil.copyfile(raw_dir / "sipri" / name, path)
    provenance.path_of(path).write_text('{"published": "2030-01-01"}', encoding="utf-8")
    known = next(k for k in SOURCE.known if k.name == name)
    assert sipri.release_dates(path, f"sipri/{name}") == (known.published, known.available_from)
    held("no docProps date")


# --- 6. footnote numbers glued to country names ---------------------------------------------


def glue(raw_dir, release: str, label: str, style: str) -> tuple[Callable[[Book], None], str]:
    """An edit printing `label`'s footnote number after its name in every country sheet (moved
    from the Notes column where it is there, else a new footnote 3), and the marks the parser
    should then give (as the Notes column would have printed them, spaces aside)."""
    changes: dict[str, tuple[int, str, int, str]] = {}
    first = None
    for sheet in country_sheets(raw_dir, release):
        g = grid(raw_dir, release, sheet)
        row, notes_j = g.labels[label], g.column("Notes")
        notes = g.text(row, notes_j)
        if sipri.NO_DATA.fullmatch(notes):
            continue  # a placeholder: nothing to glue
        number = "".join(re.findall(r"\d+", notes)) or "3"
        marks = re.sub(r"[\d\s]+", "", notes)
        changes[sheet] = (row, style.format(label, number), notes_j, marks)
        first = first or f"{marks}{number}"

    def edit(book: Book) -> None:
        for sheet, (row, name, notes_j, marks) in changes.items():
            book.put_cell(sheet, f"A{row}", name)
            book.put_cell(sheet, f"{_letters(notes_j)}{row}", marks or None)

    return edit, first


@pytest.mark.parametrize(
    ("label", "style"),
    [("Germany", "{} {}"), ("Germany", "{}({})"), ("Libya", "{} {}"), ("Libya", "{} ({})")],
)
@pytest.mark.parametrize("release", TWO)
def test_a_footnote_number_glued_to_a_name_is_a_footnote(raw_dir, release, label, style):
    edit, marks = glue(raw_dir, release, label, style)
    iso3 = lookup(label)
    expected = dict(baseline(raw_dir, release))
    flags = sipri._mark_flags(marks)
    expected["sipri_country_note"] = (
        expected["sipri_country_note"]
        .with_columns(
            footnote_marks=pl.when(pl.col("iso3") == iso3)
            .then(pl.lit(marks))
            .otherwise(pl.col("footnote_marks").str.replace_all(r"\s", ""))
        )
        .with_columns(
            pl.when(pl.col("iso3") == iso3).then(pl.lit(v)).otherwise(pl.col(k)).alias(k)
            for k, v in flags.items()
        )
    )
    with variant(raw_dir, release, edit, published=release_day(release)) as raw:
        got = frames(sipri.parse(raw))
    got["sipri_country_note"] = got["sipri_country_note"].with_columns(
        pl.col("footnote_marks").str.replace_all(r"\s", "")
    )
    expected = sorted_like(expected)
    for table in TABLES:
        same(got[table], expected[table], table)
    held("footnote glued to a name")


# --- 7, 8. a country added or dropped -------------------------------------------------------


def everywhere(raw_dir, release: str) -> dict[str, str]:
    """Label -> ISO3 of the states printed under that label in every country sheet."""
    common = None
    for sheet in country_sheets(raw_dir, release):
        found = states(raw_dir, release, sheet)
        common = found if common is None else {k: v for k, v in common.items() if k in found}
    return dict(sorted(common.items()))


def check_added(raw_dir, release: str, new: str, pick: int) -> None:
    common = everywhere(raw_dir, release)
    source = list(common)[pick % len(common)]
    code, source_code = lookup(new), common[source]

    def add(book: Book) -> None:
        for sheet in country_sheets(raw_dir, release):
            row = grid(raw_dir, release, sheet).labels[source]
            book.copy_row(sheet, row, row + 1, {0: new})

    expected = dict(baseline(raw_dir, release))
    for table in ("sipri_milex", "sipri_missing", "sipri_country_note"):
        frame = expected[table]
        twin = frame.filter(pl.col("iso3") == source_code).with_columns(iso3=pl.lit(code))
        if table == "sipri_country_note":
            twin = twin.with_columns(sipri_name=pl.lit(new))
        expected[table] = pl.concat([frame, twin])
    with variant(raw_dir, release, add, published=release_day(release)) as raw:
        got = parses_as(raw, sorted_like(expected))
    assert (
        got["sipri_country_note"].height
        == baseline(raw_dir, release)["sipri_country_note"].height + 1
    )
    held("country added")


@pytest.mark.parametrize("release", TWO)
def test_a_new_state_with_figures_is_one_more_row(raw_dir, release):
    check_added(raw_dir, release, "Andorra", 0)


@SOME
@given(
    release=st.sampled_from(list(RELEASES)),
    new=st.sampled_from(ABSENT),
    pick=st.integers(0, 500),
)
def test_any_new_state_anywhere(raw_dir, release, new, pick):
    check_added(raw_dir, release, new, pick)


def check_dropped(raw_dir, release: str, pick: int) -> None:
    common = everywhere(raw_dir, release)
    label = list(common)[pick % len(common)]
    iso3 = common[label]

    def drop(book: Book) -> None:
        for sheet in country_sheets(raw_dir, release):
            book.delete_row(sheet, grid(raw_dir, release, sheet).labels[label])

    expected = dict(baseline(raw_dir, release))
    for table in ("sipri_milex", "sipri_missing", "sipri_country_note"):
        expected[table] = expected[table].filter(pl.col("iso3") != iso3)
    with variant(raw_dir, release, drop, published=release_day(release)) as raw:
        parses_as(raw, expected)
    held("country dropped")


@pytest.mark.parametrize("release", TWO)
def test_a_state_dropped_is_one_row_fewer(raw_dir, release):
    check_dropped(raw_dir, release, list(everywhere(raw_dir, release)).index("Germany"))


@SOME
@given(release=st.sampled_from(list(RELEASES)), pick=st.integers(0, 500))
def test_any_state_dropped(raw_dir, release, pick):
    check_dropped(raw_dir, release, pick)


# --- 9. a country printed twice -------------------------------------------------------------


@pytest.mark.parametrize(
    ("spelling", "says"),
    [("Germany", "printed twice"), ("Federal Republic of Germany", "both DEU")],
)
@pytest.mark.parametrize("measure", ["constant_usd_m", "share_gdp_pct"])
@pytest.mark.parametrize("release", TWO)
def test_a_state_printed_twice_is_refused(raw_dir, release, measure, spelling, says):
    sheet = sheets(raw_dir, release)[measure]
    row = grid(raw_dir, release, sheet).labels["Germany"]

    def twice(book: Book) -> None:
        book.copy_row(sheet, row, row + 1, {0: spelling})

    with variant(raw_dir, release, twice, published=release_day(release)) as raw:
        refused(raw, release, says, sheet=sheet, row=row + 1)
    held("country printed twice")


# --- 10. a year column missing in the middle ------------------------------------------------


def check_year_gone(raw_dir, release: str, which: int, pick: int) -> None:
    names = [*country_sheets(raw_dir, release), REGIONAL]
    sheet = names[which % len(names)]
    g = grid(raw_dir, release, sheet)
    inner = sorted(g.years)[1:-1]
    at = inner[pick % len(inner)]
    with variant(
        raw_dir, release, lambda book: book.delete_column(sheet, at), published=release_day(release)
    ) as raw:
        refused(raw, release, r"years|year columns", sheet=sheet, row=g.header)
    held("year column missing")


@pytest.mark.parametrize("release", TWO)
def test_a_year_missing_from_the_constant_price_sheet_is_refused(raw_dir, release):
    check_year_gone(raw_dir, release, 0, 40)


@pytest.mark.parametrize("release", TWO)
def test_a_year_missing_from_the_regional_totals_is_refused(raw_dir, release):
    check_year_gone(raw_dir, release, 6, 10)


@SOME
@given(release=st.sampled_from(list(RELEASES)), which=st.integers(0, 6), pick=st.integers(0, 200))
def test_any_year_missing_is_refused(raw_dir, release, which, pick):
    check_year_gone(raw_dir, release, which, pick)


# --- 11. a unit changed in a title ----------------------------------------------------------

UNITS = [  # (sheet, title row, as printed, changed to)
    ("constant_usd_m", 1, "US$ m.", "US$ bn."),
    ("constant_usd_m", 2, "US $m.", "US $bn."),
    ("current_usd_m", 1, "millions of US$", "billions of US$"),
    ("current_usd_m", 2, "US $m.", "US $bn."),
    ("share_gdp_pct", 1, "as percentage of", "as per mille of"),
    ("per_capita_current_usd", 2, "current US$", "thousands of current US$"),
    ("share_govt_pct", 1, "as percentage of", "as per mille of"),
    ("local_currency_m", 1, "in local currency", "in millions of local currency"),
    ("regional", 2, "US$ b., at constant", "US$ m., at constant"),
]


@pytest.mark.parametrize(("measure", "row", "old", "new"), UNITS)
@pytest.mark.parametrize("release", TWO)
def test_a_unit_changed_in_a_title_is_refused(raw_dir, release, measure, row, old, new):
    sheet = sheets(raw_dir, release)[measure]
    title = grid(raw_dir, release, sheet).text(row, 0)
    assert old in title, title

    def retitle(book: Book) -> None:
        book.put_cell(sheet, f"A{row}", title.replace(old, new, 1))

    with variant(raw_dir, release, retitle, published=release_day(release)) as raw:
        refused(raw, release, r"unit|US\$ b|title", sheet=sheet)
    held("unit changed in a title")


# --- releases parsed in threads: the error is still the first file's ------------------------


def test_with_two_bad_releases_the_first_in_file_order_is_named(raw_dir, tmp_path):
    """etl.sipri.parse reads releases in a thread pool: the 2017 copy fails late (its last
    sheet's unit), the 2026 copy at once (no date at all), yet the error is the 2017 copy's, as
    one after the other would give."""
    sheet = sheets(raw_dir, "2017")["local_currency_m"]
    title = grid(raw_dir, "2017", sheet).text(1, 0)
    (tmp_path / "sipri").mkdir()
    late = pristine(raw_dir, "2017").copy_to(tmp_path / "sipri" / variant_name("2017"))
    late.put_cell(sheet, "A1", title.replace("in local currency", "in millions of local currency"))
    late.save()
    soon = pristine(raw_dir, "2026").copy_to(tmp_path / "sipri" / variant_name("2026"))
    soon.drop_core_properties()
    soon.save()
    with pytest.raises(EtlError) as caught:
        sipri.parse(tmp_path)
    assert caught.value.file == f"sipri/{variant_name('2017')}", str(caught.value)
    assert caught.value.sheet == sheet
