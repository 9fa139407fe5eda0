"""Hoshin's scoring engine: pure Python with numpy and polars, no Django.

Web pages, the API, the CLI and exports call these functions; nothing else
computes a score. Modules:

- `periods`: days, weeks, months, fiscal quarters and years, labels, time zones
- `aggregation`, `aggregation_frames`: a KPI's values over a window, for one
  series or many KPIs at once
- `aggregation_partials`: the same window values from partial sums that a
  database computes
- `windows`: the measurement windows that scoring an organization reads
- `status`: KPI thresholds, attainment and change between periods
- `progress`: key result progress, check-ins and on/off-track status
- `rollup`: scores along the graph of objectives, key results and KPIs
- `scoring`: one organization's full score report from a `snapshot`

Records that scoring creates by the hundred thousand (snapshots, scores,
roll-up nodes and results) are slotted dataclasses that are not frozen:
creating a frozen one costs about six times as much, which was a quarter
of the engine's time on a large organization. Treat them as values: the
engine never changes a record after creating it, and `dataclasses.replace`
makes a changed copy.
"""
