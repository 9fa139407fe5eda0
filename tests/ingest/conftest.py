"""Fixtures for measurement ingestion: KPI factories, file writers and the real public files."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

from hoshin.kpis import services as kpi_services

REPOSITORY = Path(__file__).resolve().parents[2]


@pytest.fixture
def make_kpi(org):
    def make(key, *, frequency="daily", aggregation="mean", kind="level", unit_of_measure="", organization=None,
             unit="company"):
        organization = organization or org
        unit = organization.units.get(key=unit)
        return kpi_services.create_kpi(None, organization, key=key, name=key.replace("_", " ").title(), unit=unit,
                                       frequency=frequency, aggregation=aggregation, kind=kind,
                                       unit_of_measure=unit_of_measure)
    return make


@pytest.fixture
def write_file(tmp_path):
    def write(name, content: bytes | str, encoding="utf-8"):
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode(encoding))
        return path
    return write


@pytest.fixture
def run_ingest(capsys):
    """Run `hoshin ingest` in-process and return its stdout and stderr."""
    def run(*args):
        call_command("ingest", *[str(arg) for arg in args])
        return capsys.readouterr()
    return run


@pytest.fixture
def real_inputs():
    folder = Path(os.environ.get("HOSHIN_REAL_INPUTS", REPOSITORY.parent / "shared" / "real-inputs"))
    if not folder.is_dir():
        pytest.skip(f"the public sample files are not at {folder}; set HOSHIN_REAL_INPUTS to their folder")
    return folder
