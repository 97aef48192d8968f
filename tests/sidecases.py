"""Hostile cases against the project's own side files, outputs and caches, one command each:
foreign databases given to `etl export`/`etl snapshot`, traps where the run log, the lock or a
provenance record goes, damaged run-log lines, failed runs over huge or foreign raw dirs,
outputs that cannot be written (a file, /proc, a read-only mount, a full disk), --as-of far in
the future, and a verdict store that is busy, linked, shared or holds a trap.

`tests/test_sidecases.py` runs each and asserts it holds; `bench/sidefiles.py` runs each under
GNU time for the figures in docs/RELIABILITY.md. A case holds when the command ends with the
expected exit code and one line on stderr naming what was wrong (no traceback), and what it must
leave alone is as it was. Cases that mount a tmpfs (a read-only one, a full one) run in a
private mount namespace (`unshare -rm`), so nothing is left mounted; they are skipped where
that is not allowed.
"""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from tests.helpers import etl_command as etl

ROOT = Path(__file__).resolve().parent.parent
VICTIM = b"someone else's file: must keep these bytes\n"
RAW_DIR = Path(os.environ.get("ALLIANCE_RAW_DIR", ROOT.parent / "shared" / "data" / "raw"))


@dataclass
class Run:
    """What a case runs and what it must give."""

    argv: list[str]
    code: int = 1  # expected exit code
    parts: tuple[str, ...] = ()  # in the one line on stderr
    after: Callable[[], str | None] = lambda: None  # what must hold afterwards (None: it does)
    env: dict[str, str] = field(default_factory=dict)
    stdout: tuple[str, ...] = ()  # in stdout
    lines: int | None = 1  # lines on stderr (None: any)


@dataclass(frozen=True)
class Case:
    id: str
    family: str
    what: str
    setup: Callable[[Path, Path], Run]  # (scratch folder, a served database) -> Run
    needs: str = ""  # "unshare", "raw": skipped without it
    slow: bool = False  # judges every claim (app.warm): the tests check these in-process


def warm(*args: str) -> list[str]:
    return [sys.executable, "-m", "app.warm", *map(str, args)]


def in_namespace(script: str) -> list[str]:
    """A shell script run as root of a private user and mount namespace."""
    return ["unshare", "-rm", "sh", "-euc", script]


def sh(argv: list[str]) -> str:
    return " ".join(shlex.quote(a) for a in argv)


def digest_tree(folder: Path) -> dict[str, str]:
    if not folder.is_dir():
        return {}
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _copy(db: Path, scratch: Path, name: str = "alliance.duckdb") -> Path:
    copy = scratch / name
    shutil.copyfile(db, copy)
    return copy


def _absent(*paths: Path) -> Callable[[], str | None]:
    return lambda: next((f"{p} was written" for p in paths if os.path.lexists(p)), None)


def _victim(scratch: Path) -> Path:
    victim = scratch / "victim.txt"
    victim.write_bytes(VICTIM)
    return victim


def _victim_kept(scratch: Path) -> str | None:
    victim = scratch / "victim.txt"
    if victim.exists() and victim.read_bytes() != VICTIM:
        return "the link's target was written"
    return None


# --- foreign databases ----------------------------------------------------------------------

FOREIGN = "foreign databases (`etl export`, `etl snapshot`)"


def _foreign(sql: list[str], command: str = "export", *parts: str, env=None):
    def setup(scratch: Path, served: Path) -> Run:
        import duckdb

        db = _copy(served, scratch, "foreign.duckdb")
        con = duckdb.connect(str(db))
        try:
            for statement in sql:
                con.execute(statement)
        finally:
            con.close()
        out = scratch / "out"
        argv = (
            etl("export", out, "--db", db)
            if command == "export"
            else etl("snapshot", "--db", db, "--out", out)
        )
        return Run(argv, parts=(str(db), *parts), after=_absent(out), env=env or {})

    return setup


