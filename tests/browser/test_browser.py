"""The real app in Debian's Chromium: pages draw their charts without errors, controls update
the charts, a shared URL restores a view, and the SQL explorer runs and refuses queries.

Screenshots of every page go to a pytest tmp dir; with UPDATE_SCREENSHOTS=1 the top of each
page is also written to docs/screenshots/<page>.png.
"""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app import nav
from core.catalogue import groupings
from core.catalogue.verdicts import JUDGED
from tests.browser import touch
from tests.browser.chromium import VIEWPORT
from tests.helpers import CHART_PAGES, METHODS_SECTIONS, has_charts

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "screenshots"
DOCS_HEIGHT = 1800  # px of each page kept in docs/screenshots (what a reader sees first)
LOAD_MS = 90_000
UPDATE_MS = 30_000
CAPABILITY_CHARTS = 9


def open_page(page: Page, base_url: str, key: str, query: str = "") -> None:
    info = nav.BY_KEY[key]
    page.goto(f"{base_url}/{info.route}{query}")
    expect(page.get_by_role("heading", name=info.title, level=1)).to_be_visible(timeout=LOAD_MS)
    if has_charts(key, query):
        expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=LOAD_MS)
    settle(page)


def settle(page: Page) -> None:
    """Wait until the script run has finished (the running indicator is gone)."""
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=LOAD_MS)


# Each chart's title and subtitle as a reader reads them: wrapped lines joined by spaces.
TITLES_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map((plot) =>
  [...plot.querySelectorAll('.gtitle, .gtitle-subtitle')].map((t) => {
    const lines = [...t.querySelectorAll('tspan.line')].map((l) => l.textContent);
    return lines.length ? lines.join(' ') : t.textContent;
  }).join(' — '))"""


def see_title(page: Page, text: str, timeout: int = 5_000) -> None:
    """Wait until some chart's title or subtitle holds `text` (across its wrapped lines)."""
    deadline = time.monotonic() + timeout / 1000
    while True:
        titles = page.evaluate(TITLES_JS)
        if any(text in t for t in titles):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"no chart title holds {text!r}: {titles}")
        page.wait_for_timeout(200)


def choose(page: Page, label: str, option: str) -> None:
    box = page.get_by_test_id("stSelectbox").filter(has_text=label).first
    box.click()
    page.keyboard.type(option)
    page.get_by_role("option", name=option, exact=True).click()


def screenshot(page: Page, shots: Path, name: str, docs: bool = False) -> Path:
    """The whole page to `shots` (Streamlit scrolls inside its main block, so the viewport grows
    to fit); with docs and UPDATE_SCREENSHOTS=1, the first screenful also to docs/screenshots."""
    size = page.viewport_size or VIEWPORT
    height = page.evaluate(
        "() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight || 1000"
    )
    page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 9000)})
    page.wait_for_timeout(600)
    path = shots / f"{name}.png"
    page.screenshot(path=path)
    if docs and os.environ.get("UPDATE_SCREENSHOTS") == "1":
        DOCS.mkdir(parents=True, exist_ok=True)
        top = {"x": 0, "y": 0, "width": size["width"], "height": min(int(height), DOCS_HEIGHT)}
        page.screenshot(path=DOCS / f"{name}.png", clip=top)
    page.set_viewport_size(size)
    return path


@pytest.mark.parametrize("key", [p.key for p in nav.PAGES])
def test_page_loads_with_charts_and_no_error(page: Page, base_url: str, shots: Path, key: str):
    open_page(page, base_url, key)
    if key in CHART_PAGES:
        plots = page.locator(".js-plotly-plot")
        assert plots.count() >= 1
        expect(plots.first.locator(".gtitle")).not_to_be_empty()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_text("Page not found")).to_have_count(0)
    # readers see no developer toolbar or deploy button
    expect(page.get_by_test_id("stAppDeployButton")).to_have_count(0)
    assert screenshot(page, shots, key.replace("_", "-"), docs=True).stat().st_size > 10_000


