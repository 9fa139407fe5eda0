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


def ingest(organization, records: pl.DataFrame | list[pl.DataFrame], *, actor=None, source: str,
           skip_invalid: bool = False, dry_run: bool = False, errors: list[RowError] | None = None,
           rows_read: int | None = None, not_applicable: int = 0) -> IngestReport:
    """Validate and store `records` for `organization`, following the steps in the module docstring.

    `records` may be a list of frames (the chunks of a file). The list is
    emptied, so the chunks are freed as soon as they are combined. `errors`
    are row errors found while reading, and they count like the ones found
    here. `rows_read` is the number of input rows for the report.
    """
    errors = list(errors or [])
    if isinstance(records, list):
        parts = records
        records = pl.concat(parts, rechunk=False) if parts else pl.DataFrame(schema=RECORD_SCHEMA)
        parts.clear()
    if records.schema != pl.Schema(RECORD_SCHEMA):
        records = records.select([pl.col(name).cast(dtype) for name, dtype in RECORD_SCHEMA.items()])
    report = IngestReport(rows_read=rows_read if rows_read is not None else records.height,
                          not_applicable=not_applicable, dry_run=dry_run)

    # The checks add columns and record errors; rows are filtered once at the
    # end, because every filter of a large frame copies all its columns.
    kpis = _definitions(organization)
    records = _resolve_kpis(records, kpis, errors)
    for unit_id in {kpis[kpi_id].unit_id for kpi_id in records["kpi_id"].drop_nulls().unique().to_list()}:
        authorize(actor, "record_measurement", organization, unit=unit_id)
    _check_values(records, kpis, errors)
    _check_duplicates(records, kpis, errors)
    if errors and not skip_invalid:
        raise IngestRejected(errors)
    bad_lines = list({error.line for error in errors})
    records = records.filter(pl.col("kpi_id").is_not_null() & ~pl.col("line").is_in(bad_lines))
    report.errors = sorted(errors, key=lambda error: error.line)

    measurements = combine_periods(bucket(records, kpis, organization), kpis)
    del records
    outcome = store.upsert(measurements, source=source, actor=actor, dry_run=dry_run)
    report.inserted, report.revised, report.unchanged = outcome
    return report


@dataclass(frozen=True)
class KpiDefinition:
    key: str
    name: str
    unit_id: int
    frequency: str
    aggregation: str
    archived: bool


def _definitions(organization) -> dict[int, KpiDefinition]:
    rows = Kpi.objects.filter(organization=organization).values_list(
        "id", "key", "name", "unit_id", "frequency", "aggregation", "archived")
    return {row[0]: KpiDefinition(*row[1:]) for row in rows}


def _resolve_kpis(records: pl.DataFrame, kpis: dict[int, KpiDefinition], errors: list[RowError]) -> pl.DataFrame:
    """Replace the `kpi` text by `kpi_id`: by key, else by name or key compared without case, accents and spaces."""
    by_key = {kpi.key: kpi_id for kpi_id, kpi in kpis.items()}
    by_name = {}
    for kpi_id, kpi in kpis.items():
        by_name.setdefault(normalize_name(kpi.name), kpi_id)
        by_name.setdefault(normalize_name(kpi.key), kpi_id)
    texts = records["kpi"].drop_nulls().unique().to_list()
    matches = {text: by_key.get(text, by_name.get(normalize_name(text))) for text in texts}
    archived = {kpi_id for kpi_id, kpi in kpis.items() if kpi.archived}
    resolved = records.with_columns(
        kpi_id=pl.col("kpi").replace_strict(matches, default=None, return_dtype=pl.Int64))

    keys = sorted(by_key)
    for line, text in resolved.select("line", "kpi", "kpi_id").filter(pl.col("kpi_id").is_null()).select(
            "line", "kpi").iter_rows():
        if text is None or not text.strip():
            errors.append(RowError(line, _("the KPI is missing"), "kpi"))
            continue
        close = difflib.get_close_matches(text, keys, n=3, cutoff=0.6)
        hint = _("; did you mean %(keys)s?") % {"keys": ", ".join(close)} if close else ""
        errors.append(RowError(line, _('unknown KPI "%(key)s"%(hint)s') % {"key": text, "hint": hint}, "kpi"))
    if archived:
        for line, kpi_id in resolved.select("line", "kpi_id").filter(pl.col("kpi_id").is_in(archived)).iter_rows():
            errors.append(RowError(line, _("KPI %(key)s is archived") % {"key": kpis[kpi_id].key}, "kpi"))
        resolved = resolved.with_columns(kpi_id=pl.when(~pl.col("kpi_id").is_in(archived)).then(pl.col("kpi_id")))
    return resolved.drop("kpi")


