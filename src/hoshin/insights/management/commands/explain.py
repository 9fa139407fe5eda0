"""`hoshin explain ORG_KEY OBJECTIVE_KEY`: what beneath a strategic objective accounts for its shortfall."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from hoshin.core.errors import NotFound
from hoshin.insights.explain import explain_objective
from hoshin.insights.management.commands._common import as_of_or_today, iso_date, organization, write_json


class Command(BaseCommand):
    help = (
        "Rank the KPIs and key results beneath a strategic objective, and the objectives that drive it, by their "
        "contribution to its shortfall: weight times gap to target, scaled by what the data says about each link."
    )

    def add_arguments(self, parser):
        parser.add_argument("organization", metavar="ORG_KEY")
        parser.add_argument("objective", metavar="OBJECTIVE_KEY", help="Key of a strategic objective.")
        parser.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD",
                            help="Explain the scores of this date (default: today in the organization's time zone).")
        parser.add_argument("--json", action="store_true", help="Print the ranking as JSON.")

    def handle(self, *args, **options):
        found = organization(options["organization"])
        translation.activate(found.locale.replace("_", "-").lower())
        try:
            document = explain_objective(found, options["objective"], as_of_or_today(found, options["as_of"]))
        except NotFound as error:
            raise CommandError(error.message) from error
        if options["json"]:
            write_json(self.stdout, document)
            return
        objective = document["objective"]
        score = "—" if objective["score"] is None else f"{objective['score']:.0%}"
        self.stdout.write(f"{objective['name']}: {objective['status']} ({score}) as of {document['as_of']}")
        for item in document["contributors"]:
            fraction = "—" if item["fraction"] is None else f"{item['fraction']:.0%}"
            self.stdout.write(f"{item['rank']:>3}. {fraction:>5} {item['kind']:20} {item['key']:32} "
                              f"{item['verdict'] or ''}")