def _not_ours(scratch: Path, served: Path) -> Run:
    import duckdb

    db = scratch / "theirs.duckdb"
    con = duckdb.connect(str(db))
    con.execute("create table notes as select 'private' as text")
    con.execute("create view leak as select * from read_text('/etc/hostname')")
    con.close()
    out = scratch / "out"
    return Run(etl("export", out, "--db", db), parts=(str(db),), after=_absent(out))


FILE_VIEW = "select * from read_text('/etc/hostname')"
CASES: list[Case] = [
    Case(
        "view-read-text",
        FOREIGN,
        "a view reading /etc/hostname with read_text",
        _foreign([f"create view leak as {FILE_VIEW}"], "export", "disabled"),
    ),
    Case(
        "view-read-csv",
        FOREIGN,
        "a view reading /etc/passwd with read_csv",
        _foreign(
            ["create view leak as select * from read_csv('/etc/passwd', sep=':', header=false)"],
            "export",
            "disabled",
        ),
    ),
    Case(
        "view-read-blob",
        FOREIGN,
        "a view reading a file with read_blob",
        _foreign(
            ["create view leak as select * from read_blob('/etc/hostname')"], "export", "disabled"
        ),
    ),
    Case(
        "view-glob",
        FOREIGN,
        "a view listing /etc with glob",
        _foreign(["create view leak as select * from glob('/etc/*')"], "export", "disabled"),
    ),
    Case(
        "table-macro",
        FOREIGN,
        "a view over a table macro that reads a file",
        _foreign(
            [
                f"create macro secret() as table {FILE_VIEW}",
                "create view leak as select * from secret()",
            ],
            "export",
            "disabled",
        ),
    ),
    Case(
        "scalar-macro",
        FOREIGN,
        "a view calling a scalar macro that reads a file",
        _foreign(
            [
                f"create macro secret() as (select content from ({FILE_VIEW}))",
                "create view leak as select secret() as s",
            ],
            "export",
            "disabled",
        ),
    ),
    Case(
        "table-swapped-for-view",
        FOREIGN,
        "a table the snapshot reads swapped for a view that reads a file (`etl snapshot`)",
        _foreign(
            [
                "alter table kiel_heavy_weapons rename to khw0",
                "create view kiel_heavy_weapons as select k.*, (select content from "
                f"({FILE_VIEW})) as s from khw0 k",
            ],
            "snapshot",
            "disabled",
        ),
    ),
    Case(
        "runaway-view",
        FOREIGN,
        "a view over range(10^12) rows (ALLIANCE_EXPORT_ROWS)",
        _foreign(
            ["create view huge as select range as n from range(1000000000000)"],
            "export",
            "ALLIANCE_EXPORT_ROWS",
        ),
    ),
    Case(
        "other-code",
        FOREIGN,
        "our tables, but built by other code (another warehouse version)",
        _foreign(
            ["update etl_run set warehouse_version = '0000000000000000'"],
            "export",
            "built by other code",
        ),
    ),
    Case(
        "not-ours",
        FOREIGN,
        "a DuckDB file of someone else's, with a view that reads a file",
        _not_ours,
    ),
]


# --- traps where a side file goes ------------------------------------------------------------

TRAPS_FAMILY = "traps at a side file (`etl build`: run log, lock, provenance record)"


def _make_trap(trap: str, path: Path, cap: int, scratch: Path) -> None:
    if trap == "fifo":
        os.mkfifo(path)
    elif trap == "link":
        path.symlink_to(_victim(scratch))
    elif trap == "dangling-link":
        path.symlink_to(scratch / "nowhere")
    elif trap == "device":
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 5))  # what /dev/zero is
    elif trap == "folder":
        path.mkdir()
    elif trap == "huge":
        with path.open("wb") as f:
            f.truncate(cap + 1)  # sparse


TRAPS = ("fifo", "link", "dangling-link", "device", "folder", "huge")


