"""`hoshin import FILE.yaml`: import a strategy file."""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand

from hoshin.interchange.strategy_file import StrategyFileError, import_strategy


class Command(BaseCommand):
    help = (
        "Import a strategy file (YAML) into the database, matching entries by key. The whole file is checked "
        "first; on any error nothing is written, every error is printed to stderr and the exit code is 1."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="Path of the strategy file; - reads it from standard input.")
        parser.add_argument(
            "--dry-run", action="store_true",
            help="Check the file and print what would be created or updated, without writing anything.",
        )

    def handle(self, *args, **options):
        path = options["file"]
        try:
            if path == "-":
                result = import_strategy(sys.stdin.read(), filename="<stdin>", dry_run=options["dry_run"])
            else:
                result = import_strategy(Path(path), filename=path, dry_run=options["dry_run"])
        except StrategyFileError as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise SystemExit(1) from exc
        except OSError as exc:
            self.stderr.write(f"{path}: cannot read the file: {exc.strerror}")
            raise SystemExit(1) from exc

        self.stdout.write(result.summary())
        if options["dry_run"] or options["verbosity"] >= 2:
            for change in result.changes:
                self.stdout.write(f"  {change}")
