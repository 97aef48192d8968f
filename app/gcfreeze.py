"""Keep Streamlit's garbage collection after every script run short.

Streamlit runs `gc.collect()` after each run (runner.postScriptGC), a full collection that walks
every object the process tracks. Most of them are the imported libraries' (plotly's figure
classes and validators, pandas, polars, DuckDB, numpy): live for the life of the process and
walked again on every click, ~150 ms a run on the Burden sharing page once pandas and plotly's
choropleth were loaded (py-spy of a server, see docs/PERFORMANCE.md). `gc.freeze()` moves what
is alive now to a permanent generation the collector skips. It is done after a run that
imported something new, once a collection has cleared that run's garbage, so what it freezes is
what is meant to stay: modules and their objects, the caches. Frozen objects are still freed by
reference counting; only a reference cycle among them would outlive its use.
"""

from __future__ import annotations

import gc
import sys
import threading

_lock = threading.Lock()
_modules_frozen = 0  # how many modules were loaded at the last freeze


def settle() -> bool:
    """After a script run: freeze what is alive if modules were imported since the last freeze.
    True when it froze."""
    global _modules_frozen
    with _lock:
        if len(sys.modules) <= _modules_frozen:
            return False
        gc.collect()
        gc.freeze()
        _modules_frozen = len(sys.modules)
        return True
