"""Helpers shared by the validation steps: reporting against records, duplicates and references."""

from hoshin.interchange.errors import ErrorReport
from hoshin.interchange.fields import INVALID, Record, closest


class Checks:
    """Reports errors located at records and their fields."""

    def __init__(self, report: ErrorReport):
        self.report = report

    def field_error(self, record: Record, name: str, message: str) -> None:
        """Report an error in one field; the path names the field."""
        self.report.add(record.line_of(name), record.path_of(name), message)

    def entry_error(self, record: Record, name: str | None, message: str) -> None:
        """Report an error about a whole entry; the path names the entry and the line the field `name`."""
        self.report.add(record.line_of(name) if name else record.line, record.path, message)

    def unique(self, records: list[Record], key_of, noun: str, name: str = "key", key_text=str) -> dict:
        """Map each valid key to its first record and report the later records that repeat it.

        `key_of` returns a record's key, or None to skip the record.
        `key_text` turns a key into the text of the message.
        """
        first: dict = {}
        for record in records:
            key = key_of(record)
            if key is None:
                continue
            if key in first:
                earlier = first[key]
                self.entry_error(record, name, f"duplicate {noun} {key_text(key)}; {earlier.path} on line "
                                               f"{earlier.line_of(name)} has the same {noun}")
            else:
                first[key] = record
        return first

    def reference(self, record: Record, name: str, noun: str, available) -> bool:
        """Check that the key in field `name` names one of `available`; report it when it does not."""
        key = record.get(name)
        if key is None or key is INVALID:
            return False
        if key in available:
            return True
        suggestion = closest(key, available)
        hint = f"; did you mean {suggestion}?" if suggestion else ""
        self.field_error(record, name, f"no {noun} with key {key} in the file or in the database{hint}")
        return False


def records(value) -> list[Record]:
    """Return the records of a list field, leaving out the items that were not mappings."""
    if not isinstance(value, list):
        return []
    return [item for item in value if isinstance(item, Record)]


def valid_key(record: Record, name: str = "key"):
    value = record.get(name)
    return None if value is None or value is INVALID else value
