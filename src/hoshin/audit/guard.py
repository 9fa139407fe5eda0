"""Append-only history: history rows may be inserted, never updated or deleted.

Two layers enforce it. In the ORM, a `pre_save` guard rejects saving an
existing history row and a `pre_delete` guard rejects deleting one. In the
database, triggers on every history table reject UPDATE and DELETE (and
TRUNCATE on PostgreSQL) from any client, raw SQL included. When the
setting `AUDIT_DATABASE_GUARD` is on (the default in production), the
triggers are (re)installed after every `migrate`, so history tables added
or rebuilt by later migrations are covered too.

Consequences: a user who appears in history cannot be deleted, because
Django would set the history rows' user to NULL (deactivate the user
instead). Deleting an organization deletes its objects and appends a
"deleted" history row for each, and its earlier rows stay. Only `flush`,
which empties the whole database, lifts the triggers while it runs.
"""

from django.db import connection as default_connection
from django.utils.translation import gettext as _
from simple_history.models import HistoricalChanges
from simple_history.signals import post_create_historical_record

from hoshin.core.errors import PermissionDenied

SQLITE_TRIGGER_PREFIX = "hoshin_append_only"
POSTGRES_FUNCTION = "hoshin_reject_history_change"
POSTGRES_ROW_TRIGGER = "hoshin_append_only"
POSTGRES_TRUNCATE_TRIGGER = "hoshin_append_only_truncate"


class HistoryIsAppendOnly(PermissionDenied):
    """An attempt to change or delete a history row."""

    code = "append_only"


def history_models() -> list:
    """Return every history model that simple-history registered, plus the token links."""
    from django.apps import apps

    from hoshin.audit.models import HistoryToken

    found = [model for model in apps.get_models() if issubclass(model, HistoricalChanges)]
    return [*found, HistoryToken]


def reject_update(sender, instance, raw=False, **kwargs) -> None:
    if not instance._state.adding:
        raise HistoryIsAppendOnly(
            _("History rows cannot be changed (%(model)s #%(id)s).") % {"model": sender._meta.label, "id": instance.pk}
        )


def reject_delete(sender, instance, **kwargs) -> None:
    raise HistoryIsAppendOnly(
        _("History rows cannot be deleted (%(model)s #%(id)s).") % {"model": sender._meta.label, "id": instance.pk}
    )


def record_token(sender, history_instance, history_user=None, **kwargs) -> None:
    """Link a new history row to the API token of its user, when the change came through one."""
    token = getattr(history_user, "api_token", None)
    if token is None:
        return
    from django.contrib.contenttypes.models import ContentType

    from hoshin.audit.models import HistoryToken

    HistoryToken.objects.create(
        history_type=ContentType.objects.get_for_model(type(history_instance)),
        history_id=history_instance.pk,
        token_id=token.pk,
        token_label=f"{token.name} ({token.display_key})",
    )


def connect_guards() -> None:
    from django.db.models.signals import pre_delete, pre_save

    for model in history_models():
        pre_save.connect(reject_update, sender=model, dispatch_uid=f"audit-update-{model._meta.label}")
        pre_delete.connect(reject_delete, sender=model, dispatch_uid=f"audit-delete-{model._meta.label}")
    post_create_historical_record.connect(record_token, dispatch_uid="audit-token")


def _trigger_statements(vendor: str, table: str) -> list[str]:
    quoted = f'"{table}"'
    if vendor == "sqlite":
        message = f"history rows in {table} are append-only"
        return [
            f'CREATE TRIGGER IF NOT EXISTS "{SQLITE_TRIGGER_PREFIX}_update_{table}" BEFORE UPDATE ON {quoted} '
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
            f'CREATE TRIGGER IF NOT EXISTS "{SQLITE_TRIGGER_PREFIX}_delete_{table}" BEFORE DELETE ON {quoted} '
            f"BEGIN SELECT RAISE(ABORT, '{message}'); END",
        ]
    if vendor == "postgresql":
        return [
            f"DROP TRIGGER IF EXISTS {POSTGRES_ROW_TRIGGER} ON {quoted}",
            f"CREATE TRIGGER {POSTGRES_ROW_TRIGGER} BEFORE UPDATE OR DELETE ON {quoted} "
            f"FOR EACH ROW EXECUTE FUNCTION {POSTGRES_FUNCTION}()",
            f"DROP TRIGGER IF EXISTS {POSTGRES_TRUNCATE_TRIGGER} ON {quoted}",
            f"CREATE TRIGGER {POSTGRES_TRUNCATE_TRIGGER} BEFORE TRUNCATE ON {quoted} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {POSTGRES_FUNCTION}()",
        ]
    return []


POSTGRES_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {POSTGRES_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'history rows in % are append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def history_tables(connection) -> list[str]:
    existing = set(connection.introspection.table_names())
    return sorted(model._meta.db_table for model in history_models() if model._meta.db_table in existing)


def install_triggers(connection=default_connection) -> list[str]:
    """Create the append-only triggers on every history table that exists; return the tables."""
    tables = history_tables(connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRES_FUNCTION_SQL)
        for table in tables:
            for statement in _trigger_statements(connection.vendor, table):
                cursor.execute(statement)
    return tables


def drop_triggers(connection=default_connection) -> None:
    """Remove the append-only triggers; only `flush` does this, and reinstalls them after."""
    tables = history_tables(connection)
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "sqlite":
                for kind in ("update", "delete"):
                    cursor.execute(f'DROP TRIGGER IF EXISTS "{SQLITE_TRIGGER_PREFIX}_{kind}_{table}"')
            elif connection.vendor == "postgresql":
                cursor.execute(f'DROP TRIGGER IF EXISTS {POSTGRES_ROW_TRIGGER} ON "{table}"')
                cursor.execute(f'DROP TRIGGER IF EXISTS {POSTGRES_TRUNCATE_TRIGGER} ON "{table}"')


def triggers_installed(connection=default_connection) -> bool:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                           [f"{SQLITE_TRIGGER_PREFIX}%"])
        elif connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname = %s", [POSTGRES_ROW_TRIGGER])
        else:
            return False
        return cursor.fetchone()[0] > 0


def install_triggers_after_migrate(sender, using="default", **kwargs) -> None:
    from django.conf import settings
    from django.db import connections

    if getattr(settings, "AUDIT_DATABASE_GUARD", True):
        install_triggers(connections[using])
