"""`hoshin add_source`: create or update a SQL data source."""

from django.core.management.base import BaseCommand, CommandError

from hoshin.core.errors import DomainError
from hoshin.ingest.sources import save_source
from hoshin.organizations.models import Organization


class Command(BaseCommand):
    help = "Create or update a SQL data source; its URL is stored encrypted and never printed."

    def add_arguments(self, parser):
        parser.add_argument("key")
        parser.add_argument("--org", required=True, help="Key of the organization.")
        parser.add_argument("--name", help="Display name; the key by default.")
        parser.add_argument("--url-env", required=True, metavar="VARIABLE",
                            help="Environment variable holding the SQLAlchemy URL, so the password stays out of the shell history.")
        parser.add_argument("--query", required=True, help="SELECT returning period, value [, segment, kpi ...] with :start and :end.")
        parser.add_argument("--kpi", help="Key of the KPI every row belongs to; without it the query returns a kpi column.")
        parser.add_argument("--map", action="append", default=[], metavar="LABEL=KPI_KEY",
                            help="Translate a value of the kpi column to a KPI key. Repeatable.")
        parser.add_argument("--timeout", type=int, default=30, help="Statement timeout in seconds.")
        parser.add_argument("--lookback-days", type=int, help="Days before today that each pull covers.")

    def handle(self, *args, **options):
        import os

        url = os.environ.get(options["url_env"])
        if not url:
            raise CommandError(f"The environment variable {options['url_env']} is empty.")
        try:
            organization = Organization.objects.get(key=options["org"])
            mapping = dict(item.split("=", 1) for item in options["map"])
            source, created = save_source(organization, key=options["key"], name=options["name"] or options["key"],
                                          url=url, query=options["query"], kpi_key=options["kpi"], kpi_mapping=mapping,
                                          timeout_seconds=options["timeout"], lookback_days=options["lookback_days"])
        except Organization.DoesNotExist as exc:
            raise CommandError(f"Organization {options['org']} not found.") from exc
        except (DomainError, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{'Created' if created else 'Updated'} data source {source.key} ({source.display_url}).")
