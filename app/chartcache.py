"""Charts built once per process, not on every script run.

Building a chart's figure (app.views.* through charts.*) is most of a page's script run, and every
control change, tab switch or expander click reruns the whole page with mostly the same data.
A chart is kept under what decides it: the builder's code and the values it closes over, and the
content of the frame it is given (a hash of its rows, so a filtered or re-queried frame with the
same rows hits and a new database or selection misses). Anything that cannot be keyed that way
is built as before. The kept Chart is shared between sessions and never mutated: Streamlit
copies a figure (to_dict) before serialising it, and the table and downloads derive new frames.
"""

from __future__ import annotations

import sys
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date, datetime
from types import CodeType, FunctionType, ModuleType
from typing import Any

import polars as pl
import streamlit as st

from app.charts import Chart

SIZE = 256  # charts kept; a page draws at most ~15, a claim card one each
# The builders a page's lambda calls by name: when Streamlit reloads one of these modules after
# an edit (its file watcher), the new module object makes new keys.
BUILDER_MODULES = (
    "app.views.common",
    "app.views.burden",
    "app.views.free_riding",
    "app.views.alliances",
    "app.views.capability",
    "app.views.country",
    "app.views.claims",
    "app.views.key_figures",
    "app.views.map",
    "app.charts",
    "app.cite",
)


class Unkeyable(Exception):
    """A value whose content cannot be stated as a key (the chart is built uncached)."""


PLAIN = (str, int, float, bool, type(None), date, datetime)


def token(value: Any) -> Any:
    """A hashable stand-in for `value`'s content, or Unkeyable."""
    if isinstance(value, PLAIN):
        return (type(value).__name__, value)
    if isinstance(value, pl.DataFrame):
        return frame_token(value)
    if isinstance(value, (list, tuple)):
        return (type(value).__name__, tuple(token(v) for v in value))
    if isinstance(value, dict):
        return ("dict", tuple((token(k), token(v)) for k, v in value.items()))
    if isinstance(value, FunctionType):
        return function_token(value)
    if isinstance(value, ModuleType):
        return ("module", value.__name__, id(value))
    if isinstance(value, type):
        return ("type", value.__module__, value.__qualname__, id(value))
    raise Unkeyable(type(value).__name__)


_SEEN = threading.local()  # id(frame) -> token, while one key is made (a frame named twice)


def frame_token(frame: pl.DataFrame) -> tuple:
    """Shape, schema and a hash of every row: the same rows give the same token."""
    seen = getattr(_SEEN, "tokens", None)
    if seen is not None and id(frame) in seen:
        return seen[id(frame)][1]
    made = _frame_token(frame)
    if seen is not None:
        seen[id(frame)] = (frame, made)  # the frame kept alive so its id is not reused
    return made


def _frame_token(frame: pl.DataFrame) -> tuple:
    try:
        rows = int(frame.hash_rows(seed=0).sum()) if frame.height else 0
    except Exception as e:  # a dtype Polars cannot hash
        raise Unkeyable(str(e)) from e
    return ("frame", frame.shape, tuple((n, str(t)) for n, t in frame.schema.items()), rows)


def code_token(code: CodeType) -> tuple:
    consts = tuple(
        code_token(c) if isinstance(c, CodeType) else (type(c).__name__, repr(c))
        for c in code.co_consts
    )
    return (code.co_filename, code.co_qualname, code.co_firstlineno, code.co_code, consts)


def names(code: CodeType) -> set[str]:
    """Every global or attribute name the code (and code nested in it) may read."""
    out = set(code.co_names)
    for c in code.co_consts:
        if isinstance(c, CodeType):
            out |= names(c)
    return out


def static(fn: FunctionType) -> bool:
    """Defined in an imported module (whose globals are its constants), not in a page script
    (whose globals are this run's controls and statistics)."""
    module = sys.modules.get(fn.__module__)
    return module is not None and vars(module) is fn.__globals__


def function_token(fn: FunctionType) -> tuple:
    """A function by its code, its defaults and the values it reads: its closure's and, for a
    page's lambda, the page's globals it names (`lambda f: map_views.burden_map(f, year, measure)`
    at a page's top level reads year and measure as globals of the script's run)."""
    cells = tuple(token(c.cell_contents) for c in fn.__closure__ or ())
    defaults = token(fn.__defaults__ or ())
    kwdefaults = token(fn.__kwdefaults__ or {})
    read: tuple = ()
    if not static(fn):
        scope = fn.__globals__
        read = tuple((n, global_token(scope[n])) for n in sorted(names(fn.__code__)) if n in scope)
    return ("fn", fn.__module__, code_token(fn.__code__), cells, defaults, kwdefaults, read)


def global_token(value: Any) -> Any:
    """A page global: a function defined in a module by where it is (its module is keyed by
    identity), one defined on the page in full, anything else by content."""
    if isinstance(value, FunctionType) and static(value):
        return ("fn", value.__module__, value.__qualname__, code_token(value.__code__))
    return token(value)


class _Kept:
    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[tuple, Chart] = OrderedDict()
        self.lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: tuple) -> Chart | None:
        with self.lock:
            chart = self.items.get(key)
            if chart is not None:
                self.items.move_to_end(key)
                self.hits += 1
            return chart

    def put(self, key: tuple, chart: Chart) -> None:
        with self.lock:
            self.misses += 1
            self.items[key] = chart
            while len(self.items) > self.size:
                self.items.popitem(last=False)


@st.cache_resource(show_spinner=False)
def kept() -> _Kept:
    return _Kept(SIZE)


def chart(build: Callable[[pl.DataFrame], Chart], frame: pl.DataFrame) -> Chart:
    """build(frame), from the process's kept charts when the same builder saw the same rows."""
    return _through(
        kept(), BUILDER_MODULES, lambda: (token(build), frame_token(frame)), lambda: build(frame)
    )


def _through(
    store: _Kept, modules: tuple[str, ...], key_of: Callable[[], tuple], make: Callable[[], Any]
) -> Any:
    """make(), from `store` under the making modules and key_of()'s tokens; made every time when
    a part cannot be keyed."""
    _SEEN.tokens = {}
    try:
        key = (tuple(id(sys.modules.get(m)) for m in modules), *key_of())
        hash(key)
    except (Unkeyable, TypeError, RecursionError):  # RecursionError: a page's recursive helper
        return make()
    finally:
        _SEEN.tokens = None
    hit = store.get(key)
    if hit is not None:
        return hit
    made = make()
    store.put(key, made)
    return made


# A table's shown frame and column headers (ui.show_table) are kept the same way: made from the
# frame's rows, its sidecar and the column names, ~5 ms a table (the Data and methods page draws
# six, one of 13,000 rows) on every run. The modules that make them are in the key, as above.
VIEW_MODULES = ("app.ui", "app.cite", "app.columns")


@st.cache_resource(show_spinner=False)
def kept_views() -> _Kept:
    return _Kept(SIZE)


def view(make: Callable[..., Any], *parts: Any) -> Any:
    """make(*parts), kept under the content of `parts` (frames by their rows); made every time
    when a part cannot be keyed. What is kept is shared: callers never mutate it."""
    return _through(
        kept_views(), VIEW_MODULES, lambda: (token(make), token(parts)), lambda: make(*parts)
    )
