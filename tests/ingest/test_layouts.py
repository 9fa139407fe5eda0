"""File layouts: long, wide by KPI or by segment, metadata blocks, two-row headers, totals, workbooks."""

import datetime as dt

import openpyxl
import pytest

from hoshin.kpis.models import Measurement

pytestmark = pytest.mark.django_db


def stored(kpi):
    return {(row.period_start, row.segment): row.value for row in Measurement.objects.filter(kpi=kpi)}


def test_wide_by_kpi_headers_match_keys(org, make_kpi, write_file, run_ingest):
    nps, churn = make_kpi("nps"), make_kpi("churn")
    path = write_file("wide.csv", "data,nps,churn,notes\n2025-01-02,9.5,0.25,ok\n2025-01-03,9.7,,ok\n")

    run_ingest(path, "--org", "acme", "--locale", "en")

    assert stored(nps) == {(dt.date(2025, 1, 2), ""): 9.5, (dt.date(2025, 1, 3), ""): 9.7}
    assert stored(churn) == {(dt.date(2025, 1, 2), ""): 0.25}


def test_wide_by_kpi_with_mapping(org, make_kpi, write_file, run_ingest):
    nps = make_kpi("nps")
    path = write_file("wide.csv", "fecha;Satisfacción\n02/01/2025;9,5\n")

    run_ingest(path, "--org", "acme", "--value-column", "Satisfacción=nps", "--locale", "es")

    assert stored(nps) == {(dt.date(2025, 1, 2), ""): 9.5}


def test_wide_by_segment(org, make_kpi, write_file, run_ingest):
    energy = make_kpi("energy", aggregation="sum")
    path = write_file("plants.csv", "date,Plant A,Plant B\n2025-01-02,10,20\n")

    run_ingest(path, "--org", "acme", "--kpi", "energy", "--value-column", "Plant A",
               "--value-column", "Plant B=plant-b", "--locale", "en")

    assert stored(energy) == {(dt.date(2025, 1, 2), "Plant A"): 10.0, (dt.date(2025, 1, 2), "plant-b"): 20.0}


def test_long_with_segment_and_portuguese_headers(org, make_kpi, write_file, run_ingest):
    sales = make_kpi("sales", aggregation="sum")
    path = write_file("long.csv", "Indicador;Data;Segmento;Valor\nsales;02/01/2025;Loja 1;1.000,50\n"
                                  "sales;02/01/2025;Loja 2;2.000\n")

    run_ingest(path, "--org", "acme", "--locale", "pt-BR")

    assert stored(sales) == {(dt.date(2025, 1, 2), "Loja 1"): 1000.5, (dt.date(2025, 1, 2), "Loja 2"): 2000.0}


def test_metadata_block_total_row_and_trailing_blanks(org, make_kpi, write_file, run_ingest):
    sales = make_kpi("sales", aggregation="sum")
    content = ("Report:;Monthly sales\nExported:;2025-02-01\n\n"
               "kpi;date;segment;value\n"
               "sales;02/01/2025;Total;3.000\n"
               "sales;02/01/2025;North;1.000\n"
               "sales;02/01/2025;South;2.000\n"
               ";;;\n\n\n")
    path = write_file("report.csv", content)

    output = run_ingest(path, "--org", "acme", "--locale", "pt-BR")

    assert stored(sales) == {(dt.date(2025, 1, 2), "North"): 1000.0, (dt.date(2025, 1, 2), "South"): 2000.0}
    assert "0 rejected" in output.out


def test_two_row_header_with_group_labels(org, make_kpi, write_file, run_ingest):
    visits = make_kpi("visits", aggregation="sum")
    content = (",Visits,,Sales,\n"
               "date,Total,Online,Total,Online\n"
               "2025-01-02,10,4,100,40\n")
    path = write_file("groups.csv", content)

    run_ingest(path, "--org", "acme", "--kpi", "visits", "--value-column", "Visits / Total", "--locale", "en")

    assert stored(visits) == {(dt.date(2025, 1, 2), ""): 10.0}


