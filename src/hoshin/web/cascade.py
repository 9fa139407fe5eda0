"""Page data for the levels of the cascade: KPIs, key results and OKR objectives, with their scores.

Each function combines a model row (names, units, links) with the scoring
report's item for it (score, status, progress, values). Nothing here
computes a score.
"""

from django.db.models import OuterRef, Subquery
from django.urls import reverse

from hoshin.okrs.models import CheckIn, KeyResult
from hoshin.web.report import ScoreIndex

REPORT_KR_FIELDS = ("current", "progress_raw", "progress", "expected_progress")
REPORT_KPI_FIELDS = ("period", "actual", "target", "target_to_date", "attainment", "change")


def scored(item: dict) -> dict:
    return {
        "score": item.get("score"),
        "status": item.get("status"),
        "children_with_data": item.get("children_with_data", 0),
        "children": item.get("children", 0),
    }


def kpi_data(kpi, report: ScoreIndex, organization) -> dict:
    item = report.item("kpis", kpi.key)
    return {
        "key": kpi.key,
        "name": kpi.name,
        "unit_of_measure": kpi.unit_of_measure,
        "url": reverse("kpi", args=[organization.key, kpi.key]),
        **scored(item),
        **{name: item.get(name) for name in REPORT_KPI_FIELDS},
    }


def key_results_with_last_check_in(okr_objectives) -> list[KeyResult]:
    """Return the active key results of `okr_objectives`, each with `last_check_in` (or None), in two queries."""
    latest = CheckIn.objects.filter(key_result=OuterRef("pk")).order_by("-measured_on", "-entered_at", "-pk")
    key_results = list(
        KeyResult.objects.filter(objective__in=okr_objectives, archived=False)
        .select_related("objective", "source_kpi", "owner")
        .annotate(last_check_in_id=Subquery(latest.values("pk")[:1]))
        .order_by("objective_id", "position", "key")
    )
    check_ins = CheckIn.objects.select_related("author").in_bulk(
        [key_result.last_check_in_id for key_result in key_results if key_result.last_check_in_id]
    )
    for key_result in key_results:
        key_result.last_check_in = check_ins.get(key_result.last_check_in_id)
    return key_results


def check_in_data(check_in: CheckIn | None) -> dict | None:
    if check_in is None:
        return None
    return {
        "measured_on": check_in.measured_on,
        "entered_at": check_in.entered_at,
        "value": check_in.value,
        "done": check_in.done,
        "confidence": check_in.confidence,
        "comment": check_in.comment,
        "author": check_in.author.get_username() if check_in.author else None,
    }


def key_result_data(key_result: KeyResult, report: ScoreIndex, organization) -> dict:
    item = report.item("key_results", key_result.key)
    okr_key = key_result.objective.key
    source = key_result.source_kpi
    return {
        "key": key_result.key,
        "name": key_result.name,
        "kr_type": key_result.kr_type,
        "kr_type_label": key_result.get_kr_type_display(),
        "baseline": key_result.baseline,
        "target": key_result.target,
        "range_low": key_result.range_low,
        "range_high": key_result.range_high,
        "unit_of_measure": key_result.unit_of_measure,
        "weight": key_result.weight,
        "owner": key_result.owner.get_username() if key_result.owner else None,
        "source_kpi": (
            {"key": source.key, "name": source.name, "url": reverse("kpi", args=[organization.key, source.key])}
            if source else None
        ),
        "last_check_in": check_in_data(getattr(key_result, "last_check_in", None)),
        **scored(item),
        **{name: item.get(name) for name in REPORT_KR_FIELDS},
        "check_in_url": reverse("check-in", args=[organization.key, okr_key, key_result.key]),
        "history_url": reverse("key-result-history", args=[organization.key, okr_key, key_result.key]),
    }


def okr_objective_data(okr, key_results: list[KeyResult], report: ScoreIndex, organization) -> dict:
    item = report.item("okr_objectives", okr.key)
    return {
        "key": okr.key,
        "name": okr.name,
        "unit": {"key": okr.unit.key, "name": okr.unit.name},
        "cycle": {"key": okr.cycle.key, "name": okr.cycle.name},
        **scored(item),
        "expected_progress": item.get("expected_progress"),
        "board_url": reverse("okr-board", args=[organization.key, okr.unit.key]) + f"?cycle={okr.cycle.key}",
        "history_url": reverse("history", args=[organization.key, "okr", okr.key]),
        "key_results": [key_result_data(key_result, report, organization) for key_result in key_results],
    }
