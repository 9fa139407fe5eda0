"""End-to-end tests of data entry in headless Chromium: the upload preview and the grid in Portuguese.

They use the launch options and helpers of `test_browser` and save
screenshots under test-artifacts/.
"""

import datetime as dt

import pytest

from hoshin.kpis import services as kpi_services
from hoshin.kpis.models import Measurement
from tests.web.test_browser import browser_context_args, browser_type_launch_args, log_in, screenshot  # noqa: F401

pytestmark = pytest.mark.e2e

BAD_CSV = "kpi,date,value\nenergy,2026-03-09,10.5\nenergy,2026-03-10,abc\nenergy,2026-03-11,9\n"


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.HOSHIN_UPLOAD_DIR = str(tmp_path / "uploads")


@pytest.fixture
def energy(org):
    kpi = kpi_services.create_kpi(None, org, key="energy", name="Energy use", unit=org.units.get(key="t1"),
                                  unit_of_measure="kWh", frequency="daily", aggregation="sum", kind="count")
    kpi_services.record_measurement(None, kpi, day=dt.date(2026, 3, 9), value=1234.5, segment="")
    return kpi


def test_upload_bad_row_imports_nothing(page, live_server, owner, energy, tmp_path):
    path = tmp_path / "energy.csv"
    path.write_text(BAD_CSV, encoding="utf-8")
    log_in(page, live_server)

    page.goto(f"{live_server.url}/o/acme/upload")
    page.get_by_label("File", exact=True).set_input_files(str(path))
    page.get_by_role("button", name="Preview").click()
    page.wait_for_load_state()

    row = page.locator("#row-error-3")
    assert row.locator("td").nth(0).inner_text() == "3"
    assert "is not a number" in row.locator("td").nth(2).inner_text()
    assert page.get_by_role("button", name="Import").count() == 0
    assert Measurement.objects.filter(kpi=energy).count() == 1
    screenshot(page, "upload-bad-row")


def test_grid_in_portuguese(page, live_server, owner, energy):
    log_in(page, live_server)
    page.get_by_label("Language").select_option("pt-br")
    page.locator(".site-header__language button").click()
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/o/acme/units/t1/entry?period=week&start=2026-03-09")

    assert page.get_by_role("heading", name="Lançamento de dados de Team 1").is_visible()
    assert page.get_by_label("Energy use, 09/03/2026").input_value() == "1.234,5"
    page.get_by_label("Energy use, 09/03/2026").focus()
    page.keyboard.press("End")
    page.keyboard.press("ArrowRight")
    page.keyboard.type("2.000,25")
    page.get_by_role("button", name="Salvar valores").click()
    page.get_by_text("1 valor salvo.").wait_for()
    assert page.get_by_label("Energy use, 10/03/2026").input_value() == "2.000,25"
    assert Measurement.objects.get(kpi=energy, period_start=dt.date(2026, 3, 10)).value == 2000.25
    screenshot(page, "entry-grid-pt-br")


def test_grid_error_in_cell(page, live_server, owner, energy):
    log_in(page, live_server)

    page.goto(f"{live_server.url}/o/acme/units/t1/entry?period=week&start=2026-03-09")
    page.locator("#cell-energy-2026-03-11").fill("abc")
    page.get_by_role("button", name="Save values").click()
    page.locator("#cell-energy-2026-03-11-error").wait_for()

    cell = page.locator("#cell-energy-2026-03-11")
    assert cell.get_attribute("aria-describedby") == "cell-energy-2026-03-11-error"
    assert "abc is not a number" in page.locator("#cell-energy-2026-03-11-error").inner_text()
    assert Measurement.objects.filter(kpi=energy).count() == 1
    screenshot(page, "entry-grid-error")
