"""Helpers shared by the insight commands: finding the organization, reading dates, printing JSON."""

import argparse
import datetime as dt
import json

from django.core.management.base import CommandError

from hoshin.organizations.models import Organization
from hoshin.scoring.service import today_for


def iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; write it as YYYY-MM-DD") from error


def organization(key: str) -> Organization:
    found = Organization.objects.filter(key=key).first()
    if found is None:
        known = ", ".join(Organization.objects.order_by("key").values_list("key", flat=True)) or "none"
        raise CommandError(f"organization {key!r} not found; known keys: {known}")
    return found


def as_of_or_today(found: Organization, as_of: dt.date | None) -> dt.date:
    return as_of or today_for(found)


def write_json(stdout, document: dict) -> None:
    stdout.write(json.dumps(document, indent=2, ensure_ascii=False, default=str))
