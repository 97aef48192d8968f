"""The Claims page on a 390 px phone, in Debian's Chromium: a link opens the claim it names, the
history squares are large enough to tap and name their year and verdict when tapped, no date or
label of a claim's chart is cut at the screen's edge, and a date typed into the as-of box applies
on Enter and lands in the link. One page load for all of it (the landing page judges sixteen
claims)."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_browser import LOAD_MS, UPDATE_MS, screenshot, settle

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 900}
MIN_TAP_PX = 24  # WCAG 2.2's minimum target size

# Every text of a claim's chart (tick labels, point labels, annotations) that runs past the
# chart's own box or the screen: [chart index, text, left, right, box right, screen width].
CUT_JS = """() => {
  const out = [];
  const screen = document.documentElement.clientWidth;
  document.querySelectorAll('[class*="st-key-claim-"] .js-plotly-plot').forEach((plot, i) => {
    const box = plot.getBoundingClientRect();
    plot.querySelectorAll('text').forEach((t) => {
      const r = t.getBoundingClientRect();
      if (!t.textContent.trim() || r.width === 0) return;
      if (r.left < box.left - 1 || r.right > box.right + 1 || r.right > screen)
        out.push([i, t.textContent, r.left, r.right, box.right, screen]);
    });
  });
  return out;
}"""

SQUARES_JS = """() => [...document.querySelectorAll('.al-sq')].map((s) => {
  const r = s.getBoundingClientRect();
  return [s.getAttribute('data-tip'), r.width, r.height];
})"""


def test_a_phone_reader_opens_a_claim_taps_its_history_and_types_a_date(
    browser, base_url: str, shots: Path
):
    context = browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    page = context.new_page()
    try:
        page.goto(f"{base_url}/?claim=C7")
        cards = page.locator('[class*="st-key-claim-C"]')
        expect(cards.first).to_contain_text("C7 ·", timeout=LOAD_MS)
        expect(page.locator(".al-sq").first).to_be_visible(timeout=LOAD_MS)
        settle(page)
        # the linked card comes first, its details open
        expect(cards.first.get_by_text("The claim this link opens (C7)")).to_be_visible()
        expect(cards.first.get_by_text("Rule:", exact=False).first).to_be_visible()

        squares = page.evaluate(SQUARES_JS)
        assert len(squares) >= 16 * 10, len(squares)
        small = [s for s in squares if s[1] < MIN_TAP_PX or s[2] < MIN_TAP_PX]
        assert not small, small[:5]

        # a tap on a square shows its year and verdict
        square = cards.first.locator(".al-sq").first
        square.tap()
        tip = page.evaluate("() => document.activeElement.getAttribute('data-tip')")
        shown = page.evaluate("() => getComputedStyle(document.activeElement, '::after').content")
        assert tip and tip.startswith("2015: "), tip
        assert tip in shown, shown

        page.wait_for_timeout(500)  # Plotly lays its labels out after the first frame
        cut = page.evaluate(CUT_JS)
        assert not cut, cut[:5]
        screenshot(page, shots, "claims-phone-linked")

        # a date typed and Enter: the claims are judged as of it, and the link keeps it
        box = page.get_by_label("Judge the claims as of (YYYY-MM-DD, then Enter)", exact=True)
        box.tap()
        box.fill("2016-06-01")
        box.press("Enter")
        expect(page.get_by_text("NATO had 28 members on 1 June 2016").first).to_be_visible(
            timeout=UPDATE_MS * 4
        )
        assert "as_of=2016-06-01" in page.url and "claim=C7" in page.url, page.url
        expect(page.get_by_test_id("stException")).to_have_count(0)
    finally:
        context.close()
