"""The hygiene check of one organization: findings in words, and the metric-inflation index."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from hoshin.engine.insights import hygiene
from hoshin.engine.insights.redundancy import correlated_series, similar_definitions
from hoshin.insights.facts import OrganizationFacts, gather
from hoshin.insights.models import InsightSettings
from hoshin.insights.series import kpi_series
from hoshin.insights.wording import DUPLICATE_DETAILS, FINDINGS, KINDS, SEVERITIES

# Thresholds of redundant series, fixed by the product's definition of a duplicate.
DUPLICATE_CORRELATION = 0.95
DUPLICATE_SHARED_PERIODS = 60


@dataclass
class HygieneReport:
    organization: object
    as_of: dt.date
    limits: hygiene.Limits
    findings: list[dict]
    inflation: dict

    @property
    def has_errors(self) -> bool:
        return any(finding["severity"] == hygiene.ERROR for finding in self.findings)

    def to_json(self) -> dict:
        counts = {severity: 0 for severity in hygiene.SEVERITIES}
        for finding in self.findings:
            counts[finding["severity"]] += 1
        return {
            "organization": self.organization.key,
            "as_of": self.as_of.isoformat(),
            "limits": dataclasses.asdict(self.limits),
            "counts": counts,
            "findings": self.findings,
            "inflation": self.inflation,
        }


def limits_for(organization) -> hygiene.Limits:
    settings = InsightSettings.objects.filter(organization=organization).first()
    return settings.limits() if settings else hygiene.Limits()


def check_organization(organization, as_of: dt.date) -> HygieneReport:
    """Run every hygiene rule on `organization` as of `as_of`."""
    gathered = gather(organization, as_of)
    series = kpi_series(organization, {pk: (kpi.key, kpi.frequency) for pk, kpi in gathered.kpis.items()}, as_of)
    duplicates = (similar_definitions(gathered.definitions)
                  + correlated_series(series, DUPLICATE_CORRELATION, DUPLICATE_SHARED_PERIODS, organization.week_start))
    facts = hygiene.Facts(**{**vars_of(gathered.facts), "duplicates": tuple(duplicates)})
    limits = limits_for(organization)
    findings = [describe(finding, gathered) for finding in hygiene.check(facts, as_of, limits)]
    return HygieneReport(organization, as_of, limits, findings, inflation_document(facts, gathered))


def vars_of(facts: hygiene.Facts) -> dict:
    return {name: getattr(facts, name) for name in facts.__dataclass_fields__}


def describe(finding: hygiene.Finding, gathered: OrganizationFacts) -> dict:
    """Return the finding as plain data with its title, explanation and action in the active language."""
    title, explanation, action = FINDINGS[finding.code]
    params = {key: value for key, value in finding.params.items()}
    values = {**params, "name": gathered.names.get((finding.kind, finding.key), finding.key)}
    if finding.code == "kpi_duplicate":
        values["keep_name"] = gathered.names.get(("kpi", params["keep"]), params["keep"])
        detail_values = dict(params)
        if params.get("correlation") is not None:
            detail_values["correlation"] = f"{params['correlation']:.3f}"
        values["detail"] = DUPLICATE_DETAILS[params["reason"]] % detail_values
    return {
        "code": finding.code,
        "severity": finding.severity,
        "severity_label": str(SEVERITIES[finding.severity]),
        "object": {"kind": finding.kind, "kind_label": str(KINDS[finding.kind]), "key": finding.key,
                   "name": values["name"]},
        "title": str(title),
        "explanation": str(explanation) % values,
        "action": str(action) % values,
        "params": params,
    }


def inflation_document(facts: hygiene.Facts, gathered: OrganizationFacts) -> dict:
    total, units = hygiene.inflation(facts)
    windows = [hygiene.CycleWindow(cycle.key, cycle.start, cycle.end) for cycle in gathered.cycles]
    return {
        "organization": _inflation(total),
        "units": [{"unit": unit, "name": gathered.names.get(("unit", unit), unit), **_inflation(value)}
                  for unit, value in units.items()],
        "by_cycle": [{"cycle": window.key, "end": window.end.isoformat(), **_inflation(value)}
                     for window, value in hygiene.inflation_by_cycle(facts, windows)],
    }


def _inflation(value: hygiene.Inflation) -> dict:
    return {"index": value.index, "kpis": value.total, "orphans": value.orphans, "duplicates": value.duplicates}
