"""`hoshin demo`: load the demo organizations and print the demo logins."""

import argparse
import datetime as dt
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hoshin.core.errors import DomainError
from hoshin.demo import loader, public_data
from hoshin.demo.strategies import PUBLIC_DATA, SIMULATED
from hoshin.demo.truth import build_truth, write_truth
from hoshin.demo.users import ensure_superuser
from hoshin.interchange.errors import StrategyFileError


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write it as YYYY-MM-DD") from error


class Command(BaseCommand):
    help = (
        "Load the demo organizations: three simulated companies (industry, financial, retail) with two years "
        "of measurements ending today, and Public data, built on public data files. Loading again replaces "
        "them. Every demo user's password is its username; the site administrator is demo / demo."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=7,
                            help="Seed of the simulation; the same seed and date give the same data (default 7).")
        parser.add_argument("--truth", type=Path, metavar="FILE.json",
                            help="Write the simulation's ground truth (links and whether they are real, KPI feeds, "
                                 "planted weak indicators) to this JSON file.")
        parser.add_argument("--today", type=iso_date, metavar="YYYY-MM-DD",
                            help="Last day of the simulated data, which also places the OKRs in the current and "
                                 "previous fiscal quarter (default: today).")
        parser.add_argument("--skip-real", action="store_true",
                            help=f"Do not load the Public data organization from the public data files in "
                                 f"{public_data.real_inputs_dir()} (set {public_data.REAL_INPUTS_ENV} to read "
                                 f"another folder).")
        parser.add_argument("--org", action="append", choices=[*SIMULATED, PUBLIC_DATA], metavar="KEY",
                            help="Load only this organization; repeat for several "
                                 f"({', '.join([*SIMULATED, PUBLIC_DATA])}).")

    def handle(self, *args, seed, truth, today, skip_real, org, **options):
        started = time.perf_counter()
        today = today or timezone.localdate()
        selected = org or [*SIMULATED, PUBLIC_DATA]
        results, truths = [], {}

        try:
            for name in SIMULATED:
                if name in selected:
                    result = loader.load_simulated(name, seed=seed, today=today)
                    truths[result.key] = result.truth
                    results.append(result)
                    self.report(result)
            if PUBLIC_DATA in selected:
                result = self.load_public_data(skip_real)
                if result is not None:
                    results.append(result)
                    self.report(result)
        except (DomainError, StrategyFileError) as error:
            raise CommandError(f"Loading the demo failed: {error}") from error

        superuser = ensure_superuser()
        if truth is not None:
            write_truth(build_truth(seed, today, truths), truth)
            self.stdout.write(f"Wrote the ground truth of {len(truths)} simulated organizations to {truth}.")
        self.stdout.write(f"Loaded {len(results)} organizations in {time.perf_counter() - started:.1f} s "
                          f"(seed {seed}, data up to {today.isoformat()}).")
        self.write_logins([superuser] + [login for result in results for login in result.logins])

    def load_public_data(self, skip_real):
        if skip_real:
            self.stdout.write("Skipped Public data (--skip-real).")
            return None
        folder = public_data.real_inputs_dir()
        if not folder.is_dir():
            self.stdout.write(f"Skipped Public data: folder {folder} not found; "
                              f"set {public_data.REAL_INPUTS_ENV} to the folder of the public data files.")
            return None
        try:
            return loader.load_public_data(folder)
        except (OSError, ValueError, KeyError) as error:
            raise CommandError(f"Loading Public data from {folder} failed: {error!r}. Check that the public data "
                               f"files are complete, or load without them with --skip-real.") from error

    def report(self, result):
        self.stdout.write(
            f"Loaded {result.key} ({result.name}): {result.kpis} KPIs, {result.measurements:,} measurements, "
            f"{result.check_ins} check-ins in {result.seconds:.1f} s."
        )

    def write_logins(self, logins):
        header = ("username", "password", "role", "organization", "unit")
        rows = [header] + [(login.username, login.password, login.role, login.organization, login.unit)
                           for login in logins]
        widths = [max(len(row[column]) for row in rows) for column in range(len(header))]
        self.stdout.write("")
        self.stdout.write("Demo logins:")
        for index, row in enumerate(rows):
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
            if index == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
