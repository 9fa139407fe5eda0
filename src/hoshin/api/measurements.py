"""Pushing measurements: one KPI's values as JSON, or many KPIs' values as JSON lines or CSV."""

import json
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _
from ninja import Query, Router, Schema
from pydantic import ConfigDict, Field

from hoshin.api.auth import TokenAuth, organization_for
from hoshin.api.errors import ApiError
from hoshin.api.idempotency import idempotent
from hoshin.core.env import env_int
from hoshin.core.errors import NotFound
from hoshin.ingest.files import ingest_file
from hoshin.ingest.options import IngestOptions
from hoshin.ingest.readers import RowError
from hoshin.ingest.rows import records_from_rows
from hoshin.ingest.service import IngestReport, ingest
from hoshin.kpis.models import Kpi

MAX_BODY_BYTES = env_int("HOSHIN_API_MAX_BODY_BYTES", 10 * 1024 * 1024)
JSON_LINES_TYPES = {"application/x-ndjson", "application/jsonl", "application/json-lines", "application/x-jsonlines"}
CSV_TYPES = {"text/csv", "application/csv", "text/tab-separated-values"}

router = Router(auth=TokenAuth("write:measurements"), tags=["measurements"])


class MeasurementIn(Schema):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)

    date: str = Field(description="ISO 8601 date or timestamp; a timestamp without an offset is in the organization's zone.")
    value: float | None = None
    segment: str = ""
    numerator: float | None = Field(None, description="Numerator of a ratio KPI.")
    denominator: float | None = Field(None, description="Denominator of a ratio KPI.")


class RowErrorOut(Schema):
    line: int
    field: str
    message: str


class IngestResultOut(Schema):
    rows_read: int
    inserted: int
    revised: int
    unchanged: int
    rejected: int
    not_applicable: int
    dry_run: bool
    errors: list[RowErrorOut]


class PushOptions(Schema):
    skip_invalid: bool = Field(False, description="Store the valid rows and list the invalid ones instead of rejecting all.")
    dry_run: bool = Field(False, description="Validate and count without writing.")
    timestamp_zone: str | None = Field(None, description="IANA zone of timestamps without an offset.")


class CsvOptions(PushOptions):
    kpi: str | None = Field(None, description="KPI key when every CSV row belongs to one KPI.")
    locale: str | None = Field(None, description="Locale of numbers and dates in the CSV, such as pt-BR.")
    date_format: str | None = Field(None, description="strptime format of the CSV dates.")
    missing_values: str | None = Field(None, description="Comma-separated values that mean missing, such as 0.")


def result(report: IngestReport) -> dict:
    errors = [{"line": error.line, "field": error.column, "message": error.message} for error in report.errors]
    return {**report.as_dict(), "errors": errors}


def _check_size(request) -> None:
    length = request.META.get("CONTENT_LENGTH") or "0"
    if length.isdigit() and int(length) > MAX_BODY_BYTES:
        raise ApiError(413, _("The request body has %(size)s bytes; the limit is %(limit)d.")
                       % {"size": length, "limit": MAX_BODY_BYTES})


@router.post("/orgs/{org}/kpis/{kpi}/measurements", response=IngestResultOut, summary="Push values of one KPI")
def push_kpi_measurements(request, org: str, kpi: str, payload: MeasurementIn | list[MeasurementIn],
                          options: Query[PushOptions]):
    """Store one value (a JSON object) or several (a JSON array) of one KPI; one value per period and segment."""
    _check_size(request)
    organization = organization_for(request.auth, org)
    if not Kpi.objects.filter(organization=organization, key=kpi).exists():
        raise NotFound(_("KPI %(key)s not found.") % {"key": kpi}, field="kpi")
    items = payload if isinstance(payload, list) else [payload]

    def run():
        rows = [{**item.dict(), "kpi": kpi, "line": line} for line, item in enumerate(items, start=1)]
        records, errors = records_from_rows(rows, organization, timestamp_zone=options.timestamp_zone)
        report = ingest(organization, records, actor=request.auth, source="api", skip_invalid=options.skip_invalid,
                        dry_run=options.dry_run, errors=errors, rows_read=len(items))
        return 200, result(report)

    return idempotent(request, organization, request.body, run)


