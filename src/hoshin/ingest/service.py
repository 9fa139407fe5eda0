"""The one ingestion service: files, the push API and SQL sources all store measurements through `ingest`.

It takes records (see `layout.RECORD_SCHEMA`), and in this order:

1. resolves KPI keys (or names) and rejects unknown or archived KPIs, with
   the closest keys as a hint;
2. authorizes the actor to record measurements for the units of those KPIs;
3. checks ratio KPIs get a numerator and a non-zero denominator, other KPIs
   a value, and that no two rows give the same KPI, segment and moment;
4. without `skip_invalid`, raises `IngestRejected` on any invalid row, so
   nothing of the input is written; with it, leaves those rows out;
5. buckets each value into the KPI's period with `engine.periods.period_of`
   and combines the values of one period by the KPI's aggregation;
6. upserts one row per (KPI, period, segment) with `store.upsert`, keeping
   replaced values as revisions, all in one transaction.
"""

from __future__ import annotations

import difflib
import logging
from dataclasses import dataclass, field

import polars as pl
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hoshin.accounts.permissions import authorize
from hoshin.core.errors import ValidationFailed
from hoshin.engine import periods
from hoshin.ingest import store
from hoshin.ingest.layout import RECORD_SCHEMA
from hoshin.ingest.readers import RowError, normalize_name
from hoshin.kpis.models import Kpi

logger = logging.getLogger(__name__)
MAX_ERRORS_SHOWN = 50


class IngestRejected(ValidationFailed):
    """Some rows are invalid and nothing was written; `errors` lists them by line."""

    code = "invalid_rows"

    def __init__(self, errors: list[RowError]):
        self.errors = sorted(errors, key=lambda error: error.line)
        message = ngettext("%(count)d row is invalid, so nothing was imported.",
                           "%(count)d rows are invalid, so nothing was imported.", len(errors)) % {"count": len(errors)}
        super().__init__(message)

    def lines(self, limit: int = MAX_ERRORS_SHOWN) -> list[str]:
        shown = [error.text() for error in self.errors[:limit]]
        if len(self.errors) > limit:
            shown.append(_("… and %(count)d more.") % {"count": len(self.errors) - limit})
        return shown


@dataclass
class IngestReport:
    rows_read: int = 0
    inserted: int = 0
    revised: int = 0
    unchanged: int = 0
    not_applicable: int = 0
    dry_run: bool = False
    errors: list[RowError] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len({error.line for error in self.errors})

    def summary(self) -> str:
        text = _("%(read)d rows read: %(inserted)d inserted, %(revised)d revised, %(unchanged)d unchanged, "
                 "%(rejected)d rejected, %(na)d without a value.") % {
            "read": self.rows_read, "inserted": self.inserted, "revised": self.revised,
            "unchanged": self.unchanged, "rejected": self.rejected, "na": self.not_applicable}
        return text + (" " + _("Dry run: nothing was written.") if self.dry_run else "")

    def as_dict(self) -> dict:
        return {"rows_read": self.rows_read, "inserted": self.inserted, "revised": self.revised,
                "unchanged": self.unchanged, "rejected": self.rejected, "not_applicable": self.not_applicable,
                "dry_run": self.dry_run}


