"""The organization-wide audit log, read from the history tables.

Every model with `HistoricalRecords` writes one history row per change.
`audit_rows` gathers the rows of one organization from all of them, with
the previous row of the same object to show each changed field as
old → new, and names the user and, for API calls, the token. Measurement
revisions, which live in their own table, are included as changes of the
measurement's value. `export_audit_csv` writes the same rows as CSV.

A history model belongs to an organization through an `organization`
field or through a foreign key to another history-tracked model that
does. The match uses the history tables on both sides, so rows of
deleted objects stay in the log.
"""

import csv
import datetime as dt
import io
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import ForeignKey, Model, Q
from django.utils.translation import gettext as _

from hoshin.audit.guard import history_models
from hoshin.audit.models import HistoryToken

ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
SKIPPED_FIELDS = {"id"}


@dataclass(frozen=True)
class Change:
    field: str
    old: Any
    new: Any


@dataclass(frozen=True)
class AuditRow:
    """One change of one object: who, when, what, old → new and why."""

    at: dt.datetime
    user_id: int | None
    user: str
    token: str
    object_type: str
    object_type_name: str
    object_id: Any
    object_label: str
    action: str
    reason: str
    changes: tuple[Change, ...] = field(default_factory=tuple)


def tracked_history_models() -> dict[type[Model], type[Model]]:
    """Map each history-tracked model to its history model."""
    return {model.instance_type: model for model in history_models() if hasattr(model, "instance_type")}


def _organization_scopes(organization_id: int) -> dict[type[Model], Q]:
    """Return, per history model, the filter that selects the rows of one organization."""
    from hoshin.organizations.models import Organization

    tracked = tracked_history_models()
    scopes: dict[type[Model], Q | None] = {}

    def scope_of(model) -> Q | None:
        if model in scopes:
            return scopes[model]
        scopes[model] = None  # Breaks loops between models that point at each other.
        if model is Organization:
            scopes[model] = Q(id=organization_id)
            return scopes[model]
        field_names = {f.name for f in model._meta.concrete_fields}
        if "organization" in field_names:
            scopes[model] = Q(organization_id=organization_id)
            return scopes[model]
        for model_field in model._meta.concrete_fields:
            related = model_field.related_model if isinstance(model_field, ForeignKey) else None
            if related is None or related is model or related not in tracked:
                continue
            parent_scope = scope_of(related)
            if parent_scope is not None:
                parent_ids = tracked[related].objects.filter(parent_scope).values("id")
                scopes[model] = Q(**{f"{model_field.attname}__in": parent_ids})
                break
        return scopes[model]

    result = {}
    for model, history in tracked.items():
        scope = scope_of(model)
        if scope is not None:
            result[history] = scope
    return result


def _object_label(row) -> str:
    for name in ("key", "name", "period"):
        value = getattr(row, name, None)
        if value:
            return str(value)
    return f"#{row.id}"


def _time_range(organization_zone: str, date_from, date_to) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Turn inclusive dates in the organization's time zone, or datetimes, into a half-open range [start, end)."""
    zone = zoneinfo.ZoneInfo(organization_zone)
    start = end = None
    if date_from is not None:
        start = date_from if isinstance(date_from, dt.datetime) else dt.datetime.combine(date_from, dt.time.min, zone)
    if date_to is not None:
        if isinstance(date_to, dt.datetime):
            end = date_to + dt.timedelta(microseconds=1)
        else:
            end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, zone)
    return start, end


def _between(field_name: str, start, end) -> Q:
    condition = Q()
    if start is not None:
        condition &= Q(**{f"{field_name}__gte": start})
    if end is not None:
        condition &= Q(**{f"{field_name}__lt": end})
    return condition


def _wanted_models(history_scopes, object_type) -> list:
    if object_type is None:
        return list(history_scopes)
    names = {object_type} if isinstance(object_type, str) else set(object_type)
    wanted = []
    for history in history_scopes:
        meta = history.instance_type._meta
        if names & {meta.label_lower, meta.model_name, meta.label}:
            wanted.append(history)
    return wanted


