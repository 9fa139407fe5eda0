"""Insights over the graph: metric hygiene, evidence for links, root causes, forecasts and calibration.

Pure numerical code on plain data, like the rest of the engine:

- `series`: a KPI's values on a regular calendar grid, alignment of two
  series on a common frequency, removal of trend and seasonality
- `hygiene`: findings about the graph's shape (what feeds nothing, what
  is stale, what is missing, what is too much) and the metric-inflation index
- `redundancy`: KPIs with near-identical definitions or series
- `evidence`: lagged cross-correlation and a Granger-style test per link,
  with Benjamini–Hochberg across an organization
- `attribution`: which KPIs and key results beneath an objective account
  for its shortfall
- `forecast`: a key result's end-of-cycle value with an 80 % interval
- `calibration`: check-in confidence against what was achieved
"""
