"""Judge every claim and its verdict history into the dashboard's verdict store ahead of the
first reader: after `etl refresh` publishes a new database (whose verdicts nothing has judged
yet, ~4 s of queries on the landing page's first visit) and once a day (a new date judges only
its own day). The deploy recipes run it after the refresh and at midnight:

    uv run python -m app.warm [--as-of YYYY-MM-DD]

It reads ALLIANCE_DB and writes ALLIANCE_CACHE_DIR exactly as the dashboard does (app/data.py,
app/diskstore.py), so the server finds what it stored. Exit 0 when every claim was judged and
stored, 1 when one could not be judged or the store could not take what was judged (named on
stderr, one line each: a store busy in another process is given up on within a fraction of a
second, and the line says how many verdicts were stored and how many not). 2 for a --as-of
that is not a date or is more than a year ahead (each year up to it is judged).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app.warm", description=__doc__.split("\n")[0])
    parser.add_argument("--as-of", default=None, help="YYYY-MM-DD, up to a year ahead (today)")
    args = parser.parse_args(argv)
    from core.limits import LimitError
    from core.limits import as_of as checked_date

    try:
        day = checked_date(args.as_of) if args.as_of else date.today()
    except LimitError as e:
        print(f"error: {e}; nothing judged", file=sys.stderr)
        return 2
    from streamlit import logger

    # outside a server st.cache_data warns on every call that it keeps values in memory only
    logger.set_log_level("ERROR")
    from app import data, diskstore, verdicts
    from core.db import problem as unreadable

    path = data.db_path()
    why = unreadable(path) if path.exists() else "no such file"
    if why:
        print(f"error: the database {path} cannot be read ({why}); nothing judged", file=sys.stderr)
        return 1

    start = time.perf_counter()
    ids, problem = verdicts.claim_ids()
    failed = [problem] if problem else []
    for claim_id in ids:
        _, problem = verdicts.claim(claim_id, day)
        _, history_problem = verdicts.claim_history(claim_id, day)
        failed += [p for p in (problem, history_problem) if p]
    done, store = verdicts.computed(), diskstore.counts()
    if store["not stored"]:
        why = diskstore.status() or "the verdict store could not be written"
        failed.append(
            f"{why}: {store['not stored']} of {store['stored'] + store['not stored']} judged "
            "values were not stored (the dashboard judges those itself)"
        )
    for line in failed:
        print(f"error: {line}", file=sys.stderr)
    print(
        f"{len(ids)} claims as of {day} in {time.perf_counter() - start:.1f} s: judged "
        f"{done['claim']} cards, {done['history']} histories, {done['day']} history days; "
        f"{store['stored']} values stored, {store['not stored']} not stored, {store['hit']} "
        "found already stored"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
