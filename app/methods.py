"""Text and column labels for the Data and methods page (content, not logic)."""

from __future__ import annotations

from typing import Any

from core.catalogue.sources import SOURCES

# The page's sections, in order; each name is its link's `?section=` value, so renaming one
# breaks the links already shared.
SECTIONS = ("Sources", "Agreement", "Revisions", "Formulas")

SOURCE_COLUMNS = {
    "publisher": "publisher",
    "edition": "edition",
    "name": "file",
    "url": "URL",
    "licence": "licence and attribution",
    "sha256": "sha256",
    "bytes": "bytes",
    "rows": "rows loaded",
    "loaded_at": "loaded at (UTC)",
}
RUN_COLUMNS = {
    "started_at": "started (UTC)",
    "finished_at": "finished (UTC)",
    "outcome": "outcome",
    "command": "command",
    "raw_dir": "raw files",
    "message": "message",
    "run_id": "run",
}
REVISION_COLUMNS = {
    "source": "source",
    "edition": "edition",
    "previous_edition": "previous edition",
    "iso3": "country",
    "year": "year",
    "change": "change",
    "previous_share_gdp_pct": "share of GDP before (%)",
    "share_gdp_pct": "share of GDP now (%)",
    "share_gdp_change_pp": "change (pp)",
    "previous_current_usd_m": "US$ m before (current)",
    "current_usd_m": "US$ m now (current)",
    "current_usd_change_pct": "change (%)",
}
REVISIONS_INTRO = """\
Each NATO edition and SIPRI release restates earlier years: estimates are replaced by outturns,
estimates are revised, past years are restated, new years appear and some rows disappear
(Iceland, without armed forces, has no row in NATO's 2026 tables). Choose a country: this table
lists every figure of it an edition changed against the edition before it, at current prices
(constant prices of two editions may sit at different base years). The same country serves the
next table; `etl query revisions` lists every country."""
VINTAGE_COLUMNS = {
    "edition": "release",
    "published": "this copy public",
    "share_gdp_pct": "share of GDP (%)",
    "share_gdp_change_pp": "change (pp)",
    "current_usd_m": "US$ m (current)",
    "constant_usd_m": "US$ m (constant)",
    "price_base_year": "constant prices of",
    "is_estimate": "estimate",
    "change": "against the release before",
    "file": "file",
}
VINTAGES_INTRO = """\
SIPRI restates its whole series every April. Choose a country and a year to see every figure
each release held here printed for it (April 2017 and 2020 to 2026; the 2018 and 2019 releases
could not be found unaltered). Constant prices sit at each release's own base year and are not
compared across releases."""


def revisions_none(country: str) -> str:
    """Why a country's table of revisions is empty."""
    return (
        f"No edition changed a figure of {country} against the edition before it: either one "
        "edition of each source is loaded (a refresh that brings a new edition keeps the old "
        "one beside it), or every later edition printed its figures unchanged."
    )


AGE_COLUMNS = {
    "publisher": "publisher",
    "edition": "newest edition loaded",
    "age_days": "age (days)",
    "stale": "newer edition probably out",
    "note": "note",
    "published": "published",
    "period_days": "usual update period (days)",
    "source": "raw-file folder",
}
AGES_INTRO = """\
Each source's newest edition in the warehouse, its age today, and the publisher's usual update
period. A source is flagged when its edition is older than that period plus a month's grace: a
newer edition is then probably out, and `etl refresh` with the new files would bring it in.
Correlates of War, REST Countries and the project's own membership facts have no release
schedule and are never flagged.
"""
CROSS_COLUMNS = {
    "country": "country",
    "year": "year",
    "sipri_pct": "SIPRI (% of GDP)",
    "nato_pct": "NATO (% of GDP)",
    "wb_pct": "World Bank (% of GDP)",
    "max_abs_diff_pp": "largest gap (percentage points)",
}
ATTRIBUTION = (
    "Attribution: "
    + "; ".join(s.attribution for s in SOURCES.values())
    + ". Membership dates are the project's own compilation; every row of "
    "`data/memberships.csv` cites its source. Raw files are kept byte for byte as published; the "
    "sha256 above identifies each one.\n\nUS forces by host country are personnel by assigned "
    "duty location. Assigned personnel only: rotational deployments are not in these figures.\n"
)


def us_forces_caveat(poland: int | None) -> str:
    """What DMDC's head counts leave out, said wherever one is shown (Poland's assigned
    active-duty figure from the loaded report, else in words)."""
    shown = f"{poland:,}" if poland is not None else "a few hundred"
    return (
        "Assigned personnel only: rotational deployments are not in these figures (Poland shows "
        f"{shown} assigned active-duty US personnel although thousands of US troops rotate "
        "through it)."
    )


