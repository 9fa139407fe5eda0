"""The upload page: a CSV, TSV, XLSX or XLS file of measurements, previewed and then committed.

The first post uploads the file and previews it: the file goes to the
temporary store in `hoshin.web.uploads` and the page shows the detected
mapping, the counts and every invalid row. The preview is the ingestion
service's dry run, the same as `hoshin ingest --dry-run`. Later posts
carry only the store's token and the mapping, either to preview again with
a changed mapping or to commit. A commit runs the same import for real.
Like the command, it writes nothing when any row is invalid.
"""

from pathlib import Path

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from hoshin.accounts.permissions import ADMIN, MATRIX, memberships_of
from hoshin.core.errors import PermissionDenied, ValidationFailed
from hoshin.ingest.files import ingest_file, kpi_names
from hoshin.ingest.layout import KNOWN_NAMES, resolve_plan, wanted_names
from hoshin.ingest.options import IngestOptions
from hoshin.ingest.readers import read_table
from hoshin.ingest.service import IngestRejected
from hoshin.kpis.models import Kpi
from hoshin.web import uploads
from hoshin.web.access import visible
from hoshin.web.pages import error_response, json_response, organization_data, organization_page, respond

# Mapping fields of the form, named like the options of `hoshin ingest`.
TEXT_FIELDS = ("kpi", "kpi_column", "date_column", "date", "segment_column", "numerator_column",
               "denominator_column", "percent_column", "locale", "date_format", "sheet")
MAPPING_FIELDS = (*TEXT_FIELDS, "value_columns", "header_row")


def posted_mapping(post) -> dict:
    """Return the mapping fields as typed; `value_columns` has one `COLUMN[=KEY]` a line."""
    mapping = {name: post.get(name, "").strip() for name in TEXT_FIELDS}
    mapping["value_columns"] = "\n".join(line.strip() for line in post.get("value_columns", "").splitlines() if line.strip())
    mapping["header_row"] = post.get("header_row", "").strip()
    return mapping


def ingest_options(mapping: dict, *, dry_run: bool) -> IngestOptions:
    """Build import options from the mapping; empty fields are left to detection."""
    header_row = None
    if mapping["header_row"]:
        try:
            header_row = int(mapping["header_row"])
        except ValueError:
            header_row = 0
        if header_row < 1:
            raise ValidationFailed(_("The header row must be a line number from 1."), field="header_row")
    values = {name: mapping[name] or None for name in TEXT_FIELDS}
    return IngestOptions(**values, value_columns=mapping["value_columns"].splitlines(), header_row=header_row,
                         dry_run=dry_run)


def detected_mapping(organization, path: Path, options: IngestOptions) -> tuple[list[str], dict]:
    """Return the file's column labels and the layout that the import will use with these options."""
    table = read_table(path, sheet=options.sheet, header_row=options.header_row, encoding=options.encoding,
                       delimiter=options.delimiter, wanted=wanted_names(options), known=KNOWN_NAMES)
    plan = resolve_plan(table.columns, options, kpi_names(organization))

    def label(column):
        return column.label if column is not None else ""

    values = []
    for spec in plan.values:
        target = spec.kpi or spec.segment
        values.append(f"{spec.column.label}={target}" if target else spec.column.label)
    detected = {
        "kpi": plan.fixed_kpi or "", "kpi_column": label(plan.kpi_column), "date_column": label(plan.date_column),
        "date": options.date or "", "segment_column": label(plan.segment_column),
        "numerator_column": label(plan.numerator), "denominator_column": label(plan.denominator),
        "percent_column": label(plan.percent), "value_columns": "\n".join(values),
        "header_row": table.header_line,
    }
    return [column.label for column in table.columns if column.label], detected


def may_upload(user, organization) -> bool:
    """Tell whether `user` may record measurements for some unit; the import checks each KPI's unit."""
    if user.is_superuser:
        return True
    roles = {role for role, _unit in memberships_of(user, organization)}
    return bool(roles & ({ADMIN} | set(MATRIX["record_measurement"])))


def error_rows(errors) -> list[dict]:
    return [{"line": error.line, "column": error.column, "message": error.message} for error in errors]


