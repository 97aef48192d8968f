"""`etl export DIR`: every table and view of the warehouse as Parquet, plus datapackage.json.

The data package (Frictionless Data Package v1) is what lets the files travel: one resource per
Parquet file with a schema (each column's type, description and unit), the sources with their
editions and licences as the warehouse's source_file table records them, and the project's
citation (CITATION.cff). Descriptions come from the comments in core/schema.sql (a trailing
`-- ...` on each column line) and from the `-- Columns` block in each view file's header (or a
COMMENT ON the build sets, which wins); units from the column-name suffixes that schema.sql's
header promises ("money names its unit and price base").
"""

from __future__ import annotations

import io
import json
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import yaml

from core import limits, outdir
from core.db import SCHEMA, VIEWS, connect_readonly, warehouse_version
from core.errors import EtlError, first_line

ROOT = Path(__file__).resolve().parent.parent
CITATION = ROOT / "CITATION.cff"
PACKAGE = "datapackage.json"

# DuckDB type (its first word) -> Frictionless Table Schema field type.
FIELD_TYPES = {
    "VARCHAR": "string",
    "BOOLEAN": "boolean",
    "TINYINT": "integer",
    "SMALLINT": "integer",
    "INTEGER": "integer",
    "BIGINT": "integer",
    "HUGEINT": "integer",
    "UTINYINT": "integer",
    "USMALLINT": "integer",
    "UINTEGER": "integer",
    "UBIGINT": "integer",
    "FLOAT": "number",
    "DOUBLE": "number",
    "DECIMAL": "number",
    "DATE": "date",
    "TIMESTAMP": "datetime",
    "TIME": "time",
    "STRUCT": "object",
    "MAP": "object",
}
# Column-name suffix -> unit, longest first (schema.sql names every amount's unit this way).
UNITS = [
    ("pct_gdp", "percent of GDP"),
    ("_usd_m", "million US$"),
    ("_ncu_m", "million national currency units"),
    ("_currency_m", "million national currency units"),
    ("_eur_bn", "billion euros"),
    ("_kusd", "thousand US$"),
    ("_usd", "US$"),
    ("_eur", "euros"),
    ("_pct", "percent"),
    ("_pp", "percentage points"),
    ("_kt_coal_eq", "thousand tonnes of coal equivalent"),
    ("_kt", "thousand tonnes"),
    ("_k", "thousands"),
]
# Licence words -> an Open Definition / SPDX licence a reader's tools recognise.
KNOWN_LICENCES = {
    "CC BY 4.0": ("CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "ODbL": ("ODbL-1.0", "https://opendatacommons.org/licenses/odbl/1-0/"),
    "MPL-2.0": ("MPL-2.0", "https://www.mozilla.org/en-US/MPL/2.0/"),
}
_CREATE = re.compile(r"^\s*create table (\w+)\s*\((?:\s*--\s*(.*))?", re.IGNORECASE)
_COLUMN = re.compile(r"^\s*(\w+)\s+[^-]*?--\s*(.*?)\s*$")
_NOT_COLUMNS = {"primary", "foreign", "unique", "check", "constraint"}
_VIEW = re.compile(r"create (?:or replace )?view (\w+)", re.IGNORECASE)
_COLUMNS_BLOCK = re.compile(r"^--\s*Columns\b.*:\s*$")
_VIEW_COLUMN = re.compile(r"^-- {2,3}(\w+): (.+)$")
_CONTINUED = re.compile(r"^-- {4,}(\S.*)$")


@dataclass
class Exported:
    out: Path
    rows: dict[str, int]
    bytes: int


def ddl_comments(text: str) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """({table: comment}, {(table, column): comment}) from the `--` comments of the DDL."""
    tables: dict[str, str] = {}
    columns: dict[tuple[str, str], str] = {}
    table = None
    for line in text.splitlines():
        if m := _CREATE.match(line):
            table = m.group(1)
            if m.group(2):
                tables[table] = m.group(2).strip()
        elif table and line.strip().startswith(");"):
            table = None
        elif table and (m := _COLUMN.match(line)) and m.group(1).lower() not in _NOT_COLUMNS:
            columns[(table, m.group(1))] = m.group(2)
    return tables, columns


def view_comments(
    paths: list[Path] | None = None,
) -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """({view: header}, {(view, column): description}) from queries/views/*.sql.

    The header is the comment before `create`; its `-- Columns` block (one `--   name: text`
    line per column, continued on lines indented further) describes the view's columns, since
    a view has no DDL line per column to carry a trailing comment. DuckDB's COMMENT ON COLUMN
    would also work on a view, but `create or replace view` drops it, and the file is what a
    reader copies into their own DuckDB.
    """
    views: dict[str, str] = {}
    columns: dict[tuple[str, str], str] = {}
    for path in sorted(VIEWS.glob("*.sql")) if paths is None else paths:
        text = path.read_text(encoding="utf-8")
        m = _VIEW.search(text)
        if not m:
            continue
        view, header, column = m.group(1), [], None
        for line in text[: m.start()].splitlines():
            if not line.startswith("--"):
                continue
            if _COLUMNS_BLOCK.match(line):
                column = ""
            elif column is not None and (c := _VIEW_COLUMN.match(line)):
                column = c.group(1)
                columns[(view, column)] = c.group(2).strip()
            elif column and (c := _CONTINUED.match(line)):
                columns[(view, column)] += " " + c.group(1).strip()
            else:
                column = None  # any other line ends the block
                header.append(line.removeprefix("--").strip())
        views[view] = " ".join(h for h in header if h)
    return views, columns


def unit(column: str) -> str | None:
    return next((u for suffix, u in UNITS if column.endswith(suffix)), None)


def field_type(duckdb_type: str) -> str:
    if duckdb_type.endswith("[]"):
        return "array"
    return FIELD_TYPES.get(re.split(r"[ (]", duckdb_type, maxsplit=1)[0], "any")


def citation(built: str) -> str:
    """The project's preferred citation (CITATION.cff), with the build it describes."""
    cff = yaml.safe_load(CITATION.read_text(encoding="utf-8"))
    authors = "; ".join(a.get("name") or a.get("family-names", "") for a in cff["authors"])
    return f"{authors}. {cff['title']} (version {cff['version']}, data built {built}). Dataset."


def licences(files: list[dict]) -> list[dict]:
    """One licence per publisher's terms: standard ones by their SPDX name, the rest as Open
    Definition's "other-nc" (non-commercial) or "other-at" (attribution), with the terms as
    the title and the publisher's page as the path."""
    out: dict[str, dict] = {}
    for f in files:
        text, url = f["licence"], f["url"]
        known = [(n, p) for words, (n, p) in KNOWN_LICENCES.items() if words in text]
        for name, path in known:
            out.setdefault(name, {"name": name, "path": path, "title": f"{f['publisher']}: {text}"})
        if known or f"{f['publisher']}: {text}" in out:
            continue
        entry = {
            "name": "other-nc" if "non-commercial" in text.lower() else "other-at",
            "title": f"{f['publisher']}: {text}",
        }
        if url.startswith(("http://", "https://")):
            entry["path"] = url
        out[entry["title"]] = entry
    return list(out.values())


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def check_target(out: Path, force: bool) -> None:
    """Refuse, before any work, a folder the export cannot go to (one line naming it)."""
    if why := outdir.problem(out):
        raise EtlError(f"cannot export here: {why}", file=str(out))
    if out.is_dir() and not force and any(_visible(out)):
        raise EtlError(
            "export folder exists and is not empty (pass --force to overwrite its files)",
            file=str(out),
        )


def _visible(out: Path):
    """The folder's entries, leaving out an earlier export's temporary folder."""
    return (p for p in out.iterdir() if not (p.name.startswith(".") and p.name.endswith(".tmp")))


def open_warehouse(db: Path) -> duckdb.DuckDBPyConnection:
    """The database opened as every reader opens it (read-only, external access off, settings
    locked: a view in someone else's file that reads /etc/passwd fails instead of being copied
    into the export), and refused unless this code built it: the project's tables and the
    warehouse version of this code in its last published run."""
    con = connect_readonly(db)
    try:
        tables = {
            r[0]
            for r in con.execute(
                "select table_name from duckdb_tables() where database_name = current_database()"
            ).fetchall()
        }
        if missing := sorted({"edition", "etl_run", "source_file"} - tables):
            raise EtlError(f"not a database built by this project (no {', '.join(missing)})")
        theirs = _built_by(con)
        if theirs != (ours := warehouse_version()):
            raise EtlError(
                f"built by other code (warehouse version {theirs or 'not recorded'}, this "
                f"code's is {ours}): rebuild it with `etl build`, or export it with the code "
                "that built it"
            )
    except duckdb.Error as e:
        con.close()
        raise EtlError(f"cannot export: {first_line(e)}", file=str(db)) from None
    except EtlError as e:
        con.close()
        raise EtlError(e.problem, file=str(db)) from None
    return con


def _built_by(con: duckdb.DuckDBPyConnection) -> str | None:
    """The warehouse version of the code that published the file (None: not recorded)."""
    recorded = con.execute(
        "select count(*) from duckdb_columns() where database_name = current_database() "
        "and table_name = 'etl_run' and column_name = 'warehouse_version'"
    ).fetchall()[0][0]
    if not recorded:
        return None
    last = con.execute(
        "select warehouse_version from etl_run where outcome = 'published' "
        "order by started_at desc limit 1"
    ).fetchall()
    return last[0][0] if last else None


def export(db: Path, out: Path, *, force: bool = False) -> Exported:
    """Write every table and view of `db` as DIR/<name>.parquet and DIR/datapackage.json: all
    of them, or (a full disk, a kill, any error) none, the folder's earlier files kept."""
    db, out = Path(db), Path(out)
    check_target(out, force)
    con = open_warehouse(db)
    try:
        with outdir.staged(out, last=PACKAGE) as staging:
            done = write(con, staging)
    except duckdb.Error as e:  # a view that reads files, a damaged table, ...
        raise EtlError(f"cannot export: {first_line(e)}", file=str(db)) from None
    except EtlError as e:  # e.g. a runaway view
        raise EtlError(e.problem, file=e.file or str(db)) from None
    finally:
        con.close()
    return Exported(out=out, rows=done.rows, bytes=done.bytes)


def write(con: duckdb.DuckDBPyConnection, out: Path) -> Exported:
    """The export from an open connection (the app's read-only, locked-down one will do: the
    files are written by pyarrow, not by DuckDB)."""
    # Tables first, then views; a COMMENT ON the build sets wins over the parsed comments.
    objects = con.execute(
        "select table_name, false, comment from duckdb_tables() "
        "where database_name = current_database() and schema_name = 'main' "
        "union all "
        "select view_name, true, comment from duckdb_views() "
        "where database_name = current_database() and schema_name = 'main' and not internal "
        "order by 2, 1"
    ).fetchall()
    columns: dict[str, list[tuple[str, str, str | None]]] = {}
    for table, column, kind, comment in con.execute(
        "select table_name, column_name, data_type, comment from duckdb_columns() "
        "where database_name = current_database() and schema_name = 'main' "
        "order by table_name, column_index"
    ).fetchall():
        columns.setdefault(table, []).append((column, kind, comment or None))
    files = [
        dict(zip(("name", "publisher", "edition", "url", "licence", "sha256"), r, strict=True))
        for r in con.execute(
            "select name, publisher, edition, url, licence, sha256 from source_file order by name"
        ).fetchall()
    ]
    built = con.execute("select max(loaded_at) from source_file").fetchall()[0][0]
    table_notes, column_notes = ddl_comments(SCHEMA.read_text(encoding="utf-8"))
    view_notes, view_column_notes = view_comments()
    column_notes |= view_column_notes

    out.mkdir(parents=True, exist_ok=True)
    resources, rows, size = [], {}, 0
    for name, is_view, comment_on in objects:
        path = out / f"{name}.parquet"
        tmp = out / f".{name}.parquet.{os.getpid()}.tmp"
        count = _write_parquet(con, name, tmp)
        os.replace(tmp, path)
        rows[name], size = count, size + path.stat().st_size
        fields = []
        for column, kind, comment in columns[name]:
            field = {"name": column, "type": field_type(kind), "duckdbType": kind}
            if note := comment or column_notes.get((name, column)):
                field["description"] = note
            if u := unit(column):
                field["unit"] = u
            fields.append(field)
        description = comment_on or (view_notes if is_view else table_notes).get(name)
        resource = {
            "name": name,
            "path": path.name,
            "profile": "tabular-data-resource",
            "format": "parquet",
            "mediatype": "application/vnd.apache.parquet",
            "bytes": path.stat().st_size,
            "kind": "view" if is_view else "table",
            "rows": count,
            "schema": {"fields": fields},
        }
        if description:
            resource["description"] = description
        resources.append(resource)

    package = {
        "profile": "tabular-data-package",
        "name": "alliance-ledger",
        "title": "Alliance Ledger: defence spending of NATO and the minilateral groupings",
        "description": (
            "Every table and view of the Alliance Ledger warehouse. SIPRI, NATO and World Bank "
            "figures are kept apart (each table or the `source` column says whose). Each "
            "source's licence below applies to the figures derived from it; cite the sources "
            "as their licences ask, and this package as `citation` says."
        ),
        "created": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "citation": citation(str(built)[:10]),
        "licenses": licences(files),
        "sources": [
            {
                "title": f["publisher"],
                **({"path": f["url"]} if f["url"].startswith(("http://", "https://")) else {}),
                "file": f["name"],
                "edition": f["edition"],
                "licence": f["licence"],
                "sha256": f["sha256"],
            }
            for f in files
        ],
        "resources": resources,
    }
    tmp = out / f".{PACKAGE}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(package, indent=1, default=str) + "\n", encoding="utf-8")
    os.replace(tmp, out / PACKAGE)
    return Exported(out=out, rows=rows, bytes=size + (out / PACKAGE).stat().st_size)


def _write_parquet(con: duckdb.DuckDBPyConnection, name: str, path: Path) -> int:
    """One table or view as Parquet, streamed in record batches (memory stays bounded whatever
    its size), refused past ALLIANCE_EXPORT_ROWS rows (no warehouse of ours comes near it:
    a view over range(1e12) would otherwise run until the disk was full)."""
    try:
        most = int(limits.get("export_rows"))
    except limits.LimitError as e:
        raise EtlError(str(e)) from None
    relation = con.sql(f"select * from {_quoted(name)}")  # noqa: S608
    count = 0
    with (
        relation.to_arrow_reader(batch_size=64_000) as reader,
        pq.ParquetWriter(path, reader.schema, compression="zstd") as writer,
    ):
        for batch in reader:
            count += batch.num_rows
            if count > most:
                raise EtlError(
                    f"{name} has more than {most:,} rows (ALLIANCE_EXPORT_ROWS): not a "
                    "warehouse this project builds"
                )
            writer.write_batch(batch)
    return count


def zip_bytes(con: duckdb.DuckDBPyConnection, folder: str = "alliance-export") -> bytes:
    """The export as one zip (files under `folder/`), for a download button."""
    with tempfile.TemporaryDirectory(prefix="alliance-export-") as tmp:
        done = write(con, Path(tmp) / folder)
        buffer = io.BytesIO()
        # Parquet is compressed already (zstd); the zip only stores it, and deflates the JSON.
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as zf:
            for path in sorted(done.out.iterdir()):
                kind = zipfile.ZIP_DEFLATED if path.suffix == ".json" else zipfile.ZIP_STORED
                zf.write(path, f"{folder}/{path.name}", compress_type=kind)
        return buffer.getvalue()
