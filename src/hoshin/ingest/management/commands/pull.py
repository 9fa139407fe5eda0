"""`hoshin pull [SOURCE ...]`: pull measurements from SQL data sources now."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from hoshin.ingest.models import DataSource
from hoshin.ingest.sql_sources import pull_source


class Command(BaseCommand):
    help = "Run the queries of SQL data sources now and store their measurements."

    def add_arguments(self, parser):
        parser.add_argument("sources", nargs="*", metavar="SOURCE", help="Keys of the sources; every enabled source by default.")
        parser.add_argument("--org", help="Key of the organization whose sources to pull.")
        parser.add_argument("--start", type=dt.date.fromisoformat, help="First date (YYYY-MM-DD); by default the lookback.")
        parser.add_argument("--end", type=dt.date.fromisoformat, help="Last date (YYYY-MM-DD); today by default.")

    def handle(self, *args, **options):
        sources = DataSource.objects.select_related("organization", "kpi")
        if options["org"]:
            sources = sources.filter(organization__key=options["org"])
        if options["sources"]:
            sources = sources.filter(key__in=options["sources"])
            missing = set(options["sources"]) - set(sources.values_list("key", flat=True))
            if missing:
                raise CommandError(f"Data source not found: {', '.join(sorted(missing))}.")
        else:
            sources = sources.filter(enabled=True)

        failed = 0
        for source in sources:
            run = pull_source(source, start=options["start"], end=options["end"])
            if run.error:
                failed += 1
                self.stderr.write(f"{source.organization.key}/{source.key}: {run.error}")
            else:
                self.stdout.write(f"{source.organization.key}/{source.key}: {run.rows} rows read: {run.inserted} inserted, "
                                  f"{run.revised} revised, {run.unchanged} unchanged in {run.duration_ms} ms")
        if failed:
            raise CommandError(f"{failed} pulls failed.")
