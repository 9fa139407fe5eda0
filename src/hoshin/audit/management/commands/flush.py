"""`flush` that lifts the append-only triggers while it empties the database.

Emptying every table, history included, is what `flush` is for (tests
that commit, resetting a development database), so the triggers that
protect history rows are dropped first and, if they were installed,
installed again afterwards.
"""

from django.core.management.commands import flush
from django.db import connections

from hoshin.audit import guard


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        guarded = guard.triggers_installed(connection)
        guard.drop_triggers(connection)
        try:
            return super().handle(**options)
        finally:
            if guarded:
                guard.install_triggers(connection)
