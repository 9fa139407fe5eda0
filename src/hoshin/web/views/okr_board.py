"""A unit's OKR board for one cycle: objectives, key results, progress and check-ins."""

import functools
from collections import defaultdict

from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hoshin.accounts.permissions import is_allowed
from hoshin.insights.forecasts import organization_forecasts
from hoshin.okrs.models import Alignment, OkrObjective
from hoshin.organizations.models import Cycle, Unit
from hoshin.web.access import home_unit, scoped_get, visible
from hoshin.web.cascade import key_results_with_last_check_in, okr_objective_data, scored
from hoshin.web.pages import as_of_from, organization_data, organization_page, respond, today_for
from hoshin.web.report import score_report

CYCLE_STATES = {"previous": _("previous"), "current": _("current"), "next": _("next")}


def cycle_state(cycle: Cycle, today) -> str:
    if cycle.end < today:
        return "previous"
    if cycle.start > today:
        return "next"
    return "current"


def default_cycle(cycles: list[Cycle], today) -> Cycle | None:
    """Return the shortest cycle running today, else the latest that has started, else the earliest."""
    running = [cycle for cycle in cycles if cycle.start <= today <= cycle.end]
    if running:
        return min(running, key=lambda cycle: (cycle.end - cycle.start, cycle.start))
    started = [cycle for cycle in cycles if cycle.start <= today]
    if started:
        return max(started, key=lambda cycle: cycle.start)
    return min(cycles, key=lambda cycle: cycle.start, default=None)


def board_cycle(request, organization, today) -> tuple[Cycle | None, list[Cycle]]:
    cycles = list(Cycle.objects.filter(organization=organization).order_by("-start", "key"))
    picked = request.GET.get("cycle")
    if picked:
        return scoped_get(request, Cycle, key=picked), cycles
    return default_cycle(cycles, today), cycles


def alignment_targets(okr_objectives, organization) -> dict[int, list[dict]]:
    """Return, per OKR objective id, what it serves: strategic objectives and parent OKR objectives."""
    targets = defaultdict(list)
    for alignment in Alignment.objects.filter(objective__in=okr_objectives).select_related(
        "strategic_objective", "parent__unit", "parent__cycle"
    ):
        if alignment.strategic_objective_id:
            objective = alignment.strategic_objective
            targets[alignment.objective_id].append({
                "kind": "strategic_objective",
                "key": objective.key,
                "name": objective.name,
                "url": reverse("strategic-objective", args=[organization.key, objective.key]),
            })
        else:
            parent = alignment.parent
            targets[alignment.objective_id].append({
                "kind": "okr_objective",
                "key": parent.key,
                "name": parent.name,
                "url": reverse("okr-board", args=[organization.key, parent.unit.key]) + f"?cycle={parent.cycle.key}",
            })
    return targets


def forecast_summary(item: dict | None) -> dict | None:
    """Return the end-of-cycle forecast of a key result fed by a KPI, or None when it has none."""
    if item is None:
        return None
    forecast = item["forecast"]
    return {"value": forecast.get("value"), "low": forecast.get("low"), "high": forecast.get("high"),
            "outlook": item["outlook"], "outlook_label": item["outlook_label"], "at_risk": item["at_risk"]}


def board_data(request, organization, unit: Unit) -> dict:
    """Build the page data of `unit`'s board for the cycle in `?cycle=` (default: the running one)."""
    today = today_for(organization)
    cycle, cycles = board_cycle(request, organization, today)
    as_of = as_of_from(request, organization)
    okr_objectives = []
    if cycle is not None:
        okr_objectives = list(
            visible(request, OkrObjective.objects.filter(organization=organization, unit=unit, cycle=cycle, archived=False))
            .select_related("unit", "cycle")
            .order_by("position", "key")
        )
    report = score_report(organization, as_of)
    read_only = cycle is None or cycle_state(cycle, today) == "previous"

    key_results = defaultdict(list)
    for key_result in key_results_with_last_check_in(okr_objectives):
        key_results[key_result.objective_id].append(key_result)
    targets = alignment_targets(okr_objectives, organization)
    may_check_in = functools.cache(
        lambda unit_id, owner_id: is_allowed(request.user, "check_in", organization, unit=unit_id, owner=owner_id)
    )
    forecasts = {}
    if cycle is not None and cycle.start <= as_of <= cycle.end:
        forecasts = {item["key"]: item for item in organization_forecasts(organization, as_of)["key_results"]}
    okrs = []
    for okr in okr_objectives:
        item = okr_objective_data(okr, key_results[okr.pk], report, organization)
        item["aligned_to"] = targets[okr.pk]
        for kr_item, key_result in zip(item["key_results"], key_results[okr.pk], strict=True):
            kr_item["editable"] = not read_only and may_check_in(okr.unit_id, key_result.owner_id)
            kr_item["forecast"] = forecast_summary(forecasts.get(key_result.key))
        okrs.append(item)

    served = {target["key"]: target for items in targets.values() for target in items if target["kind"] == "strategic_objective"}
    return {
        "organization": organization_data(organization),
        "as_of": as_of,
        "unit": {"key": unit.key, "name": unit.name},
        "units": [
            {"key": item.key, "name": item.name}
            for item in Unit.objects.filter(organization=organization, archived=False).order_by("name")
        ],
        "cycle": (
            {"key": cycle.key, "name": cycle.name, "start": cycle.start, "end": cycle.end,
             "state": cycle_state(cycle, today), "read_only": read_only}
            if cycle else None
        ),
        "cycles": [
            {"key": item.key, "name": item.name, "state": cycle_state(item, today),
             "state_label": CYCLE_STATES[cycle_state(item, today)]}
            for item in cycles
        ],
        "strategic_objectives": [
            {**target, **scored(report.item("strategic_objectives", key))} for key, target in served.items()
        ],
        "okr_objectives": okrs,
    }


@organization_page
def okr_board(request, organization, unit_key: str | None = None):
    picked = request.GET.get("unit")
    if picked and picked != unit_key:
        unit = scoped_get(request, Unit, key=picked)
        query = request.GET.copy()
        del query["unit"]
        name = "okr-board-json" if request.path.endswith(".json") else "okr-board"
        return redirect(reverse(name, args=[organization.key, unit.key]) + f"?{query.urlencode()}")

    if unit_key is None:
        unit = home_unit(request.user, organization)
        if unit is None:
            raise Http404("The organization has no units.")
    else:
        unit = scoped_get(request, Unit, key=unit_key)
    return respond(request, "web/okr_board.html", board_data(request, organization, unit))
