"""Login, the organization list and switch, the language choice and the shared error pages."""

import pytest
from django.conf import settings
from django.urls import reverse

from hoshin.accounts.models import Membership


def test_login_page_renders(client, db):
    response = client.get(reverse("login"))

    assert response.status_code == 200
    assert b'<label for="id_username"' in response.content
    assert b'<label for="id_password"' in response.content


def test_pages_require_login(client, org):
    for url in (reverse("index"), reverse("org-home", args=[org.key]), reverse("org-home-json", args=[org.key])):
        response = client.get(url)

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_login_with_password_opens_organization(client, owner, org):
    response = client.post(reverse("login"), {"username": "owner", "password": "pw-owner-123"}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("org-home", args=[org.key])
    assert response.status_code == 200


def test_logout_needs_post_and_ends_session(member_client):
    response = member_client.post(reverse("logout"))

    assert response.status_code == 302
    assert member_client.get(reverse("index")).status_code == 302


def test_index_lists_several_organizations(member_client, owner, other_org, org):
    Membership.objects.create(user=owner, organization=other_org, role="viewer")

    response = member_client.get(reverse("index"))

    assert response.status_code == 200
    assert "Acme" in response.content.decode()
    assert "Globex" in response.content.decode()


def test_switcher_lists_only_member_organizations(member_client, org, other_org):
    response = member_client.get(reverse("org-home", args=[org.key]))

    switcher = response.content.decode().split('id="organization-switch"')[1].split("</select>")[0]
    assert "Acme" in switcher
    assert "Globex" not in switcher


def test_superuser_sees_every_organization(client, org, other_org, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="pw-root-123")
    client.force_login(admin)

    response = client.get(reverse("index-json"))

    keys = [item["key"] for item in response.json()["organizations"]]
    assert keys == ["acme", "globex"]


def test_switch_redirects_to_chosen_organization(member_client, org):
    response = member_client.get(reverse("switch-organization"), {"organization": "acme"})

    assert response.status_code == 302
    assert response["Location"] == reverse("org-home", args=["acme"])


def test_switch_to_foreign_organization_is_404(member_client, other_org):
    response = member_client.get(reverse("switch-organization"), {"organization": "globex"})

    assert response.status_code == 404


def test_foreign_organization_page_is_404(member_client, other_org):
    assert member_client.get(reverse("org-home", args=["globex"])).status_code == 404
    assert member_client.get(reverse("org-home-json", args=["globex"])).status_code == 404
    assert member_client.get(reverse("org-home-json", args=["globex"])).json()["error"]["code"] == "not_found"


def test_language_falls_back_to_organization_locale(member_client, org):
    response = member_client.get(reverse("org-home", args=[org.key]))

    assert response["Content-Language"] == "pt-br"
    assert '<html lang="pt-br">' in response.content.decode()


def test_browser_language_beats_organization_locale(member_client, org):
    response = member_client.get(reverse("org-home", args=[org.key]), HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9")

    assert response["Content-Language"] == "es"


def test_chosen_language_beats_browser(member_client, org):
    member_client.post(reverse("set_language"), {"language": "en", "next": "/"})

    response = member_client.get(reverse("org-home", args=[org.key]), HTTP_ACCEPT_LANGUAGE="es")

    assert member_client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert response["Content-Language"] == "en"


def test_every_input_has_a_label(member_client, org):
    html = member_client.get(reverse("org-home", args=[org.key])).content.decode()

    for control_id in ("organization-switch", "language-switch"):
        assert f'id="{control_id}"' in html
        assert f'<label for="{control_id}">' in html


def test_invalid_as_of_is_reported(member_client, org):
    response = member_client.get(reverse("org-home-json", args=[org.key]), {"as_of": "14/03/2026"})

    assert response.status_code == 422
    assert response.json()["error"]["field"] == "as_of"


@pytest.mark.parametrize("accept", ["application/json", "application/json, text/html;q=0.5"])
def test_accept_header_selects_json(member_client, org, accept):
    response = member_client.get(reverse("org-home", args=[org.key]), HTTP_ACCEPT=accept)

    assert response["Content-Type"] == "application/json"
    assert response.json()["organization"]["key"] == "acme"