def _json_rows(body: bytes, content_type: str) -> tuple[list[dict], list[RowError]]:
    text = body.decode("utf-8-sig")
    if content_type == "application/json":
        try:
            items = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ApiError(400, _("The body is not valid JSON: %(error)s") % {"error": exc}) from exc
        if not isinstance(items, list):
            raise ApiError(400, _("A JSON body must be an array of measurements."))
        pairs = list(enumerate(items, start=1))
    else:
        pairs = [(line, raw) for line, raw in enumerate(text.splitlines(), start=1) if raw.strip()]
    rows, errors = [], []
    for line, raw in pairs:
        try:
            item = json.loads(raw) if isinstance(raw, str) and content_type != "application/json" else raw
        except json.JSONDecodeError as exc:
            errors.append(RowError(line, _("not valid JSON: %(error)s") % {"error": exc.msg}))
            continue
        if not isinstance(item, dict):
            errors.append(RowError(line, _("expected a JSON object with kpi, date and value")))
            continue
        unknown = sorted(set(item) - {"kpi", "date", "value", "segment", "numerator", "denominator"})
        if unknown:
            errors.append(RowError(line, _("unknown fields: %(fields)s") % {"fields": ", ".join(unknown)}, unknown[0]))
            continue
        rows.append({**item, "line": line})
    return rows, errors


def _read_body(request) -> bytes:
    _check_size(request)
    body = request.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        raise ApiError(413, _("The request body is larger than the limit of %(limit)d bytes.") % {"limit": MAX_BODY_BYTES})
    return body


@router.post("/orgs/{org}/measurements:bulk", response=IngestResultOut, summary="Push values of many KPIs",
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/x-ndjson": {"schema": {"type": "string"}},
                 "application/json": {"schema": {"type": "array", "items": {"type": "object"}}},
                 "text/csv": {"schema": {"type": "string"}}}}})
def push_bulk_measurements(request, org: str, options: Query[CsvOptions]):
    """Store many KPIs' values from JSON lines (`kpi`, `date`, `value`, ...), a JSON array or a CSV file.

    The CSV is read like `hoshin ingest`: headers in English, Portuguese or
    Spanish, the locale's separators and a KPI column (or `?kpi=`).
    """
    body = _read_body(request)
    organization = organization_for(request.auth, org)
    content_type = (request.content_type or "").lower()

    def run():
        if content_type in CSV_TYPES:
            return 200, result(_ingest_csv(organization, body, options, request.auth, content_type))
        if content_type in JSON_LINES_TYPES or content_type == "application/json":
            rows, errors = _json_rows(body, content_type)
            records, row_errors = records_from_rows(rows, organization, timestamp_zone=options.timestamp_zone)
            report = ingest(organization, records, actor=request.auth, source="api", skip_invalid=options.skip_invalid,
                            dry_run=options.dry_run, errors=errors + row_errors, rows_read=len(rows) + len(errors))
            return 200, result(report)
        raise ApiError(415, _("Send JSON lines (application/x-ndjson), a JSON array (application/json) or CSV (text/csv)."))

    return idempotent(request, organization, body, run)


def _ingest_csv(organization, body: bytes, options: CsvOptions, actor, content_type: str) -> IngestReport:
    suffix = ".tsv" if content_type == "text/tab-separated-values" else ".csv"
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"upload{suffix}"
        path.write_bytes(body)
        ingest_options = IngestOptions(
            kpi=options.kpi, locale=options.locale, date_format=options.date_format,
            timestamp_zone=options.timestamp_zone, skip_invalid=options.skip_invalid, dry_run=options.dry_run,
            missing_values=[options.missing_values] if options.missing_values else [],
        )
        report = ingest_file(organization, path, ingest_options, actor=actor, source="api")
    return report
