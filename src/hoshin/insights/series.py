"""KPI series for the insights, read from the database in one statement per organization.

Segments are combined per period: ratio KPIs as the ratio of summed
numerators and denominators, other KPIs as the mean of their segments.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from hoshin.engine.insights.series import Series
from hoshin.scoring.snapshot import measurement_frame

# How much history the insights read: two years and a little, enough for
# the evidence of links with long lags and for yearly seasonality.
HISTORY = dt.timedelta(days=800)


def kpi_series(organization, kpis: dict[int, tuple[str, str]], as_of: dt.date,
               history: dt.timedelta = HISTORY) -> dict[str, Series]:
    """Return a `Series` per KPI key for the KPIs `kpis` ({id: (key, frequency)}), up to `as_of`."""
    keys = {pk: key for pk, (key, _frequency) in kpis.items()}
    frame = measurement_frame(keys, as_of - history, as_of, organization_id=organization.pk)
    combined = (
        frame.group_by("kpi_id", "period_start")
        .agg(
            numerator=pl.col("numerator").sum(),
            denominator=pl.col("denominator").sum(),
            ratio_rows=pl.col("numerator").is_not_null().sum(),
            value=pl.col("value").mean(),
        )
        .with_columns(
            value=pl.when((pl.col("ratio_rows") > 0) & (pl.col("denominator") != 0))
            .then(pl.col("numerator") / pl.col("denominator"))
            .otherwise(pl.col("value"))
        )
        .sort("kpi_id", "period_start")
    )
    parts = {key: part for (key,), part in combined.partition_by("kpi_id", as_dict=True).items()}
    series = {}
    for key, frequency in kpis.values():
        part = parts.get(key)
        if part is None:
            series[key] = Series.of(frequency, np.empty(0, dtype="datetime64[D]"), np.empty(0))
        else:
            series[key] = Series.of(frequency, part["period_start"].to_numpy(), part["value"].to_numpy())
    return series
