"""Field types of the strategy-file format.

Each type reads one located YAML value, adds an error to the report when
the value does not fit, and returns the value in the form the importer
uses (or `INVALID`). Each type also describes itself as JSON Schema, so
the published schema and the importer cannot drift apart.
"""

import datetime as dt
import difflib
import math
import re
from dataclasses import dataclass, field
from typing import Any

from hoshin.interchange.errors import ErrorReport
from hoshin.interchange.source import YamlList, YamlMap


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()
"""The value of a field that was rejected; the error has been reported already."""

KEY_PATTERN = r"^[-a-zA-Z0-9_]+$"
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclass(frozen=True)
class Place:
    """Where a value sits in the file: its path in the document and its line."""

    report: ErrorReport
    path: str
    line: int

    def error(self, message: str) -> None:
        self.report.add(self.line, self.path, message)

    def child(self, name: str, line: int) -> "Place":
        return Place(self.report, f"{self.path}.{name}" if self.path else name, line)

    def item(self, index: int, line: int) -> "Place":
        return Place(self.report, f"{self.path}[{index}]", line)


class Record(dict):
    """The fields of one mapping after reading, with the line of each field given in the file.

    Fields left out hold their default; rejected fields hold `INVALID`.
    """

    def __init__(self, path: str, line: int):
        super().__init__()
        self.path = path
        self.line = line
        self.lines: dict[str, int] = {}
        self.bare_field: str | None = None
        """The field written as a bare value in place of the mapping, such as `kpis: [co2-per-ton]`."""

    def given(self, name: str) -> bool:
        """Tell whether the file sets this field (to a valid value)."""
        return name in self.lines and self[name] is not INVALID

    def valid(self, *names: str) -> bool:
        return all(self.get(name) is not INVALID for name in names)

    def line_of(self, name: str) -> int:
        return self.lines.get(name, self.line)

    def path_of(self, name: str) -> str:
        if name == self.bare_field:
            return self.path
        return f"{self.path}.{name}" if self.path else name


def describe(value) -> str:
    """Name a value found in the file, for messages."""
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, dt.datetime):
        return f"the timestamp {value.isoformat()}"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    if isinstance(value, YamlMap):
        return "a mapping"
    if isinstance(value, YamlList):
        return "a list"
    text = str(value)
    return f'"{text[:60]}…"' if len(text) > 60 else f'"{text}"'


def closest(word: str, candidates) -> str | None:
    matches = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=0.6)
    return matches[0] if matches else None


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class FieldType:
    def read(self, value, place: Place):
        raise NotImplementedError

    def schema(self) -> dict:
        raise NotImplementedError


class Text(FieldType):
    def __init__(self, max_length: int | None = None, *, blank: bool = True):
        self.max_length = max_length
        self.blank = blank

    def read(self, value, place):
        if not isinstance(value, str):
            hint = "; put it in quotes" if value is not None and not isinstance(value, (YamlMap, YamlList)) else ""
            place.error(f"expected text, found {describe(value)}{hint}")
            return INVALID
        if not self.blank and not value.strip():
            place.error("must not be empty")
            return INVALID
        if self.max_length is not None and len(value) > self.max_length:
            place.error(f"is {len(value)} characters long; the maximum is {self.max_length}")
            return INVALID
        return value

    def schema(self):
        result = {"type": "string"}
        if not self.blank:
            result["minLength"] = 1
        if self.max_length is not None:
            result["maxLength"] = self.max_length
        return result


class Key(Text):
    """A stable identifier: letters, digits, hyphens and underscores."""

    def __init__(self):
        super().__init__(64, blank=False)

    def read(self, value, place):
        value = super().read(value, place)
        if value is not INVALID and not re.match(KEY_PATTERN, value):
            place.error(f"{describe(value)} is not a valid key; use letters, digits, hyphens and underscores")
            return INVALID
        return value

    def schema(self):
        return super().schema() | {"pattern": KEY_PATTERN}