CROSS_SOURCE_INTRO = """\
Three publishers give a defence burden for most allies. They do not measure the same thing:
NATO divides what allies report under NATO's definition by real GDP; SIPRI applies one
definition to every state and divides by nominal GDP; the World Bank republishes SIPRI's share.
The chart shows, for each ally, how far apart the figures typically are.
"""
# Each formula in lines short enough for a phone's width (a line is at most ~300 px of KaTeX).
FORMULAS = [
    (
        "Defence burden",
        r"\text{burden}_i = 100 \times \frac{ME_i}{GDP_i}",
        "Defence (military) expenditure over GDP, in percent; the source's own published share.",
    ),
    (
        "Burden and benefit shares",
        r"\begin{gathered} b_i = \frac{ME_i}{\sum_j ME_j},\quad y_i = \frac{GDP_i}{\sum_j GDP_j},"
        r"\\ n_i = \frac{POP_i}{\sum_j POP_j} \end{gathered}",
        "Shares of the grouping's total in one year, over members with both figures.",
    ),
    (
        "Burden-to-benefit ratio, fair share and gap",
        r"\begin{gathered} R_i = \frac{b_i}{y_i},\qquad FS_i = \Big(\sum_j ME_j\Big)\, y_i,"
        r"\\ \text{gap}_i = ME_i - FS_i \end{gathered}",
        "R > 1: the member pays more than its economic weight; a positive gap, more than its "
        "fair share in US dollars.",
    ),
    (
        "Olson–Zeckhauser exploitation test",
        r"\begin{gathered} \rho = \operatorname{Spearman}(GDP_i, ME_i/GDP_i), \\ "
        r"t = \rho\sqrt{\frac{n-2}{1-\rho^2}} \sim t_{n-2} \end{gathered}",
        "Average ranks for ties. A positive, significant ρ: large allies carry "
        "disproportionate burdens (Olson and Zeckhauser 1966).",
    ),
    (
        "Partial rank correlation",
        r"\rho_{12\cdot3} = \frac{\rho_{12} - \rho_{13}\rho_{23}}"
        r"{\sqrt{(1-\rho_{13}^2)(1-\rho_{23}^2)}}",
        "1 = GDP, 2 = burden, 3 = GDP per capita (Sandler and Murdoch 2000); t on n − 3 degrees "
        "of freedom.",
    ),
    (
        "Concordance (Wilcoxon signed-rank)",
        r"\begin{gathered} d_i = b_i - y_i, \\ z = \frac{W^+ - n(n+1)/4}{\sqrt{n(n+1)(2n+1)/24}},"
        r"\\ \hat\Delta = \operatorname{median}_{i \le j} \frac{d_i + d_j}{2} \end{gathered}",
        "Also on d_i = b_i − (y_i + n_i)/2. The tie-corrected z is used for the p-value "
        "(Sandler and Shimizu 2014). Δ̂ (Hodges–Lehmann) is the typical difference; its 95 % "
        "interval runs from the k-th smallest to the k-th largest of the n(n+1)/2 averages, "
        "k from the exact null distribution of W+ (the normal one above 50 members): the "
        "shifts the test does not reject. With 5 members or fewer there is none.",
    ),
    (
        "Free-riding response (approximation)",
        r"\begin{aligned} \Delta \ln ME_{i,t} &= a_i + \beta_i\, \Delta \ln ME_{US,t} \\ "
        r"&\quad + \varepsilon_{i,t} \end{aligned}",
        "Real (constant-price) spending; a negative β suggests an ally spends less when the "
        "US spends more. After Plümper and Neumayer (2015), much simplified.",
    ),
    (
        "Threat proximity",
        r"\begin{aligned} d &= 2R \arcsin\sqrt{h}, \\ h &= \sin^2\tfrac{\Delta\varphi}{2} + "
        r"\cos\varphi_1\cos\varphi_2\sin^2\tfrac{\Delta\lambda}{2} \end{aligned}",
        "Great-circle (haversine) distance from the capital to Moscow, R = 6371.0088 km.",
    ),
    (
        "NATO guidelines",
        r"\begin{gathered} \text{burden} \ge 2\%, \\ "
        r"\frac{\text{major equipment}}{ME} \ge 20\%, \\ "
        r"\text{core burden by 2035} \ge 3.5\% \end{gathered}",
        "2 % agreed in 2006 and pledged at Wales in 2014 with the 20 % equipment guideline; "
        "The Hague 2025 adds 1.5 % of GDP for defence-related spending, 5 % in all.",
    ),
]


def describe(name: str, meta: dict[str, Any]) -> str:
    """A sidecar as Markdown: description, unit, parameters, columns, notes."""
    lines = []
    if meta.get("description"):
        lines.append(str(meta["description"]).strip())
    if meta.get("unit"):
        lines.append(f"**Unit:** {meta['unit']}")
    params = meta.get("parameters") or {}
    if params:
        lines.append("**Parameters**")
        for p, info in params.items():
            info = info or {}
            default = info.get("default")
            lines.append(
                f"- `{p}` ({info.get('type', 'any')}"
                + (f", default {default}" if default is not None else "")
                + f"): {str(info.get('description', '')).strip()}"
            )
    columns = meta.get("columns") or {}
    if columns:
        lines.append("**Columns**")
        for c, text in columns.items():
            lines.append(f"- `{c}`: {str(text).strip()}")
    if meta.get("notes"):
        lines.append(f"**Notes:** {str(meta['notes']).strip()}")
    if meta.get("sources"):
        lines.append("**Reads:** " + ", ".join(f"`{s}`" for s in meta["sources"]))
    lines.append(f"SQL: `queries/{name}.sql`")
    return "\n\n".join(lines)