def _side_trap(side: str, trap: str):
    def setup(scratch: Path, served: Path) -> Run:
        db = _copy(served, scratch)
        before = hashlib.sha256(db.read_bytes()).hexdigest()
        path = {
            "run log": scratch / "alliance.duckdb.runs.jsonl",
            "lock": scratch / "alliance.duckdb.lock",
        }[side]
        _make_trap(trap, path, 1 << 20, scratch)

        def after() -> str | None:
            if hashlib.sha256(db.read_bytes()).hexdigest() != before:
                return "the database changed"
            if (scratch / "nowhere").exists():
                return "a dangling link was created through"
            return _victim_kept(scratch)

        env = {"ALLIANCE_RUN_LOG_MB": "1"}
        if side == "lock" and trap == "huge":  # never read: the build goes on, bytes kept
            kept = lambda: None if path.stat().st_size == (1 << 20) + 1 else "changed"  # noqa: E731
            return Run(etl("build", "--db", db), code=0, lines=None, env=env, after=kept)
        return Run(
            etl("build", "--db", db), parts=(str(path), "nothing was done"), after=after, env=env
        )

    return setup


def _provenance_trap(trap: str):
    def setup(scratch: Path, served: Path) -> Run:
        raw = scratch / "raw"
        for src in sorted(RAW_DIR.rglob("*")):
            if src.is_file() and src.suffix.lower() in (".xlsx", ".csv", ".json"):
                target = raw / src.relative_to(RAW_DIR)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(src, target)
        nato = next((raw / "nato").glob("*TABLES*.xlsx"))
        record = nato.with_name(f".{nato.name}.provenance.json")
        _make_trap(trap, record, 64 << 10, scratch)
        db = scratch / "alliance.duckdb"
        return Run(
            etl("build", "--raw-dir", raw, "--db", db),
            parts=(record.name,),
            after=lambda: _absent(db)() or _victim_kept(scratch),
        )

    return setup


for _side in ("run log", "lock"):
    for _trap in TRAPS:
        CASES.append(
            Case(
                f"{_side.replace(' ', '-')}-{_trap}",
                TRAPS_FAMILY,
                f"{_trap} at the {_side}",
                _side_trap(_side, _trap),
            )
        )
for _trap in TRAPS:
    CASES.append(
        Case(
            f"provenance-{_trap}",
            TRAPS_FAMILY,
            f"{_trap} at a provenance record",
            _provenance_trap(_trap),
            needs="raw",
        )
    )


# --- damaged run-log lines --------------------------------------------------------------------

DAMAGE_FAMILY = "damaged run-log lines (`etl build`, then `etl status`)"
DAMAGED = {
    "not-json": b"{not json",
    "a-list": b"[1, 2, 3]",
    "a-string": b'"a string"',
    "empty-object": b"{}",
    "bad-start-time": b'{"run_id": "x1", "command": "build", "started_at": "yesterday", '
    b'"outcome": "failed"}',
    "number-time": b'{"run_id": "x2", "command": "build", "started_at": 20261201, '
    b'"outcome": "failed"}',
    "object-id": b'{"run_id": {"a": 1}, "command": "build", "started_at": "2026-12-01", '
    b'"outcome": "failed"}',
    "month-13": b'{"run_id": "x3", "command": "build", "started_at": "2026-12-01", '
    b'"outcome": "failed", "finished_at": "2026-13-45"}',
    "list-command": b'{"run_id": "x4", "command": ["b"], "started_at": "2026-12-01", '
    b'"outcome": "failed"}',
    "object-message": b'{"run_id": "x5", "command": "b", "started_at": "2026-12-01", '
    b'"outcome": "failed", "message": {"nested": true}}',
    "deep-nesting": b"[" * 100_000 + b"]" * 100_000,
    "huge-number": b'{"run_id": 1' + b"0" * 5000 + b"}",
    "not-utf8": b"\xff\xfe not utf-8 \x00",
}


def _damaged(line: bytes):
    def setup(scratch: Path, served: Path) -> Run:
        db = _copy(served, scratch)
        (scratch / "alliance.duckdb.runs.jsonl").write_bytes(line + b"\n")
        script = f"{sh(etl('build', '--db', db))} >/dev/null && {sh(etl('status', '--db', db))}"
        return Run(["sh", "-c", script], code=0, lines=0, stdout=("1 line(s) skipped",))

    return setup