def test_landing_page_shows_every_claim(page: Page, base_url: str):
    from ledger import claims

    n = len(claims.all_claims())
    open_page(page, base_url, "claims")
    verdicts = re.compile("|".join(map(re.escape, JUDGED)))  # every verdict a rule can give
    for i in range(1, n + 1):
        card = page.locator(f".st-key-claim-C{i}")
        expect(card).to_be_visible()
        expect(card.get_by_text(f"C{i} ·")).to_be_visible()
        expect(
            card.locator('[data-testid="stMarkdownContainer"] span').filter(has_text=verdicts).first
        ).to_be_visible()
    expect(page.locator(f".st-key-claim-C{n + 1}")).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_year_grouping_and_source_update_the_charts(page: Page, base_url: str):
    open_page(page, base_url, "burden")
    see_title(page, "% of GDP, NATO (NATO figures)")
    choose(page, "Year", "2020")
    see_title(page, "2020", UPDATE_MS)
    choose(page, "Grouping", "Joint Expeditionary Force")
    see_title(page, f"% of GDP, {groupings.label('JEF')}", UPDATE_MS)
    page.get_by_test_id("stRadio").filter(has_text="Source").get_by_text("SIPRI").click()
    see_title(page, "SIPRI figures", UPDATE_MS)
    settle(page)
    # the view is in the URL, ready to share, with short codes
    assert "year=2020" in page.url and "source=sipri" in page.url and "group=JEF" in page.url
    expect(page.get_by_test_id("stException")).to_have_count(0)


@pytest.mark.parametrize(
    "query",
    [
        "?source=sipri&year=2010&group=NATO_EUROPE_CANADA",  # today's links: codes
        "?source=SIPRI&year=2010&group=NATO+Europe+and+Canada",  # older links: labels
    ],
)
def test_shared_url_restores_the_view(page: Page, base_url: str, query: str):
    open_page(page, base_url, "burden", query)
    see_title(page, "NATO Europe and Canada")
    see_title(page, "2010")
    see_title(page, "SIPRI figures")
    expect(page.get_by_role("combobox", name="Year")).to_have_value("2010")
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_country_choice_updates_the_profile(page: Page, base_url: str):
    open_page(page, base_url, "country")
    see_title(page, "United Kingdom:")
    choose(page, "Country", "Poland")
    see_title(page, "Poland:", UPDATE_MS)
    settle(page)
    assert "country=POL" in page.url
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_capability_page_draws_every_chart(page: Page, base_url: str):
    open_page(page, base_url, "capability")
    plots = page.locator(".js-plotly-plot")
    expect(plots).to_have_count(CAPABILITY_CHARTS, timeout=LOAD_MS)
    for i in range(CAPABILITY_CHARTS):
        expect(plots.nth(i).locator(".gtitle")).not_to_be_empty()
        # drawn, not just mounted: every figure has its traces in the SVG
        assert plots.nth(i).locator(".scatterlayer .trace, .barlayer .trace").count() >= 1
    see_title(page, "depreciation 10 %")
    expect(page.get_by_test_id("stException")).to_have_count(0)
    # the sidebar says in one line how old the data are and stars the sources that look stale
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("Data built")).to_be_visible()
    expect(sidebar.get_by_text(re.compile(r"NATO \d+ months\*"))).to_be_visible()
    expect(sidebar.get_by_test_id("stAlertContentWarning")).to_have_count(0)


# Per chart: its margins as sent and as Plotly laid it out. Equal means one layout pass; more
# means automargin found them short and drew the whole chart again (2x its drawing time).
MARGINS_JS = """() => [...document.querySelectorAll('.js-plotly-plot')].map((p) => [
  (p.layout.title || {}).text || '', p.layout.margin.l, p._fullLayout._size.l,
  p.layout.margin.b, p._fullLayout._size.b,
  p.data.some((t) => !['scatter', 'bar'].includes(t.type || 'scatter'))])"""


