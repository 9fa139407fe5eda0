"""From a file's columns to measurement records: which column is the KPI, the date, the values.

Layouts:

- long: a KPI column, a date column, an optional segment column and a
  value column (or numerator and denominator columns for ratio KPIs);
- one KPI: `--kpi KEY` with a date column and a value column;
- wide by KPI: a date column and one column per KPI, named by
  `--value-column COLUMN=KPI_KEY` or by a header equal to a KPI's key or name;
- wide by segment: `--kpi KEY` with one `--value-column COLUMN[=SEGMENT]`
  per segment.

Header names in English, Portuguese and Spanish are recognised without a
mapping (`SYNONYMS`). Records are polars frames with the columns `line`,
`kpi` (the KPI key or name as written), `day` (the local date), `moment`
(the UTC instant, or the day for date-only values), `segment`, `value`,
`numerator` and `denominator`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import unicodedata
from dataclasses import dataclass

import polars as pl
from django.utils.translation import gettext as _

from hoshin.core.errors import ValidationFailed
from hoshin.ingest.dates import DateFormat, parse_date, parse_date_column, resolve_date_format
from hoshin.ingest.numbers import (
    NOT_APPLICABLE,
    NumberFormat,
    detect_number_format,
    number_format,
    parse_number_column,
)
from hoshin.ingest.options import IngestOptions
from hoshin.ingest.readers import Column, RowError, normalize_name

SYNONYMS = {
    "kpi": ("kpi", "kpikey", "key", "indicator", "indicador", "indicadores", "metric", "metrica"),
    "date": ("date", "data", "fecha", "day", "dia", "period", "periodo", "datetime", "timestamp", "datahora", "fechahora"),
    "value": ("value", "valor"),
    "segment": ("segment", "segmento"),
    "numerator": ("numerator", "numerador"),
    "denominator": ("denominator", "denominador"),
}
KNOWN_NAMES = {name for names in SYNONYMS.values() for name in names}
TOTAL_WORDS = {"total", "totals", "totais", "totales", "totalgeral", "totalgeneral", "grandtotal", "soma", "suma", "sum"}

RECORD_SCHEMA = {
    "line": pl.Int64, "kpi": pl.Utf8, "day": pl.Date, "moment": pl.Datetime("us"), "segment": pl.Utf8,
    "value": pl.Float64, "numerator": pl.Float64, "denominator": pl.Float64,
}


@dataclass(frozen=True)
class ValueSpec:
    """A column of values, with the KPI and segment it belongs to when the column decides them."""

    column: Column
    kpi: str | None = None
    segment: str | None = None


@dataclass
class Plan:
    kpi_column: Column | None
    fixed_kpi: str | None
    date_column: Column | None
    fixed_date: dt.date | dt.datetime | None
    segment_column: Column | None
    values: list[ValueSpec]
    numerator: Column | None = None
    denominator: Column | None = None
    percent: Column | None = None


def wanted_names(options: IngestOptions) -> set[str]:
    """Return the normalised names of the columns the options ask for, to find the header row."""
    names = [options.kpi_column, options.date_column, options.segment_column, options.numerator_column,
             options.denominator_column, options.percent_column]
    names += [column for column, _key in options.value_column_pairs()]
    return {normalize_name(name.rpartition(" / ")[2]) for name in names if name}


def fold_label(text: str) -> str:
    """Fold a column label for comparison: no case, accents or repeated spaces, punctuation kept."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(char for char in text if not unicodedata.combining(char)).split())


def find_column(columns: list[Column], name: str, option: str) -> Column:
    """Find a column by its full label (`group / name`), else by its name alone when that is unique."""
    matches = []
    for fold in (fold_label, normalize_name):
        wanted = fold(name)
        for column in columns:
            if fold(column.label) == wanted:
                return column
        matches = [column for column in columns if fold(column.name) == wanted]
        if matches:
            break
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise ValidationFailed(_("Column %(name)s is ambiguous; write one of: %(labels)s.")
                               % {"name": name, "labels": "; ".join(column.label for column in matches)}, field=option)
    labels = [column.label for column in columns if column.label]
    close = difflib.get_close_matches(name, labels, n=3, cutoff=0.5)
    hint = _(" Did you mean %(names)s?") % {"names": ", ".join(close)} if close else ""
    raise ValidationFailed(_("Column %(name)s not found.%(hint)s The columns are: %(labels)s.")
                           % {"name": name, "hint": hint, "labels": "; ".join(labels)}, field=option)


