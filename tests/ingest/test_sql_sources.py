"""SQL data sources: pulls through the ingestion service, read-only, with a timeout, credentials hidden."""

import datetime as dt
import logging
import os
import sqlite3
import uuid

import pytest
from django.db import connection
from sqlalchemy import create_engine, text

from hoshin.ingest.models import DataSource, DataSourceRun
from hoshin.ingest.schedule import enqueue_due_pulls
from hoshin.ingest.sources import save_source
from hoshin.ingest.sql_sources import pull_source
from hoshin.kpis.models import Measurement

pytestmark = pytest.mark.django_db

QUERY = "SELECT day AS period, amount AS value, store AS segment FROM sales WHERE day BETWEEN :start AND :end"


@pytest.fixture
def warehouse(tmp_path):
    path = tmp_path / "warehouse.sqlite3"
    with sqlite3.connect(path) as database:
        database.execute("CREATE TABLE sales (day TEXT, amount REAL, store TEXT, kpi TEXT)")
        database.executemany("INSERT INTO sales VALUES (?, ?, ?, ?)", [
            ("2026-03-01", 10.5, "north", "Sales"), ("2026-03-01", 20.0, "south", "Sales"),
            ("2026-03-02", 30.0, "north", "Visits"),
        ])
    return path


def sales_rows(path):
    with sqlite3.connect(path) as database:
        return database.execute("SELECT COUNT(*) FROM sales").fetchone()[0]


@pytest.fixture
def source(org, make_kpi, warehouse):
    make_kpi("sales", aggregation="sum")
    return save_source(org, key="warehouse", name="Warehouse", url=f"sqlite:///{warehouse}", query=QUERY,
                       kpi_key="sales", timeout_seconds=2)[0]


def window():
    return {"start": dt.date(2026, 3, 1), "end": dt.date(2026, 3, 31)}


def test_pull_stores_measurements(source):
    run = pull_source(source, **window())

    assert run.error == ""
    assert (run.rows, run.inserted) == (3, 3)
    assert Measurement.objects.filter(kpi=source.kpi).count() == 3
    assert Measurement.objects.get(kpi=source.kpi, segment="north", period_start=dt.date(2026, 3, 1)).value == 10.5
    assert Measurement.objects.first().source == "sql:warehouse"


def test_pull_records_run(source):
    pull_source(source, **window())

    source.refresh_from_db()
    assert source.last_success_at is not None
    assert source.last_error == ""
    assert source.last_rows == 3
    assert source.last_duration_ms is not None
    assert DataSourceRun.objects.get(source=source).rows == 3


def test_pull_twice_changes_nothing(source):
    pull_source(source, **window())

    run = pull_source(source, **window())

    assert (run.inserted, run.revised, run.unchanged) == (0, 0, 3)


def test_mapping_several_kpis(org, make_kpi, warehouse):
    sales, visits = make_kpi("sales", aggregation="sum"), make_kpi("visits", aggregation="sum")
    query = "SELECT day AS period, amount AS value, store AS segment, kpi FROM sales WHERE day BETWEEN :start AND :end"
    source = save_source(org, key="multi", name="Multi", url=f"sqlite:///{warehouse}", query=query,
                         kpi_mapping={"Sales": "sales", "Visits": "visits"})[0]

    pull_source(source, **window())

    assert Measurement.objects.filter(kpi=sales).count() == 2
    assert Measurement.objects.get(kpi=visits).value == 30.0


@pytest.mark.parametrize("statement", [
    "DELETE FROM sales WHERE day BETWEEN :start AND :end",
    "INSERT INTO sales SELECT day, amount, store, kpi FROM sales WHERE day BETWEEN :start AND :end",
    "UPDATE sales SET amount = 0 WHERE day BETWEEN :start AND :end",
])
def test_sqlite_query_is_read_only(source, warehouse, statement):
    source.query = statement
    source.save()

    run = pull_source(source, **window())

    assert "readonly" in run.error.replace("-", "").replace(" ", "").lower()
    assert sales_rows(warehouse) == 3
    source.refresh_from_db()
    assert source.last_error == run.error
    assert source.last_success_at is None


def test_sqlite_query_times_out(source):
    source.query = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
                    "SELECT :start AS period, COUNT(*) AS value FROM n WHERE :end IS NOT NULL")
    source.timeout_seconds = 1
    source.save()

    run = pull_source(source, **window())

    assert run.error == "The query timed out after 1 seconds."
    assert run.duration_ms < 10_000


