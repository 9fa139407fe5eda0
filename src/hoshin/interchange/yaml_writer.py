"""Writing YAML that reads back to exactly the values written, laid out like a hand-written file.

PyYAML decides how each string must be quoted; this module decides the
layout: block mappings and lists, one-line `{key: value}` mappings where
they fit, literal blocks for text that spans lines. The output depends
only on the values, so the same data always gives the same bytes.
"""

import datetime as dt
import re

import yaml

MAX_LINE = 120
"""Maximum length of the line of a one-line mapping; a longer mapping is written as a block."""

_NO_WRAP = 10**9

# Plain words that PyYAML (YAML 1.1) reads as text but a YAML 1.2 reader takes for a
# number, boolean or null. They are quoted so that every reader agrees.
_YAML12_NON_TEXT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|0o[0-7]+|0x[0-9a-fA-F]+"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)|(?:true|True|TRUE|false|False|FALSE|null|Null|NULL|~))$"
)
_LINE_BREAKS = "\n\r\x85\u2028\u2029"
_PLAIN_LABEL = re.compile(r"^[1-9][0-9]{3}(?:-[0-9]{2}-[0-9]{2})?$")


class Flow(dict):
    """A mapping always written on one line, such as ``{green: 480, yellow: 520}``."""


class FlowList(list):
    """A list always written on one line, such as ``[reduce-co2, grow-margin]``."""


class Compact(dict):
    """A mapping written on one line when that line fits, and as a block otherwise."""


class Label(str):
    """A period or cycle label; 2026 and 2026-03-14 are written without quotes, as the format reads them back."""


def dump(header: str, document: dict) -> str:
    """Write `document` (a mapping of sections) under the comment line `header`, a blank line between sections."""
    lines = [header]
    for index, (key, value) in enumerate(document.items()):
        if index > 0 and isinstance(value, (dict, list)):
            lines.append("")
        lines.extend(_value_lines(f"{key}:", value, 0))
    return "\n".join(lines) + "\n"


def _value_lines(prefix: str, value, indent: int) -> list[str]:
    if isinstance(value, (Flow, FlowList)):
        return [f"{prefix} {_flow(value)}"]
    if isinstance(value, Compact) and _fits(f"{prefix} {_flow(value)}", value):
        return [f"{prefix} {_flow(value)}"]
    if isinstance(value, dict):
        return [prefix, *_mapping_lines(value, indent + 2)]
    if isinstance(value, list):
        return [prefix, *_sequence_lines(value, indent + 2)]
    if isinstance(value, str) and "\n" in value:
        literal = _literal_lines(prefix, value, indent)
        if literal is not None:
            return literal
    return [f"{prefix} {scalar(value)}"]


def _mapping_lines(mapping: dict, indent: int) -> list[str]:
    lines = []
    for key, value in mapping.items():
        lines.extend(_value_lines(" " * indent + f"{key}:", value, indent))
    return lines


def _sequence_lines(items: list, indent: int) -> list[str]:
    lines = []
    dash = " " * indent + "- "
    for item in items:
        one_line = isinstance(item, (Flow, FlowList)) or (isinstance(item, Compact) and _fits(dash + _flow(item), item))
        if one_line:
            lines.append(dash + _flow(item))
        elif isinstance(item, dict):
            block = _mapping_lines(item, indent + 2)
            lines.append(dash + block[0][indent + 2:])
            lines.extend(block[1:])
        else:
            lines.append(dash + scalar(item, flow=True))
    return lines


def _fits(line: str, mapping: dict) -> bool:
    single_line = all(not (isinstance(value, str) and "\n" in value) for value in mapping.values())
    return single_line and len(line) <= MAX_LINE


def _flow(value) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key}: {_flow(item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_flow(item) for item in value) + "]"
    return scalar(value, flow=True)


def scalar(value, *, flow: bool = False) -> str:
    """Write one value so that PyYAML reads back the same value (a float to the last bit)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Label) and _PLAIN_LABEL.match(value) and _is_date_or_year(value):
        return str(value)
    if isinstance(value, str):
        return _string(str(value), flow)
    raise TypeError(f"cannot write {type(value).__name__} values to a strategy file")


def _float(value: float) -> str:
    if value.is_integer() and abs(value) < 2**53:
        return str(int(value))
    text = repr(value)
    if "e" in text and "." not in text:
        # PyYAML reads 1e-07 as text; 1.0e-07 is a float.
        mantissa, exponent = text.split("e")
        text = f"{mantissa}.0e{exponent}"
    return text


def _is_date_or_year(label: str) -> bool:
    if len(label) == 4:
        return True
    try:
        dt.date.fromisoformat(label)
    except ValueError:
        return False
    return True


def _string(text: str, flow: bool) -> str:
    if any(char in _LINE_BREAKS for char in text):
        # PyYAML would fold these over several lines, which only reads back at the top level.
        return _double_quoted(text)
    if flow:
        written = yaml.safe_dump([text], default_flow_style=True, allow_unicode=True, width=_NO_WRAP).strip()[1:-1]
    else:
        written = yaml.safe_dump(text, allow_unicode=True, width=_NO_WRAP).removesuffix("\n...\n").removesuffix("\n")
    if written[:1] not in ("'", '"') and _YAML12_NON_TEXT.match(text):
        written = "'" + text + "'"
    return written


def _double_quoted(text: str) -> str:
    written = yaml.safe_dump([text], default_style='"', default_flow_style=True, allow_unicode=True, width=_NO_WRAP)
    return written.strip()[1:-1]


def _literal_lines(prefix: str, text: str, indent: int) -> list[str] | None:
    """Write text that spans lines as a literal block (``|``), or return None when it would not read back exactly."""
    if any(not (char.isprintable() or char == "\n") for char in text):
        return None
    body = text[:-1] if text.endswith("\n") else text
    rows = body.split("\n")
    if body.endswith("\n") or not rows[0] or rows[0][0] == " " or any(row.isspace() for row in rows):
        return None
    padding = " " * (indent + 2)
    lines = [f"{prefix} {'|' if text.endswith(chr(10)) else '|-'}"]
    lines.extend(padding + row if row else "" for row in rows)
    # A last check with the reader itself: anything it would read differently is quoted instead.
    if yaml.safe_load("value: " + "\n".join([lines[0][len(prefix) + 1:], *lines[1:]]) + "\n") != {"value": text}:
        return None
    return lines
