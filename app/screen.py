"""What every page tells the browser beyond Streamlit's own elements: the style (phone first)
and one script that closes the menu after a page is chosen.

Both are constants of this project (no reader's text goes into them). The charts' touch
behaviour is not here: it is in each figure (app/charts.py) and Plotly's config (app/ui.py).
"""

from __future__ import annotations

import streamlit as st

# Streamlit lays its menu over the page below this width (its `md` breakpoint, 768 px): there
# the freshness line is shown on the page too, since the closed menu hides it.
OVERLAY_PX = 768

# - No Plotly or table toolbar on touch screens or narrow windows: they sat on the titles and
#   headings (a phone has no hover to bring them up when wanted, and the CSV button is below).
# - Formulae, code and markdown tables scroll inside their own box, never the page.
# - The on-page freshness line only where the menu is not beside the page.
STYLE = f"""<style>
@media (hover: none), (max-width: 640px) {{
  .modebar-container, [data-testid="stElementToolbar"] {{ display: none !important; }}
}}
@media (min-width: {OVERLAY_PX}px) {{
  .st-key-freshness {{ display: none; }}
}}
[data-testid="stLatex"], .katex-display, [data-testid="stMarkdownContainer"] pre {{
  overflow-x: auto; overflow-y: hidden; max-width: 100%;
}}
[data-testid="stMarkdownContainer"] table {{ display: block; overflow-x: auto; max-width: 100%; }}
[data-testid="stCaptionContainer"] {{ overflow-wrap: anywhere; }}
</style>"""

# Streamlit closes its menu after a choice only on browsers whose user agent it recognises as a
# phone's; elsewhere (a phone's browser it does not know, a narrow window) the menu stayed open
# over the new page. So: after a click on a page link, if the menu is open and lies over the
# page (not beside it), press its own close button. Installed once per browser tab.
MENU_SCRIPT = """<script>
(() => {
  if (window.allianceLedgerMenu) return;
  window.allianceLedgerMenu = true;
  document.addEventListener("click", (event) => {
    if (!event.target.closest('[data-testid="stSidebarNav"] a')) return;
    setTimeout(() => {
      const bar = document.querySelector('[data-testid="stSidebar"]');
      const main = document.querySelector('[data-testid="stMain"]');
      if (!bar || !main || bar.getAttribute("data-collapsed") === "true") return;
      if (main.getBoundingClientRect().left >= bar.getBoundingClientRect().right - 1) return;
      const close = document.querySelector('[data-testid="stSidebarCollapseButton"] button');
      if (close) close.click();
    }, 0);
  }, true);
})();
</script>"""


def apply() -> None:
    """The style (Streamlit moves a style-only element out of the page's flow) and the menu's
    script (in the sidebar, where its empty element takes no room on the page)."""
    st.html(STYLE)
    st.sidebar.html(MENU_SCRIPT, unsafe_allow_javascript=True)