class Label(FieldType):
    """A period or cycle label such as 2026, 2026-Q1 or 2026-03-14; YAML may read these as numbers or dates."""

    def __init__(self, max_length: int):
        self.max_length = max_length

    def read(self, value, place):
        if isinstance(value, dt.datetime) or isinstance(value, bool):
            value = INVALID
        elif isinstance(value, dt.date):
            value = value.isoformat()
        elif isinstance(value, int):
            value = str(value)
        if not isinstance(value, str) or not value or value != value.strip() or len(value) > self.max_length:
            place.error("expected a label such as 2026, 2026-Q1 or 2026-03, without spaces around it")
            return INVALID
        return value

    def schema(self):
        return {"anyOf": [{"type": "string", "minLength": 1, "maxLength": self.max_length}, {"type": "integer"}]}


class Choice(FieldType):
    def __init__(self, values):
        self.values = [str(value) for value in values]

    def read(self, value, place):
        if value in self.values:
            return value
        expected = ", ".join(self.values)
        if not isinstance(value, str):
            place.error(f"expected one of {expected}, found {describe(value)}")
            return INVALID
        suggestion = closest(value, self.values)
        hint = f"; did you mean {suggestion}?" if suggestion else ""
        place.error(f"{describe(value)} is not one of {expected}{hint}")
        return INVALID

    def schema(self):
        return {"enum": list(self.values)}


class Integer(FieldType):
    def __init__(self, minimum: int | None = None, maximum: int | None = None):
        self.minimum = minimum
        self.maximum = maximum

    def read(self, value, place):
        if not isinstance(value, int) or isinstance(value, bool):
            place.error(f"expected a whole number, found {describe(value)}")
            return INVALID
        too_low = self.minimum is not None and value < self.minimum
        too_high = self.maximum is not None and value > self.maximum
        if too_low or too_high:
            if self.maximum is None:
                place.error(f"must be at least {self.minimum}, not {value}")
            else:
                place.error(f"must be between {self.minimum} and {self.maximum}, not {value}")
            return INVALID
        return value

    def schema(self):
        result = {"type": "integer"}
        if self.minimum is not None:
            result["minimum"] = self.minimum
        if self.maximum is not None:
            result["maximum"] = self.maximum
        return result


class Version(FieldType):
    SUPPORTED = 1

    def read(self, value, place):
        if value != self.SUPPORTED or isinstance(value, bool):
            shown = value if _is_number(value) else describe(value)
            place.error(f"unsupported format version {shown}; this version of Hoshin reads version {self.SUPPORTED}")
            return INVALID
        return value

    def schema(self):
        return {"const": self.SUPPORTED}


class Number(FieldType):
    def read(self, value, place):
        if not _is_number(value):
            place.error(f"expected a number, found {describe(value)}")
            return INVALID
        if not math.isfinite(value):
            place.error(f"must be a finite number, not {value}")
            return INVALID
        return value

    def schema(self):
        return {"type": "number"}


class Weight(Number):
    """A roll-up weight: a positive number, 1 when left out."""

    def read(self, value, place):
        value = super().read(value, place)
        if value is not INVALID and value <= 0:
            place.error(f"must be a positive number, not {value}; leave the weight out to count as 1")
            return INVALID
        return value

    def schema(self):
        return {"type": "number", "exclusiveMinimum": 0}


class NumberOrBand(FieldType):
    """A threshold: one number, or a band [low, high] for a target-range KPI."""

    def read(self, value, place):
        if _is_number(value):
            return Number().read(value, place)
        if isinstance(value, YamlList) and len(value) == 2 and all(_is_number(bound) for bound in value):
            low, high = (Number().read(bound, place) for bound in value)
            return INVALID if INVALID in (low, high) else (low, high)
        place.error(f"expected a number or a band [low, high], found {describe(value)}")
        return INVALID

    def schema(self):
        band = {"type": "array", "items": {"type": "number"}, "minItems": 2, "maxItems": 2}
        return {"anyOf": [{"type": "number"}, band]}


class Boolean(FieldType):
    def read(self, value, place):
        if not isinstance(value, bool):
            place.error(f"expected true or false, found {describe(value)}")
            return INVALID
        return value

    def schema(self):
        return {"type": "boolean"}