for _id, _line in DAMAGED.items():
    CASES.append(Case(f"log-{_id}", DAMAGE_FAMILY, f"run-log line: {_id}", _damaged(_line)))


# --- failed runs over huge or foreign raw dirs ------------------------------------------------

DIGEST_FAMILY = "failed runs' digests (`etl build --raw-dir`)"


def _last_digests(db: Path) -> dict:
    log = db.with_name(db.name + ".runs.jsonl")
    return json.loads(json.loads(log.read_text().splitlines()[-1])["sources_sha256"] or "{}")


def _sparse_raw(scratch: Path, served: Path) -> Run:
    raw = scratch / "raw"
    (raw / "sipri").mkdir(parents=True)
    (raw / "elsewhere").mkdir()
    for path in (raw / "sipri" / "SIPRI-Milex-data-huge.xlsx", raw / "elsewhere" / "big.bin"):
        with path.open("wb") as f:
            f.truncate(20 << 30)  # 20 GB, sparse: 67 s to hash before
    db = scratch / "alliance.duckdb"

    def after() -> str | None:
        digests = _last_digests(db)
        if set(digests) != {"sipri/SIPRI-Milex-data-huge.xlsx"}:
            return f"hashed {sorted(digests)}"
        return (
            None
            if digests["sipri/SIPRI-Milex-data-huge.xlsx"].startswith("not hashed")
            else ("hashed a file over its cap")
        )

    return Run(etl("build", "--raw-dir", raw, "--db", db), parts=("cap",), after=after)


def _tree_raw(folder: str):
    def setup(scratch: Path, served: Path) -> Run:
        db = scratch / "alliance.duckdb"
        walked = lambda: None if _last_digests(db) == {} else "walked the tree"  # noqa: E731
        return Run(etl("build", "--raw-dir", folder, "--db", db), parts=("no file",), after=walked)

    return setup


def _many_raw(scratch: Path, served: Path) -> Run:
    raw = scratch / "raw"
    (raw / "worldbank").mkdir(parents=True)
    for i in range(5000):
        (raw / "worldbank" / f"API_{i:05}.csv").write_bytes(b"x")
    db = scratch / "alliance.duckdb"
    capped = lambda: None if len(_last_digests(db)) <= 65 else "hashed past the cap"  # noqa: E731
    return Run(etl("build", "--raw-dir", raw, "--db", db), after=capped)


CASES += [
    Case(
        "sparse-20gb",
        DIGEST_FAMILY,
        "a 20 GB sparse file as SIPRI's and one elsewhere",
        _sparse_raw,
    ),
    Case("raw-usr", DIGEST_FAMILY, "--raw-dir /usr (was hashed whole)", _tree_raw("/usr")),
    Case(
        "raw-proc", DIGEST_FAMILY, "--raw-dir /proc (raised while walking it)", _tree_raw("/proc")
    ),
    Case("raw-root", DIGEST_FAMILY, "--raw-dir /", _tree_raw("/")),
    Case("raw-5000-files", DIGEST_FAMILY, "5,000 files matching a source's pattern", _many_raw),
]


# --- outputs that cannot be written -----------------------------------------------------------

OUTPUT_FAMILY = "outputs that cannot be written (`export`, `snapshot --out`, `refresh --raw-dir`)"


def _output(command: str, where: str, *parts: str):
    """`where`: 'file' (an existing file), 'proc' (under /proc), 'under-file' (a folder inside
    a file), 'read-only' (a read-only tmpfs)."""

    def setup(scratch: Path, served: Path) -> Run:
        db = _copy(served, scratch)
        blocker = scratch / "a-file"
        blocker.write_bytes(VICTIM)
        target = {
            "file": blocker,
            "proc": Path("/proc/alliance-out"),
            "under-file": blocker / "out",
            "read-only": scratch / "ro" / "out",
        }[where]
        argv = {
            "export": etl("export", target, "--db", db),
            "snapshot": etl("snapshot", "--db", db, "--out", target),
            "refresh": etl("refresh", "--raw-dir", target, "--db", db),
        }[command]

        def after() -> str | None:
            return "the file was changed" if blocker.read_bytes() != VICTIM else None

        if where == "read-only":
            (scratch / "ro").mkdir()
            script = f"mount -t tmpfs -o ro,size=1m none {shlex.quote(str(scratch / 'ro'))}\n"
            argv = in_namespace(script + f"exec {sh(argv)}")
        return Run(argv, parts=parts, after=after)

    return setup


