"""Pulling measurements from external SQL databases (data sources).

A source's query runs read-only, with a statement timeout:

- SQLite files open with the URI `?mode=ro` and `PRAGMA query_only`, and a
  progress handler interrupts the query at the timeout;
- PostgreSQL runs the query in a transaction opened with
  `SET TRANSACTION READ ONLY` and `SET LOCAL statement_timeout`.

Other databases are rejected, because their read-only guarantee is not
tested here. The query receives `:start` and `:end` (dates) and returns
`period`, `value` and optionally `segment`, `numerator`, `denominator` and
`kpi`. Rows go through the same ingestion service as files; an invalid row
fails the whole pull. Every pull is recorded as a `DataSourceRun`, and
the source keeps its last success, error, row count and duration.
The connection URL's password never reaches a message or a log.
"""

from __future__ import annotations

import datetime as dt
import decimal
import logging
import sqlite3
import time
from urllib.parse import quote

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from hoshin.core.errors import DomainError, ValidationFailed
from hoshin.engine import periods
from hoshin.ingest.models import DataSource, DataSourceRun, mask_url
from hoshin.ingest.rows import records_from_rows
from hoshin.ingest.service import IngestRejected, ingest

logger = logging.getLogger(__name__)

SUPPORTED_BACKENDS = ("sqlite", "postgresql")
# How far back a pull reaches, by the KPI's frequency, so late corrections are picked up.
LOOKBACK_DAYS = {"daily": 7, "weekly": 35, "monthly": 93, "quarterly": 366, "yearly": 1096}
COARSEST_FIRST = ["yearly", "quarterly", "monthly", "weekly", "daily"]


class PullFailed(Exception):
    """The source's database could not be read; the message names no credential."""


def check_backend(url: str) -> str:
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError as exc:
        raise ValidationFailed(_("The data source URL is not a valid SQLAlchemy URL."), field="url") from exc
    if backend not in SUPPORTED_BACKENDS:
        raise ValidationFailed(_("Data sources on %(backend)s are not supported; use SQLite or PostgreSQL.")
                               % {"backend": backend}, field="url")
    return backend


def _sqlite_engine(url: str):
    path = make_url(url).database
    if not path or path == ":memory:":
        raise ValidationFailed(_("A SQLite data source must name a database file."), field="url")

    def connect():
        connection = sqlite3.connect(f"file:{quote(path)}?mode=ro", uri=True, check_same_thread=False)
        connection.execute("PRAGMA query_only = ON")
        return connection

    return create_engine("sqlite://", creator=connect, poolclass=NullPool)


def fetch_rows(source: DataSource, start: dt.date, end: dt.date) -> list[dict]:
    """Run the source's query read-only for `start`..`end` and return its rows as dicts."""
    backend = check_backend(source.url)
    if backend == "sqlite":
        engine = _sqlite_engine(source.url)
    else:
        engine = create_engine(source.url, poolclass=NullPool, connect_args={"connect_timeout": source.timeout_seconds})
    deadline = time.monotonic() + source.timeout_seconds
    try:
        with engine.connect() as connection:
            if backend == "sqlite":
                raw = connection.connection.driver_connection
                raw.set_progress_handler(lambda: 1 if time.monotonic() > deadline else 0, 1000)
            else:
                connection.exec_driver_sql("SET TRANSACTION READ ONLY")
                connection.exec_driver_sql(f"SET LOCAL statement_timeout = {int(source.timeout_seconds * 1000)}")
            # SQLite has no date type; it compares ISO 8601 texts.
            bounds = {"start": start, "end": end} if backend != "sqlite" else {"start": start.isoformat(),
                                                                               "end": end.isoformat()}
            result = connection.execute(text(source.query), bounds)
            rows = [dict(row) for row in result.mappings()]
            connection.rollback()
            return rows
    except SQLAlchemyError as exc:
        raise PullFailed(_describe(exc, source, deadline)) from None
    finally:
        engine.dispose()


