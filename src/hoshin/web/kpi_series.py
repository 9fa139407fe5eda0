"""A KPI's measurements as a chart series: aggregated per day, week, month, quarter or year.

Values come from `hoshin.engine.aggregation_frames.aggregate_windows`, so a
month of a weekly `mean` KPI weighs each week by its number of values and a
`count` KPI counts a missing period as zero, exactly as scoring does. The
target of each point comes from the KPI's targets, pro-rated by
`hoshin.engine.aggregation.elapsed_fraction` when a `sum` target covers a
longer period than the point.
"""

import datetime as dt
from dataclasses import dataclass

import polars as pl

from hoshin.engine import periods
from hoshin.engine.aggregation import elapsed_fraction
from hoshin.engine.aggregation_frames import aggregate_windows
from hoshin.engine.status import classify_kpi
from hoshin.kpis.models import Kpi, KpiTarget, Measurement

FREQUENCIES = ("daily", "weekly", "monthly", "quarterly", "yearly")

# Maximum number of points per chart; older periods are left out.
MAX_POINTS = {"daily": 400, "weekly": 260, "monthly": 120, "quarterly": 60, "yearly": 30}


@dataclass(frozen=True)
class SeriesRequest:
    frequency: str
    segment: str | None


def coarser_or_equal(frequency: str, kpi_frequency: str) -> bool:
    """Tell whether a chart of `frequency` can be built from measurements of `kpi_frequency`."""
    return FREQUENCIES.index(frequency) >= FREQUENCIES.index(kpi_frequency)


def measurement_frame(kpi: Kpi, segment: str | None) -> pl.DataFrame:
    rows = Measurement.objects.filter(kpi=kpi)
    if segment is not None:
        rows = rows.filter(segment=segment)
    values = list(rows.values_list("period_start", "segment", "value", "numerator", "denominator", "value_count"))
    return pl.DataFrame(
        {
            "kpi_id": [kpi.pk] * len(values),
            "period_start": [row[0] for row in values],
            "segment": [row[1] for row in values],
            "value": [row[2] for row in values],
            "numerator": [row[3] for row in values],
            "denominator": [row[4] for row in values],
            "n": [float(row[5]) for row in values],
        },
        schema={
            "kpi_id": pl.Int64, "period_start": pl.Date, "segment": pl.Utf8, "value": pl.Float64,
            "numerator": pl.Float64, "denominator": pl.Float64, "n": pl.Float64,
        },
    )


def chart_windows(kpi: Kpi, frequency: str, first: dt.date, last: dt.date) -> list[periods.Period]:
    organization = kpi.organization
    windows = periods.periods_between(first, last, frequency, organization.fiscal_year_start_month,
                                      organization.week_start)
    return windows[-MAX_POINTS[frequency]:]


def point_target(kpi: Kpi, targets: list[KpiTarget], window: periods.Period) -> float | None:
    """Return the target of one chart point, from the shortest KPI target whose period covers it.

    A `sum` target over a longer period is pro-rated to the point's share of
    it; any other aggregation keeps the target as it is. A point that no
    single target covers has no target.
    """
    covering = [target for target in targets if target.start <= window.start and window.end <= target.end]
    if not covering:
        return None
    target = min(covering, key=lambda item: item.end - item.start)
    if kpi.aggregation != "sum":
        return target.value
    prorate = kpi.organization.prorate_by
    share = elapsed_fraction(target.start, target.end, window.end, prorate) - elapsed_fraction(
        target.start, target.end, window.start - dt.timedelta(days=1), prorate
    )
    return target.value * share


def thresholds_apply(kpi: Kpi, frequency: str) -> bool:
    """Tell whether the KPI's thresholds can classify points of `frequency`.

    Thresholds are set for one period of the KPI's own frequency. A `sum`
    over a longer period is on another scale, so its points get no status
    and the chart shows no bands.
    """
    return kpi.has_thresholds and (frequency == kpi.frequency or kpi.aggregation != "sum")


def point_status(kpi: Kpi, value: float | None) -> str:
    if kpi.direction == "target_range":
        green = (kpi.green, kpi.green_upper)
        yellow = (kpi.yellow, kpi.yellow_upper) if kpi.yellow is not None else None
    else:
        green, yellow = kpi.green, kpi.yellow
    if green is None or (isinstance(green, tuple) and None in green):
        return "no_data"
    return classify_kpi(value, kpi.direction, green, yellow, kpi.scale_min, kpi.scale_max).value


def kpi_series(kpi: Kpi, request: SeriesRequest, until: dt.date) -> list[dict]:
    """Return one point per period of `request.frequency` from the first measurement to `until`."""
    measurements = measurement_frame(kpi, request.segment)
    if measurements.height == 0:
        return []
    first = measurements["period_start"].min()
    last = max(measurements["period_start"].max(), until)
    windows = chart_windows(kpi, request.frequency, first, last)

    definitions = pl.DataFrame(
        {"kpi_id": [kpi.pk], "aggregation": [kpi.aggregation], "kind": [kpi.kind], "frequency": [kpi.frequency]},
        schema={"kpi_id": pl.Int64, "aggregation": pl.Utf8, "kind": pl.Utf8, "frequency": pl.Utf8},
    )
    window_frame = pl.DataFrame(
        {
            "kpi_id": [kpi.pk] * len(windows),
            "window_start": [window.start for window in windows],
            "window_end": [window.end for window in windows],
        },
        schema={"kpi_id": pl.Int64, "window_start": pl.Date, "window_end": pl.Date},
    )
    organization = kpi.organization
    aggregated = aggregate_windows(
        measurements, definitions, window_frame,
        fiscal_start_month=organization.fiscal_year_start_month, week_start=organization.week_start,
    )

    targets = list(kpi.targets.all())
    classify = thresholds_apply(kpi, request.frequency)
    points = []
    for window, row in zip(windows, aggregated.iter_rows(named=True), strict=True):
        value = row["value"]
        points.append({
            "label": window.label,
            "start": window.start,
            "end": window.end,
            "value": value,
            "periods_with_data": row["periods_with_data"],
            "target": point_target(kpi, targets, window),
            "status": point_status(kpi, value) if classify else None,
        })
    return points