for _command in ("export", "snapshot", "refresh"):
    for _where, _parts in (
        ("file", ("not a folder",)),
        ("proc", ("cannot write in /proc",)),
        ("under-file", ("is a file, not a folder",)),
        ("read-only", ("Read-only file system",)),
    ):
        if _command == "refresh" and _where == "file":
            _parts = ("is a file, not a folder",)
        CASES.append(
            Case(
                f"{_command}-{_where}",
                OUTPUT_FAMILY,
                f"`{_command}` into {_where}",
                _output(_command, _where, *_parts),
                needs="unshare" if _where == "read-only" else "",
            )
        )


def _build_into_proc(scratch: Path, served: Path) -> Run:
    return Run(etl("build", "--db", "/proc/alliance.duckdb"), parts=("/proc",))


CASES.append(
    Case("build-proc", OUTPUT_FAMILY, "`build --db /proc/alliance.duckdb`", _build_into_proc)
)


# --- a full disk --------------------------------------------------------------------------------

FULL_FAMILY = "a full disk (`etl export`, `etl snapshot`) on a small tmpfs"


def _full(command: str, earlier: bool):
    """Write onto a tmpfs too small for it: nothing must be left (a new folder), or the earlier
    files byte for byte (an existing one, the disk filled up since)."""

    def setup(scratch: Path, served: Path) -> Run:
        db = _copy(served, scratch)
        mnt = scratch / "mnt"
        mnt.mkdir()
        out = mnt / "out"
        write = (
            etl("export", out, "--db", db, "--force")
            if command == "export"
            else etl("snapshot", "--db", db, "--out", out)
        )
        q = shlex.quote
        report = scratch / "report"
        lines = [f"mount -t tmpfs -o size={'8m' if earlier else '512k'} none {q(str(mnt))}"]
        if earlier:  # an earlier export, then the disk fills up but for 512 kB
            lines += [
                f"{sh(write)} >/dev/null",
                f"(cd {q(str(out))} && sha256sum * | sort) > {q(str(report))}.before",
                f"dd if=/dev/zero of={q(str(mnt / 'fill'))} bs=64k 2>/dev/null || true",
                f"truncate -s -512K {q(str(mnt / 'fill'))}",
            ]
        lines += [
            f"set +e; {sh(write)}; code=$?; set -e",
            f"ls -A {q(str(mnt))} > {q(str(report))}.listing",
            f"if [ -d {q(str(out))} ]; then (cd {q(str(out))} && sha256sum * | sort) "
            f"> {q(str(report))}.after; fi",
            "exit $code",
        ]

        def after() -> str | None:
            listing = (scratch / "report.listing").read_text().split()
            if not earlier:
                return None if listing == [] else f"left {listing}"
            before = (scratch / "report.before").read_text()
            kept = (scratch / "report.after").read_text() == before
            return (
                None if kept and sorted(listing) == ["fill", "out"] else "the earlier files changed"
            )

        return Run(in_namespace("\n".join(lines)), parts=("No space left on device",), after=after)

    return setup


CASES += [
    Case(
        "export-full-new",
        FULL_FAMILY,
        "`export` of 2 MB onto a 512 kB tmpfs",
        _full("export", False),
        needs="unshare",
    ),
    Case(
        "export-full-over",
        FULL_FAMILY,
        "`export --force` over an earlier export, disk filled",
        _full("export", True),
        needs="unshare",
    ),
    Case(
        "snapshot-full-new",
        FULL_FAMILY,
        "`snapshot --out` onto a 512 kB tmpfs",
        _full("snapshot", False),
        needs="unshare",
    ),
    Case(
        "snapshot-full-over",
        FULL_FAMILY,
        "`snapshot --out` over an earlier one, disk filled",
        _full("snapshot", True),
        needs="unshare",
    ),
]


