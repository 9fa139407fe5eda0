"""`hoshin check ORG_KEY [--json]`: the metric-hygiene check of one organization.

Without an organization key (or with app labels) it runs Django's own
system checks, which this command extends, so `hoshin check` keeps its
usual meaning.
"""

import sys

from django.core.management.commands import check as django_check
from django.utils import translation

from hoshin.insights.hygiene import check_organization
from hoshin.insights.management.commands._common import as_of_or_today, iso_date, write_json
from hoshin.organizations.models import Organization


class Command(django_check.Command):
    help = (
        "Check an organization's metric hygiene: KPIs that feed nothing, duplicates, stale KPIs, missing "
        "thresholds or targets, objectives nothing serves, and more than the organization's limits. Exits with "
        "status 1 when a finding is an error. Given no organization key, runs Django's system checks."
    )

    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.add_argument("--json", action="store_true", help="Print the findings as JSON.")
        parser.add_argument("--as-of", type=iso_date, metavar="YYYY-MM-DD",
                            help="Check as of this date (default: today in the organization's time zone).")

    def handle(self, *labels, **options):
        if len(labels) != 1 or not Organization.objects.filter(key=labels[0]).exists():
            return super().handle(*labels, **options)
        organization = Organization.objects.get(key=labels[0])
        translation.activate(organization.locale.replace("_", "-").lower())
        report = check_organization(organization, as_of_or_today(organization, options["as_of"]))
        if options["json"]:
            write_json(self.stdout, report.to_json())
        else:
            self.write_text(report)
        if report.has_errors:
            sys.exit(1)

    def write_text(self, report):
        counts = report.to_json()["counts"]
        self.stdout.write(f"{report.organization.name} as of {report.as_of.isoformat()}: "
                          f"{counts['error']} errors, {counts['warning']} warnings, {counts['info']} notes")
        for finding in report.findings:
            target = finding["object"]
            self.stdout.write(f"{finding['severity'].upper():8} {finding['code']:28} {target['kind']}:{target['key']}")
            self.stdout.write(f"         {finding['explanation']}")
            self.stdout.write(f"         → {finding['action']}")
        index = report.inflation["organization"]["index"]
        if index is not None:
            self.stdout.write(f"Metric inflation: {index:.0%} of {report.inflation['organization']['kpis']} KPIs "
                              "feed nothing or duplicate another")