def test_ambiguous_column_lists_choices(org, make_kpi, write_file, run_ingest):
    from django.core.management.base import CommandError

    make_kpi("visits")
    path = write_file("groups.csv", ",Visits,,Sales,\ndate,Total,Online,Total,Online\n2025-01-02,10,4,100,40\n")

    with pytest.raises(CommandError, match="Visits / Total; Sales / Total"):
        run_ingest(path, "--org", "acme", "--kpi", "visits", "--value-column", "Total")


def test_header_row_option(org, make_kpi, write_file, run_ingest):
    nps = make_kpi("nps")
    path = write_file("odd.csv", "1,2,3\nkpi,date,value\nnps,2025-01-02,9\n")

    run_ingest(path, "--org", "acme", "--header-row", "2")

    assert stored(nps) == {(dt.date(2025, 1, 2), ""): 9.0}


def test_xlsx_typed_cells_and_merged_group(org, make_kpi, tmp_path, run_ingest):
    nps = make_kpi("nps")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Scores exported by the survey tool"])
    sheet.append([])
    sheet.append(["", "Survey"])
    sheet.merge_cells("B3:C3")
    sheet.append(["Data", "NPS", "Responses"])
    sheet.append([dt.datetime(2025, 1, 2), 9.99, 120])
    sheet.append([dt.datetime(2025, 1, 13), "1.234,5", 80])
    sheet.append(["Total", 0, 200])
    path = tmp_path / "scores.xlsx"
    book.save(path)

    run_ingest(path, "--org", "acme", "--kpi", "nps", "--value-column", "Survey / NPS", "--locale", "pt-BR")

    assert stored(nps) == {(dt.date(2025, 1, 2), ""): 9.99, (dt.date(2025, 1, 13), ""): 1234.5}


def test_mapping_file_with_override(org, make_kpi, write_file, run_ingest):
    volume = make_kpi("volume")
    mapping = write_file("mapping.yaml", "date_column: dia\nvalue_columns:\n  nivel: volume\nlocale: en\n")
    path = write_file("levels.csv", "dia;nivel\n02/01/2025;42,5 %\n")

    run_ingest(path, "--org", "acme", "--mapping", mapping, "--locale", "pt-BR")

    assert stored(volume) == {(dt.date(2025, 1, 2), ""): 42.5}


def test_missing_values_declared(org, make_kpi, write_file, run_ingest):
    level = make_kpi("level")
    path = write_file("gaps.csv", "kpi,date,value\nlevel,2025-01-02,0\nlevel,2025-01-03,n/d\nlevel,2025-01-04,5\n")

    output = run_ingest(path, "--org", "acme", "--missing-values", "0,n/d", "--locale", "en")

    assert stored(level) == {(dt.date(2025, 1, 4), ""): 5.0}
    assert "2 without a value" in output.out


def test_ratio_from_numerator_denominator(org, make_kpi, write_file, run_ingest):
    on_time = make_kpi("on_time", frequency="monthly", aggregation="ratio")
    path = write_file("ratio.csv", "kpi;data;numerador;denominador\non_time;05/01/2025;9;10\non_time;20/01/2025;20;100\n")

    run_ingest(path, "--org", "acme", "--locale", "pt-BR")

    row = Measurement.objects.get(kpi=on_time)
    assert (row.numerator, row.denominator, row.value_count) == (29.0, 110.0, 2)
    assert row.value == pytest.approx(29 / 110)


def test_percent_column_with_count(org, make_kpi, write_file, run_ingest):
    on_time = make_kpi("on_time", frequency="monthly", aggregation="ratio")
    path = write_file("ratio.csv", "kpi;date;pct;n\non_time;05/01/2025;90 %;10\non_time;20/01/2025;20,0 %;100\n")

    run_ingest(path, "--org", "acme", "--percent-column", "pct", "--denominator-column", "n", "--locale", "pt-BR")

    row = Measurement.objects.get(kpi=on_time)
    assert row.numerator == pytest.approx(29.0)
    assert row.denominator == 110.0