def _by_synonym(columns: list[Column], role: str) -> Column | None:
    for column in columns:
        if normalize_name(column.name) in SYNONYMS[role]:
            return column
    return None


def _column(columns, name, role, option) -> Column | None:
    return find_column(columns, name, option) if name else _by_synonym(columns, role)


def resolve_plan(columns: list[Column], options: IngestOptions, kpi_names: dict[str, str]) -> Plan:
    """Decide the layout from the columns, the options and the organization's KPIs (normalised name -> key)."""
    date_column = _column(columns, options.date_column, "date", "date_column") if not options.date else None
    if date_column is None and not options.date:
        raise ValidationFailed(_("No date column found; give --date-column (or --date for a file of one period)."),
                               field="date_column")
    kpi_column = None if options.kpi else _column(columns, options.kpi_column, "kpi", "kpi_column")
    segment_column = _column(columns, options.segment_column, "segment", "segment_column")
    plan = Plan(kpi_column, options.kpi, date_column, None, segment_column, [])

    if options.value_columns:
        pairs = options.value_column_pairs()
        for name, target in pairs:
            column = find_column(columns, name, "value_columns")
            if options.kpi and len(pairs) == 1 and target is None:
                plan.values.append(ValueSpec(column))
            elif options.kpi:
                plan.values.append(ValueSpec(column, None, target or column.label))
            else:
                plan.values.append(ValueSpec(column, target or column.label))
        return plan

    plan.numerator = _column(columns, options.numerator_column, "numerator", "numerator_column")
    plan.denominator = _column(columns, options.denominator_column, "denominator", "denominator_column")
    plan.percent = find_column(columns, options.percent_column, "percent_column") if options.percent_column else None
    if plan.denominator and (plan.numerator or plan.percent):
        return plan
    value = _column(columns, None, "value", "value_columns")
    if value and (kpi_column or options.kpi):
        plan.values.append(ValueSpec(value))
        return plan
    used = {column.index for column in (date_column, segment_column, kpi_column) if column}
    for column in columns:
        key = kpi_names.get(normalize_name(column.name))
        if column.index not in used and key:
            plan.values.append(ValueSpec(column, key))
    if not plan.values:
        raise ValidationFailed(_("No value column found; give --value-column (COLUMN=KPI_KEY for a wide file) "
                                 "or --numerator-column and --denominator-column."), field="value_columns")
    return plan


def _cell_strings(chunk: pl.DataFrame, width: int, lines: set[int]) -> dict[int, list[str]]:
    rows = chunk.filter(pl.col("line").is_in(list(lines)))
    cells: dict[int, list[str]] = {}
    for record in rows.iter_rows(named=True):
        texts = []
        for index in range(width):
            value = record.get(f"c{index}")
            for companion in (f"c{index}:num", f"c{index}:time"):
                if value is None and record.get(companion) is not None:
                    value = str(record[companion])
            texts.append(value or "")
        cells[record["line"]] = texts
    return cells