def test_charts_are_laid_out_once_at_desktop_width(page: Page, base_url: str):
    """The margins are set for the labels and the legend (charts._preset_margins), so Plotly
    lays each chart of bars or lines out once at 1,400 px; automargin drew them twice."""
    twice, once = [], 0
    for key in ("burden", "capability", "free_riding", "alliances", "country"):
        open_page(page, base_url, key)
        page.wait_for_timeout(300)  # Plotly's own redraw, when it makes one, is deferred
        for title, l_sent, l_laid, b_sent, b_laid, other in page.evaluate(MARGINS_JS):
            if other:  # heatmaps, maps: left to Plotly
                continue
            if (l_sent, b_sent) == (l_laid, b_laid):
                once += 1
            else:
                twice.append((key, title[:40], l_sent, l_laid, b_sent, b_laid))
    assert once >= 25 and len(twice) <= 2, (once, twice)


def test_capability_view_from_a_shared_url(page: Page, base_url: str):
    open_page(page, base_url, "capability", "?depreciation=15+%25+a+year&target=5+%25+of+GDP")
    see_title(page, "depreciation 15 %")
    see_title(page, "reach 5 % of")
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_sql_explorer_runs_and_refuses(page: Page, base_url: str, shots: Path):
    open_page(page, base_url, "sql")
    box = page.get_by_test_id("stTextArea").locator("textarea")
    box.fill("select iso3, name from country order by iso3 limit 5")
    box.press("Control+Enter")
    expect(page.get_by_text("5 rows.")).to_be_visible(timeout=UPDATE_MS)
    expect(page.get_by_test_id("stDataFrame").first).to_be_visible()
    box.fill("SELECT * FROM read_csv('/etc/passwd')")
    box.press("Control+Enter")
    error = page.get_by_test_id("stAlertContentError")
    expect(error).to_contain_text("switched off", timeout=UPDATE_MS)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    screenshot(page, shots, "sql-refused")


# --------------------------------------------------------------------------- phone and desktop

