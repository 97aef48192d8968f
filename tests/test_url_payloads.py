"""No reader-supplied string renders as markdown, HTML or bidi text (the red team's URL payloads).

Every page is opened under AppTest with each URL parameter it reads set to hostile values in
turn. The parameters are found by running the page (the keys it asks st.query_params for, and
every widget bound to the URL), so a new control is covered without editing this file. Each
string the page sends that Streamlit may render as markdown is parsed with markdown-it
(CommonMark, as Streamlit's remark parses it): a payload may reach the page only inside a code
span, where neither markdown (links, images, HTML) nor Streamlit's additions (`:red[...]`,
`:material/...:` icons, emoji shortcodes, `$...$` LaTeX, bare URLs as links) apply, and no
string may hold a bidi control or another control character.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator

import pytest
from google.protobuf.message import Message
from hypothesis import example, given
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from streamlit.runtime.state.query_params_proxy import QueryParamsProxy
from streamlit.testing.v1 import AppTest

from app import nav, readertext
from tests.helpers import METHODS_SECTIONS
from tests.test_app import app_db, open_page  # noqa: F401 (app_db: fixture)

MARK = "evil0"  # in every payload and in nothing the app writes itself
PAYLOADS = [
    f"[Sign in](http://{MARK}.example/phish)",
    f"![g](http://{MARK}.example/g.png)",
    f"<img src=x onerror={MARK}()>",
    f'<a href="http://{MARK}.example/">x</a>',
    f":red[{MARK}] :material/home: :material_home: :{MARK}-badge[x]",
    f"${MARK}^2$ $${MARK}$$ :smile: :streamlit:",
    f"http://{MARK}.example www.{MARK}.example",
    f"\u202e{MARK}\u2066x\u2069 \u200e\u200f\u061c\u202a\u202b\u202c\u202d\u2067\u2068\x00\x1b",
    f"`[a](http://{MARK}.example)` ``b`` ```",  # backticks, to close a code span early
    f"[c](http://{MARK}.example)" + "x" * 100,  # longer than is shown: cut, still text
]
# How a parameter's value reaches the page, where it is not shown as given: the explorer shows
# DuckDB's error, which echoes a table name whole.
CARRIERS = {"sql": lambda payload: 'select * from "{}"'.format(payload.replace('"', '""'))}
# What the red team found (issue): the walk must find at least these.
REPORTED = {"country", "source", "group", "membership", "map", "area", "aid_year", "year", "sql"}
# A widget's own value (the SQL in the explorer's box): shown as the input's text, not markdown.
PLAIN_FIELDS = {"value", "default", "raw_value"}
BIDI = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")

COMMONMARK = MarkdownIt("commonmark")  # HTML on, as remark sees it before Streamlit drops it


# --------------------------------------------------------------------------- readertext.md


def _invisible(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "C" or unicodedata.category(ch) in ("Zl", "Zp")


@given(st.text())
@example("")
@example("`")
@example("a`` b ```")
@example(" \u202e ")
@example("x" * 500)
@example("\x00" * 30)
def test_a_reader_text_is_one_code_span_on_one_line_and_bounded(text):
    _one_code_span(text)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_each_payload_is_one_code_span(payload):
    _one_code_span(payload)


def _one_code_span(text: str) -> None:
    sentence = f"Was {readertext.md(text)} given?"
    [inline] = [t for t in COMMONMARK.parse(sentence) if t.type == "inline"]
    kinds = [t.type for t in inline.children]
    assert kinds == ["text", "code_inline", "text"], (text, sentence, kinds)
    shown = inline.children[1].content
    assert not any(_invisible(ch) for ch in shown), shown
    assert "\n" not in sentence
    assert len(shown) <= readertext.MAX_SHOWN + 1  # "…" when cut
    words = " ".join(text.split())
    if len(words) <= readertext.MAX_SHOWN and not any(_invisible(ch) for ch in words):
        assert shown == words if words else not shown.strip()  # shown exactly as given
    else:
        assert shown.rstrip().endswith("…") or any(_invisible(ch) for ch in words)


def test_invisible_characters_are_written_out_and_long_values_say_their_length():
    assert readertext.md("\u202eabc") == "`<U+202E>abc`"
    assert readertext.md("a\u200bb\x00") == "`a<U+200B>b<U+0000>`"
    long = readertext.md("x" * 100_000)
    assert long == f"`{'x' * readertext.MAX_SHOWN}…` (100,000 characters)"
    assert readertext.md("`x`") == "`` `x` ``"


# --------------------------------------------------------------------------- the pages


def _strings(msg: Message) -> Iterator[str]:
    """Every string the element sends the browser, but a widget's own value."""
    for field, value in msg.ListFields():
        values = value if field.is_repeated else [value]
        if field.type == field.TYPE_MESSAGE:
            for sub in values:
                yield from _strings(sub)
        elif field.type == field.TYPE_STRING and field.name not in PLAIN_FIELDS:
            yield from values


