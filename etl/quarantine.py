"""Hold back what a refresh downloaded and the build refused, so one bad file stops one source,
not every later build.

When the build after a download refuses a file this refresh brought (`culprit`), that source's
new files leave the tree builds read: they move to `<raw>/.refused/<YYYY-MM-DD>/<folder>/`
with the error beside each (`<name>.refused.json`), and the files they had replaced are put
back from where `refresh_raw(previous=...)` kept them (`hold_back`). The build is then run
again without them. A file no refresh of this run wrote (put there by hand, or by an earlier
run) is never moved: its refusal stays a failed build, as before. `etl status` lists what is
held (core.runlog.refused). The folder's name starts with a dot, so no parser glob and no
run-log digest sees it; deleting it is always safe.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from core.errors import EtlError
from core.files import sha256
from core.runlog import RECORD, REFUSED
from etl.download import Downloaded
from etl.sources import provenance


@dataclass(frozen=True)
class Held:
    """One source's update held back: what moved out, what came back, where to, and why."""

    folder: str  # the source's folder under the raw dir
    files: tuple[str, ...]  # held back, relative to the raw dir
    restored: tuple[str, ...]  # previous files put back, relative to the raw dir
    where: Path  # <raw>/.refused/<date>
    error: str  # the build's one-line refusal


def culprit(
    error: EtlError, fetched: list[Downloaded], raw_dir: Path, held: set[str]
) -> str | None:
    """The folder whose new files (downloaded by this refresh: `fetched`) the build refused, or
    None when the refusal cannot be pinned on them (it then stays a failed build).

    The error names the file (parsers, checks, provenance), or names this run's files in its
    text (two files claiming one edition); else, a check that names an older file of a folder
    this refresh changed (the checks name the first loaded file of a table) counts when that
    file came from a refresh (it has a provenance record): a file put there by hand never
    does. Folders already held back (`held`) are not held again.
    """
    changed = {d.name: d.name.split("/")[0] for d in fetched if d.changed}
    changed = {name: folder for name, folder in changed.items() if folder not in held}
    named = (error.file or "").removeprefix(f"{raw_dir}/")
    if named in changed:
        return changed[named]
    folders = {folder for name, folder in changed.items() if name in str(error)}
    if len(folders) == 1:
        return folders.pop()
    folder = named.split("/")[0]
    path = Path(raw_dir) / named
    if folder in changed.values() and path.is_file() and provenance.path_of(path).is_file():
        return folder
    return None


def hold_back(
    raw_dir: Path, folder: str, fetched: list[Downloaded], previous: Path, error: str, run: str
) -> Held:
    """Move this refresh's new files of `folder` to <raw>/.refused/<today>/ with their error
    and provenance record, and put back the files they replaced (kept in `previous`)."""
    day = datetime.now(UTC).date().isoformat()
    where = Path(raw_dir) / REFUSED / day
    mine = [d for d in fetched if d.changed and d.name.split("/")[0] == folder]
    files, restored, places = [], [], set()
    for d in mine:
        src = Path(raw_dir) / d.name
        if not src.is_file():
            continue
        record = provenance.path_of(src)
        dest = _copy_of(Path(raw_dir) / REFUSED, d) or where / d.name
        if dest.is_file():  # refused before (a publisher serves it week after week): one copy
            src.unlink()
            record.unlink(missing_ok=True)
        else:
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dest)
            if record.exists():
                os.replace(record, provenance.path_of(dest))
        entry = {
            "file": d.name,
            "url": d.url,
            "sha256": d.sha256,
            "bytes": d.bytes,
            "refused_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "run_id": run,
            "error": error,
        }
        _write(dest.with_name(dest.name + RECORD), entry)
        files.append(d.name)
        places.add(dest.relative_to(Path(raw_dir) / REFUSED).parts[0])
        for name in (d.name, *d.removed):  # a file of the same name, or the older releases
            kept = previous / name
            if kept.is_file() and not (Path(raw_dir) / name).exists():
                os.replace(kept, Path(raw_dir) / name)
                if provenance.path_of(kept).is_file():
                    os.replace(provenance.path_of(kept), provenance.path_of(Path(raw_dir) / name))
                restored.append(name)
    if places:
        where = Path(raw_dir) / REFUSED / min(places)
    return Held(folder, tuple(files), tuple(restored), where, error)


def _copy_of(root: Path, d: Downloaded) -> Path | None:
    """Where these very bytes under this name are already held, if they are."""
    for held in sorted(root.glob(f"*/{d.name}")):
        if held.is_file() and held.stat().st_size == d.bytes and sha256(held) == d.sha256:
            return held
    return None


def _write(path: Path, entry: dict) -> None:
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(entry, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)
