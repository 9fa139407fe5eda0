"""A spreadsheet from a Brazilian or German office: BOM, semicolons, decimal commas, day-first dates."""

import datetime as dt

import pytest
from django.core.management.base import CommandError

from hoshin.kpis.models import Measurement

S3_BYTES = b"\xef\xbb\xbfkpi;date;value\nnps;02/01/2025;9,99\nnps;13/01/2025;1.234,5\n"
EXPECTED = {dt.date(2025, 1, 2): 9.99, dt.date(2025, 1, 13): 1234.5}


def values(kpi):
    return {row.period_start: row.value for row in Measurement.objects.filter(kpi=kpi)}


@pytest.mark.django_db
def test_s3_bom_semicolon_decimal_comma(org, make_kpi, write_file, run_ingest):
    nps = make_kpi("nps")
    path = write_file("s3.csv", S3_BYTES)

    output = run_ingest(path, "--org", "acme", "--locale", "pt-BR")

    assert values(nps) == EXPECTED
    assert "2 rows read: 2 inserted, 0 revised, 0 unchanged, 0 rejected" in output.out


@pytest.mark.django_db
def test_s3_missing_column_rejects_file(org, make_kpi, write_file, run_ingest, capsys):
    nps = make_kpi("nps")
    path = write_file("s3.csv", b"\xef\xbb\xbfkpi;date;value\nnps;02/01/2025;9,99\nnps;13/01/2025\n")

    with pytest.raises(CommandError, match="1 row is invalid, so nothing was imported"):
        run_ingest(path, "--org", "acme", "--locale", "pt-BR")

    assert "expected 3 columns, found 2 on line 3" in capsys.readouterr().err
    assert not Measurement.objects.filter(kpi=nps).exists()


VARIANTS = {
    "pt-BR semicolon UTF-8 BOM CRLF": ("\ufeffindicador;data;valor\r\nnps;02/01/2025;9,99\r\nnps;13/01/2025;1.234,5\r\n",
                                       "utf-8", ["--locale", "pt-BR"]),
    "de semicolon cp1252": ("Kennzahl;date;value\nnps;02.01.2025;9,99\nnps;13.01.2025;1.234,5\n", "cp1252",
                            ["--locale", "de", "--kpi-column", "Kennzahl"]),
    "es comma quoted latin-1": ('indicador,fecha,valor\nnps,02/01/2025,"9,99"\nnps,13/01/2025,"1.234,5"\n', "latin-1",
                                ["--locale", "es"]),
    "en comma month first": ('kpi,date,value\nnps,01/02/2025,9.99\nnps,01/13/2025,"1,234.5"\n', "utf-8",
                             ["--locale", "en"]),
    "en tab ISO dates": ("kpi\tdate\tvalue\nnps\t2025-01-02\t9.99\nnps\t2025-1-13\t1,234.5\n", "utf-8", ["--locale", "en"]),
    "pt-BR pipe unit in cells": ("kpi|date|value\nnps|02/01/2025|9,99 pts\nnps|13/01/2025|1.234,5 pts\n", "utf-8",
                                 ["--locale", "pt-BR"]),
    "detected without locale": ("kpi;date;value\nnps;02/01/2025;9,99\nnps;13/01/2025;1.234,5\n", "utf-8", []),
    "dd-Mon-yy dates": ("kpi;date;value\nnps;02-Jan-25;9,99\nnps;13-jan-25;1.234,5\n", "utf-8", ["--locale", "pt-BR"]),
    "explicit date format": ("kpi;date;value\nnps;2025.02.01;9,99\nnps;2025.13.01;1.234,5\n", "utf-8",
                             ["--locale", "pt-BR", "--date-format", "%Y.%d.%m"]),
    "Latin-1 accents in header": ("Índice;Data;Valor\nnps;02/01/2025;9,99\nnps;13/01/2025;1.234,5\n", "latin-1",
                                  ["--locale", "pt-BR", "--kpi-column", "Índice"]),
}


@pytest.mark.django_db
@pytest.mark.parametrize("content,encoding,options", VARIANTS.values(), ids=VARIANTS.keys())
def test_s3_variants(org, make_kpi, write_file, run_ingest, content, encoding, options):
    nps = make_kpi("nps")
    path = write_file("variant.csv", content, encoding)

    run_ingest(path, "--org", "acme", *options)

    assert values(nps) == EXPECTED


@pytest.mark.django_db
def test_not_a_number_names_locale(org, make_kpi, write_file, run_ingest, capsys):
    make_kpi("nps")
    path = write_file("bad.csv", "kpi;date;value\nnps;02/01/2025;1.2.3\n")

    with pytest.raises(CommandError):
        run_ingest(path, "--org", "acme", "--locale", "pt-BR")

    assert 'line 2: "1.2.3" is not a number in locale pt-BR' in capsys.readouterr().err


@pytest.mark.django_db
def test_unknown_kpi_suggests_closest(org, make_kpi, write_file, run_ingest, capsys):
    make_kpi("nps")
    make_kpi("churn")
    path = write_file("bad.csv", "kpi;date;value\nnpss;02/01/2025;1\n")

    with pytest.raises(CommandError):
        run_ingest(path, "--org", "acme")

    assert 'line 2: unknown KPI "npss"; did you mean nps?' in capsys.readouterr().err


@pytest.mark.django_db
def test_invalid_last_row_writes_nothing(org, make_kpi, write_file, run_ingest):
    nps = make_kpi("nps")
    rows = "".join(f"nps;{day:02d}/01/2025;{day},5\n" for day in range(1, 29))
    path = write_file("last.csv", "kpi;date;value\n" + rows + "nps;29/01/2025;abc\n")

    with pytest.raises(CommandError):
        run_ingest(path, "--org", "acme", "--locale", "pt-BR")

    assert not Measurement.objects.filter(kpi=nps).exists()


@pytest.mark.django_db
def test_skip_invalid_writes_rejects(org, make_kpi, write_file, run_ingest, tmp_path):
    nps = make_kpi("nps")
    path = write_file("mixed.csv", "kpi;date;value\nnps;02/01/2025;9,99\nnps;03/01/2025;x\nnps;31/02/2025;1\nnps;04/01\n")
    rejects = tmp_path / "rejects.csv"

    output = run_ingest(path, "--org", "acme", "--locale", "pt-BR", "--skip-invalid", rejects)

    assert values(nps) == {dt.date(2025, 1, 2): 9.99}
    assert "1 inserted" in output.out
    assert "3 rejected" in output.out
    lines = rejects.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "line,column,reason,kpi,date,value"
    assert lines[1].startswith('3,value,"""x"" is not a number in locale pt-BR",nps,03/01/2025,x')
    assert lines[2].startswith("4,date,")
    assert "expected 3 columns, found 2 on line 5" in lines[3]


@pytest.mark.django_db
def test_dry_run_writes_nothing(org, make_kpi, write_file, run_ingest):
    nps = make_kpi("nps")
    path = write_file("s3.csv", S3_BYTES)

    output = run_ingest(path, "--org", "acme", "--locale", "pt-BR", "--dry-run")

    assert "2 inserted" in output.out
    assert "Dry run" in output.out
    assert not Measurement.objects.filter(kpi=nps).exists()