def _describe(exc: SQLAlchemyError, source: DataSource, deadline: float) -> str:
    """Return the database's error message without the statement, parameters or any credential."""
    original = getattr(exc, "orig", None) or exc
    message = str(original).strip().splitlines()[0] if str(original).strip() else type(original).__name__
    lowered = message.lower()
    if "interrupted" in lowered or "statement timeout" in lowered or "canceling statement" in lowered:
        return _("The query timed out after %(seconds)d seconds.") % {"seconds": source.timeout_seconds}
    password = make_url(source.url).password
    if password:
        message = message.replace(str(password), "***")
    return message.replace(source.url, mask_url(source.url))


def pull_window(source: DataSource, today: dt.date) -> tuple[dt.date, dt.date]:
    """Return the dates a pull covers: whole periods of the source's KPIs, from the lookback to today."""
    frequencies = kpi_frequencies(source)
    coarsest = next(frequency for frequency in COARSEST_FIRST if frequency in frequencies)
    finest = next(frequency for frequency in reversed(COARSEST_FIRST) if frequency in frequencies)
    lookback = source.lookback_days if source.lookback_days is not None else LOOKBACK_DAYS[finest]
    organization = source.organization
    start = periods.period_of(today - dt.timedelta(days=lookback), coarsest, organization.fiscal_year_start_month,
                              organization.week_start).start
    return start, today


def kpi_frequencies(source: DataSource) -> set[str]:
    if source.kpi_id:
        return {source.kpi.frequency}
    keys = set(source.kpi_mapping.values()) if source.kpi_mapping else None
    kpis = source.organization.kpis.filter(archived=False)
    if keys:
        kpis = kpis.filter(key__in=keys)
    return set(kpis.values_list("frequency", flat=True)) or {"daily"}


def _rows_for_ingest(source: DataSource, rows: list[dict]) -> list[dict]:
    converted = []
    for line, row in enumerate(rows, start=1):
        item = {"line": line, "date": row.get("period"), "segment": row.get("segment") or ""}
        for name in ("value", "numerator", "denominator"):
            value = row.get(name)
            item[name] = float(value) if isinstance(value, (decimal.Decimal, int)) and not isinstance(value, bool) else value
        if source.kpi_id:
            item["kpi"] = source.kpi.key
        else:
            label = row.get("kpi")
            item["kpi"] = source.kpi_mapping.get(str(label), label) if source.kpi_mapping else label
        converted.append(item)
    return converted


def pull_source(source: DataSource, *, start: dt.date | None = None, end: dt.date | None = None) -> DataSourceRun:
    """Pull `source` once and record the run; a failure is recorded, logged and returned, not raised."""
    started_at = timezone.now()
    clock = time.monotonic()
    today = periods.local_date(started_at, source.organization.time_zone)
    default_start, default_end = pull_window(source, today)
    start, end = start or default_start, end or default_end
    run = DataSourceRun(source=source, started_at=started_at)
    try:
        rows = fetch_rows(source, start, end)
        run.rows = len(rows)
        records, errors = records_from_rows(_rows_for_ingest(source, rows), source.organization)
        report = ingest(source.organization, records, actor=None, source=f"sql:{source.key}", errors=errors,
                        rows_read=len(rows))
        run.inserted, run.revised, run.unchanged = report.inserted, report.revised, report.unchanged
    except IngestRejected as exc:
        run.error = " ".join([exc.message, *exc.lines(limit=5)])
    except (PullFailed, DomainError) as exc:
        run.error = str(getattr(exc, "message", exc))
    run.duration_ms = int((time.monotonic() - clock) * 1000)
    _record(source, run)
    if run.error:
        logger.warning("pull of data source %s (%s) failed after %d ms: %s", source.key, source.display_url,
                       run.duration_ms, run.error)
    else:
        logger.info("pulled data source %s: %d rows, %d inserted, %d revised in %d ms", source.key, run.rows,
                    run.inserted, run.revised, run.duration_ms)
    return run


def _record(source: DataSource, run: DataSourceRun) -> None:
    with transaction.atomic():
        run.save()
        fields = {"last_run_at": run.started_at, "last_error": run.error, "last_rows": run.rows,
                  "last_duration_ms": run.duration_ms}
        if not run.error:
            fields["last_success_at"] = run.started_at
        DataSource.objects.filter(pk=source.pk).update(**fields)
        for name, value in fields.items():
            setattr(source, name, value)
