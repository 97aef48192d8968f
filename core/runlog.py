"""The write side's records that both sides read: the run log beside the database (every build
and refresh, one JSON line each, copied into `etl_run` at each publish), and the downloads a
refresh held back under `<raw>/.refused/` (etl/quarantine.py moves them there; `etl status`
lists them; ledger/freshness.py flags their source).

The run log is a side file (core/sidefiles.py): appended to one whole line at a time, read no
further than its cap, never a link's target or a FIFO.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from core import sidefiles
from core.files import sha256

# How a refresh's run-log message begins when it held a source's new files back: HELD, the
# folder, a colon (etl/cli.py writes it with held_message; ledger/freshness.py reads it back).
HELD = "held back"
_HELD = re.compile(rf"{HELD} (\w+): ")
REFUSED = ".refused"  # the folder under the raw dir that holds what a refresh held back
RECORD = ".refused.json"  # suffix of the error record beside a held-back file


def held_message(folder: str, what: str) -> str:
    """The run-log message of a refresh that held `folder`'s new files back."""
    return f"{HELD} {folder}: {what}"


def held_folder(message: str | None) -> str | None:
    """The folder a run-log message says was held back (None: not such a message)."""
    m = _HELD.match(message or "")
    return m[1] if m else None


def run_log(db: Path) -> Path:
    """Every run, failed ones included, is appended here and copied into etl_run on publish."""
    return db.with_name(db.name + ".runs.jsonl")


RUN_LOG = {"limit": "run_log_mb", "what": "run log"}  # core.sidefiles: its cap and its name


def log_run(db: Path, entry: dict) -> None:
    """Append one run as one JSON line (one write, so a kill cannot interleave two runs), on a
    checked regular file (core.sidefiles: never a link's target, a FIFO, or past its cap)."""
    line = json.dumps(entry, default=str) + "\n"
    sidefiles.append(run_log(db), line.encode("utf-8"), **RUN_LOG)


def check_run_log(db: Path) -> None:
    """Refuse, before a run starts, a run log it could not append to (one line)."""
    sidefiles.check(run_log(db), room=64 << 10, **RUN_LOG)  # room for a run's few lines


# etl_run's columns: the NOT NULL ones a line must have, the text ones it may have, the times.
RUN_FIELDS = ("run_id", "command", "started_at", "outcome")
RUN_TEXT = ("run_id", "command", "outcome", "raw_dir", "sources_sha256", "message")
RUN_TIMES = ("started_at", "finished_at")


@dataclass
class PastRuns:
    runs: list[dict]  # one per run_id, as it last stood
    skipped: int  # lines that are not a run: cut short by a kill, or damaged


def past_runs(db: Path) -> PastRuns:
    """Every run in the log, and how many lines were skipped. A line that is not a JSON object
    with etl_run's fields of the right types (text, ISO times) is skipped and counted, never
    loaded: one damaged line had failed every later build at the insert into etl_run."""
    data = sidefiles.read(run_log(db), **RUN_LOG) or b""
    runs: dict[str, dict] = {}
    skipped = 0
    for line in data.decode("utf-8", errors="replace").splitlines():
        if not line.strip():
            continue
        if (run := _run(line)) is None:
            skipped += 1
            continue
        runs[run["run_id"]] = run  # run_id is the key of etl_run: the last line wins
    for run in runs.values():
        if run["outcome"] == "started":  # no end was ever logged
            run["outcome"] = "killed"
            run["message"] = "started but never finished: the process was killed or stopped"
    return PastRuns(list(runs.values()), skipped)


def _run(line: str) -> dict | None:
    """One run-log line as etl_run can hold it, or None."""
    try:
        run = json.loads(line)
    except (ValueError, RecursionError):  # cut short, not JSON, or nested past Python's stack
        return None
    if not isinstance(run, dict) or not all(run.get(k) for k in RUN_FIELDS):
        return None
    if not all(run.get(k) is None or isinstance(run[k], str) for k in (*RUN_TEXT, *RUN_TIMES)):
        return None
    try:
        for k in RUN_TIMES:
            if run.get(k) is not None:
                run[k] = datetime.fromisoformat(run[k])
    except ValueError:
        return None
    version = run.get("warehouse_version")
    run["warehouse_version"] = version if isinstance(version, str) else None
    return run


@dataclass(frozen=True)
class Refused:
    """A held-back file as `etl status` lists it."""

    file: str  # relative to the raw dir, as it was downloaded
    day: str  # the .refused/<day> folder
    refused_at: str
    sha256: str
    error: str
    intact: bool  # the bytes are still those refused


def refused(raw_dir: Path) -> list[Refused]:
    """Every held-back file under <raw>/.refused, newest first (unreadable records are listed
    with what can be said about them)."""
    root = Path(raw_dir) / REFUSED
    out = []
    for record in sorted(root.glob(f"*/*/*{RECORD}"), reverse=True):
        held = record.with_name(record.name.removesuffix(RECORD))
        day = record.relative_to(root).parts[0]
        try:
            entry = json.loads(record.read_text(encoding="utf-8"))
            file, digest = str(entry["file"]), str(entry["sha256"])
            at, error = str(entry.get("refused_at", "")), str(entry.get("error", ""))
        except (OSError, ValueError, KeyError, TypeError):
            name = held.relative_to(root / day).as_posix()
            out.append(Refused(name, day, "", "", "(unreadable record)", False))
            continue
        intact = held.is_file() and sha256(held) == digest
        out.append(Refused(file, day, at, digest, error, intact))
    return out