WIDTHS = {"phone": 390, "desktop": 1400}
# What overflows the page sideways, and which chart titles reach outside their chart.
LAYOUT_JS = """() => {
  const vw = window.innerWidth;
  const over = [];
  if (document.documentElement.scrollWidth > vw + 1) over.push('document');
  const main = document.querySelector('[data-testid="stMain"]');
  if (main && main.scrollWidth > main.clientWidth + 1) over.push('main ' + main.scrollWidth);
  document.querySelectorAll('[data-testid="stMainBlockContainer"] *').forEach((el) => {
    const r = el.getBoundingClientRect();
    if (!r.width || r.right <= vw + 1) return;
    // inside a box that clips or scrolls and itself fits: the box scrolls, not the page
    for (let up = el.parentElement; up && up !== main; up = up.parentElement) {
      const style = getComputedStyle(up);
      if (style.overflowX !== 'visible' && up.getBoundingClientRect().right <= vw + 1) return;
    }
    over.push((el.getAttribute('data-testid') || el.className || el.tagName) + ' ' + r.right);
  });
  const clipped = [];
  document.querySelectorAll('.js-plotly-plot').forEach((plot) => {
    const box = plot.getBoundingClientRect();
    plot.querySelectorAll('.gtitle, .gtitle-subtitle').forEach((t) => {
      const r = t.getBoundingClientRect();
      if (r.width && (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1)) {
        clipped.push(t.textContent);
      }
    });
  });
  // tick labels hidden under the legend or running into each other
  const meet = (a, b) => a.left < b.right - 1 && b.left < a.right - 1
    && a.top < b.bottom - 1 && b.top < a.bottom - 1;
  const ticks = [];
  document.querySelectorAll('.js-plotly-plot').forEach((plot) => {
    const title = (plot.querySelector('.gtitle') || {}).textContent || '?';
    const legend = plot.querySelector('.legend .bg');
    // a slanted label's box is not its shape: those are checked against the legend only
    const labels = [...plot.querySelectorAll('.xtick text, .ytick text')]
      .map((t) => [t.textContent, t.getBoundingClientRect(),
        (t.getAttribute('transform') || '').includes('rotate')])
      .filter(([, r]) => r.width);
    labels.forEach(([text, r, slanted], i) => {
      if (legend && meet(r, legend.getBoundingClientRect())) {
        ticks.push(title + ': ' + text + ' under the legend');
      }
      labels.slice(i + 1).forEach(([other, q, bent]) => {
        if (!slanted && !bent && meet(r, q)) ticks.push(title + ': ' + text + ' over ' + other);
      });
    });
  });
  // point labels piled on one another (a scatter's names)
  const piled = [];
  document.querySelectorAll('.js-plotly-plot').forEach((plot) => {
    const title = (plot.querySelector('.gtitle') || {}).textContent || '?';
    const labels = [...plot.querySelectorAll('.scatterlayer .textpoint text')]
      .map((t) => [t.textContent, t.getBoundingClientRect()]).filter(([s, r]) => s && r.width);
    labels.forEach(([text, r], i) => labels.slice(i + 1).forEach(([other, q]) => {
      if (meet(r, q)) piled.push(title + ': ' + text + ' over ' + other);
    }));
  });
  // a formula wider than its box (it would have to be scrolled to be read whole; KaTeX's
  // struts stick out a pixel or two)
  const formulas = [...document.querySelectorAll('.katex-display')]
    .filter((f) => f.offsetParent && f.scrollWidth > f.clientWidth + 4)
    .map((f) => f.textContent.slice(0, 40));
  // text cut short by its box, and text printed over other text or under a toolbar: every
  // heading, paragraph, caption, label and metric against those of the other elements
  const TEXT = 'h1, h2, h3, h4, p, li, [data-testid="stMetricValue"] *, '
    + '[data-testid="stMetricLabel"], [data-testid="stCaptionContainer"], '
    + '[data-testid="stWidgetLabel"], [data-testid="stElementToolbar"]';
  const shown = [...document.querySelectorAll(
    '[data-testid="stMainBlockContainer"] :is(' + TEXT + ')')].filter((el) => {
    const r = el.getBoundingClientRect();
    const s = getComputedStyle(el);
    return r.width && r.height && Number(s.opacity) > 0 && el.checkVisibility(
      {contentVisibilityAuto: true, visibilityProperty: true});
  });
  const cut = shown.filter((el) => {
    const s = getComputedStyle(el);
    return (s.overflowX === 'hidden' || s.overflowX === 'clip' || s.textOverflow === 'ellipsis')
      && el.scrollWidth > el.clientWidth + 1;
  }).map((el) => el.textContent.slice(0, 40));
  const boxes = shown.map((el) => [el.textContent.slice(0, 30) || el.getAttribute('data-testid'),
    el.getBoundingClientRect(), el.closest('[data-testid="stElementContainer"]')]);
  const overprinted = [];
  boxes.forEach(([text, r, home], i) => boxes.slice(i + 1).forEach(([other, q, there]) => {
    if (home !== there && meet(r, q)) overprinted.push(text + ' / ' + other);
  }));
  return {over: over.slice(0, 5), clipped, ticks: ticks.slice(0, 5), piled: piled.slice(0, 5),
          formulas, cut: cut.slice(0, 5), overprinted: overprinted.slice(0, 5)};
}"""

# Every data table on screen: its columns, and the headers it shows now (index: text).
SHOWN_TABLES = """[...document.querySelectorAll('[data-testid="stDataFrame"]')]
  .filter((t) => t.offsetParent && t.getBoundingClientRect().width
    && t.querySelector('table[role="grid"]'))"""
TABLES_JS = (
    "() => "
    + SHOWN_TABLES
    + """.map((t) => {
    const grid = t.querySelector('table[role="grid"]');
    return {columns: Number(grid.getAttribute('aria-colcount')),
            headers: Object.fromEntries([...grid.querySelectorAll('th[role="columnheader"]')]
              .map((th) => [th.getAttribute('aria-colindex'), th.textContent]))};
  })"""
)
# Scroll table i sideways; false once it is at its right end.
TABLE_SCROLL_JS = (
    "(i) => { const t = "
    + SHOWN_TABLES
    + """[i];
  const box = t.querySelector('.dvn-scroller');
  if (!box || box.scrollLeft + box.clientWidth >= box.scrollWidth - 1) return false;
  // a third of its width a step: less than what a pinned first column (at most 200 px) leaves
  box.scrollLeft += Math.max(60, box.clientWidth / 3);
  return true;
}"""
)


