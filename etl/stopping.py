"""Why a run stopped early: Ctrl-C (SIGINT) or SIGTERM (systemd's stop, a CI timeout).

Both signals raise KeyboardInterrupt so a build unwinds, removes its temporary file and logs
the run as interrupted. But when the signal lands while DuckDB runs a statement, DuckDB catches
the KeyboardInterrupt and raises its own error ("Query interrupted", an ordinary Exception),
which would be logged as a failed run with exit code 1. The signal is therefore remembered
here, and `interruption` tells an interrupted run from a failed one whatever carried it out.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

_received: list[int] = []  # signals received inside `stop_signals`


def _stop(signum: int, frame: object) -> None:
    _received.append(signum)
    raise KeyboardInterrupt(f"terminated by signal {signum}")


@contextmanager
def stop_signals() -> Iterator[None]:
    """Within this block SIGINT and SIGTERM raise KeyboardInterrupt and are remembered."""
    _received.clear()
    previous = {s: signal.signal(s, _stop) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
        _received.clear()


def interruption(e: BaseException) -> str | None:
    """The reason to log if the run ended by an interrupt, None if `e` is a failure."""
    if _received:
        return f"terminated by signal {_received[-1]}"
    if not isinstance(e, Exception):
        return str(e) or type(e).__name__
    return None
