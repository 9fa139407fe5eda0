"""The upload page: a preview from the ingestion service's dry run, then a commit that writes all rows or none."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from hoshin.accounts.models import Membership
from hoshin.kpis import services as kpi_services
from hoshin.kpis.models import Measurement

ENGLISH = {"HTTP_ACCEPT_LANGUAGE": "en"}
GOOD_CSV = b"kpi,date,value\nenergy,2026-03-09,10.5\nenergy,2026-03-10,12\n"
BAD_CSV = b"kpi,date,value\nenergy,2026-03-09,10.5\nenergy,2026-03-10,abc\nenergy,2026-03-11,9\n"


@pytest.fixture(autouse=True)
def upload_dir(settings, tmp_path):
    settings.HOSHIN_UPLOAD_DIR = str(tmp_path / "uploads")
    return tmp_path / "uploads"


@pytest.fixture
def energy(org):
    return kpi_services.create_kpi(None, org, key="energy", name="Energy use", unit=org.units.get(key="t1"),
                                   frequency="daily", aggregation="sum", kind="count")


def upload_url(suffix=""):
    return reverse("upload-json" if suffix == ".json" else "upload", args=["acme"])


def csv_file(content, name="energy.csv"):
    return SimpleUploadedFile(name, content, content_type="text/csv")


def test_upload_page_renders(member_client, energy):
    response = member_client.get(upload_url(), **ENGLISH)

    assert response.status_code == 200
    assert 'type="file"' in response.content.decode()


def test_preview_shows_bad_row(member_client, energy):
    response = member_client.post(upload_url(), {"file": csv_file(BAD_CSV), "action": "preview"}, **ENGLISH)

    html = response.content.decode()
    assert response.status_code == 422
    assert '<tr id="row-error-3"><td class="number">3</td><td>value</td>' in html
    assert "is not a number" in html
    assert "1 row is invalid, so nothing was imported." in html
    assert 'value="commit"' not in html
    assert not Measurement.objects.exists()


def test_preview_error_in_portuguese(member_client, energy):
    response = member_client.post(upload_url(), {"file": csv_file(BAD_CSV)}, HTTP_ACCEPT_LANGUAGE="pt-BR")

    html = response.content.decode()
    assert '<tr id="row-error-3">' in html
    assert "1 linha é inválida" in html


def test_preview_of_good_file_writes_nothing(member_client, energy):
    response = member_client.post(upload_url(), {"file": csv_file(GOOD_CSV), "action": "preview"}, **ENGLISH)

    html = response.content.decode()
    assert response.status_code == 200
    assert "2 rows read: 2 inserted" in html
    assert "Dry run: nothing was written." in html
    assert 'value="commit"' in html
    assert "Detected: kpi" in html
    assert not Measurement.objects.exists()


def test_commit_writes_good_file(member_client, energy):
    preview = member_client.post(upload_url(".json"), {"file": csv_file(GOOD_CSV)}, **ENGLISH).json()

    response = member_client.post(upload_url(), {"token": preview["upload"]["token"], "action": "commit"}, **ENGLISH)

    assert response.status_code == 302
    values = dict(Measurement.objects.filter(kpi=energy).values_list("period_start", "value"))
    assert values == {dt.date(2026, 3, 9): 10.5, dt.date(2026, 3, 10): 12}
    assert Measurement.objects.get(kpi=energy, period_start=dt.date(2026, 3, 9)).source == "file:energy.csv"


def test_commit_of_bad_file_writes_nothing(member_client, energy):
    preview = member_client.post(upload_url(".json"), {"file": csv_file(BAD_CSV)}, **ENGLISH)
    token = preview.json()["upload"]["token"]

    response = member_client.post(upload_url(), {"token": token, "action": "commit"}, **ENGLISH)

    assert preview.status_code == 422
    assert response.status_code == 422
    assert '<tr id="row-error-3">' in response.content.decode()
    assert not Measurement.objects.exists()


def test_preview_json_lists_row_errors(member_client, energy):
    response = member_client.post(upload_url(".json"), {"file": csv_file(BAD_CSV)}, **ENGLISH)

    data = response.json()
    assert data["row_errors"] == [{"line": 3, "column": "value", "message": data["row_errors"][0]["message"]}]
    assert data["detected"]["date_column"] == "date"
    assert data["columns"] == ["kpi", "date", "value"]
    assert data["may_commit"] is False


def test_mapping_fixed_kpi_and_columns(member_client, energy):
    content = "dia;consumo\n09/03/2026;1.234,5\n10/03/2026;2.000\n".encode()
    fields = {"file": csv_file(content, "consumo.csv"), "kpi": "energy", "date_column": "dia",
              "value_columns": "consumo", "locale": "pt-BR"}

    preview = member_client.post(upload_url(".json"), fields, **ENGLISH).json()
    mapping = {"kpi": "energy", "date_column": "dia", "value_columns": "consumo", "locale": "pt-BR"}
    member_client.post(upload_url(), {"token": preview["upload"]["token"], "action": "commit", **mapping}, **ENGLISH)

    assert preview["report"]["inserted"] == 2
    values = dict(Measurement.objects.filter(kpi=energy).values_list("period_start", "value"))
    assert values == {dt.date(2026, 3, 9): 1234.5, dt.date(2026, 3, 10): 2000}


def test_unknown_column_shown_on_field(member_client, energy):
    response = member_client.post(upload_url(), {"file": csv_file(GOOD_CSV), "date_column": "when"}, **ENGLISH)

    html = response.content.decode()
    assert response.status_code == 422
    assert 'aria-describedby="mapping-date_column-error"' in html
    assert "Column when not found." in html


def test_rejects_other_file_types(member_client, energy):
    response = member_client.post(upload_url(), {"file": csv_file(b"x", "notes.pdf")}, **ENGLISH)

    assert response.status_code == 422
    assert "notes.pdf is not a CSV, TSV, XLSX or XLS file." in response.content.decode()


def test_token_of_other_user_rejected(member_client, client, teammate, energy, django_user_model):
    token = member_client.post(upload_url(".json"), {"file": csv_file(GOOD_CSV)}, **ENGLISH).json()["upload"]["token"]
    client.force_login(teammate)

    response = client.post(upload_url(), {"token": token, "action": "commit"}, **ENGLISH)

    assert response.status_code == 422
    assert not Measurement.objects.exists()


def test_viewer_may_not_upload(client, org, energy, django_user_model):
    viewer = django_user_model.objects.create_user("viewer", password="pw-viewer-123")
    Membership.objects.create(user=viewer, organization=org, role="viewer")
    client.force_login(viewer)

    page = client.get(upload_url(), **ENGLISH).content.decode()
    response = client.post(upload_url(), {"file": csv_file(GOOD_CSV)}, **ENGLISH)

    assert 'type="file"' not in page
    assert response.status_code == 403
    assert not Measurement.objects.exists()


def test_contributor_of_other_unit_rejected(client, org, energy, django_user_model):
    user = django_user_model.objects.create_user("other", password="pw-other-123")
    Membership.objects.create(user=user, organization=org, unit=org.units.get(key="t2"), role="contributor")
    client.force_login(user)

    response = client.post(upload_url(), {"file": csv_file(GOOD_CSV)}, **ENGLISH)

    assert response.status_code == 403
    assert not Measurement.objects.exists()


def test_upload_other_org_is_404(outsider_client, energy):
    assert outsider_client.get(upload_url()).status_code == 404
