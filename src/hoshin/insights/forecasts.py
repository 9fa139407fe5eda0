"""End-of-cycle forecasts of the key results that a KPI feeds, for the cycles running on a date."""

from __future__ import annotations

import datetime as dt
import zlib

import numpy as np
from django.utils.translation import gettext_lazy as _

from hoshin.engine.insights.forecast import forecast_cycle, outlook
from hoshin.engine.insights.series import ordinals, to_grid
from hoshin.insights.series import kpi_series
from hoshin.okrs.models import KeyResult

OUTLOOK_LABELS = {
    "likely": _("Likely to reach its target"),
    "possible": _("May reach its target"),
    "at_risk": _("At risk: the target is outside the likely range"),
}


def organization_forecasts(organization, as_of: dt.date) -> dict:
    """Forecast every key result with a source KPI whose cycle contains `as_of`."""
    key_results = list(
        KeyResult.objects.filter(objective__organization=organization, archived=False, objective__archived=False,
                                 source_kpi__isnull=False, source_kpi__archived=False,
                                 objective__cycle__start__lte=as_of, objective__cycle__end__gte=as_of)
        .select_related("objective__cycle", "source_kpi")
        .order_by("objective__cycle__start", "objective__position", "objective__key", "position", "key")
    )
    kpis = {kr.source_kpi.pk: (kr.source_kpi.key, kr.source_kpi.frequency) for kr in key_results}
    series = kpi_series(organization, kpis, as_of)
    calendar = {"week_start": organization.week_start, "fiscal_start_month": organization.fiscal_year_start_month}
    items = []
    for kr in key_results:
        kpi = kr.source_kpi
        cycle = kr.objective.cycle
        history, in_cycle, ahead = _history(series[kpi.key], cycle.start, cycle.end, as_of, calendar)
        forecast = forecast_cycle(history, in_cycle, ahead, kr.rollup_mode or kpi.aggregation, kpi.frequency,
                                  seed=zlib.crc32(kr.key.encode()))
        target_range = (kr.range_low, kr.range_high) if kr.kr_type == "within_range" else None
        verdict = outlook(kr.kr_type, forecast.low, forecast.high, kr.target, target_range)
        items.append({
            "key": kr.key, "name": kr.name, "okr": kr.objective.key, "okr_name": kr.objective.name,
            "cycle": cycle.key, "cycle_end": cycle.end.isoformat(), "type": kr.kr_type, "baseline": kr.baseline,
            "target": kr.target, "range_low": kr.range_low, "range_high": kr.range_high,
            "unit_of_measure": kr.unit_of_measure, "kpi": {"key": kpi.key, "name": kpi.name},
            "forecast": forecast.to_json(), "outlook": verdict, "at_risk": verdict == "at_risk",
            "outlook_label": str(OUTLOOK_LABELS[verdict]) if verdict else None,
        })
    return {"organization": organization.key, "as_of": as_of.isoformat(), "key_results": items}


def _history(series, cycle_start: dt.date, cycle_end: dt.date, as_of: dt.date, calendar: dict
             ) -> tuple[np.ndarray, int, int]:
    """Return the KPI's values up to `as_of` on its own grid, how many fall in the cycle, and how many periods remain."""
    frequency = series.frequency
    grid = to_grid(series, frequency, **calendar)
    start, now, end = ordinals(np.array([cycle_start, as_of, cycle_end], dtype="datetime64[D]"), frequency,
                               **calendar)
    if grid.values.size == 0:
        return np.empty(0), 0, int(end - now)
    stop = int(now) - grid.first + 1
    values = grid.values[:max(stop, 0)]
    if stop > values.size:
        values = np.concatenate([values, np.full(stop - values.size, np.nan)])
    in_cycle = int(min(values.size, max(0, now - start + 1)))
    return values, in_cycle, int(end - now)
