"""`hoshin score ORG_KEY [--as-of YYYY-MM-DD] [--json]`."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from hoshin.engine.errors import EngineError
from hoshin.organizations.models import Organization
from hoshin.scoring.service import score_organization
from hoshin.scoring.table import render_table


class Command(BaseCommand):
    help = "Score an organization's KPIs, key results and objectives as of a date."

    def add_arguments(self, parser):
        parser.add_argument("organization", metavar="ORG_KEY")
        parser.add_argument("--as-of", dest="as_of", metavar="YYYY-MM-DD",
                            help="score with the definitions and data valid on this day (default: today in the organization's time zone)")
        parser.add_argument("--json", action="store_true", help="print one JSON document instead of a table")

    def handle(self, *args, organization, as_of, json: bool = False, **options):
        org = Organization.objects.filter(key=organization).first()
        if org is None:
            known = ", ".join(Organization.objects.values_list("key", flat=True)) or "none"
            raise CommandError(f"organization {organization!r} not found; known organizations: {known}")
        day = None
        if as_of:
            try:
                day = dt.date.fromisoformat(as_of)
            except ValueError as exc:
                raise CommandError(f"--as-of {as_of!r} is not a date; write YYYY-MM-DD") from exc
        try:
            result = score_organization(org, day)
        except EngineError as exc:
            raise CommandError(f"{organization}: {exc}") from exc
        if json:
            self.stdout.write(_dumps(result.to_json()))
        else:
            self.stdout.write(render_table(result.to_json()))


def _dumps(document) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, allow_nan=False)