def _field_changes(history, row, previous) -> tuple[Change, ...]:
    fields = [f for f in history.instance_type._meta.concrete_fields if f.name not in SKIPPED_FIELDS]
    history_fields = {f.attname for f in history._meta.concrete_fields}
    changes = []
    for model_field in fields:
        if model_field.attname not in history_fields:
            continue  # Excluded from history, for example a token's hash.
        new = getattr(row, model_field.attname)
        if row.history_type == "-":
            continue
        old = getattr(previous, model_field.attname) if previous is not None else None
        if previous is None and new in (None, ""):
            continue
        if previous is None or old != new:
            changes.append(Change(model_field.name, old, new))
    return tuple(changes)


def _previous_rows(history, rows) -> dict[int, Any]:
    """Return, per history row id, the row before it for the same object, with one query."""
    object_ids = {row.id for row in rows}
    latest = max(row.history_date for row in rows)
    by_object: dict[Any, list] = {}
    for candidate in history.objects.filter(id__in=object_ids, history_date__lte=latest).order_by(
        "history_date", "history_id"
    ):
        by_object.setdefault(candidate.id, []).append(candidate)
    previous = {}
    for chain in by_object.values():
        for before, after in zip(chain, chain[1:]):
            previous[after.history_id] = before
    return previous


def _label_foreign_keys(rows: list[AuditRow], models_by_type: dict[str, type[Model]]) -> list[AuditRow]:
    """Replace foreign-key ids in changes by the related object's key or name, with one query per model."""
    wanted: dict[type[Model], set] = {}
    for row in rows:
        model = models_by_type.get(row.object_type)
        for change in row.changes:
            model_field = model._meta.get_field(change.field) if model else None
            if isinstance(model_field, ForeignKey):
                wanted.setdefault(model_field.related_model, set()).update(
                    value for value in (change.old, change.new) if value is not None
                )
    labels: dict[type[Model], dict] = {}
    for related, ids in wanted.items():
        labels[related] = {obj.pk: _object_label_of(obj) for obj in related._default_manager.filter(pk__in=ids)}

    labelled = []
    for row in rows:
        model = models_by_type.get(row.object_type)
        changes = []
        for change in row.changes:
            model_field = model._meta.get_field(change.field) if model else None
            if isinstance(model_field, ForeignKey):
                names = labels.get(model_field.related_model, {})
                change = Change(change.field, _fk_label(names, change.old), _fk_label(names, change.new))
            changes.append(change)
        labelled.append(AuditRow(**{**row.__dict__, "changes": tuple(changes)}))
    return labelled


def _object_label_of(obj) -> str:
    for name in ("key", "username", "name"):
        value = getattr(obj, name, None)
        if value:
            return str(value)
    return f"#{obj.pk}"


def _fk_label(names: dict, value):
    if value is None:
        return None
    return names.get(value, f"#{value}")


def _user_id(user) -> int | None:
    if user is None:
        return None
    if isinstance(user, int):
        return user
    if isinstance(user, str):
        found = get_user_model().objects.filter(username=user).values_list("pk", flat=True).first()
        return found if found is not None else -1
    return user.pk


def audit_rows(organization, *, object_type=None, user=None, date_from=None, date_to=None,
               limit: int | None = None) -> list[AuditRow]:
    """Return the changes in `organization`, newest first.

    `object_type` is a model label such as `okrs.keyresult`, a model name
    such as `keyresult`, or a list of them. `user` is a user, a user id or
    a username. `date_from` and `date_to` are inclusive dates in the
    organization's time zone, or aware datetimes. `limit` keeps the newest
    rows only.
    """
    history_scopes = _organization_scopes(organization.pk)
    user_id = _user_id(user)
    start, end = _time_range(organization.time_zone, date_from, date_to)
    condition = _between("history_date", start, end)
    if user_id is not None:
        condition &= Q(history_user_id=user_id)

    rows: list[AuditRow] = []
    models_by_type: dict[str, type[Model]] = {}
    for history in _wanted_models(history_scopes, object_type):
        queryset = history.objects.filter(history_scopes[history] & condition).select_related("history_user")
        queryset = queryset.order_by("-history_date", "-history_id")
        if limit is not None:
            queryset = queryset[:limit]
        found = list(queryset)
        if not found:
            continue
        meta = history.instance_type._meta
        models_by_type[meta.label_lower] = history.instance_type
        previous = _previous_rows(history, found)
        tokens = dict(
            HistoryToken.objects.filter(
                history_type=ContentType.objects.get_for_model(history),
                history_id__in=[row.history_id for row in found],
            ).values_list("history_id", "token_label")
        )
        for row in found:
            rows.append(AuditRow(
                at=row.history_date,
                user_id=row.history_user_id,
                user=row.history_user.get_username() if row.history_user else "",
                token=tokens.get(row.history_id, ""),
                object_type=meta.label_lower,
                object_type_name=str(meta.verbose_name),
                object_id=row.id,
                object_label=_object_label(row),
                action=ACTIONS.get(row.history_type, row.history_type),
                reason=row.history_change_reason or "",
                changes=_field_changes(history, row, previous.get(row.history_id)),
            ))

    if object_type is None or _wants_measurements(object_type):
        rows.extend(_measurement_rows(organization, _between("replaced_at", start, end), user_id, limit))
    rows.sort(key=lambda row: row.at, reverse=True)
    if limit is not None:
        rows = rows[:limit]
    return _label_foreign_keys(rows, models_by_type)


