"""Status labels and icons for pages: a status always shows as text and icon, never as colour alone."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

NO_DATA = "no_data"


@dataclass(frozen=True)
class StatusDisplay:
    code: str
    label: str
    icon: str


STATUSES = {
    "on_track": StatusDisplay("on_track", _("On track"), "✔"),
    "at_risk": StatusDisplay("at_risk", _("At risk"), "▲"),
    "off_track": StatusDisplay("off_track", _("Off track"), "✖"),
    NO_DATA: StatusDisplay(NO_DATA, _("No data"), "○"),
    "out_of_range": StatusDisplay("out_of_range", _("Out of range"), "⚠"),
}


def status_display(code: str | None) -> StatusDisplay:
    """Return the label and icon of a status code; an unknown or missing code reads as no data."""
    return STATUSES.get(code or NO_DATA, STATUSES[NO_DATA])


def status_label(code: str | None) -> str:
    return str(status_display(code).label)