class Date(FieldType):
    def read(self, value, place):
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str) and DATE_PATTERN.match(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        place.error(f"expected a date such as 2026-03-18, found {describe(value)}")
        return INVALID

    def schema(self):
        return {"type": "string", "format": "date"}


class Timestamp(FieldType):
    def read(self, value, place):
        if isinstance(value, str):
            try:
                value = dt.datetime.fromisoformat(value)
            except ValueError:
                pass
        if not isinstance(value, dt.datetime):
            place.error(f"expected a timestamp such as 2026-03-18T14:30:00Z, found {describe(value)}")
            return INVALID
        if value.utcoffset() is None:
            place.error(f"the timestamp {value.isoformat()} needs a time zone offset such as Z or -03:00")
            return INVALID
        return value

    def schema(self):
        return {"type": "string", "format": "date-time"}


@dataclass(frozen=True)
class Field:
    name: str
    type: FieldType
    doc: str
    required: bool = False
    default: Any = None


class Mapping(FieldType):
    def __init__(self, fields: list[Field], doc: str = ""):
        self.fields = {item.name: item for item in fields}
        self.doc = doc

    def read(self, value, place):
        if not isinstance(value, YamlMap):
            place.error(f"expected a mapping of fields, found {describe(value)}")
            return INVALID
        record = Record(place.path, value.line)
        suggested = set()
        for name in value:
            if name not in self.fields:
                suggested.add(self._reject_unknown(name, place.child(name, value.key_lines[name])))
        for spec in self.fields.values():
            if spec.name in value:
                line = value.key_lines[spec.name]
                record.lines[spec.name] = line
                record[spec.name] = spec.type.read(value[spec.name], place.child(spec.name, line))
            elif spec.required:
                # A misspelt field is reported once, as unknown, not a second time as missing.
                if spec.name not in suggested:
                    place.error(f'missing required field "{spec.name}"')
                record[spec.name] = INVALID
            else:
                record[spec.name] = list(spec.default) if isinstance(spec.default, list) else spec.default
        return record

    def _reject_unknown(self, name: str, place: Place) -> str | None:
        """Report a field the format does not have; return the field suggested in its place."""
        suggestion = closest(name, self.fields)
        if suggestion:
            place.error(f'unknown field "{name}"; did you mean "{suggestion}"?')
        else:
            place.error(f'unknown field "{name}"; expected one of {", ".join(self.fields)}')
        return suggestion

    def schema(self):
        properties = {}
        for spec in self.fields.values():
            properties[spec.name] = {"description": spec.doc} | spec.type.schema()
        result = {"type": "object", "properties": properties, "additionalProperties": False}
        required = [spec.name for spec in self.fields.values() if spec.required]
        if required:
            result["required"] = required
        if self.doc:
            result = {"description": self.doc} | result
        return result


class KeyOrMapping(FieldType):
    """A bare key, or a mapping whose `key_field` holds that key next to other fields such as a weight."""

    def __init__(self, key_field: str, mapping: Mapping):
        self.key_field = key_field
        self.mapping = mapping

    def read(self, value, place):
        if isinstance(value, YamlMap):
            return self.mapping.read(value, place)
        key = self.mapping.fields[self.key_field].type.read(value, place)
        record = Record(place.path, place.line)
        for spec in self.mapping.fields.values():
            record[spec.name] = spec.default
        record[self.key_field] = key
        record.lines[self.key_field] = place.line
        record.bare_field = self.key_field
        return record

    def schema(self):
        return {"anyOf": [self.mapping.fields[self.key_field].type.schema(), self.mapping.schema()]}


@dataclass
class ListOf(FieldType):
    item: FieldType
    doc: str = field(default="")

    def read(self, value, place):
        if not isinstance(value, YamlList):
            hint = "; write [] for an empty list" if value is None else ""
            place.error(f"expected a list, found {describe(value)}{hint}")
            return INVALID
        items = []
        for index, (raw, line) in enumerate(zip(value, value.item_lines)):
            items.append(self.item.read(raw, place.item(index, line)))
        return items

    def schema(self):
        return {"type": "array", "items": self.item.schema()}
