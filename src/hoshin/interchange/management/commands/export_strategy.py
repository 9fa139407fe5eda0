"""`hoshin export ORG_KEY [-o FILE]`: write an organization as a strategy file."""

from pathlib import Path

from django.core.management.base import BaseCommand

from hoshin.interchange.strategy_file import export_strategy
from hoshin.organizations.models import Organization


class Command(BaseCommand):
    help = "Write an organization as a strategy file (YAML), to standard output or to a file."

    def add_arguments(self, parser):
        parser.add_argument("organization", help="Key of the organization to export.")
        parser.add_argument("-o", "--output", help="Write the file here instead of to standard output.")

    def handle(self, *args, **options):
        key = options["organization"]
        organization = Organization.objects.filter(key=key).first()
        if organization is None:
            known = ", ".join(Organization.objects.order_by("key").values_list("key", flat=True)) or "none"
            self.stderr.write(f"no organization with key {key}; existing keys: {known}")
            raise SystemExit(1)

        text = export_strategy(organization)
        output = options["output"]
        if output is None:
            self.stdout.write(text, ending="")
            return
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            self.stderr.write(f"{output}: cannot write the file: {exc.strerror}")
            raise SystemExit(1) from exc
        self.stdout.write(f"{output}: exported {organization.key}")
