"""`hoshin enqueue_pulls`: hand the data sources that are due to the task backend; run it from cron."""

from django.core.management.base import BaseCommand

from hoshin.ingest.schedule import enqueue_due_pulls


class Command(BaseCommand):
    help = "Enqueue a pull task for every data source that is due, by its KPIs' frequency."

    def handle(self, *args, **options):
        sources = enqueue_due_pulls()
        self.stdout.write(f"{len(sources)} pulls enqueued.")