def ingest(organization, records: pl.DataFrame, *, actor=None, source: str, skip_invalid: bool = False,
           dry_run: bool = False, errors: list[RowError] | None = None, rows_read: int | None = None,
           not_applicable: int = 0) -> IngestReport:
    """Validate and store `records` for `organization`; see the module docstring for the steps.

    `errors` are row errors found while reading (they count like the ones
    found here), `rows_read` the number of input rows for the report.
    """
    errors = list(errors or [])
    records = records.select([pl.col(name).cast(dtype) for name, dtype in RECORD_SCHEMA.items()])
    report = IngestReport(rows_read=rows_read if rows_read is not None else records.height,
                          not_applicable=not_applicable, dry_run=dry_run)

    definitions = _definitions(organization)
    records = _resolve_kpis(records, definitions, errors)
    for unit_id in records["unit_id"].unique().to_list():
        authorize(actor, "record_measurement", organization, unit=unit_id)
    records = _check_values(records, errors)
    records = _check_duplicates(records, errors)
    if errors and not skip_invalid:
        raise IngestRejected(errors)
    bad_lines = {error.line for error in errors}
    if bad_lines:
        records = records.filter(~pl.col("line").is_in(list(bad_lines)))
    report.errors = sorted(errors, key=lambda error: error.line)

    measurements = combine_periods(bucket(records, organization))
    outcome = store.upsert(measurements, source=source, actor=actor, dry_run=dry_run)
    report.inserted, report.revised, report.unchanged = outcome
    return report


def _definitions(organization) -> pl.DataFrame:
    rows = list(Kpi.objects.filter(organization=organization)
                .values_list("id", "key", "name", "unit_id", "frequency", "aggregation", "archived"))
    return pl.DataFrame(rows, schema={"kpi_id": pl.Int64, "key": pl.Utf8, "name": pl.Utf8, "unit_id": pl.Int64,
                                      "frequency": pl.Utf8,
                                      "aggregation": pl.Utf8, "archived": pl.Boolean}, orient="row")


def _resolve_kpis(records: pl.DataFrame, definitions: pl.DataFrame, errors: list[RowError]) -> pl.DataFrame:
    """Map the `kpi` text to a KPI by key, else by name or key compared without case, accents and spaces."""
    by_key = {key: index for index, key in enumerate(definitions["key"].to_list())}
    by_name = {}
    for index, (key, name) in enumerate(definitions.select("key", "name").iter_rows()):
        by_name.setdefault(normalize_name(name), index)
        by_name.setdefault(normalize_name(key), index)
    texts = records["kpi"].drop_nulls().unique().to_list()
    matches = {text: by_key.get(text, by_name.get(normalize_name(text))) for text in texts}
    lookup = pl.DataFrame({"kpi": list(matches), "_row": list(matches.values())},
                          schema={"kpi": pl.Utf8, "_row": pl.Int64})
    indexed = definitions.with_row_index("_row").with_columns(pl.col("_row").cast(pl.Int64))
    resolved = records.join(lookup, on="kpi", how="left").join(indexed, on="_row", how="left")

    keys = definitions["key"].to_list()
    for line, text in resolved.filter(pl.col("kpi_id").is_null()).select("line", "kpi").iter_rows():
        if text is None or not text.strip():
            errors.append(RowError(line, _("the KPI is missing"), "kpi"))
            continue
        close = difflib.get_close_matches(text, keys, n=3, cutoff=0.6)
        hint = _("; did you mean %(keys)s?") % {"keys": ", ".join(close)} if close else ""
        errors.append(RowError(line, _('unknown KPI "%(key)s"%(hint)s') % {"key": text, "hint": hint}, "kpi"))
    for line, key in resolved.filter(pl.col("archived").fill_null(False)).select("line", "key").iter_rows():
        errors.append(RowError(line, _("KPI %(key)s is archived") % {"key": key}, "kpi"))
    return resolved.filter(pl.col("kpi_id").is_not_null() & ~pl.col("archived"))


