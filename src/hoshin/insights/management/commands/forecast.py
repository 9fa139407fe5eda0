"""`hoshin forecast ORG_KEY`: the end-of-cycle value of each key result fed by a KPI, with an 80 % interval."""

from django.core.management.base import BaseCommand
from django.utils import translation

from hoshin.insights.forecasts import organization_forecasts
from hoshin.insights.management.commands._common import as_of_or_today, iso_date, organization, write_json


class Command(BaseCommand):
    help = ("Forecast the end-of-cycle value of every key result with a source KPI in the running cycles, with an "
            "80 % interval, and flag those whose target lies outside it.")

    def add_arguments(self, parser):
        parser.add_argument("organization", metavar="ORG_KEY")
        parser.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD",
                            help="Forecast from the data up to this date (default: today in the organization's "
                                 "time zone).")
        parser.add_argument("--json", action="store_true", help="Print the forecasts as JSON.")

    def handle(self, *args, **options):
        found = organization(options["organization"])
        translation.activate(found.locale.replace("_", "-").lower())
        document = organization_forecasts(found, as_of_or_today(found, options["as_of"]))
        if options["json"]:
            write_json(self.stdout, document)
            return
        for item in document["key_results"]:
            forecast = item["forecast"]
            interval = ("—" if forecast["low"] is None
                        else f"{forecast['low']:.4g} – {forecast['high']:.4g}")
            value = "—" if forecast["value"] is None else f"{forecast['value']:.4g}"
            self.stdout.write(f"{item['key']:36} target {item['target']!s:>8}  forecast {value:>10}  "
                              f"80 % {interval:>22}  {item['outlook'] or ''}")
