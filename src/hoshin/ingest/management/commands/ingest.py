"""`hoshin ingest FILE --org ORG`: import measurements from a CSV, TSV, XLSX or XLS file."""

import logging
import sys

from django.core.management.base import BaseCommand, CommandError

from hoshin.core.errors import DomainError
from hoshin.ingest.files import ingest_file, write_rejects
from hoshin.ingest.options import IngestOptions
from hoshin.ingest.service import IngestRejected
from hoshin.organizations.models import Organization

logger = logging.getLogger(__name__)


class Progress:
    """A one-line progress bar on stderr, drawn only when stderr is a terminal."""

    def __init__(self, stream):
        self.stream = stream
        self.enabled = stream.isatty()
        self.shown = False

    def __call__(self, fraction: float, rows: int) -> None:
        if not self.enabled:
            return
        filled = int(fraction * 30)
        self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {fraction:4.0%} {rows:,} rows")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()


class Command(BaseCommand):
    help = "Import KPI measurements from a CSV, TSV, XLSX or XLS file."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--org", required=True, help="Key of the organization.")
        layout = parser.add_argument_group("layout")
        layout.add_argument("--kpi", help="Key of the KPI when every value in the file belongs to one KPI.")
        layout.add_argument("--kpi-column", help="Column holding KPI keys (long files).")
        layout.add_argument("--date-column", help="Column holding the date or timestamp.")
        layout.add_argument("--date", help="One date for every row, for a file of one period (2024-01, 2024-01-31).")
        layout.add_argument("--value-column", dest="value_columns", action="append", default=[],
                            help="Value column; COLUMN=KPI_KEY in wide files, COLUMN=SEGMENT with --kpi. Repeatable.")
        layout.add_argument("--numerator-column", help="Numerator column of a ratio KPI.")
        layout.add_argument("--denominator-column", help="Denominator (count) column of a ratio KPI.")
        layout.add_argument("--percent-column", help="Percentage column; with --denominator-column it gives the numerator.")
        layout.add_argument("--segment-column", help="Column holding the segment (store, plant, region).")
        layout.add_argument("--sheet", help="Sheet name or number (from 1) in a workbook; the first by default.")
        layout.add_argument("--header-row", type=int, help="Line or row number (from 1) of the header.")
        formats = parser.add_argument_group("formats")
        formats.add_argument("--locale", help="Locale of numbers and dates, such as pt-BR, es, de or en.")
        formats.add_argument("--date-format", help="strptime format of the dates, such as %%d-%%m-%%Y.")
        formats.add_argument("--encoding", help="Text encoding (utf-8, cp1252, latin-1); detected by default.")
        formats.add_argument("--delimiter", help="Field delimiter; detected by default.")
        formats.add_argument("--timestamp-zone", help="IANA zone of timestamps without an offset; the organization's by default.")
        formats.add_argument("--missing-values", action="append", default=[],
                             help="Values that mean missing, such as 0 for a publisher that fills gaps with zeros. Repeatable.")
        run = parser.add_argument_group("run")
        run.add_argument("--mapping", help="YAML file with these options saved; options given here win.")
        run.add_argument("--dry-run", action="store_true", help="Check and count, write nothing.")
        run.add_argument("--skip-invalid", metavar="REJECTS_CSV",
                         help="Import the valid rows and write the invalid ones with their reason to this CSV file.")

    def handle(self, *args, **options):
        try:
            organization = Organization.objects.get(key=options["org"])
        except Organization.DoesNotExist as exc:
            raise CommandError(f"Organization {options['org']} not found.") from exc
        names = ["kpi", "kpi_column", "date_column", "date", "value_columns", "numerator_column", "denominator_column",
                 "percent_column", "segment_column", "sheet", "header_row", "locale", "date_format", "encoding",
                 "delimiter", "timestamp_zone", "missing_values"]
        given = {name: options[name] for name in names}
        given["skip_invalid"] = True if options["skip_invalid"] else None
        given["dry_run"] = True if options["dry_run"] else None
        progress = Progress(sys.stderr)

        try:
            ingest_options = IngestOptions.merged(options["mapping"], **given)
            logger.info("importing %s into %s", options["file"], organization.key)
            report = ingest_file(organization, options["file"], ingest_options, progress=progress)
        except IngestRejected as exc:
            progress.close()
            for line in exc.lines():
                self.stderr.write(line)
            raise CommandError(exc.message) from exc
        except DomainError as exc:
            progress.close()
            raise CommandError(exc.message) from exc
        progress.close()

        if report.errors:
            write_rejects(options["skip_invalid"], report.errors, report.columns)
            for error in report.errors[:10]:
                self.stderr.write(error.text())
        logger.info("imported %s: %s", options["file"], report.as_dict())
        self.stdout.write(report.summary())
