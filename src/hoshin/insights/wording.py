"""The words of each hygiene finding, by code: a title, an explanation and a suggested action.

Placeholders come from the finding's parameters plus `name` (the object's
name) and, for duplicates, `keep_name`.
"""

from django.utils.translation import gettext_lazy as _

FINDINGS = {
    "objective_without_okr": (
        _("No OKR serves this objective in the current cycle"),
        _("No OKR objective of the running cycle is aligned to “%(name)s”, directly or through a parent OKR, "
          "so nothing this cycle is meant to move it."),
        _("Align an OKR objective of this cycle to it, or archive the objective if it is no longer a priority."),
    ),
    "objective_without_kpi": (
        _("Nothing measures this objective"),
        _("“%(name)s” has no strategic KPI, and no key result of an OKR serving it has a source KPI."),
        _("Add a strategic KPI, or a key result fed by a KPI, so its score comes from data."),
    ),
    "okr_not_aligned": (
        _("OKR objective aligned to nothing"),
        _("“%(name)s” serves no strategic objective and no parent OKR objective, so its progress rolls up nowhere."),
        _("Align it to the strategic objective or parent OKR objective it is meant to move, or drop it."),
    ),
    "key_result_without_data": (
        _("Key result without recent data"),
        _("“%(name)s” has no source KPI and no check-in for %(days)s days; the cadence is %(cadence)s days."),
        _("Ask its owner for a check-in, or connect it to a KPI so it updates by itself."),
    ),
    "kpi_orphan": (
        _("KPI that feeds nothing"),
        _("“%(name)s” measures no strategic objective and feeds no key result, so nobody acts on it."),
        _("Retire it, or connect it to the objective or key result it is meant to inform."),
    ),
    "kpi_stale": (
        _("Stale KPI"),
        _("“%(name)s” has received no value since %(last_period)s, and its next period is overdue."),
        _("Check its data source or the person who enters it; retire it if nobody needs it any more."),
    ),
    "kpi_unscorable": (
        _("KPI without thresholds or target"),
        _("“%(name)s” has neither thresholds nor a target, so it can never be on or off track."),
        _("Set its green and yellow thresholds or a target for the current period."),
    ),
    "kpi_without_thresholds": (
        _("KPI without thresholds"),
        _("“%(name)s” has a target but no green and yellow thresholds."),
        _("Set thresholds so its status is classified the same way on every page."),
    ),
    "kpi_without_target": (
        _("KPI without a target"),
        _("“%(name)s” has thresholds but no target, so its attainment cannot be shown."),
        _("Set a target for the current period if the KPI has one."),
    ),
    "too_many_objectives": (
        _("Too many OKR objectives"),
        _("Unit “%(name)s” has %(count)s OKR objectives in cycle %(cycle)s; the limit is %(limit)s."),
        _("Keep the few that matter most this cycle and move the rest to a later one."),
    ),
    "too_many_key_results": (
        _("Too many key results"),
        _("“%(name)s” has %(count)s key results; the limit is %(limit)s."),
        _("Keep the key results that best show the objective is met."),
    ),
    "too_many_kpis_per_objective": (
        _("Too many KPIs for one objective"),
        _("“%(name)s” is measured directly by %(count)s KPIs; the limit is %(limit)s."),
        _("Keep the KPIs that best show progress and retire or move the others."),
    ),
    "too_many_kpis_per_unit": (
        _("Too many KPIs in one unit"),
        _("Unit “%(name)s” owns %(count)s KPIs; the limit is %(limit)s."),
        _("Retire KPIs that feed nothing or duplicate another one first."),
    ),
    "kpi_duplicate": (
        _("Duplicate KPI"),
        _("“%(name)s” duplicates “%(keep_name)s”: %(detail)s."),
        _("Keep “%(keep_name)s” and retire this one, or make the two measure different things."),
    ),
}

DUPLICATE_DETAILS = {
    "series": _("their values correlate at %(correlation)s over %(shared_periods)s shared periods once trend is removed"),
    "definition": _("same unit of measure, frequency and direction, and nearly the same name"),
}

SEVERITIES = {"error": _("Error"), "warning": _("Warning"), "info": _("Information")}
KINDS = {
    "kpi": _("KPI"),
    "strategic_objective": _("Strategic objective"),
    "okr_objective": _("OKR objective"),
    "key_result": _("Key result"),
    "unit": _("Unit"),
}
