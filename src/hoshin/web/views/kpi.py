"""A KPI: its chart, definition, the history of its definition, and what it feeds."""

from django.urls import reverse
from django.utils.translation import gettext as _

from hoshin.core.choices import Frequency
from hoshin.core.errors import ValidationFailed
from hoshin.insights.forecasts import organization_forecasts
from hoshin.kpis.models import Kpi, KpiTarget, Measurement
from hoshin.okrs.models import KeyResult
from hoshin.organizations.models import StrategicObjective
from hoshin.web.access import scoped_get, visible
from hoshin.web.cascade import kpi_data, scored
from hoshin.web.history import history_entries
from hoshin.web.kpi_series import FREQUENCIES, SeriesRequest, coarser_or_equal, kpi_series, thresholds_apply
from hoshin.web.pages import as_of_from, organization_data, organization_page, respond
from hoshin.web.report import score_report
from hoshin.web.views.okr_board import forecast_summary

ALL_SEGMENTS = "__all__"


def series_request(request, kpi: Kpi, segments: list[str]) -> SeriesRequest:
    """Read the period (`?period=`) and segment (`?segment=`) of the chart, rejecting values that do not fit the KPI."""
    frequency = request.GET.get("period") or kpi.frequency
    if frequency not in FREQUENCIES:
        raise ValidationFailed(
            _("%(value)s is not a period; use daily, weekly, monthly, quarterly or yearly.") % {"value": frequency},
            field="period",
        )
    if not coarser_or_equal(frequency, kpi.frequency):
        raise ValidationFailed(
            _("The chart of %(kpi)s cannot show periods shorter than its frequency (%(frequency)s).")
            % {"kpi": kpi.name, "frequency": kpi.get_frequency_display()},
            field="period",
        )
    segment = request.GET.get("segment", ALL_SEGMENTS)
    if segment != ALL_SEGMENTS and segment not in segments:
        raise ValidationFailed(_("%(value)s is not a segment of this KPI.") % {"value": segment}, field="segment")
    return SeriesRequest(frequency, None if segment == ALL_SEGMENTS else segment)


def definition_data(kpi: Kpi) -> dict:
    return {
        "description": kpi.description,
        "unit_of_measure": kpi.unit_of_measure,
        "is_percent": kpi.is_percent,
        "direction": kpi.direction,
        "direction_label": kpi.get_direction_display(),
        "frequency": kpi.frequency,
        "frequency_label": kpi.get_frequency_display(),
        "aggregation": kpi.aggregation,
        "aggregation_label": kpi.get_aggregation_display(),
        "kind": kpi.kind,
        "kind_label": kpi.get_kind_display(),
        "indicator_type_label": kpi.get_indicator_type_display(),
        "unit": kpi.unit.name,
        "scale_min": kpi.scale_min,
        "scale_max": kpi.scale_max,
        "green": kpi.green,
        "yellow": kpi.yellow,
        "green_upper": kpi.green_upper,
        "yellow_upper": kpi.yellow_upper,
    }


def feeds_data(request, kpi: Kpi, report, organization, as_of=None) -> dict:
    """Return what the KPI feeds: strategic objectives it measures and the visible key results it is the source of.

    Key results of a cycle running on `as_of` carry their end-of-cycle forecast.
    """
    forecasts = {}
    if as_of is not None and KeyResult.objects.filter(source_kpi=kpi, archived=False).exists():
        forecasts = {item["key"]: item for item in organization_forecasts(organization, as_of)["key_results"]}
    objectives = StrategicObjective.objects.filter(kpi_links__kpi=kpi, archived=False).distinct()
    key_results = visible(request, KeyResult.objects.filter(source_kpi=kpi, archived=False)).select_related(
        "objective__unit", "objective__cycle"
    )
    return {
        "strategic_objectives": [
            {
                "key": objective.key,
                "name": objective.name,
                "url": reverse("strategic-objective", args=[organization.key, objective.key]),
                **scored(report.item("strategic_objectives", objective.key)),
            }
            for objective in objectives
        ],
        "key_results": [
            {
                "key": key_result.key,
                "name": key_result.name,
                "okr_objective": key_result.objective.name,
                "cycle": key_result.objective.cycle.name,
                "board_url": reverse("okr-board", args=[organization.key, key_result.objective.unit.key])
                + f"?cycle={key_result.objective.cycle.key}",
                **scored(report.item("key_results", key_result.key)),
                "forecast": forecast_summary(forecasts.get(key_result.key)),
            }
            for key_result in key_results
        ],
    }


@organization_page
def kpi_page(request, organization, key: str):
    kpi = scoped_get(request, Kpi.objects.select_related("unit", "organization"), key=key)
    as_of = as_of_from(request, organization)
    segments = sorted(Measurement.objects.filter(kpi=kpi).exclude(segment="").values_list("segment", flat=True).distinct())
    chart = series_request(request, kpi, segments)
    report = score_report(organization, as_of)

    targets = KpiTarget.objects.filter(kpi=kpi).order_by("start")
    history = history_entries([Kpi.history.filter(id=kpi.pk), KpiTarget.history.filter(kpi_id=kpi.pk)])
    data = {
        "organization": organization_data(organization),
        "as_of": as_of,
        "kpi": {
            **kpi_data(kpi, report, organization),
            "history_url": reverse("history", args=[organization.key, "kpi", kpi.key]),
        },
        "definition": definition_data(kpi),
        "chart": {
            "period": chart.frequency,
            "segment": chart.segment,
            "periods": [
                {"code": code, "label": label, "enabled": coarser_or_equal(code, kpi.frequency)}
                for code, label in Frequency.choices
            ],
            "segments": segments,
            "show_thresholds": thresholds_apply(kpi, chart.frequency),
            "points": kpi_series(kpi, chart, as_of),
        },
        "targets": [
            {"period": target.period, "start": target.start, "end": target.end, "value": target.value}
            for target in targets
        ],
        "feeds": feeds_data(request, kpi, report, organization, as_of),
        "history": history[:20],
    }
    return respond(request, "web/kpi.html", data)
