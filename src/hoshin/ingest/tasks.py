"""Background tasks of the ingest app, run by the configured django-tasks backend."""

from django_tasks import task

from hoshin.ingest.models import DataSource
from hoshin.ingest.sql_sources import pull_source


@task()
def pull_source_task(source_id: int) -> dict:
    """Pull one data source; return what the run recorded."""
    source = DataSource.objects.select_related("organization", "kpi").get(pk=source_id)
    run = pull_source(source)
    return {"source": source.key, "rows": run.rows, "inserted": run.inserted, "revised": run.revised,
            "error": run.error}
