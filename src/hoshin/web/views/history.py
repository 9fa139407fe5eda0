"""The history page of one object: every recorded change to it and to the definitions that belong to it."""

from django.db.models import Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hoshin.kpis.models import Kpi, KpiTarget
from hoshin.okrs.models import Alignment, CheckIn, KeyResult, OkrObjective
from hoshin.organizations.models import CauseEffectLink, StrategicKpi, StrategicObjective
from hoshin.web.access import scoped_get
from hoshin.web.history import history_entries
from hoshin.web.pages import organization_data, organization_page, respond


def _objective(request, key):
    organization = request.organization
    objective = scoped_get(request, StrategicObjective, key=key)
    querysets = [
        StrategicObjective.history.filter(id=objective.pk),
        StrategicKpi.history.filter(objective_id=objective.pk),
        CauseEffectLink.history.filter(Q(cause_id=objective.pk) | Q(effect_id=objective.pk)),
        Alignment.history.filter(strategic_objective_id=objective.pk),
    ]
    return objective, reverse("strategic-objective", args=[organization.key, key]), querysets


def _kpi(request, key):
    organization = request.organization
    kpi = scoped_get(request, Kpi, key=key)
    querysets = [Kpi.history.filter(id=kpi.pk), KpiTarget.history.filter(kpi_id=kpi.pk)]
    return kpi, reverse("kpi", args=[organization.key, key]), querysets


def _okr(request, key):
    organization = request.organization
    okr = scoped_get(request, OkrObjective.objects.select_related("unit", "cycle"), key=key)
    querysets = [
        OkrObjective.history.filter(id=okr.pk),
        Alignment.history.filter(objective_id=okr.pk),
        KeyResult.history.filter(objective_id=okr.pk),
    ]
    board = reverse("okr-board", args=[organization.key, okr.unit.key]) + f"?cycle={okr.cycle.key}"
    return okr, board, querysets


KINDS = {
    "objective": (_("Strategic objective"), _objective),
    "kpi": (_("KPI"), _kpi),
    "okr": (_("OKR objective"), _okr),
}


def history_data(organization, kind_label, obj, back_url, querysets) -> dict:
    return {
        "organization": organization_data(organization),
        "object": {"kind": kind_label, "key": obj.key, "name": obj.name, "url": back_url},
        "entries": history_entries(querysets),
    }


@organization_page
def history(request, organization, kind: str, key: str):
    if kind not in KINDS:
        raise Http404(f"No history for {kind!r}.")
    label, load = KINDS[kind]
    obj, back_url, querysets = load(request, key)
    return respond(request, "web/history.html", history_data(organization, label, obj, back_url, querysets))


@organization_page
def key_result_history(request, organization, okr_key: str, kr_key: str):
    key_result = scoped_get(
        request, KeyResult.objects.select_related("objective__unit", "objective__cycle"),
        objective__key=okr_key, key=kr_key,
    )
    okr = key_result.objective
    querysets = [KeyResult.history.filter(id=key_result.pk), CheckIn.history.filter(key_result_id=key_result.pk)]
    board = reverse("okr-board", args=[organization.key, okr.unit.key]) + f"?cycle={okr.cycle.key}"
    return respond(request, "web/history.html", history_data(organization, _("Key result"), key_result, board, querysets))
