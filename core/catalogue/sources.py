"""Every source, described once: its key (the `source` column of the `edition` table), the
folder its raw files sit in, its names, publisher, licence, release rhythm, the precision it
publishes, the GDP its shares are computed on, whether the pages offer it as a choice, and the
warehouse tables it fills (core/catalogue/tables.py).

How a source's files are found, downloaded, verified and parsed is the write side's, in
etl/sources/<key>.py, whose entry refers to the one here. The pages, the claims, freshness,
citations and the build's step names all take a source's names from here.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.catalogue import tables


@dataclass(frozen=True)
class Source:
    key: str  # the `edition` table's `source`: 'nato', 'sipri', ...
    folder: str  # its raw files' folder under the raw dir (and the first part of source_file.name)
    short: str  # how a caption, the sidebar and a claim name it: 'SIPRI', 'Kiel tracker'
    label: str  # what it is, in full: 'SIPRI Military Expenditure Database'
    publisher: str
    licence: str
    attribution: str  # how the Data and methods page credits it
    cadence: str  # the publisher's release rhythm, in words
    period_days: int | None = None  # usual time between releases (None: no schedule)
    # Decimals it publishes ('pct' shares, 'usd_m' million US$, 'usd_bn', 'usd' per head); a
    # download is rounded to them (None: the default precision of app/cite.py).
    decimals: dict[str, int] | None = None
    gdp: str | None = None  # the source whose GDP its shares of GDP are over (its own, here)
    offered: bool = False  # a choice of the pages' Source control (and of `type: source`)
    about: str = ""  # what its figures are, for the Source control's help
    per_head: str = ""  # whose population its spending per head is over
    # Editions sit side by side in its tables (every release kept): a file the database has
    # not loaded is a new edition (etl.build.stale_sources).
    side_by_side: bool = False
    own: bool = False  # the project's own compilation, not a publisher's
    files: str = ""  # how source_file.name begins for its files, where not '<folder>/'

    @property
    def tables(self) -> tuple[str, ...]:
        """The warehouse tables it fills (its `edition` rows aside)."""
        return tables.filled_by(self.key)

    @property
    def prefix(self) -> str:
        """How source_file.name begins for its files."""
        return self.files or f"{self.folder}/"


# The order the pages list them in (the build reads them in etl/sources' order).
SOURCES: dict[str, Source] = {
    s.key: s
    for s in (
        Source(
            key="nato",
            folder="nato",
            short="NATO",
            label="Defence Expenditure of NATO Countries",
            publisher="NATO Public Diplomacy Division",
            licence="NATO public release; attribution to NATO required",
            attribution="*Defence Expenditure of NATO Countries* (NATO Public Diplomacy Division)",
            cadence="NATO publishes its defence expenditure tables yearly, before the summit",
            period_days=365,
            # shares of GDP to two decimals, money in whole million US$, per head in dollars
            decimals={"pct": 2, "usd_m": 0, "usd_bn": 3, "usd": 0},
            gdp="nato",
            offered=True,
            about=(
                "the Alliance's own tables (2014 onwards, NATO definition of defence expenditure)"
            ),
            per_head="population implied by NATO's tables",
            side_by_side=True,
        ),
        Source(
            key="sipri",
            folder="sipri",
            short="SIPRI",
            label="SIPRI Military Expenditure Database",
            publisher="Stockholm International Peace Research Institute (SIPRI)",
            licence=(
                "SIPRI terms of use: free for non-commercial research and education, with "
                "attribution 'SIPRI Military Expenditure Database'; check SIPRI's terms before "
                "republishing the file"
            ),
            attribution=(
                "SIPRI Military Expenditure Database (Stockholm International Peace Research "
                "Institute)"
            ),
            cadence="SIPRI releases its database every April",
            period_days=365,
            decimals={"pct": 1, "usd_m": 1, "usd_bn": 4, "usd": 1},
            gdp="sipri",
            offered=True,
            about="the Military Expenditure Database (1949 onwards, SIPRI's definition)",
            per_head="SIPRI's own per-capita figures",
            side_by_side=True,
        ),
        Source(
            key="worldbank",
            folder="worldbank",
            short="World Bank",
            label="World Development Indicators",
            publisher="World Bank, World Development Indicators",
            licence="CC BY 4.0",
            attribution="World Development Indicators (World Bank, CC BY 4.0)",
            cadence="WDI is refreshed several times a year",
            period_days=182,
        ),
        Source(
            key="restcountries",
            folder="geo",
            short="REST Countries",
            label="REST Countries v3.1",
            publisher="REST Countries project (data from mledoze/countries)",
            licence="ODbL 1.0 (mledoze/countries data); repository MPL-2.0",
            attribution="REST Countries (ODbL)",
            cadence="no regular release schedule",
        ),
        Source(
            key="cow",
            folder="cow",
            short="Correlates of War",
            label="National Material Capabilities (abridged, v6.0)",
            publisher="Correlates of War Project",
            licence="free for academic use, with citation",
            attribution="Correlates of War National Material Capabilities",
            cadence="no regular release schedule",
        ),
        Source(
            key="kiel",
            folder="kiel",
            short="Kiel tracker",
            label="Ukraine Support Tracker",
            publisher="Kiel Institute for the World Economy, Ukraine Support Tracker",
            licence=(
                "none stated; cite 'Ukraine Support Tracker, Kiel Institute, Release {release}'"
            ),
            attribution="Kiel Institute Ukraine Support Tracker",
            cadence="the Ukraine Support Tracker publishes a release every few months",
            period_days=122,
        ),
        Source(
            key="dmdc",
            folder="dmdc",
            short="DMDC",
            label="Military and Civilian Personnel by Service/Agency by State/Country",
            publisher="Defense Manpower Data Center (DMDC), US Department of Defense",
            licence="US federal government work: public domain in the United States",
            attribution=(
                "the Defense Manpower Data Center's quarterly location report (US Department of "
                "Defense; a US federal work, public domain)"
            ),
            cadence=(
                "DMDC publishes its location report every quarter, weeks after the quarter ends"
            ),
            period_days=91,
            side_by_side=True,
        ),
    )
}
# The project's own membership facts (data/memberships.csv, every row citing its source): named
# like a source wherever a figure rests on them.
MEMBERSHIPS = Source(
    key="memberships",
    folder="data",
    files="data/memberships.csv",
    short="Alliance Ledger memberships",
    label="Memberships of the tracked groupings",
    publisher="Alliance Ledger (compiled from the sources in each row)",
    licence="project compilation of public facts; each row cites its source",
    attribution="",
    cadence="no regular release schedule",
    own=True,
)


def get(key: str) -> Source | None:
    """A source by key, the project's memberships included (None: not a source)."""
    return SOURCES.get(key) or (MEMBERSHIPS if key == MEMBERSHIPS.key else None)


def by_folder(folder: str) -> Source | None:
    """The source whose raw files sit in this folder ('geo': REST Countries)."""
    return next((s for s in (*SOURCES.values(), MEMBERSHIPS) if s.folder == folder), None)


def short(key_or_folder: str) -> str:
    """A source's short name from its key or folder; anything else as it is."""
    found = get(key_or_folder) or by_folder(key_or_folder)
    return found.short if found else key_or_folder


def shorts() -> dict[str, str]:
    """Key -> short name of every source (for a column of source keys)."""
    return {s.key: s.short for s in (*SOURCES.values(), MEMBERSHIPS)}


def offered() -> list[str]:
    """The sources the pages offer as a choice, in catalogue order (read at each call, so an
    entry added to SOURCES is offered at once)."""
    return [s.key for s in SOURCES.values() if s.offered]


def choice_help() -> str:
    """The Source control's help: what each offered source's figures are."""
    parts = [f"{s.short}: {s.about}." for s in SOURCES.values() if s.offered]
    return " ".join(parts) + " The definitions differ, so the figures do too."