def _check_values(records: pl.DataFrame, kpis: dict[int, KpiDefinition], errors: list[RowError]) -> None:
    is_ratio = pl.col("kpi_id").is_in([kpi_id for kpi_id, kpi in kpis.items() if kpi.aggregation == "ratio"])
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
    for condition, column, message in checks:
        flagged = records.select("line", "kpi_id", (pl.col("kpi_id").is_not_null() & condition.fill_null(False)).alias("_bad"))
        for line, kpi_id, _bad in flagged.filter("_bad").iter_rows():
            errors.append(RowError(line, message % {"kpi": kpis[kpi_id].key}, column))


def _check_duplicates(records: pl.DataFrame, kpis: dict[int, KpiDefinition], errors: list[RowError]) -> None:
    """Reject rows that repeat the KPI, segment and moment of an earlier row: adding them up would count twice."""
    key = ["kpi_id", "segment", "moment"]
    keyed = records.select("line", *key)
    # Distinct 64-bit hashes find the candidates with little memory; the exact
    # join below drops any hash collision.
    repeated = keyed.filter(pl.col("kpi_id").is_not_null() & ~pl.struct(key).hash().is_first_distinct())
    if repeated.is_empty():
        return
    first = keyed.join(repeated.select(key).unique(), on=key).group_by(key).agg(pl.col("line").min().alias("_first"))
    flagged = keyed.join(first, on=key).filter(pl.col("line") != pl.col("_first"))
    for line, earlier, kpi_id in flagged.select("line", "_first", "kpi_id").iter_rows():
        errors.append(RowError(line, _("%(kpi)s already has a value for this date and segment on line %(first)d")
                               % {"kpi": kpis[kpi_id].key, "first": earlier}, "date"))


def bucket(records: pl.DataFrame, kpis: dict[int, KpiDefinition], organization) -> pl.DataFrame:
    """Replace `day` by `period_start`: the start of the KPI's period that contains the day."""
    frequency_of = {kpi_id: kpi.frequency for kpi_id, kpi in kpis.items()}
    frequency = pl.col("kpi_id").replace_strict(frequency_of, return_dtype=pl.Utf8)
    pairs = records.select("day", frequency.alias("frequency")).unique()
    start = pl.lit(None, dtype=pl.Date)
    for name in pairs["frequency"].unique().to_list():
        days = pairs.filter(pl.col("frequency") == name)["day"].to_list()
        starts = {day: periods.period_of(day, name, organization.fiscal_year_start_month, organization.week_start).start
                  for day in days}
        start = pl.when(frequency == name).then(pl.col("day").replace_strict(starts, return_dtype=pl.Date)).otherwise(start)
    return records.with_columns(period_start=start).drop("day")


def combine_periods(records: pl.DataFrame, kpis: dict[int, KpiDefinition]) -> pl.DataFrame:
    """Combine the values of one KPI, period and segment by the KPI's aggregation.

    `sum` adds, `mean` averages (with `value_count` values, so later means
    weigh correctly), `last` keeps the latest moment's value, `min` and
    `max` keep the extreme, and `ratio` adds numerators and denominators
    separately and divides. A ratio of 0/0 (a provider with no cases that
    period) is stored with no value, and pooling it adds nothing.
    """
    present = {kpis[kpi_id].aggregation for kpi_id in records["kpi_id"].unique().to_list()}
    # Only the statistics that some KPI needs are computed: each costs memory on large inputs.
    statistics = {
        "_sum": pl.col("value").sum(),
        "_min": pl.col("value").min() if "min" in present else pl.lit(None, dtype=pl.Float64),
        "_max": pl.col("value").max() if "max" in present else pl.lit(None, dtype=pl.Float64),
        "_last": pl.col("value").sort_by("moment", "line").last() if "last" in present else pl.lit(None, dtype=pl.Float64),
        "numerator": pl.col("numerator").sum(),
        "denominator": pl.col("denominator").sum(),
    }
    one_per_period = records.select(
        (pl.col("moment") == pl.col("period_start").cast(pl.Datetime("us"))).all()).item()
    if one_per_period:
        # Date-only values of daily KPIs: after the duplicate check every row is its own period.
        value = pl.col("value")
        grouped = records.select("kpi_id", "period_start", "segment", pl.lit(1).alias("value_count"), _sum=value,
                                 _min=value, _max=value, _last=value, numerator="numerator", denominator="denominator")
    else:
        grouped = records.group_by(["kpi_id", "period_start", "segment"]).agg(
            pl.len().alias("value_count"), **statistics)
    aggregation_of = {kpi_id: kpi.aggregation for kpi_id, kpi in kpis.items()}
    aggregation = pl.col("kpi_id").replace_strict(aggregation_of, return_dtype=pl.Utf8)
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

