"""`hoshin evidence ORG_KEY [--json]`: whether the data supports each link and feed of an organization."""

from django.core.management.base import BaseCommand
from django.utils import translation

from hoshin.insights.evidence import organization_evidence
from hoshin.insights.management.commands._common import as_of_or_today, iso_date, organization, write_json
from hoshin.insights.services import record_evidence


class Command(BaseCommand):
    help = (
        "Test every cause-effect link and every KPI feed of an organization against its measurements: lagged "
        "cross-correlation and a Granger-style test, corrected across the organization. Prints one line per "
        "link with its verdict (supported, contradicted, no_evidence, insufficient_data)."
    )

    def add_arguments(self, parser):
        parser.add_argument("organization", metavar="ORG_KEY")
        parser.add_argument("--json", action="store_true", help="Print the verdicts as JSON.")
        parser.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD",
                            help="Use the history up to this date (default: today in the organization's time zone).")
        parser.add_argument("--record", action="store_true",
                            help="Keep the verdicts of the cause-effect links for the learning log.")

    def handle(self, *args, **options):
        found = organization(options["organization"])
        translation.activate(found.locale.replace("_", "-").lower())
        report = organization_evidence(found, as_of_or_today(found, options["as_of"]))
        if options["record"]:
            record_evidence(None, found, report)
        if options["json"]:
            write_json(self.stdout, report.to_json())
            return
        self.stdout.write(f"{'from':34} {'to':34} {'verdict':17} {'lag':>5} {'r':>6} {'p':>8} {'q':>8} {'n':>5}")
        for item in report.items:
            self.stdout.write(
                f"{item['from']['key'][:34]:34} {item['to']['key'][:34]:34} {item['verdict']:17} "
                f"{_text(item['best_lag_days']):>5} {_text(item['correlation'], '.2f'):>6} "
                f"{_text(item['p_value'], '.4f'):>8} {_text(item['q_value'], '.4f'):>8} {item['periods_used']:>5}"
            )


def _text(value, spec: str = "") -> str:
    return "—" if value is None else format(value, spec)
