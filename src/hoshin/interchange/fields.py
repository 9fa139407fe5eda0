"""Field types of the strategy-file format: the base class and the mappings and lists.

Each type reads one located YAML value, adds an error to the report when
the value does not fit, and returns the value in the form the importer
uses (or `INVALID`). Each type also describes itself as JSON Schema, so
the published schema and the importer cannot drift apart. The types of
single values are in `scalar_fields`.
"""

import datetime as dt
import difflib
from dataclasses import dataclass, field
from typing import Any

from hoshin.interchange.errors import ErrorReport
from hoshin.interchange.source import YamlList, YamlMap


class _Invalid:
    def __repr__(self) -> str:
        return "INVALID"


INVALID: Any = _Invalid()
"""The value of a field that was rejected; the error has been reported already."""

@dataclass(frozen=True)
class Place:
    """Location of a value in the file: its path in the document and its line."""

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


def is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class FieldType:
    def read(self, value, place: Place):
        raise NotImplementedError

    def schema(self) -> dict:
        raise NotImplementedError


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
    """A bare key, or a mapping whose `key_field` contains that key next to other fields such as a weight."""

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