def run_import(request, organization, upload, mapping: dict, *, commit: bool) -> dict:
    """Preview or commit the upload; return the outcome: detected mapping, report, row errors or a field error."""
    outcome = {"columns": [], "detected": {}, "report": None, "row_errors": [], "field_errors": {}}
    try:
        options = ingest_options(mapping, dry_run=not commit)
        outcome["columns"], outcome["detected"] = detected_mapping(organization, upload.path, options)
        report = ingest_file(organization, upload.path, options, actor=request.user)
    except IngestRejected as rejected:
        outcome["row_errors"] = error_rows(rejected.errors)
        outcome["message"] = rejected.message
        return outcome
    except ValidationFailed as error:
        outcome["field_errors"] = {error.field if error.field in MAPPING_FIELDS else "file": error.message}
        return outcome
    outcome["report"] = {**report.as_dict(), "summary": report.summary()}
    return outcome


def page_data(request, organization, *, mapping=None, upload=None, outcome=None, file_error=None) -> dict:
    kpis = visible(request, Kpi.objects.filter(organization=organization, archived=False)).order_by("key")
    outcome = outcome or {}
    field_errors = dict(outcome.get("field_errors") or {})
    if file_error:
        field_errors["file"] = file_error
    previewed = bool(upload and outcome.get("report") and not outcome.get("row_errors"))
    return {
        "organization": organization_data(organization),
        "kpis": [{"key": kpi.key, "name": kpi.name} for kpi in kpis],
        "may_upload": may_upload(request.user, organization),
        "mapping": mapping or {name: "" for name in MAPPING_FIELDS},
        "upload": {"token": upload.token, "name": upload.name, "size": upload.size} if upload else None,
        "columns": outcome.get("columns", []),
        "detected": outcome.get("detected", {}),
        "report": outcome.get("report"),
        "row_errors": outcome.get("row_errors", []),
        "message": outcome.get("message", ""),
        "field_errors": field_errors,
        "may_commit": previewed,
        "url": reverse("upload", args=[organization.key]),
    }


def receive_file(request, organization):
    """Save the posted file in the upload store; return the upload, or None and the reason it was rejected."""
    uploaded = request.FILES.get("file")
    if uploaded is None:
        return None, _("Choose a CSV, TSV, XLSX or XLS file.")
    if Path(uploaded.name).suffix.lower() not in uploads.SUFFIXES:
        return None, _("%(name)s is not a CSV, TSV, XLSX or XLS file.") % {"name": uploaded.name}
    if uploaded.size > uploads.MAX_BYTES:
        return None, _("The file is larger than %(size)d MB.") % {"size": uploads.MAX_BYTES // (1024 * 1024)}
    return uploads.save_upload(uploaded, user_id=request.user.pk, organization_id=organization.pk), None


@organization_page
def upload(request, organization):
    if request.method != "POST":
        return respond(request, "web/upload.html", page_data(request, organization))

    if not may_upload(request.user, organization):
        raise PermissionDenied(_("You may not record measurements in %(organization)s.")
                               % {"organization": organization.name})
    mapping = posted_mapping(request.POST)
    token = request.POST.get("token", "")
    if token:
        stored = uploads.load_upload(token, user_id=request.user.pk, organization_id=organization.pk)
        if stored is None:
            message = _("The uploaded file has expired or belongs to someone else; upload it again.")
            if request.wants_json:
                return error_response(request, "upload_expired", message, field="file", status=422)
            return respond(request, "web/upload.html", page_data(request, organization, mapping=mapping,
                                                                  file_error=message), status=422)
    else:
        stored, file_error = receive_file(request, organization)
        if stored is None:
            if request.wants_json:
                return error_response(request, "invalid", file_error, field="file", status=422)
            return respond(request, "web/upload.html", page_data(request, organization, mapping=mapping,
                                                                  file_error=file_error), status=422)

    commit = request.POST.get("action") == "commit"
    outcome = run_import(request, organization, stored, mapping, commit=commit)
    failed = bool(outcome["row_errors"] or outcome["field_errors"])
    if commit and not failed:
        uploads.delete_upload(stored)
        summary = outcome["report"]["summary"]
        if request.wants_json:
            return json_response({"committed": True, "report": outcome["report"]})
        messages.success(request, _("%(name)s imported. %(summary)s") % {"name": stored.name, "summary": summary})
        return redirect(reverse("upload", args=[organization.key]))

    data = page_data(request, organization, mapping=mapping, upload=stored, outcome=outcome)
    return respond(request, "web/upload.html", data, status=422 if failed else 200)