def _check_values(records: pl.DataFrame, errors: list[RowError]) -> pl.DataFrame:
    is_ratio = pl.col("aggregation") == "ratio"
    checks = [
        (is_ratio & (pl.col("numerator").is_null() | pl.col("denominator").is_null()), "denominator",
         _("%(kpi)s is a ratio KPI; give a numerator and a denominator")),
        (is_ratio & (pl.col("denominator") == 0) & (pl.col("numerator") != 0), "denominator",
         _("the denominator of %(kpi)s is 0 but its numerator is not; a ratio needs a denominator other than 0")),
        (~is_ratio & pl.col("value").is_null(), "value",
         _("%(kpi)s is not a ratio KPI; give a value, not a numerator and a denominator")),
        (~pl.col("value").is_finite() | ~pl.col("numerator").is_finite() | ~pl.col("denominator").is_finite(), "value",
         _("the value of %(kpi)s is not a finite number")),
    ]
    bad = pl.lit(False)
    for condition, column, message in checks:
        condition = condition.fill_null(False)
        for line, key in records.filter(condition).select("line", "key").iter_rows():
            errors.append(RowError(line, message % {"kpi": key}, column))
        bad = bad | condition
    return records.filter(~bad)


def _check_duplicates(records: pl.DataFrame, errors: list[RowError]) -> pl.DataFrame:
    """Reject rows that repeat the KPI, segment and moment of an earlier row: adding them up would count twice."""
    key = ["kpi_id", "segment", "moment"]
    first = records.group_by(key).agg(pl.col("line").min().alias("_first"))
    flagged = records.join(first, on=key, how="left").filter(pl.col("line") != pl.col("_first"))
    for line, earlier, kpi in flagged.select("line", "_first", "key").iter_rows():
        errors.append(RowError(line, _("%(kpi)s already has a value for this date and segment on line %(first)d")
                               % {"kpi": kpi, "first": earlier}, "date"))
    if flagged.height:
        return records.filter(~pl.col("line").is_in(flagged["line"].to_list()))
    return records


def bucket(records: pl.DataFrame, organization) -> pl.DataFrame:
    """Add `period_start`: the start of the KPI's period that contains each record's day."""
    pairs = records.select("day", "frequency").unique()
    starts = [periods.period_of(day, frequency, organization.fiscal_year_start_month, organization.week_start).start
              for day, frequency in pairs.iter_rows()]
    lookup = pairs.with_columns(period_start=pl.Series(starts, dtype=pl.Date))
    return records.join(lookup, on=["day", "frequency"], how="left")


def combine_periods(records: pl.DataFrame) -> pl.DataFrame:
    """Combine the values of one KPI, period and segment by the KPI's aggregation.

    `sum` adds, `mean` averages (with `value_count` values, so later means
    weigh correctly), `last` keeps the latest moment's value, `min` and
    `max` keep the extreme, and `ratio` adds numerators and denominators
    separately and divides. A ratio of 0/0 (a provider with no cases that
    period) is stored with no value, and pooling it adds nothing.
    """
    ordered = records.sort(["kpi_id", "period_start", "segment", "moment", "line"])
    grouped = ordered.group_by(["kpi_id", "period_start", "segment"], maintain_order=True).agg(
        pl.col("aggregation").first(),
        pl.len().alias("value_count"),
        pl.col("value").sum().alias("_sum"),
        pl.col("value").min().alias("_min"),
        pl.col("value").max().alias("_max"),
        pl.col("value").last().alias("_last"),
        pl.col("numerator").sum().alias("numerator"),
        pl.col("denominator").sum().alias("denominator"),
    )
    aggregation = pl.col("aggregation")
    is_ratio = aggregation == "ratio"
    value = (
        pl.when(aggregation == "sum").then(pl.col("_sum"))
        .when(aggregation == "mean").then(pl.col("_sum") / pl.col("value_count"))
        .when(aggregation == "min").then(pl.col("_min"))
        .when(aggregation == "max").then(pl.col("_max"))
        .when(aggregation == "last").then(pl.col("_last"))
        .when(pl.col("denominator") != 0).then(pl.col("numerator") / pl.col("denominator"))
    )
    return grouped.select(
        "kpi_id", "period_start", "segment", value.alias("value"),
        pl.when(is_ratio).then(pl.col("numerator")).alias("numerator"),
        pl.when(is_ratio).then(pl.col("denominator")).alias("denominator"),
        pl.col("value_count").cast(pl.Int64),
    )

