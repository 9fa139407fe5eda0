"""Pages of the web app. Every organization page is also served as JSON at its URL plus `.json`."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from hoshin.web.views import home, organizations


def page(route: str, view, name: str) -> list:
    """Return the HTML route and its `.json` twin for one page."""
    return [
        path(route, view, name=name),
        path(f"{route}.json", view, {"as_json": True}, name=f"{name}-json"),
    ]


urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="web/login.html", redirect_authenticated_user=True),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", organizations.index, name="index"),
    path("organizations.json", organizations.index, {"as_json": True}, name="index-json"),
    path("switch", organizations.switch_organization, name="switch-organization"),
    *page("o/<slug:org>", home.home, "org-home"),
]
