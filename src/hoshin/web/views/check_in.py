"""The check-in form of a key result: shown on the board, saved through `record_check_in`.

With htmx the response replaces the key result on the board and, out of
band, the scores of its OKR objective and of the strategic objectives it
serves, so the page updates without a reload. Without scripts the form
posts normally and the board reloads with a message.
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from hoshin.accounts.permissions import is_allowed
from hoshin.core.errors import PermissionDenied, ValidationFailed
from hoshin.okrs.models import Alignment, KeyResult
from hoshin.okrs.services import record_check_in
from hoshin.web.access import scoped_get
from hoshin.web.cascade import check_in_data, key_result_data, key_results_with_last_check_in, scored
from hoshin.web.forms import CheckInForm
from hoshin.web.pages import error_response, json_response, organization_page, respond, today_for
from hoshin.web.report import score_report

FORM_FIELDS = {"value", "done", "measured_on", "confidence", "comment"}
# The key of errors that belong to no single field.
NON_FIELD = "form"


def served_strategic_keys(okr) -> list[str]:
    """Return the keys of the strategic objectives `okr` serves, directly or through its parent OKR objectives."""
    alignments = list(
        Alignment.objects.filter(objective__organization=okr.organization).values_list(
            "objective_id", "parent_id", "strategic_objective__key"
        )
    )
    parents, strategic = {}, {}
    for objective_id, parent_id, strategic_key in alignments:
        if parent_id:
            parents.setdefault(objective_id, []).append(parent_id)
        if strategic_key:
            strategic.setdefault(objective_id, []).append(strategic_key)

    keys, seen, stack = [], set(), [okr.pk]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        keys.extend(key for key in strategic.get(current, []) if key not in keys)
        stack.extend(parents.get(current, []))
    return keys


def form_values(key_result, today, post=None) -> dict:
    """Return the form's field values: the posted text, or the defaults for a new check-in."""
    if post is not None:
        return {name: post.get(name, "") for name in FORM_FIELDS}
    cycle = key_result.objective.cycle
    measured_on = min(max(today, cycle.start), cycle.end)
    return {"value": "", "done": "", "measured_on": measured_on.isoformat(), "confidence": "", "comment": ""}


def parse_and_save(request, key_result) -> tuple[dict, object]:
    """Parse the posted form and record the check-in; return the errors by field and the check-in (or None)."""
    form = CheckInForm(request.POST)
    if not form.is_valid():
        return {NON_FIELD if field == "__all__" else field: " ".join(errors) for field, errors in form.errors.items()}, None
    values = form.cleaned_data
    try:
        check_in = record_check_in(
            request.user, key_result, measured_on=values["measured_on"], value=values["value"],
            done=values["done"], confidence=values["confidence"], comment=values["comment"],
        )
    except ValidationFailed as error:
        field = error.field if error.field in FORM_FIELDS else NON_FIELD
        return {field: error.message}, None
    return {}, check_in


def key_result_context(request, organization, key_result, report, *, errors=None, values=None, form_open=False):
    fresh = next(item for item in key_results_with_last_check_in([key_result.objective]) if item.pk == key_result.pk)
    kr = key_result_data(fresh, report, organization)
    kr["editable"] = is_allowed(request.user, "check_in", organization, unit=key_result.objective.unit_id,
                                owner=key_result.owner_id)
    return {
        "organization": {"key": organization.key},
        "okr_key": key_result.objective.key,
        "kr": kr,
        "errors": errors or {},
        "values": values or form_values(key_result, today_for(organization)),
        "form_open": form_open,
    }


@organization_page
def check_in(request, organization, okr_key: str, kr_key: str):
    key_result = scoped_get(
        request,
        KeyResult.objects.select_related("objective__cycle", "objective__unit", "objective__organization", "source_kpi"),
        objective__key=okr_key, key=kr_key,
    )
    okr = key_result.objective
    today = today_for(organization)
    if okr.cycle.end < today:
        raise PermissionDenied(
            _("The cycle %(cycle)s ended on %(day)s; its key results are read-only.")
            % {"cycle": okr.cycle.name, "day": okr.cycle.end.isoformat()}
        )
    if key_result.source_kpi_id:
        raise ValidationFailed(
            _("%(key_result)s follows the KPI %(kpi)s; its value comes from the KPI's measurements, not from check-ins.")
            % {"key_result": key_result.name, "kpi": key_result.source_kpi.name}
        )
    board_url = reverse("okr-board", args=[organization.key, okr.unit.key]) + f"?cycle={okr.cycle.key}"

    if request.method != "POST":
        context = key_result_context(request, organization, key_result, score_report(organization, today), form_open=True)
        return respond(request, "web/check_in.html", {**context, "board_url": board_url})

    errors, saved = parse_and_save(request, key_result)
    report = score_report(organization, today)
    if errors:
        if request.wants_json:
            field, message = next(iter(errors.items()))
            return error_response(request, "invalid", message, field=None if field == NON_FIELD else field, status=422)
        context = key_result_context(request, organization, key_result, report, errors=errors,
                                     values=form_values(key_result, today, request.POST), form_open=True)
        template = "web/partials/key_result.html" if request.headers.get("HX-Request") else "web/check_in.html"
        return render(request, template, {**context, "board_url": board_url}, status=422)

    message = _("Check-in saved for %(key_result)s.") % {"key_result": key_result.name}
    okr_item = {"key": okr.key, **scored(report.item("okr_objectives", okr.key))}
    strategic = [{"key": key, **scored(report.item("strategic_objectives", key))} for key in served_strategic_keys(okr)]
    if request.wants_json:
        context = key_result_context(request, organization, key_result, report)
        data = {"check_in": check_in_data(saved), "key_result": context["kr"], "okr_objective": okr_item,
                "strategic_objectives": strategic}
        return json_response(data, status=201)
    if request.headers.get("HX-Request"):
        context = key_result_context(request, organization, key_result, report)
        return render(request, "web/partials/check_in_saved.html",
                      {**context, "okr": okr_item, "strategic_objectives": strategic, "message": message})
    messages.success(request, message)
    return redirect(board_url)
