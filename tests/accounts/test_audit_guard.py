"""History rows cannot be edited or deleted through the ORM, the admin or raw SQL."""

import pytest
from django.contrib.auth.models import User
from django.db import DatabaseError, connection, transaction

from hoshin.audit.guard import HistoryIsAppendOnly, drop_triggers, history_tables, install_triggers, triggers_installed
from hoshin.organizations import services as org_services
from hoshin.organizations.models import Organization


@pytest.fixture
def guarded(db):
    """Install the database triggers inside the test's transaction, which rolls them back."""
    install_triggers()


@pytest.fixture
def history_row(org, owner):
    org_services.update_organization(owner, org, name="Acme Global", reason="rebrand")
    return Organization.history.filter(history_type="~").get()


def test_orm_save_rejected(history_row):
    history_row.history_change_reason = "forged"

    with pytest.raises(HistoryIsAppendOnly), transaction.atomic():
        history_row.save()

    assert Organization.history.get(pk=history_row.pk).history_change_reason == "rebrand"


def test_orm_delete_rejected(history_row):
    with pytest.raises(HistoryIsAppendOnly), transaction.atomic():
        history_row.delete()
    with pytest.raises(HistoryIsAppendOnly), transaction.atomic():
        Organization.history.all().delete()

    assert Organization.history.filter(pk=history_row.pk).exists()


def test_queryset_update_rejected_by_database(guarded, history_row):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        Organization.history.filter(pk=history_row.pk).update(history_change_reason="forged")

    assert Organization.history.get(pk=history_row.pk).history_change_reason == "rebrand"


@pytest.mark.parametrize("statement", [
    "UPDATE {table} SET history_change_reason = 'forged'",
    "DELETE FROM {table}",
])
def test_raw_sql_rejected(guarded, history_row, statement):
    table = Organization.history.model._meta.db_table

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement.format(table=table))

    assert Organization.history.get(pk=history_row.pk).history_change_reason == "rebrand"


def test_truncate_rejected_on_postgresql(guarded, history_row):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE")
    table = Organization.history.model._meta.db_table

    with connection.cursor() as cursor:
        # Deferred foreign-key checks of the test's own writes would make
        # PostgreSQL reject TRUNCATE for another reason.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'TRUNCATE "{table}"')

    assert Organization.history.filter(pk=history_row.pk).exists()


def guarded_tables() -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger'")
        else:
            cursor.execute("SELECT tgrelid::regclass::text FROM pg_trigger WHERE tgname LIKE 'hoshin_append_only%%'")
        return [row[0].strip('"') for row in cursor.fetchall()]


def test_every_history_table_has_triggers(guarded):
    tables = history_tables(connection)
    guarded = guarded_tables()

    assert "organizations_historicalorganization" in tables
    assert "okrs_historicalcheckin" in tables
    for table in tables:
        assert guarded.count(table) == 2, table


def test_migrate_installs_triggers_when_enabled(db, settings):
    from hoshin.audit.guard import drop_triggers, install_triggers_after_migrate

    drop_triggers()
    settings.AUDIT_DATABASE_GUARD = False
    install_triggers_after_migrate(sender=None)
    assert not triggers_installed()

    settings.AUDIT_DATABASE_GUARD = True
    install_triggers_after_migrate(sender=None)
    assert triggers_installed()


def test_user_with_history_cannot_be_deleted(guarded, history_row, owner):
    with pytest.raises(DatabaseError), transaction.atomic():
        owner.delete()

    assert User.objects.filter(pk=owner.pk).exists()


@pytest.fixture
def admin_client(client, django_user_model):
    superuser = django_user_model.objects.create_superuser("root", "root@example.com", "pw-root-123")
    client.force_login(superuser)
    return client


def test_admin_lists_history_read_only(admin_client, history_row):
    base = "/admin/organizations/historicalorganization/"

    assert admin_client.get(base).status_code == 200
    assert admin_client.get(f"{base}{history_row.pk}/change/").status_code == 200
    assert admin_client.get(f"{base}add/").status_code == 403


def test_admin_cannot_change_or_delete_history(admin_client, history_row):
    base = "/admin/organizations/historicalorganization/"

    changed = admin_client.post(f"{base}{history_row.pk}/change/", {"history_change_reason": "forged"})
    deleted = admin_client.post(f"{base}{history_row.pk}/delete/", {"post": "yes"})
    bulk = admin_client.post(base, {"action": "delete_selected", "_selected_action": [history_row.pk], "post": "yes"})

    assert changed.status_code == 403
    assert deleted.status_code == 403
    assert bulk.status_code in {200, 302}
    row = Organization.history.get(pk=history_row.pk)
    assert row.history_change_reason == "rebrand"


@pytest.mark.django_db(transaction=True)
def test_flush_empties_history_and_keeps_triggers():
    from django.core.management import call_command

    org_services.create_organization(None, key="flushed", name="Flushed")
    install_triggers()
    try:
        call_command("flush", interactive=False, verbosity=0)

        assert not Organization.history.exists()
        assert triggers_installed()
    finally:
        drop_triggers()
