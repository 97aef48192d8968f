"""Controls bound to the URL, so a view can be shared as a link.

A control's key is its URL parameter: the URL sets it on load and a change writes it back (a
value equal to the default is left out of the URL). Controls whose options have codes (source,
grouping, membership, country, a choice) put the code in the URL (`membership=current`,
`country=POL`), short and stable whatever the labels become; a link made before, which carried
the label (`membership=Today's members, every year`), still opens the same view. Years, dates
and number steps use Streamlit's `bind="query-params"`, whose value is already short.

When a stored choice is no longer offered (a year outside the newly chosen source's range, a
grouping without data), `resolve` picks the nearest valid one and the control says so.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import streamlit as st

from app import readertext
from core.catalogue import groupings as known_groupings
from core.catalogue import sources


def grouping_label(code: str) -> str:
    return known_groupings.label(code)


def source_label(code: str) -> str:
    return sources.short(code)


def resolve(
    requested: Any, options: Sequence[Any], fallback: Any = None, labels: dict | None = None
) -> tuple[Any, str | None]:
    """The option to show for a requested value, and a note when it had to change.

    `requested` may be an option or its text (a URL value); for numbers the nearest option is
    chosen, otherwise the fallback (or the first option), named in the note by its label. The
    note shows the requested value as a reader's text (app.readertext), never as markdown.
    """
    if not options:
        return None, None
    if requested is None:
        return (fallback if fallback in options else options[0]), None
    by_text = {str(o): o for o in options}
    if str(requested) in by_text:
        return by_text[str(requested)], None
    numeric = [o for o in options if isinstance(o, int | float)]
    try:
        wanted = float(requested)
    except (TypeError, ValueError):
        wanted = None
    if wanted is not None and numeric:
        chosen = min(numeric, key=lambda o: (abs(o - wanted), -o))
        lo, hi = min(numeric), max(numeric)
        return chosen, (
            f"{readertext.md(requested)} is outside the years these data cover ({lo}–{hi}); "
            f"showing {chosen}."
        )
    chosen = fallback if fallback in options else options[0]
    shown = readertext.md(requested)
    return chosen, f"{shown} is not available here; showing {_text(chosen, labels)}."


def _text(value: Any, labels: dict | None = None) -> str:
    return (
        (labels or {}).get(value)
        or known_groupings.labels().get(value)
        or sources.short(str(value))
    )


def _requested(key: str) -> Any:
    if key in st.session_state:
        return st.session_state[key]
    return st.query_params.get(key)


def url_values(key: str) -> tuple[str | None, str | None]:
    """The URL's value for `key` (the last, when it is repeated) and a note when the link
    repeated it; the value is not cut here (resolve compares it), only wherever it is shown."""
    values = st.query_params.get_all(key)
    if not values:
        return None, None
    if len(values) > 1:
        return values[-1], f"The link gives “{key}” {len(values)} times; using the last."
    return values[0], None


def _code(value: Any, labels: dict | None) -> Any:
    """A URL value as an option code: the code itself, or the label an old link carries."""
    if labels and value not in labels:
        return {v: k for k, v in labels.items()}.get(value, value)
    return value


def _index(key: str, options: list, fallback: Any, labels: dict | None = None) -> int:
    """The option to start from: the URL's (code or old label), else the fallback. Once the
    control has a state, that state rules (0 then keeps Streamlit from warning that a default
    and a state were both given)."""
    if key in st.session_state:
        return 0
    wanted, _ = url_values(key)  # the last, when a link repeats it
    value, _ = resolve(_code(wanted, labels) if wanted is not None else None, options, fallback)
    return options.index(value) if value in options else 0


def _publish(key: str, value: Any, default: Any) -> None:
    """Write the chosen code to the URL (left out when it is the default)."""
    if value is None or value == default:
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get(key) != str(value):
        st.query_params[key] = str(value)


def _publish_all(key: str, values: Sequence[Any], default: Sequence[Any]) -> None:
    if list(values) == list(default):
        if key in st.query_params:
            del st.query_params[key]
    elif st.query_params.get_all(key) != [str(v) for v in values]:
        st.query_params[key] = [str(v) for v in values]


def _settle(key: str, options: Sequence[Any], fallback: Any, labels: dict | None = None) -> None:
    """Before the widget is drawn: replace a choice that is no longer offered, and say so."""
    if key not in st.session_state:
        _, repeated = url_values(key)
        if repeated:
            st.info(repeated, icon=":material/info:")
    requested = _requested(key)
    if requested is None:
        return
    if labels and requested not in options:  # a URL carries the label, not the code
        by_label = {v: k for k, v in labels.items()}
        requested = by_label.get(requested, requested)
    value, note = resolve(requested, list(options), fallback, labels)
    if note:
        st.session_state[key] = value
        st.info(note, icon=":material/info:")


def source(key: str = "source", default: str = "nato", options: Sequence[str] | None = None):
    """The source whose figures a page shows: those the catalogue offers, unless a page names
    its own."""
    options = list(options or sources.offered())
    labels = {code: sources.short(code) for code in options}
    _settle(key, options, default, labels)
    value = st.radio(
        "Source",
        options,
        index=_index(key, options, default, labels),
        format_func=source_label,
        horizontal=True,
        key=key,
        help=sources.choice_help(),
    )
    _publish(key, value, default)
    return value


def grouping(
    options: Sequence[str], key: str = "group", default: str = "NATO", label: str = "Grouping"
) -> str | None:
    options = list(options)
    if not options:
        st.info("No grouping is available.")
        return None
    names = known_groupings.labels()
    _settle(key, options, default, names)
    value = st.selectbox(
        label,
        options,
        index=_index(key, options, default, names),
        format_func=grouping_label,
        key=key,
    )
    _publish(key, value, default)
    return value


def membership(key: str = "membership", default: str = "historical") -> str:
    names = known_groupings.membership_labels()
    options = list(names)
    _settle(key, options, default, names)
    value = st.radio(
        "Membership",
        options,
        index=_index(key, options, default, names),
        format_func=names.__getitem__,
        horizontal=True,
        key=key,
        help=known_groupings.MEMBERSHIP_HELP,
    )
    _publish(key, value, default)
    return value


def year(
    years: Sequence[int], key: str = "year", default: int | None = None, label: str = "Year"
) -> int | None:
    """A year among those the data hold (latest first); None, with a message, if none."""
    options = sorted({int(y) for y in years}, reverse=True)
    if not options:
        st.info(
            "No year has figures for this selection: choose another grouping, or the other "
            "source (SIPRI's figures reach further back than NATO's)."
        )
        return None
    fallback = default if default in options else options[0]
    _settle(key, options, fallback)
    return st.selectbox(label, options, index=options.index(fallback), key=key, bind="query-params")


def country(iso3_to_name: dict[str, str], key: str = "country", default: str = "GBR") -> str | None:
    options = sorted(iso3_to_name, key=lambda c: iso3_to_name[c])
    if not options:
        st.info("No country is available.")
        return None
    _settle(key, options, default, iso3_to_name)
    value = st.selectbox(
        "Country",
        options,
        index=_index(key, options, default, iso3_to_name),
        format_func=lambda c: iso3_to_name.get(c, c),
        key=key,
    )
    _publish(key, value, default)
    return value


def as_of(
    key: str = "as_of",
    default: date | None = None,
    min_value: date = date(1949, 1, 1),
    max_value: date | None = None,
) -> date:
    today = date.today()
    return st.date_input(
        "As of",
        value=default or today,
        min_value=min_value,
        max_value=max_value or today,
        key=key,
        bind="query-params",
        format="YYYY-MM-DD",
    )


def choice(
    label: str,
    options: dict[str, str],
    key: str,
    default: str | None = None,
    horizontal: bool = True,
    help: str | None = None,
) -> str:
    """A radio over {value: label}, bound to the URL."""
    values = list(options)
    fallback = default if default in values else values[0]
    _settle(key, values, fallback, options)
    value = st.radio(
        label,
        values,
        index=_index(key, values, fallback, options),
        format_func=options.__getitem__,
        horizontal=horizontal,
        key=key,
        help=help,
    )
    _publish(key, value, fallback)
    return value


def year_range(
    years: Sequence[int], key: str = "years", default: tuple[int, int] | None = None
) -> tuple[int, int] | None:
    options = sorted({int(y) for y in years})
    if len(options) < 2:
        st.info("Too few years in these data to choose a range.")
        return None
    lo, hi = default or (options[0], options[-1])
    lo = lo if lo in options else options[0]
    hi = hi if hi in options else options[-1]
    return st.select_slider("Years", options, value=(lo, hi), key=key, bind="query-params")


def groupings(
    options: Sequence[str],
    key: str = "groups",
    default: Sequence[str] = (),
    label: str = "Groupings",
) -> list[str]:
    """Several groupings (a multiselect bound to the URL)."""
    options = list(options)
    start = [g for g in default if g in options]
    if key not in st.session_state and key in st.query_params:  # codes, or old links' labels
        wanted = (_code(v, known_groupings.labels()) for v in st.query_params.get_all(key))
        start = [c for c in wanted if c in options]
    chosen = st.multiselect(label, options, default=start, format_func=grouping_label, key=key)
    _publish_all(key, chosen, [g for g in default if g in options])
    return chosen


def countries(
    iso3_to_name: dict[str, str],
    key: str = "allies",
    default: Sequence[str] = (),
    label: str = "Allies in the line charts",
) -> list[str]:
    """Several countries (a multiselect bound to the URL, which holds their ISO3 codes). Chosen
    countries that the options no longer hold (another grouping was picked) are dropped."""
    options = sorted(iso3_to_name, key=lambda c: iso3_to_name[c])
    chosen = st.session_state.get(key)
    if isinstance(chosen, list | tuple) and any(c not in options for c in chosen):
        st.session_state[key] = [c for c in chosen if c in options]
    start = [c for c in default if c in options]
    if key not in st.session_state and key in st.query_params:  # codes, or old links' names
        wanted = (_code(v, iso3_to_name) for v in st.query_params.get_all(key))
        start = [c for c in wanted if c in options]
    picked = st.multiselect(
        label, options, default=start, format_func=lambda c: iso3_to_name.get(c, c), key=key
    )
    _publish_all(key, picked, [c for c in default if c in options])
    return picked


def number(
    label: str,
    options: Sequence[float],
    key: str,
    default: float | None = None,
    unit: str = "",
    scale: float = 1.0,
    help: str | None = None,
) -> float:
    """A number among fixed steps (a select slider bound to the URL); `scale` turns the value
    into the label's number (0.10 with scale 100 reads '10 %')."""
    values = list(options)
    fallback = default if default in values else values[0]
    return st.select_slider(
        label,
        values,
        value=fallback,
        format_func=lambda v: f"{v * scale:g}{unit}",
        key=key,
        bind="query-params",
        help=help,
    )