# --- --as-of far ahead ------------------------------------------------------------------------

AS_OF_FAMILY = "--as-of far ahead (`etl claims`, `app.warm`)"


def _as_of(argv_of: Callable[[Path], list[str]], code: int, *parts: str):
    def setup(scratch: Path, served: Path) -> Run:
        return Run(argv_of(served), code=code, parts=parts or ("too far ahead",))

    return setup


_NEXT = (date.today() + timedelta(days=367)).isoformat()
CASES += [
    Case(
        "claims-9999",
        AS_OF_FAMILY,
        "`etl claims --as-of 9999-12-31`",
        _as_of(lambda db: etl("claims", "--db", db, "--as-of", "9999-12-31"), 1),
    ),
    Case(
        "claims-history-9999",
        AS_OF_FAMILY,
        "`etl claims --history --as-of 9999-12-31` (15 min)",
        _as_of(lambda db: etl("claims", "--db", db, "--history", "--as-of", "9999-12-31"), 1),
    ),
    Case(
        "claims-next-year",
        AS_OF_FAMILY,
        "`etl claims --history --as-of` a year and 2 days on",
        _as_of(lambda db: etl("claims", "--db", db, "--history", "--as-of", _NEXT), 1),
    ),
    Case(
        "claims-not-a-date",
        AS_OF_FAMILY,
        "`etl claims --as-of 10000-01-01`",
        _as_of(lambda db: etl("claims", "--db", db, "--as-of", "10000-01-01"), 1, "not a date"),
    ),
    Case(
        "warm-9999",
        AS_OF_FAMILY,
        "`app.warm --as-of 9999-12-31` (15 min)",
        _as_of(lambda db: warm("--as-of", "9999-12-31"), 2),
    ),
    Case(
        "warm-next-year",
        AS_OF_FAMILY,
        "`app.warm --as-of` a year and 2 days on",
        _as_of(lambda db: warm("--as-of", _NEXT), 2),
    ),
]


# --- the verdict store --------------------------------------------------------------------------

STORE_FAMILY = "the verdict store (`app.warm`): busy, linked, shared, traps in it"
LOCKER = """
import sqlite3, sys, time, diskcache
diskcache.Cache(sys.argv[1]).close()
con = sqlite3.connect(sys.argv[1] + "/cache.db", isolation_level=None)
con.execute("pragma locking_mode=exclusive")
con.execute("begin exclusive")
con.execute("insert into Settings values ('held', 1)")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
"""