class RecordBuilder:
    """Turn chunks of cells into records and row errors, following one plan."""

    def __init__(self, plan: Plan, options: IngestOptions, organization, width: int):
        self.plan, self.options, self.width = plan, options, width
        self.org_zone = organization.time_zone
        self.org_locale = organization.locale or "en"
        self.timestamp_zone = options.timestamp_zone or organization.time_zone
        self.missing_numbers, self.missing_tokens = options.missing_numbers()
        self.number_format: NumberFormat | None = None
        self.date_format: DateFormat | None = None
        self.percent_is_fraction: bool | None = None

    def _decide_formats(self, chunk: pl.DataFrame) -> None:
        declared = number_format(self.options.locale) if self.options.locale else None
        value_columns = [spec.column for spec in self.plan.values]
        value_columns += [column for column in (self.plan.numerator, self.plan.denominator, self.plan.percent) if column]
        samples = [text for column in value_columns for text in chunk[f"c{column.index}"].drop_nulls().head(2000).to_list()]
        self.number_format = declared or detect_number_format(samples, number_format(self.org_locale))
        date_samples = []
        if self.plan.date_column is not None:
            date_samples = chunk[f"c{self.plan.date_column.index}"].drop_nulls().unique().head(5000).to_list()
        self.date_format = resolve_date_format(strptime=self.options.date_format, locale_tag=self.options.locale,
                                               org_locale=self.org_locale, samples=date_samples)
        if self.options.date:
            self.plan.fixed_date = parse_date(self.options.date, self.date_format)
            if self.plan.fixed_date is None:
                raise ValidationFailed(_("%(date)s is not a date.") % {"date": self.options.date}, field="date")

    def build(self, chunk: pl.DataFrame) -> tuple[pl.DataFrame, list[RowError], int]:
        """Return the chunk's records, its row errors and the number of cells that were not applicable."""
        if self.number_format is None:
            self._decide_formats(chunk)
        self._columns = set(chunk.columns)
        errors: list[tuple[int, str, str]] = []
        chunk = chunk.filter(~self._total_row())
        frame = chunk.with_columns(self._date_columns(chunk, errors))
        frame = frame.with_columns(
            kpi=self._text(self.plan.kpi_column, self.plan.fixed_kpi),
            segment=self._text(self.plan.segment_column, "").fill_null(""),
        )
        parts, not_applicable = [], 0
        if self.plan.values:
            for spec in self.plan.values:
                part, skipped = self._value_records(frame, spec, errors)
                parts.append(part)
                not_applicable += skipped
        else:
            part, not_applicable = self._ratio_records(frame, errors)
            parts.append(part)
        records = pl.concat(parts, how="vertical_relaxed") if parts else pl.DataFrame(schema=RECORD_SCHEMA)
        bad_lines = {line for line, _field, _message in errors}
        records = records.filter(~pl.col("line").is_in(list(bad_lines)) & pl.col("day").is_not_null())
        cells = _cell_strings(chunk, self.width, bad_lines) if bad_lines else {}
        row_errors = [RowError(line, message, column, cells.get(line, [])) for line, column, message in errors]
        return records.select(list(RECORD_SCHEMA)), row_errors, not_applicable

    def _text(self, column: Column | None, fixed: str | None) -> pl.Expr:
        if column is None:
            return pl.lit(fixed, dtype=pl.Utf8)
        text = pl.col(f"c{column.index}")
        number = f"c{column.index}:num"
        return text.str.strip_chars() if number not in self._columns else pl.coalesce(
            text.str.strip_chars(), pl.col(number).cast(pl.Int64, strict=False).cast(pl.Utf8))

    def _total_row(self) -> pl.Expr:
        """Flag total rows: a total word in the KPI, date or segment cell, or no segment in a segmented file."""
        flags = pl.lit(False)
        for column in (self.plan.kpi_column, self.plan.date_column, self.plan.segment_column):
            if column is not None:
                text = pl.col(f"c{column.index}").str.to_lowercase().str.replace_all(r"[\W_]+", "")
                flags = flags | text.is_in(list(TOTAL_WORDS)).fill_null(False)
        if self.plan.segment_column is not None:
            segment = self._text(self.plan.segment_column, "")
            flags = flags | segment.is_null() | segment.is_in(list(NOT_APPLICABLE))
        return flags

    def _date_columns(self, chunk: pl.DataFrame, errors: list) -> list[pl.Expr]:
        if self.plan.date_column is None:
            fixed = self.plan.fixed_date
            day = fixed.date() if isinstance(fixed, dt.datetime) else fixed
            moment = fixed if isinstance(fixed, dt.datetime) else dt.datetime.combine(fixed, dt.time())
            return [pl.lit(day, dtype=pl.Date).alias("day"), pl.lit(moment, dtype=pl.Datetime("us")).alias("moment")]

        name = f"c{self.plan.date_column.index}"
        lookup = parse_date_column(chunk[name], self.date_format)
        parsed = chunk.select("line", pl.col(name).alias("text")).join(lookup, on="text", how="left")
        if f"{name}:time" in chunk.columns:
            typed = chunk[f"{name}:time"]
            midnight = typed.dt.time() == dt.time()
            parsed = parsed.with_columns(
                day=pl.coalesce(pl.col("day"), pl.when(midnight).then(typed.dt.date())),
                naive=pl.coalesce(pl.col("naive"), pl.when(~midnight).then(typed)),
            )
        local_naive = pl.col("naive").dt.replace_time_zone(self.timestamp_zone, ambiguous="earliest", non_existent="null")
        local_aware = pl.col("aware").dt.replace_time_zone("UTC")
        instant = pl.coalesce(local_naive.dt.convert_time_zone("UTC"), local_aware)
        parsed = parsed.with_columns(
            local=instant.dt.convert_time_zone(self.org_zone).dt.replace_time_zone(None),
            instant=instant.dt.replace_time_zone(None),
        )
        # The moment orders values within a period and finds repeated rows; it is
        # the UTC instant, because a local time repeats when clocks go back.
        parsed = parsed.with_columns(
            day=pl.coalesce(pl.col("day"), pl.col("local").dt.date()),
            moment=pl.coalesce(pl.col("instant"), pl.col("day").cast(pl.Datetime("us"))),
        )
        bad = parsed.filter(pl.col("day").is_null() & ~pl.col("not_applicable").fill_null(False))
        for line, text, naive in bad.select("line", "text", "naive").iter_rows():
            if naive is not None:
                errors.append((line, self.plan.date_column.label,
                               _('"%(text)s" does not exist in the time zone %(zone)s (a daylight-saving gap); '
                                 'give the zone the timestamps were written in with --timestamp-zone')
                               % {"text": text or naive, "zone": self.timestamp_zone}))
            elif text is None or not text.strip():
                errors.append((line, self.plan.date_column.label, _("the date is missing")))
            else:
                errors.append((line, self.plan.date_column.label, _('"%(text)s" is not a date (expected %(format)s)')
                               % {"text": text, "format": self.date_format.describe()}))
        return [parsed["day"].alias("day"), parsed["moment"].alias("moment")]

    def _number(self, frame: pl.DataFrame, column: Column, errors: list, apply_missing: bool) -> pl.DataFrame:
        """Parse one column into `number`, `percent` and `not_applicable`, recording invalid cells."""
        name = f"c{column.index}"
        parsed = parse_number_column(frame[name], self.number_format, self.missing_tokens if apply_missing else ())
        typed = pl.col(f"{name}:num") if f"{name}:num" in frame.columns else pl.lit(None, dtype=pl.Float64)
        result = pl.concat([frame.select("line", pl.col(name).alias("text"), typed.alias("typed")), parsed],
                           how="horizontal").select(
            "line", "text",
            number=pl.coalesce("typed", "value"),
            percent="percent",
            not_applicable=pl.col("not_applicable") & pl.col("typed").is_null(),
            invalid=pl.col("invalid") & pl.col("typed").is_null(),
        )
        for line, text in result.filter("invalid").select("line", "text").iter_rows():
            errors.append((line, column.label, _('"%(text)s" is not a number in %(format)s')
                           % {"text": text, "format": self._format_name()}))
        if apply_missing and self.missing_numbers:
            missing = pl.col("number").is_in(self.missing_numbers)
            result = result.with_columns(not_applicable=pl.col("not_applicable") | missing.fill_null(False),
                                         number=pl.when(missing).then(None).otherwise(pl.col("number")))
        return result

    def _format_name(self) -> str:
        if self.options.locale:
            return _("locale %(locale)s") % {"locale": self.options.locale}
        return _('numbers with the decimal separator "%(decimal)s" and the thousands separator "%(group)s"') % {
            "decimal": self.number_format.decimal, "group": self.number_format.group}

    def _value_records(self, frame: pl.DataFrame, spec: ValueSpec, errors: list) -> tuple[pl.DataFrame, int]:
        numbers = self._number(frame, spec.column, errors, apply_missing=True)
        skipped = int(numbers["not_applicable"].sum())
        part = frame.select(
            "line", "day", "moment",
            kpi=pl.lit(spec.kpi, dtype=pl.Utf8) if spec.kpi else pl.col("kpi"),
            segment=pl.lit(spec.segment, dtype=pl.Utf8) if spec.segment is not None else pl.col("segment"),
            value=numbers["number"],
            numerator=pl.lit(None, dtype=pl.Float64),
            denominator=pl.lit(None, dtype=pl.Float64),
        )
        return part.filter(~numbers["not_applicable"]), skipped

    def _ratio_records(self, frame: pl.DataFrame, errors: list) -> tuple[pl.DataFrame, int]:
        denominator = self._number(frame, self.plan.denominator, errors, apply_missing=False)
        if self.plan.percent is not None:
            percent = self._number(frame, self.plan.percent, errors, apply_missing=True)
            if self.percent_is_fraction is None:
                over_one = bool((percent["number"].abs() > 1).any()) or bool(percent["percent"].any())
                self.percent_is_fraction = not over_one
            fraction = percent["number"] if self.percent_is_fraction else percent["number"] / 100
            numerator_values = fraction * denominator["number"]
            not_applicable = percent["not_applicable"] | denominator["not_applicable"]
        else:
            numerator = self._number(frame, self.plan.numerator, errors, apply_missing=False)
            numerator_values = numerator["number"]
            not_applicable = numerator["not_applicable"] | denominator["not_applicable"]
        part = frame.select(
            "line", "day", "moment", "kpi", "segment",
            value=pl.lit(None, dtype=pl.Float64),
            numerator=numerator_values,
            denominator=denominator["number"],
        )
        return part.filter(~not_applicable), int(not_applicable.sum())
