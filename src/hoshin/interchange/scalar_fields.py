"""Field types for single values of the strategy-file format: text, keys, labels, numbers, dates."""

import datetime as dt
import math
import re

from hoshin.interchange.fields import INVALID, FieldType, closest, describe, is_number
from hoshin.interchange.source import YamlList, YamlMap

KEY_PATTERN = r"^[-a-zA-Z0-9_]+$"
DATE_PATTERN = re.compile(r"^\d{4}-\d{2}-\d{2}$")


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
            version = value if is_number(value) else describe(value)
            place.error(f"unsupported format version {version}; this version of Hoshin reads version {self.SUPPORTED}")
            return INVALID
        return value

    def schema(self):
        return {"const": self.SUPPORTED}


class Number(FieldType):
    def read(self, value, place):
        if not is_number(value):
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
        if is_number(value):
            return Number().read(value, place)
        if isinstance(value, YamlList) and len(value) == 2 and all(is_number(bound) for bound in value):
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