def _live(source: str) -> list[str]:
    """What markdown makes of `source` outside code: text, link targets, images, HTML."""
    out = []
    for token in COMMONMARK.parse(source):
        for t in [token, *(token.children or [])]:
            if t.type in ("inline", "code_inline", "code_block", "fence"):
                continue  # an inline token's content is its source; its children are read
            out.append(t.content)
            out.extend(str(v) for v in t.attrs.values())
    return out


def _code_spans(source: str) -> list[str]:
    return [
        c.content
        for t in COMMONMARK.parse(source)
        for c in (t.children or [])
        if c.type == "code_inline"
    ]


def _rendered(at: AppTest) -> Iterator[tuple[str, str]]:
    for node in at:
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message):
            for text in _strings(proto):
                yield type(node).__name__, text


def _problems(at: AppTest, bound: int) -> list[str]:
    found = []
    for kind, text in _rendered(at):
        if BIDI & set(text) or "\x00" in text or "\x1b" in text:
            found.append(f"{kind}: a bidi or control character in {text!r}")
        if any(MARK in live for live in _live(text)):
            found.append(f"{kind}: a payload rendered as markdown: {text!r}")
        for span in _code_spans(text):
            if MARK in span and len(span) > bound + 2:
                found.append(f"{kind}: {len(span):,} characters shown of a payload: {text!r}")
    return found


# The views of each page a link can open: Data and methods draws one section at a time
# (`?section=`), each with its own controls.
VIEWS = {p.key: [{}] for p in nav.PAGES} | {
    "methods": [{}, *({"section": name} for name in METHODS_SECTIONS)]
}


def _bound_keys(at) -> set[str]:
    """The URL keys of the widgets and blocks (tabs) bound to the URL in an AppTest run."""
    keys, todo = set(), [at._tree]
    while todo:
        node = todo.pop()
        proto = getattr(node, "proto", None)
        if isinstance(proto, Message):
            if hasattr(proto, "query_param_key"):
                keys.add(proto.query_param_key)
            kind = proto.WhichOneof("type") if "type" in proto.DESCRIPTOR.oneofs_by_name else None
            if kind and hasattr(getattr(proto, kind), "query_param_key"):
                keys.add(getattr(proto, kind).query_param_key)
        children = getattr(node, "children", None)
        todo += list(children.values()) if isinstance(children, dict) else []
    return keys


@pytest.fixture(scope="module")
def url_parameters(app_db) -> dict[str, list[str]]:  # noqa: F811 (app_db: fixture)
    """Each page's URL parameters, as its views read them: the keys it asks st.query_params for
    (app/widgets.py's controls) and its widgets and tabs bound to the URL
    (bind="query-params")."""
    read: set[str] = set()
    getitem, get_all = QueryParamsProxy.__getitem__, QueryParamsProxy.get_all

    def recorded_getitem(self, key):
        read.add(key)
        return getitem(self, key)

    def recorded_get_all(self, key):
        read.add(key)
        return get_all(self, key)

    found = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("ALLIANCE_DB", str(app_db))
        mp.setattr(QueryParamsProxy, "__getitem__", recorded_getitem)
        mp.setattr(QueryParamsProxy, "get_all", recorded_get_all)
        for page in nav.PAGES:
            keys: set[str] = set()
            for fixed in VIEWS[page.key]:
                read.clear()
                at = open_page(page.key, fixed)
                assert not at.exception, [e.value for e in at.exception]
                keys |= read | _bound_keys(at)
            found[page.key] = sorted(keys - {""})
    return found


def test_the_walk_finds_every_parameter_the_red_team_reported(url_parameters):
    everywhere = set().union(*url_parameters.values())
    assert not REPORTED - everywhere, REPORTED - everywhere
    assert set(url_parameters) == {p.key for p in nav.PAGES}
    # Data and methods' section tabs, and the controls inside its sections, are walked too
    assert {"section", "vintage_country", "vintage_year"} <= set(url_parameters["methods"])


@pytest.mark.parametrize("key", [p.key for p in nav.PAGES])
def test_no_url_payload_renders_as_markdown_html_or_bidi(url_parameters, app_db, key, monkeypatch):  # noqa: F811
    """Every parameter of the page gets every payload once (rotated, so one run tries as many
    payloads as the page has parameters)."""
    monkeypatch.setenv("ALLIANCE_DB", str(app_db))
    params = url_parameters[key]
    bound = readertext.MAX_MESSAGE if "sql" in params else readertext.MAX_SHOWN
    problems, echoed = [], 0
    for fixed in VIEWS[key]:  # each view a link can open, a payload in every other parameter
        for turn in range(len(PAYLOADS) if params else 0):
            query = {
                name: CARRIERS.get(name, str)(PAYLOADS[(turn + i) % len(PAYLOADS)])
                for i, name in enumerate(params)
            } | fixed
            at = open_page(key, query)
            assert not at.exception, [e.value for e in at.exception]
            problems += [f"{query}: {p}" for p in _problems(at, bound)]
            echoed += sum(MARK in span for _, text in _rendered(at) for span in _code_spans(text))
    assert not problems, "\n".join(problems[:20])
    assert echoed or not params, "no payload reached the page: the walk tested nothing"