def _wants_measurements(object_type) -> bool:
    names = {object_type} if isinstance(object_type, str) else set(object_type)
    return bool(names & {"kpis.measurement", "measurement"})


def _measurement_rows(organization, date_condition: Q, user_id, limit) -> list[AuditRow]:
    """Return measurement revisions as changes of the value, with the value that replaced each one."""
    from hoshin.kpis.models import Measurement, MeasurementRevision

    revisions = MeasurementRevision.objects.filter(date_condition, kpi__organization_id=organization.pk)
    if user_id is not None:
        revisions = revisions.filter(replaced_by_id=user_id)
    revisions = list(revisions.select_related("kpi", "replaced_by").order_by("-replaced_at")[:limit])
    if not revisions:
        return []

    keys = {(revision.kpi_id, revision.period_start, revision.segment) for revision in revisions}
    kpi_ids = {key[0] for key in keys}
    values: dict[tuple, Any] = {}
    for later in MeasurementRevision.objects.filter(kpi_id__in=kpi_ids).values(
        "kpi_id", "period_start", "segment", "revision", "value"
    ):
        values[(later["kpi_id"], later["period_start"], later["segment"], later["revision"])] = later["value"]
    for current in Measurement.objects.filter(kpi_id__in=kpi_ids).values(
        "kpi_id", "period_start", "segment", "revision", "value"
    ):
        values[(current["kpi_id"], current["period_start"], current["segment"], current["revision"])] = current["value"]

    rows = []
    for revision in revisions:
        key = (revision.kpi_id, revision.period_start, revision.segment)
        label = f"{revision.kpi.key} {revision.period_start.isoformat()}"
        if revision.segment:
            label += f" {revision.segment}"
        rows.append(AuditRow(
            at=revision.replaced_at,
            user_id=revision.replaced_by_id,
            user=revision.replaced_by.get_username() if revision.replaced_by else "",
            token="",
            object_type="kpis.measurement",
            object_type_name=str(Measurement._meta.verbose_name),
            object_id=label,
            object_label=label,
            action="changed",
            reason=_("revision %(revision)s replaced") % {"revision": revision.revision},
            changes=(Change("value", revision.value, values.get((*key, revision.revision + 1))),),
        ))
    return rows


CSV_COLUMNS = ["at", "user", "token", "object_type", "object_id", "object", "action", "field", "old", "new", "reason"]
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def _csv_cell(value) -> str:
    """Format a value for CSV, defusing text that a spreadsheet would run as a formula."""
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, (dt.datetime, dt.date)) else str(value)
    if isinstance(value, str) and text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def export_audit_csv(organization, output=None, **filters) -> str | None:
    """Write the audit rows of `organization` as CSV, one line per changed field.

    Takes the filters of `audit_rows`. Writes to the text stream `output`
    when given, and otherwise returns the CSV as a string. Times are in the
    organization's time zone.
    """
    zone = zoneinfo.ZoneInfo(organization.time_zone)
    stream = output if output is not None else io.StringIO()
    writer = csv.writer(stream)
    writer.writerow(CSV_COLUMNS)
    for row in audit_rows(organization, **filters):
        common = [row.at.astimezone(zone), row.user, row.token, row.object_type, row.object_id, row.object_label,
                  row.action]
        for change in row.changes or (None,):
            values = [change.field, change.old, change.new] if change else [None, None, None]
            writer.writerow([_csv_cell(value) for value in [*common, *values, row.reason]])
    if output is None:
        return stream.getvalue()
    return None
