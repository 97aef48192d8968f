"""The catalogue: each concept the three layers share, spelled once, one module each.

- sources: every source's names, publisher, licence, cadence, precision, what the pages offer
- groupings: every grouping's code and labels (data/alliances.csv plus NATO_EUROPE_CANADA), and
  the two membership codings
- tables: the warehouse's tables in load order, and what fills each
- verdicts: the verdict labels with their colours, icons and letters
- guidelines: NATO's spending guidelines (2 %, 20 %, 3.5 %, 5 %)
"""
