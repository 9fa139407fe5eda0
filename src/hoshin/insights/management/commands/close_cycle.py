"""`hoshin close_cycle ORG_KEY CYCLE_KEY`: close an ended cycle and keep its final scores."""

from django.core.management.base import BaseCommand, CommandError

from hoshin.core.errors import DomainError
from hoshin.insights.management.commands._common import iso_date, organization
from hoshin.insights.services import close_cycle
from hoshin.organizations.models import Cycle


class Command(BaseCommand):
    help = ("Close an ended cycle: keep the final score of each OKR objective and key result, the confidence of "
            "each key result's last check-in, and the evidence for every cause-effect link on the cycle's last day.")

    def add_arguments(self, parser):
        parser.add_argument("organization", metavar="ORG_KEY")
        parser.add_argument("cycle", metavar="CYCLE_KEY", help="Key of the cycle, such as 2026-Q1.")
        parser.add_argument("--today", type=iso_date, metavar="YYYY-MM-DD",
                            help="Date to close on (default: today in the organization's time zone).")

    def handle(self, *args, **options):
        found = organization(options["organization"])
        cycle = Cycle.objects.filter(organization=found, key=options["cycle"]).first()
        if cycle is None:
            raise CommandError(f"cycle {options['cycle']!r} not found in {found.key}")
        try:
            retrospective = close_cycle(None, cycle, today=options["today"])
        except DomainError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"Closed {cycle.key} of {found.key}: {retrospective.items.count()} scores kept.")
