"""Input checks shared by the engine's modules."""

from __future__ import annotations

import math
import numbers
from enum import Enum
from typing import TypeVar

from .errors import ValidationError

E = TypeVar("E", bound=Enum)


def member(enum_type: type[E], value: object, field: str) -> E:
    """Return `value` as a member of `enum_type`, or raise naming `field`."""
    # A look-up in the value table of `Enum` is much cheaper than calling the class, and covers valid strings.
    found = enum_type._value2member_map_.get(value) if isinstance(value, str) else None
    if found is not None:
        return found
    try:
        return enum_type(value)
    except ValueError as error:
        choices = ", ".join(str(choice.value) for choice in enum_type)
        raise ValidationError(field, f"unknown {field} {value!r}; expected one of {choices}") from error


def is_finite(value: object) -> bool:
    """Return whether `value` is a real number other than NaN or infinity."""
    if value is None:
        return False
    if type(value) is float or type(value) is int:
        return math.isfinite(value)
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def require_finite(value: object, field: str) -> float:
    """Return `value` as a float, or raise naming `field` when it is missing or not finite."""
    if not is_finite(value):
        raise ValidationError(field, f"must be a finite number, got {value!r}")
    return float(value)
