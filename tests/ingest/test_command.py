"""The ingest command: progress on a terminal, a summary line, options from a mapping file."""

import io

import pytest
from django.core.management.base import CommandError

from hoshin.ingest.management.commands.ingest import Progress


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_draws_on_terminal():
    stream = Terminal()
    progress = Progress(stream)

    progress(0.5, 1234)
    progress.close()

    assert stream.getvalue() == "\r[###############...............]  50% 1,234 rows\n"


def test_progress_silent_when_piped():
    stream = io.StringIO()
    progress = Progress(stream)

    progress(0.5, 1234)
    progress.close()

    assert stream.getvalue() == ""


@pytest.mark.django_db
def test_unknown_organization(run_ingest, write_file):
    path = write_file("x.csv", "kpi,date,value\n")

    with pytest.raises(CommandError, match="Organization nowhere not found"):
        run_ingest(path, "--org", "nowhere")


@pytest.mark.django_db
def test_unknown_column_suggests(org, make_kpi, write_file, run_ingest):
    make_kpi("nps")
    path = write_file("x.csv", "kpi,date,valeu\nnps,2025-01-02,1\n")

    with pytest.raises(CommandError, match="Column value not found. Did you mean valeu?"):
        run_ingest(path, "--org", "acme", "--kpi", "nps", "--value-column", "value")


@pytest.mark.django_db
def test_unknown_mapping_option(org, write_file, run_ingest):
    mapping = write_file("m.yaml", "date_colum: data\n")
    path = write_file("x.csv", "kpi,date,value\n")

    with pytest.raises(CommandError, match="Unknown mapping options: date_colum"):
        run_ingest(path, "--org", "acme", "--mapping", mapping)