def table_problems(page: Page, width: int) -> list[str]:
    """Each table shows its first two columns (or its only one) and every column's header can
    be reached by scrolling the table itself; no header is a raw column name (snake_case)."""
    problems = []
    for i, table in enumerate(page.evaluate(TABLES_JS)):
        headers = dict(table["headers"])
        first = table["headers"]
        if len(first) < min(2, table["columns"]):
            problems.append(f"table {i} shows only {list(first.values())} at {width} px")
        for _ in range(40):
            before = page.evaluate(TABLES_JS)[i]["headers"]
            if not page.evaluate(TABLE_SCROLL_JS, i):
                break
            for _ in range(10):  # the grid redraws its headers a moment after the scroll
                page.wait_for_timeout(50)
                if (now := page.evaluate(TABLES_JS)[i]["headers"]) != before:
                    break
            headers.update(now)
        missing = table["columns"] - len(headers)
        if missing:
            problems.append(f"table {i}: {missing} of {table['columns']} headers out of reach")
        raw = [h for h in headers.values() if re.fullmatch(r"[a-z0-9]+(_[a-z0-9]+)+", h)]
        if raw:
            problems.append(f"table {i}: raw headers {raw}")
    return problems


SIDEBAR_CLOSED_JS = """() => {
  const bar = document.querySelector('[data-testid="stSidebar"]');
  if (!bar || bar.getAttribute('aria-expanded') === 'false') return true;
  return bar.getBoundingClientRect().right <= 1;
}"""


def device_context(browser, device: str):
    """A browser context at the device's width (the phone: touch, mobile viewport)."""
    phone = device == "phone"
    return browser.new_context(
        viewport={"width": WIDTHS[device], "height": 900}, has_touch=phone, is_mobile=phone
    )


def layout_problems(page: Page) -> dict[str, list]:
    """What LAYOUT_JS finds wrong on the page as it stands, by kind (only the kinds found)."""
    return {kind: found for kind, found in page.evaluate(LAYOUT_JS).items() if found}


@pytest.mark.parametrize("device", list(WIDTHS))
def test_every_page_fits_the_screen(browser, base_url: str, shots: Path, device: str):
    """At 390 px (a phone, touch) and 1,400 px: nothing overflows the page sideways, no chart
    title is clipped, no label, formula or text is cut or printed over another, every table
    shows its first columns and scrolls to the others; on the phone the navigation starts
    collapsed, Plotly's toolbar is hidden, the data's age is on the page, a swipe over any chart
    scrolls the page (the chart keeps its axes), a tap shows a value, and choosing a page in the
    menu closes it. One browser context per width, every page in turn (one server for all)."""
    width, phone = WIDTHS[device], device == "phone"
    context = device_context(browser, device)
    page = context.new_page()
    cdp = context.new_cdp_session(page) if phone else None
    try:
        # every page as first opened, then Data and methods' other sections (formulas, tables)
        views = [(info.key, "") for info in nav.PAGES]
        views += [("methods", query) for query in METHODS_SECTIONS.values()]
        for key, query in views:
            view, charts = f"{key}{query}", has_charts(key, query)
            open_page(page, base_url, key, query)
            if charts:
                page.wait_for_timeout(300)  # Plotly lays titles out after the first frame
            found = layout_problems(page)
            assert not found, (view, width, found)
            assert not (tables := table_problems(page, width)), (view, tables)
            freshness = page.locator(".st-key-freshness").get_by_text("Data built")
            if phone:
                assert page.evaluate(SIDEBAR_CLOSED_JS), (view, "navigation open on a phone")
                expect(freshness).to_be_visible()
                if charts:
                    expect(page.locator(".modebar-container").first).to_be_hidden()
            else:  # the menu beside the page says it
                expect(freshness).to_be_hidden()
            if key == "burden":  # the map draws its countries with no network
                expect(page.locator(".choroplethlocation").first).to_be_attached()
            expect(page.get_by_test_id("stException")).to_have_count(0)
            if phone and not query and os.environ.get("UPDATE_SCREENSHOTS") == "1":
                screenshot(page, shots, f"{key.replace('_', '-')}-phone", docs=True)
            if phone and charts:
                assert (tap := touch.tap_shows_value(page, cdp)) is None, (view, tap)
                swiped = [p for i in range(touch.plots(page)) if (p := touch.swipe(page, cdp, i))]
                assert not swiped, (view, swiped)
        if phone:  # the menu, opened over the last page, closes once a page is chosen in it
            page.get_by_test_id("stExpandSidebarButton").tap()
            page.wait_for_function(f"() => ({touch.MENU_JS})() === 'over'", timeout=UPDATE_MS)
            page.get_by_test_id("stSidebarNav").get_by_text(nav.BY_KEY["burden"].title).tap()
            heading = page.get_by_role("heading", name=nav.BY_KEY["burden"].title, level=1)
            expect(heading).to_be_visible(timeout=LOAD_MS)
            page.wait_for_timeout(500)  # the menu slides away
            assert touch.menu(page) == "closed", "the menu stayed open over the chosen page"
    finally:
        context.close()


