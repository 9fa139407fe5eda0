"""The set-based upsert of measurements with their revision history.

The existing rows for the KPIs and date range of the input are loaded in
one query and compared in polars. New keys are inserted, changed values
replace the stored ones (whose old values go to `MeasurementRevision`),
and equal values are left alone, so importing the same input twice changes
nothing. Values count as equal when they differ by less than one part in
10^12, because summing the same floats in another order can change the
last bits.
"""

from __future__ import annotations

import logging

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from hoshin.ingest.bulk import insert_rows, update_rows
from hoshin.kpis.models import Measurement, MeasurementRevision

logger = logging.getLogger(__name__)
RELATIVE_TOLERANCE = 1e-12
EXISTING_SCHEMA = {
    "id": pl.Int64, "kpi_id": pl.Int64, "period_start": pl.Date, "segment": pl.Utf8, "old_value": pl.Float64,
    "old_numerator": pl.Float64, "old_denominator": pl.Float64, "old_value_count": pl.Int64, "old_source": pl.Utf8,
    "old_revision": pl.Int64, "old_recorded_at": pl.Datetime("us", "UTC"),
}
INSERT_COLUMNS = ["kpi_id", "period_start", "segment", "value", "numerator", "denominator", "value_count",
                  "source", "revision", "recorded_at"]


def _same(new: str, old: str) -> pl.Expr:
    a, b = pl.col(new), pl.col(old)
    close = (a - b).abs() <= RELATIVE_TOLERANCE * pl.max_horizontal(a.abs(), b.abs())
    return (a.is_null() & b.is_null()) | (a.is_not_null() & b.is_not_null() & close).fill_null(False)


def _existing(measurements: pl.DataFrame) -> pl.DataFrame:
    kpi_ids = measurements["kpi_id"].unique().to_list()
    query = Measurement.objects.filter(
        kpi_id__in=kpi_ids,
        period_start__range=(measurements["period_start"].min(), measurements["period_start"].max()),
    )
    if connection.features.has_select_for_update:
        query = query.select_for_update()
    rows = query.values_list("id", "kpi_id", "period_start", "segment", "value", "numerator", "denominator",
                             "value_count", "source", "revision", "recorded_at")
    frames, batch = [], []
    for row in rows.iterator(chunk_size=50_000):
        batch.append(row)
        if len(batch) >= 200_000:
            frames.append(pl.DataFrame(batch, schema=EXISTING_SCHEMA, orient="row"))
            batch = []
    frames.append(pl.DataFrame(batch, schema=EXISTING_SCHEMA, orient="row"))
    return pl.concat(frames)


def upsert(measurements: pl.DataFrame, *, source: str, actor=None, dry_run: bool = False) -> tuple[int, int, int]:
    """Store `measurements` (kpi_id, period_start, segment, value, numerator, denominator, value_count).

    Returns the numbers of measurements inserted, revised and unchanged.
    With `dry_run` the numbers are computed and nothing is written.
    """
    if measurements.is_empty():
        return 0, 0, 0
    source = source[:120]
    with transaction.atomic():
        existing = _existing(measurements)
        if existing.is_empty():
            new_rows, revised = measurements, existing
        else:
            joined = measurements.join(existing, on=["kpi_id", "period_start", "segment"], how="left")
            is_new = pl.col("id").is_null()
            unchanged = (_same("value", "old_value") & _same("numerator", "old_numerator")
                         & _same("denominator", "old_denominator")
                         & (pl.col("value_count") == pl.col("old_value_count")))
            new_rows = joined.filter(is_new)
            revised = joined.filter(~is_new & ~unchanged.fill_null(False))
            del joined
        counts = (new_rows.height, revised.height, measurements.height - new_rows.height - revised.height)
        if dry_run:
            return counts

        now = timezone.now()
        logger.info("writing %d new and %d revised measurements from %s", new_rows.height, revised.height, source)
        _insert(new_rows, source, now)
        if revised.height:
            _revise(revised, source, now, actor)
        if new_rows.height or revised.height:
            _bump_versions(measurements)
    return counts


def _bump_versions(measurements: pl.DataFrame) -> None:
    """Raise the data version of every organization whose KPIs got values, so cached scores are not reused."""
    from hoshin.kpis.models import Kpi
    from hoshin.scoring.cache import bump_version

    kpi_ids = measurements.get_column("kpi_id").unique().to_list()
    for organization_id in Kpi.objects.filter(pk__in=kpi_ids).values_list("organization_id", flat=True).distinct():
        bump_version(organization_id)


def _insert(new_rows: pl.DataFrame, source: str, now) -> None:
    recorded_at = connection.ops.adapt_datetimefield_value(now)
    frame = new_rows.select(
        "kpi_id", pl.col("period_start").cast(pl.Utf8), "segment", "value", "numerator", "denominator", "value_count",
        pl.lit(source).alias("source"), pl.lit(1).alias("revision"),
        pl.lit(recorded_at, dtype=pl.Utf8 if isinstance(recorded_at, str) else pl.Datetime("us", "UTC")).alias("recorded_at"),
    )
    insert_rows(Measurement._meta.db_table, INSERT_COLUMNS, frame.iter_rows())


def _revise(revised: pl.DataFrame, source: str, now, actor) -> None:
    replaced_by = actor if getattr(actor, "pk", None) else None
    MeasurementRevision.objects.bulk_create(
        [
            MeasurementRevision(
                kpi_id=row["kpi_id"], period_start=row["period_start"], segment=row["segment"], value=row["old_value"],
                numerator=row["old_numerator"], denominator=row["old_denominator"],
                value_count=row["old_value_count"], source=row["old_source"], revision=row["old_revision"],
                recorded_at=row["old_recorded_at"], replaced_at=now, replaced_by=replaced_by,
            )
            for row in revised.iter_rows(named=True)
        ],
        batch_size=5_000,
    )
    recorded_at = connection.ops.adapt_datetimefield_value(now)
    frame = revised.select("value", "numerator", "denominator", "value_count", pl.col("old_revision") + 1, "id")
    rows = ((value, numerator, denominator, count, source, revision, recorded_at, row_id)
            for value, numerator, denominator, count, revision, row_id in frame.iter_rows())
    update_rows(Measurement._meta.db_table,
                ["value", "numerator", "denominator", "value_count", "source", "revision", "recorded_at"], rows)