def hold_store(folder: Path, seconds: float) -> subprocess.Popen:
    """Another process holding the store's index locked (until it is killed or times out)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCKER, str(folder), str(seconds)], stdout=subprocess.PIPE
    )
    assert holder.stdout.readline().strip() == b"locked"
    return holder


def _store(trap: str, *parts: str):
    def setup(scratch: Path, served: Path) -> Run:
        cache = scratch / "cache"
        if trap == "folder-link":
            real = scratch / "real-cache"
            real.mkdir(mode=0o700)
            cache.symlink_to(real)
        elif trap == "folder-shared":
            cache.mkdir()
            cache.chmod(0o777)
        elif trap == "folder-is-file":
            cache.write_bytes(VICTIM)
        else:
            cache.mkdir(mode=0o700)
            index = cache / ("cache.db-wal" if trap == "wal-link" else "cache.db")
            if trap in ("index-link", "wal-link"):
                index.symlink_to(_victim(scratch))
            else:
                _make_trap(
                    {
                        "index-fifo": "fifo",
                        "index-folder": "folder",
                        "index-huge": "huge",
                        "index-device": "device",
                    }[trap],
                    index,
                    256 << 20,
                    scratch,
                )

        def after() -> str | None:
            if trap == "folder-link" and any((scratch / "real-cache").iterdir()):
                return "wrote through the link"
            return _victim_kept(scratch)

        return Run(
            warm(),
            parts=("verdict store", *parts),
            stdout=("0 values stored",),
            env={"ALLIANCE_DB": str(served), "ALLIANCE_CACHE_DIR": str(cache)},
            after=after,
        )

    return setup


def _busy(scratch: Path, served: Path) -> Run:
    cache = scratch / "cache"
    cache.mkdir(mode=0o700)
    said = shlex.quote(str(scratch / "locker.out"))
    script = (
        f"{shlex.quote(sys.executable)} -c {shlex.quote(LOCKER)} {shlex.quote(str(cache))} 300 "
        f"> {said} & holder=$!\n"
        f"while ! grep -q locked {said} 2>/dev/null; do sleep 0.1; done\n"
        f"set +e; {sh(warm())}; code=$?; kill $holder; exit $code"
    )
    return Run(
        ["sh", "-euc", script],
        parts=("busy in another process", "not stored"),
        stdout=("0 values stored",),
        env={"ALLIANCE_DB": str(served), "ALLIANCE_CACHE_DIR": str(cache)},
    )


CASES += [
    Case(
        "store-busy",
        STORE_FAMILY,
        "the index locked by another process (118 s before)",
        _busy,
        slow=True,
    ),
    Case(
        "store-folder-link",
        STORE_FAMILY,
        "the folder is a symbolic link",
        _store("folder-link", "symbolic link"),
        slow=True,
    ),
    Case(
        "store-folder-shared",
        STORE_FAMILY,
        "the folder is writable by others",
        _store("folder-shared", "writable by other users"),
        slow=True,
    ),
    Case(
        "store-folder-is-file",
        STORE_FAMILY,
        "the folder is a file",
        _store("folder-is-file", "not a folder"),
        slow=True,
    ),
    Case(
        "store-index-fifo",
        STORE_FAMILY,
        "cache.db is a FIFO",
        _store("index-fifo", "not a regular file"),
        slow=True,
    ),
    Case(
        "store-index-link",
        STORE_FAMILY,
        "cache.db is a link to another file",
        _store("index-link", "not a regular file"),
        slow=True,
    ),
    Case(
        "store-wal-link",
        STORE_FAMILY,
        "cache.db-wal is a link to another file",
        _store("wal-link", "not a regular file"),
        slow=True,
    ),
    Case(
        "store-index-folder",
        STORE_FAMILY,
        "cache.db is a folder",
        _store("index-folder", "not a regular file"),
        slow=True,
    ),
    Case(
        "store-index-device",
        STORE_FAMILY,
        "cache.db is a character device",
        _store("index-device", "not a regular file"),
        slow=True,
    ),
    Case(
        "store-index-huge",
        STORE_FAMILY,
        "cache.db is 256 MB (sparse), over its cap",
        _store("index-huge", "over its cap"),
        slow=True,
    ),
]

FAMILIES = list(dict.fromkeys(c.family for c in CASES))


def can(need: str) -> bool:
    """Whether this machine allows what a case needs."""
    if need == "unshare":
        try:
            return subprocess.run(in_namespace("true"), capture_output=True).returncode == 0
        except OSError:
            return False
    if need == "raw":
        return RAW_DIR.is_dir()
    return True


def judge(run: Run, result: subprocess.CompletedProcess) -> str | None:
    """Why the case did not hold (None: it held)."""
    stderr = result.stderr.strip()
    lines = stderr.splitlines()
    if result.returncode != run.code:
        return f"exit {result.returncode}, not {run.code}: {stderr[-300:]}"
    if "Traceback" in stderr:
        return "a traceback"
    if run.lines is not None and len(lines) != run.lines:
        return f"{len(lines)} lines on stderr: {stderr[-300:]}"
    for part in run.parts:
        if part not in stderr:
            return f"{part!r} not in {stderr[-300:]!r}"
    for part in run.stdout:
        if part not in result.stdout:
            return f"{part!r} not in stdout {result.stdout[-300:]!r}"
    return run.after()