def test_download_is_rounded_coded_and_named(page: Page, base_url: str, tmp_path: Path):
    """The CSV is made on the click: ISO3 codes first, NATO's two decimals, a name that says
    what it holds; the citation sits behind its expander."""
    open_page(page, base_url, "burden", "?year=2020")
    with page.expect_download(timeout=UPDATE_MS) as info:
        page.locator(".st-key-download-burden-heatmap").get_by_role("button").click()
    download = info.value
    assert download.suggested_filename == "alliance-ledger_burden-heatmap_nato_nato_historical.csv"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    header, first = path.read_text(encoding="utf-8").splitlines()[:2]
    assert header.startswith("iso3,country,year,burden_pct")
    assert len(first.split(",")[3].split(".")[-1]) <= 2  # NATO publishes two decimals
    page.get_by_text("The numbers · cite this chart · sources").first.click()
    expect(page.get_by_text("Alliance Ledger (", exact=False).first).to_be_visible(
        timeout=UPDATE_MS
    )
    # the plotted numbers as a table, in the same expander (drawn only once it is opened)
    expect(page.get_by_test_id("stExpander").get_by_test_id("stDataFrame").first).to_be_visible()
    expect(
        page.get_by_role("button", name="Download the metadata (datapackage.json)")
    ).to_be_visible()


# The reader views of issue 15 that a page's defaults do not show: the per-head map, a year in
# which the correlations' intervals span zero (grey points and lines), a higher Hague target.
READER_VIEWS = [
    ("burden", "?year=2024&map=per_head", "spends the most per head"),
    ("burden", "?source=sipri&area=world&map=per_head&year=2023", "per head"),
    ("burden", "?area=world&map=us_forces", "hosts the most"),  # DMDC's head counts
    ("free_riding", "?year=2024", "95 % intervals"),
    ("capability", "?target=5+%25+of+GDP", "reach 5 % of"),
    ("alliances", "?as_of=1995-01-01", "belong"),
]


@pytest.mark.parametrize("device", list(WIDTHS))
def test_reader_views_fit_the_screen(browser, base_url: str, device: str):
    """The per-head chart and map, the intervals and the finding titles at 390 px and 1,400 px:
    nothing overflows the page sideways and no chart title is clipped."""
    width = WIDTHS[device]
    context = device_context(browser, device)
    page = context.new_page()
    try:
        for key, query, title in READER_VIEWS:
            open_page(page, base_url, key, query)
            see_title(page, title, UPDATE_MS)
            page.wait_for_timeout(300)  # Plotly lays titles out after the first frame
            found = layout_problems(page)
            assert not found, (key, query, width, found)
            expect(page.get_by_test_id("stException")).to_have_count(0)
        # the grey points say so in the legend
        open_page(page, base_url, "free_riding", "?year=2024")
        expect(
            page.locator(".legendtext", has_text="grey: interval spans zero").first
        ).to_be_attached()
    finally:
        context.close()
