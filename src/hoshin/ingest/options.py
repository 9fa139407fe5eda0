"""Options of a file import, from the command line or a saved YAML mapping.

A mapping file contains the same options as the command line, with
underscores: `kpi_column: indicador`, `value_columns: ["volume armazenado=reservoir_volume"]`,
`locale: pt-BR`. Options given on the command line win over the file.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from pathlib import Path

import yaml
from django.utils.translation import gettext as _

from hoshin.core.errors import ValidationFailed


@dataclass
class IngestOptions:
    kpi: str | None = None
    kpi_column: str | None = None
    date_column: str | None = None
    date: str | None = None
    value_columns: list[str] = field(default_factory=list)
    numerator_column: str | None = None
    denominator_column: str | None = None
    percent_column: str | None = None
    segment_column: str | None = None
    sheet: str | None = None
    header_row: int | None = None
    locale: str | None = None
    date_format: str | None = None
    encoding: str | None = None
    delimiter: str | None = None
    timestamp_zone: str | None = None
    missing_values: list[str] = field(default_factory=list)
    skip_invalid: bool = False
    dry_run: bool = False

    @classmethod
    def merged(cls, mapping_path: str | Path | None, **given) -> IngestOptions:
        """Build options from a YAML mapping file overridden by the options given (None means not given)."""
        values = load_mapping(mapping_path) if mapping_path else {}
        for name, value in given.items():
            if value not in (None, [], ()):
                values[name] = value
        known = {item.name for item in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ValidationFailed(_("Unknown mapping options: %(names)s.") % {"names": ", ".join(unknown)}, field="mapping")
        options = cls(**values)
        options.value_columns = [str(item) for item in _as_list(options.value_columns)]
        options.missing_values = [str(item) for item in _as_list(options.missing_values)]
        return options

    def value_column_pairs(self) -> list[tuple[str, str | None]]:
        """Split each `COLUMN=KEY` into the column and the key (None when no key is given)."""
        pairs = []
        for item in self.value_columns:
            column, _sep, key = item.rpartition("=") if "=" in item else (item, "", "")
            pairs.append((column.strip(), key.strip() or None))
        return pairs

    def missing_numbers(self) -> tuple[list[float], tuple[str, ...]]:
        """Split --missing-values into numbers and text tokens."""
        numbers, tokens = [], []
        for item in self.missing_values:
            for part in str(item).split(","):
                part = part.strip()
                if not part:
                    continue
                try:
                    numbers.append(float(part))
                except ValueError:
                    tokens.append(part)
        return numbers, tuple(tokens)


def _as_list(value) -> list:
    if value is None:
        return []
    if isinstance(value, dict):
        return [f"{column}={key}" for column, key in value.items()]
    if isinstance(value, (list, tuple)):
        return list(value)
    return [value]


def load_mapping(path: str | Path) -> dict:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValidationFailed(_("The mapping file %(path)s cannot be read: %(error)s") % {"path": path, "error": exc},
                               field="mapping") from exc
    if not isinstance(data, dict):
        raise ValidationFailed(_("The mapping file %(path)s must hold option: value pairs.") % {"path": path}, field="mapping")
    return {str(key).replace("-", "_"): value for key, value in data.items()}
