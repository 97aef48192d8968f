"""One function per indicator view: which columns of a query's frame a figure plots, with what
title and units. Plain functions of Polars frames (tested without Streamlit); the generic
drawing lives in app.charts. Nothing is re-exported here: a caller imports the module it uses.

- common: source and grouping names, guideline lines, the helpers that read a frame and write
  numbers for reading (every other module may import it; it imports none of them)
- burden: burden sharing (heatmap, burden vs benefit, fair-share gap, guidelines, per head)
- free_riding: the Olson–Zeckhauser test, concordance, US share, response slopes
- alliances: memberships, intersections, spells, the groupings' totals, growth and reach
- capability: equipment, personnel, capability balance, the Hague path, the broader burden
- country: a country's series, rank and cross-source gaps
- claims: claim_chart (a claim's own chart spec)
- key_figures: a country's key figures
- map: the burden map
"""