def test_invalid_row_fails_whole_pull(source, warehouse):
    with sqlite3.connect(warehouse) as database:
        database.execute("INSERT INTO sales VALUES ('2026-03-2x', 1, 'east', 'Sales')")

    run = pull_source(source, **window())

    assert "1 row is invalid" in run.error
    assert not Measurement.objects.exists()


def test_url_is_encrypted_and_masked(org, make_kpi):
    make_kpi("sales")
    url = "postgresql://reader:s3cret-pass@127.0.0.1:1/warehouse"
    source = save_source(org, key="pg", name="PG", url=url, query=QUERY, kpi_key="sales")[0]

    with connection.cursor() as cursor:
        cursor.execute("SELECT url FROM ingest_datasource WHERE id = %s", [source.pk])
        stored = cursor.fetchone()[0]
    assert "s3cret-pass" not in stored
    assert DataSource.objects.get(pk=source.pk).url == url
    assert "s3cret-pass" not in repr(source)
    assert "s3cret-pass" not in str(source)
    assert source.display_url == "postgresql://reader:***@127.0.0.1:1/warehouse"


def test_failed_connection_hides_password(org, make_kpi, caplog):
    make_kpi("sales")
    source = save_source(org, key="pg", name="PG", url="postgresql://reader:s3cret-pass@127.0.0.1:1/warehouse",
                         query=QUERY, kpi_key="sales", timeout_seconds=2)[0]

    with caplog.at_level(logging.INFO, logger="hoshin"):
        run = pull_source(source, **window())

    assert run.error
    assert "s3cret-pass" not in run.error
    assert "s3cret-pass" not in caplog.text
    assert "failed" in caplog.text


def test_unsupported_backend_rejected(org, make_kpi):
    from hoshin.core.errors import ValidationFailed

    with pytest.raises(ValidationFailed, match="not supported"):
        save_source(org, key="my", name="My", url="mysql://u:p@localhost/db", query=QUERY)


def test_enqueue_runs_due_pulls_once(source):
    enqueued = enqueue_due_pulls()

    source.refresh_from_db()
    assert [item.key for item in enqueued] == ["warehouse"]
    assert source.next_pull_at is not None
    assert source.last_run_at is not None
    assert enqueue_due_pulls() == []


def test_enqueue_interval_follows_frequency(source):
    now = dt.datetime(2026, 3, 31, 12, tzinfo=dt.UTC)

    enqueue_due_pulls(now)

    source.refresh_from_db()
    assert source.next_pull_at == now + dt.timedelta(hours=1)


def test_pull_command(source, capsys):
    from django.core.management import call_command

    call_command("pull", "warehouse", "--start", "2026-03-01", "--end", "2026-03-31")

    assert "3 rows read: 3 inserted" in capsys.readouterr().out


postgres_only = pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                                   reason="DATABASE_URL does not point to PostgreSQL")


@pytest.fixture
def postgres_table():
    url = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    table = f"sales_{uuid.uuid4().hex[:8]}"
    engine = create_engine(url)
    with engine.begin() as database:
        database.execute(text(f"CREATE TABLE {table} (day DATE, amount NUMERIC, store TEXT)"))
        database.execute(text(f"INSERT INTO {table} VALUES ('2026-03-01', 10.5, 'north'), ('2026-03-02', 2, 'south')"))
    yield url, table
    with engine.begin() as database:
        database.execute(text(f"DROP TABLE {table}"))
    engine.dispose()


@postgres_only
def test_postgres_pull_read_only_and_timeout(org, make_kpi, postgres_table):
    url, table = postgres_table
    make_kpi("sales", aggregation="sum")
    query = f"SELECT day AS period, amount AS value, store AS segment FROM {table} WHERE day BETWEEN :start AND :end"
    source = save_source(org, key="pg", name="PG", url=url, query=query, kpi_key="sales", timeout_seconds=1)[0]

    run = pull_source(source, **window())
    assert run.error == ""
    assert Measurement.objects.get(segment="north").value == 10.5

    source.query = f"DELETE FROM {table} WHERE day BETWEEN :start AND :end RETURNING day AS period, amount AS value"
    source.save()
    run = pull_source(source, **window())
    assert "read-only transaction" in run.error

    source.query = "SELECT CAST(:start AS date) AS period, 1 AS value FROM pg_sleep(3) WHERE CAST(:end AS date) IS NOT NULL"
    source.save()
    run = pull_source(source, **window())
    assert run.error == "The query timed out after 1 seconds."
