"""Importing a CSV, TSV, XLSX or XLS file: read, lay out, then hand over to the ingestion service."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from hoshin.ingest.layout import KNOWN_NAMES, RecordBuilder, resolve_plan, wanted_names
from hoshin.ingest.options import IngestOptions
from hoshin.ingest.readers import RowError, normalize_name, read_table
from hoshin.ingest.service import IngestReport, ingest
from hoshin.kpis.models import Kpi


def kpi_names(organization) -> dict[str, str]:
    """Return the organization's KPI keys by their normalised key and name."""
    names = {}
    for key, name in Kpi.objects.filter(organization=organization).values_list("key", "name"):
        names.setdefault(normalize_name(key), key)
        names.setdefault(normalize_name(name), key)
    return names


def ingest_file(organization, path: str | Path, options: IngestOptions, *, actor=None, source: str | None = None,
                progress: Callable[[float, int], None] | None = None) -> IngestReport:
    """Import one file, recorded as `source` (`file:NAME` by default).

    Raises `IngestRejected` when a row is invalid and `options.skip_invalid` is off.
    """
    path = Path(path)
    table = read_table(path, sheet=options.sheet, header_row=options.header_row, encoding=options.encoding,
                       delimiter=options.delimiter, wanted=wanted_names(options), known=KNOWN_NAMES)
    plan = resolve_plan(table.columns, options, kpi_names(organization))
    builder = RecordBuilder(plan, options, organization, len(table.columns))

    parts, errors, rows_read, not_applicable = [], [], 0, 0
    for chunk in table.chunks:
        records, chunk_errors, skipped = builder.build(chunk)
        parts.append(records)
        errors.extend(chunk_errors)
        rows_read += chunk.height
        not_applicable += skipped
        if progress:
            progress(table.progress(), rows_read)
    errors.extend(table.errors)
    rows_read += len({error.line for error in table.errors})
    report = ingest(organization, parts, actor=actor, source=source or f"file:{path.name}", skip_invalid=options.skip_invalid,
                    dry_run=options.dry_run, errors=errors, rows_read=rows_read, not_applicable=not_applicable)
    report.columns = [column.label for column in table.columns]
    return report


def write_rejects(path: str | Path, errors: list[RowError], header: list[str] | None = None) -> None:
    """Write the rejected rows to a CSV file with their line, the column at fault and the reason first."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["line", "column", "reason", *(header or [])])
        for error in sorted(errors, key=lambda item: item.line):
            writer.writerow([error.line, error.column, error.message, *error.cells])
