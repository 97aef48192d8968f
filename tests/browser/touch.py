"""A reader's thumb on a phone, as real touch events (Chrome DevTools' Input.dispatchTouchEvent):
a swipe over a chart, a tap on a point, and the menu. What each helper returns is what went
wrong (None when nothing did), so a test can name the page and the chart.

The page scrolls inside Streamlit's main block (`stMain`), not the window: a swipe is judged by
how far that block (and the window, should it ever scroll) moved.
"""

from __future__ import annotations

from playwright.sync_api import CDPSession, Page

SWIPE_PX = 200  # how far the finger travels
SWIPE_STEPS = 8
MOVED_PX = 40  # the page must move at least this far under a swipe of SWIPE_PX

# Bring chart i's plot area to the middle of the screen; where a finger can touch it, which
# way the page has room to scroll, and the chart's axes and map as Plotly holds them.
AIM_JS = """(i) => {
  const plot = [...document.querySelectorAll('.js-plotly-plot')].filter((p) => p.offsetParent)[i];
  const main = document.querySelector('[data-testid="stMain"]');
  const area = plot.querySelector('.nsewdrag') || plot.querySelector('.geo .bg') || plot;
  let r = area.getBoundingClientRect();
  main.scrollTop += r.top + r.height / 2 - window.innerHeight / 2;
  r = area.getBoundingClientRect();
  const y = Math.min(Math.max(r.top + r.height / 2, r.top + 5), r.bottom - 5);
  const below = main.scrollHeight - main.clientHeight - main.scrollTop;
  return {x: r.left + r.width / 2, y: Math.min(Math.max(y, 40), window.innerHeight - 40),
          up: below >= main.scrollTop, room: Math.max(below, main.scrollTop),
          title: (plot.querySelector('.gtitle') || {}).textContent || '?'};
}"""
STATE_JS = """(i) => {
  const plot = [...document.querySelectorAll('.js-plotly-plot')].filter((p) => p.offsetParent)[i];
  const main = document.querySelector('[data-testid="stMain"]');
  const view = Object.keys(plot.layout || {}).filter((k) => /^([xy]axis|geo)\\d*$/.test(k)).sort()
    .map((k) => k + JSON.stringify([plot.layout[k].range, plot.layout[k].projection,
                                    plot.layout[k].center]));
  return {scroll: main.scrollTop + window.scrollY, view: view.join(' '),
          tip: document.querySelectorAll('.notifier-note').length};
}"""
VISIBLE_PLOTS_JS = "() => [...document.querySelectorAll('.js-plotly-plot')]"
VISIBLE_PLOTS_JS += ".filter((p) => p.offsetParent).length"


def touch(cdp: CDPSession, kind: str, x: float | None = None, y: float | None = None) -> None:
    points = [] if x is None else [{"x": x, "y": y}]
    cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": points})


def plots(page: Page) -> int:
    """How many charts the page shows (those inside a closed tab or expander left out)."""
    return page.evaluate(VISIBLE_PLOTS_JS)


def swipe(page: Page, cdp: CDPSession, i: int) -> str | None:
    """Swipe a finger over chart i, towards where the page has more room to scroll: the page
    must scroll and the chart keep its axes, with no "double-click to zoom back out" tip."""
    aim = page.evaluate(AIM_JS, i)
    page.wait_for_timeout(100)  # the scroll into view settles
    before = page.evaluate(STATE_JS, i)
    step = (-1 if aim["up"] else 1) * SWIPE_PX / SWIPE_STEPS
    touch(cdp, "touchStart", aim["x"], aim["y"])
    for k in range(1, SWIPE_STEPS + 1):
        page.wait_for_timeout(16)  # a finger's pace: one move a frame
        touch(cdp, "touchMove", aim["x"], aim["y"] + k * step)
    touch(cdp, "touchEnd")
    page.wait_for_timeout(250)
    after = page.evaluate(STATE_JS, i)
    moved = abs(after["scroll"] - before["scroll"])
    problems = []
    if moved < min(MOVED_PX, aim["room"] / 2):  # (a page too short to scroll far is let off)
        problems.append(f"the page moved {moved:.0f} px")
    if after["view"] != before["view"]:
        problems.append("the chart zoomed or panned")
    if after["tip"]:
        problems.append("Plotly's double-click tip showed")
    return f"{aim['title']!r}: {', '.join(problems)}" if problems else None


# The centre of the first drawn bar or marker of the first chart that has one, brought into view.
POINT_JS = """() => {
  const main = document.querySelector('[data-testid="stMain"]');
  const plots = [...document.querySelectorAll('.js-plotly-plot')].filter((p) => p.offsetParent);
  for (const [i, plot] of plots.entries()) {
    const point = [...plot.querySelectorAll('.cartesianlayer .point')]
      .find((p) => p.getBoundingClientRect().width > 2 && p.getBoundingClientRect().height > 2);
    if (!point) continue;
    let r = point.getBoundingClientRect();
    main.scrollTop += r.top - window.innerHeight / 2;
    r = point.getBoundingClientRect();
    return {i, x: r.left + r.width / 2, y: r.top + r.height / 2};
  }
  return null;
}"""
HOVER_JS = """(i) => {
  const plot = [...document.querySelectorAll('.js-plotly-plot')].filter((p) => p.offsetParent)[i];
  return [...plot.querySelectorAll('.hoverlayer .hovertext')].map((t) => t.textContent).join(' ');
}"""


def tap_shows_value(page: Page, cdp: CDPSession) -> str | None:
    """Tap the first bar or marker of the page's first chart that draws one: its value shows."""
    point = page.evaluate(POINT_JS)
    if point is None:
        return None
    page.wait_for_timeout(100)
    touch(cdp, "touchStart", point["x"], point["y"])
    touch(cdp, "touchEnd")
    for _ in range(20):
        page.wait_for_timeout(100)
        if page.evaluate(HOVER_JS, point["i"]):
            return None
    return f"a tap on chart {point['i']} showed no value"


MENU_JS = """() => {
  const bar = document.querySelector('[data-testid="stSidebar"]');
  const main = document.querySelector('[data-testid="stMain"]');
  if (!bar || bar.getAttribute('data-collapsed') === 'true') return 'closed';
  const r = bar.getBoundingClientRect();
  if (r.right <= 1) return 'closed';
  return main.getBoundingClientRect().left >= r.right - 1 ? 'beside' : 'over';
}"""


def menu(page: Page) -> str:
    """'closed', 'over' the page, or 'beside' it."""
    return page.evaluate(MENU_JS)
