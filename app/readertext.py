"""A reader's text (a URL value, SQL, an error that echoes either) as markdown that shows it as
it is: the one way a page puts such text into a notice, caption, heading or label.

Streamlit renders all of those as GitHub markdown plus its own syntax: `:red[...]` colours,
`:material/home:` icons, `:smile:` emoji, `$...$` LaTeX, bare URLs as links. Escaping each
character with a backslash is not enough: icons and emoji are matched in the text after the
markdown is parsed, when `\\:smile\\:` has become `:smile:` again. A code span is left alone:
CommonMark shows its content as written, and Streamlit's additions skip code. So the text goes
into one code span, on one line, cut to a bound, with each control or invisible formatting
character (bidi overrides and isolates, zero-width marks) written as `<U+202E>`, so it can
neither reorder what surrounds it nor hide.

The text around the span must not open a construct of its own before it (a `$` or a `[`).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

# A URL value longer than this is cut wherever it is shown (the 100,000-character
# ?country= stalled the browser for 100 s as the note repeated it); no option is that long.
MAX_SHOWN = 60
# An error that echoes a reader's SQL (the explorer's refusals) keeps room for its message.
MAX_MESSAGE = 300


def _visible(ch: str) -> str:
    # C*: controls, formats (bidi, zero-width, tags), surrogates, private use, unassigned;
    # Zl/Zp: line and paragraph separators
    category = unicodedata.category(ch)
    if category[0] == "C" or category in ("Zl", "Zp"):
        return f"<U+{ord(ch):04X}>"
    return ch


def _shown(value: Any, most: int) -> tuple[str, bool]:
    """The text on one line with its invisible characters written out, at most `most`
    characters (then '…'), and whether it was cut."""
    out: list[str] = []
    size = 0
    for ch in " ".join(str(value).split()):
        piece = _visible(ch)
        if size + len(piece) > most:
            return "".join(out) + "…", True
        out.append(piece)
        size += len(piece)
    return "".join(out), False


def md(value: Any, most: int = MAX_SHOWN) -> str:
    """`value` as one markdown code span, cut to `most` characters (saying how long it was)."""
    shown, cut = _shown(value, most)
    # the fence is one backtick longer than any run inside; a space pads a backtick at either
    # end (CommonMark strips one space from each side of such a span)
    fence = "`" * (max((len(run) for run in re.findall("`+", shown)), default=0) + 1)
    pad = " " if not shown or shown[0] == "`" or shown[-1] == "`" else ""
    span = f"{fence}{pad}{shown}{pad}{fence}"
    return f"{span} ({len(str(value)):,} characters)" if cut else span
