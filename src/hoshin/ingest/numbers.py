"""Numbers written as people write them: locale separators, units and percent signs.

A cell contains an optional prefix (a currency such as `R$`), a number and an
optional unit (`%`, `mm`, `kWh`). The number uses the decimal and group
(thousands) separators of a locale, taken from Babel's CLDR data, and its
groups must have three digits, so `1.2.3` is rejected in pt-BR instead of
being read as 123. Parsing is vectorised with polars, one expression for a
whole column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import polars as pl
from babel import Locale, UnknownLocaleError
from babel.numbers import get_decimal_symbol, get_group_symbol
from django.utils.translation import gettext as _

from hoshin.core.errors import ValidationFailed

# Cells that mean "not applicable": the row has no value for this column.
NOT_APPLICABLE = ("", "-", "–", "—", "n/a", "N/A", "NA", "na", "#N/A", "..", "null", "NULL")

_SPACES = "\u00a0\u202f\u2009 "


@dataclass(frozen=True)
class NumberFormat:
    """The decimal and group separators of a locale; `label` names it in messages."""

    decimal: str
    group: str
    label: str

    def describe(self) -> str:
        return self.label


def parse_locale(tag: str) -> Locale:
    try:
        return Locale.parse(tag.strip().replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError) as exc:
        raise ValidationFailed(
            _("%(locale)s is not a known locale; write a language tag such as pt-BR, es, de or en.") % {"locale": tag},
            field="locale",
        ) from exc


def number_format(tag: str) -> NumberFormat:
    locale = parse_locale(tag)
    group = get_group_symbol(locale)
    if group in _SPACES:
        group = " "
    return NumberFormat(get_decimal_symbol(locale), group, tag)


def detect_number_format(samples: list[str], fallback: NumberFormat) -> NumberFormat:
    """Guess the decimal separator from sample cells, or return `fallback` when they do not tell.

    Only unambiguous cells count: `9,99` or `1.234,5` show a decimal comma,
    `3.3` or `1,234.5` a decimal point. `1.234` or `1,234` could be either.
    """
    comma = point = 0
    for text in samples:
        number = _NUMBER_PART.search(text or "")
        if not number:
            continue
        digits = number.group(0)
        if _COMMA_DECIMAL.search(digits):
            comma += 1
        elif _POINT_DECIMAL.search(digits):
            point += 1
    if comma > point:
        return NumberFormat(",", ".", _('decimal comma'))
    if point > comma:
        return NumberFormat(".", ",", _('decimal point'))
    return fallback


_NUMBER_PART = re.compile(r"[0-9][0-9.,]*")
_COMMA_DECIMAL = re.compile(r"^[0-9]+,[0-9]{1,2}$|,[0-9]{4,}$|\.[0-9]{3},[0-9]+$")
_POINT_DECIMAL = re.compile(r"^[0-9]+\.[0-9]{1,2}$|\.[0-9]{4,}$|,[0-9]{3}\.[0-9]+$")


def _number_regex(fmt: NumberFormat) -> str:
    decimal, group = re.escape(fmt.decimal), re.escape(fmt.group)
    integer = rf"(?:[0-9]{{1,3}}(?:{group}[0-9]{{3}})+|[0-9]+)"
    number = rf"(?:{integer}(?:{decimal}[0-9]*)?|{decimal}[0-9]+)(?:[eE][+-]?[0-9]+)?"
    # A prefix has no digits (a currency), a unit starts with a non-digit (%, mm, kWh).
    return rf"^(?P<prefix>[^0-9+\-{decimal}]*?)\s*(?P<sign>[+\-−]?)\s*(?P<number>{number})\s*(?P<unit>[^0-9]*)$"


def parse_numbers(text: pl.Expr, fmt: NumberFormat, missing_tokens: tuple[str, ...] = ()) -> dict[str, pl.Expr]:
    """Return expressions for one text column: `value`, `percent`, `not_applicable` and `invalid`.

    `value` is the number as written (42.5 for `42,5 %`), `percent` is true
    when the cell carries a % sign, `not_applicable` when the cell is empty,
    `-` or one of `missing_tokens`, and `invalid` when it contains text that
    is not a number in `fmt`.
    """
    cleaned = text.str.replace_all(r"[\u00a0\u202f\u2009]", " ").str.strip_chars()
    negative_parens = cleaned.str.contains(r"^\(.*\)$")
    cleaned = pl.when(negative_parens).then(cleaned.str.slice(1, cleaned.str.len_chars() - 2)).otherwise(cleaned)
    parts = cleaned.str.extract_groups(_number_regex(fmt))
    digits = parts.struct.field("number")
    if fmt.group:
        digits = digits.str.replace_all(re.escape(fmt.group), "", literal=False)
    digits = digits.str.replace(re.escape(fmt.decimal), ".", literal=False)
    magnitude = digits.cast(pl.Float64, strict=False)
    negative = parts.struct.field("sign").is_in(["-", "−"]) | negative_parens
    value = pl.when(negative).then(-magnitude).otherwise(magnitude)
    not_applicable = text.is_null() | cleaned.is_in(list(NOT_APPLICABLE) + list(missing_tokens))
    return {
        "value": pl.when(not_applicable).then(None).otherwise(value),
        "percent": parts.struct.field("unit").str.contains("%").fill_null(False),
        "not_applicable": not_applicable,
        "invalid": ~not_applicable & value.is_null(),
    }


def parse_number_column(texts: pl.Series, fmt: NumberFormat, missing_tokens: tuple[str, ...] = ()) -> pl.DataFrame:
    """Parse a text column like `parse_numbers`, returning a frame with its four columns in the same order.

    Cells that are plain numbers (digits, an optional sign and decimal part)
    are cast directly. Only the other cells go through the full pattern,
    because extracting its groups is the slowest step on large files.
    """
    plain_pattern = rf"^[+-]?[0-9]+(?:{re.escape(fmt.decimal)}[0-9]+)?$"
    frame = pl.DataFrame({"text": texts}).with_row_index("_index")
    plain = pl.col("text").str.contains(plain_pattern).fill_null(False)
    fast = frame.filter(plain).select(
        "_index",
        value=pl.col("text").str.replace(fmt.decimal, ".", literal=True).cast(pl.Float64),
        percent=pl.lit(False),
        not_applicable=pl.lit(False),
        invalid=pl.lit(False),
    )
    rest = frame.filter(~plain)
    if rest.is_empty():
        return fast.drop("_index")
    slow = rest.select("_index", **parse_numbers(pl.col("text"), fmt, missing_tokens))
    return pl.concat([fast, slow]).sort("_index").drop("_index")
