"""Pages of the web app. Every organization page is also served as JSON at its URL plus `.json`."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from hoshin.accounts.views import RateLimitedLoginView
from hoshin.web.views import (
    audit, check_in, entry, health, history, home, kpi, objective, okr_board, organizations, strategy_map, upload,
)


def page(route: str, view, name: str) -> list:
    """Return the HTML route and its `.json` twin for one page."""
    return [
        path(route, view, name=name),
        path(f"{route}.json", view, {"as_json": True}, name=f"{name}-json"),
    ]


urlpatterns = [
    path("login/", RateLimitedLoginView.as_view(template_name="web/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", health.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", organizations.index, name="index"),
    path("organizations.json", organizations.index, {"as_json": True}, name="index-json"),
    path("switch", organizations.switch_organization, name="switch-organization"),
    *page("o/<slug:org>", home.home, "org-home"),
    *page("o/<slug:org>/map", strategy_map.strategy_map, "strategy-map"),
    *page("o/<slug:org>/objectives/<slug:key>", objective.strategic_objective, "strategic-objective"),
    *page("o/<slug:org>/kpis/<slug:key>", kpi.kpi_page, "kpi"),
    *page("o/<slug:org>/okrs", okr_board.okr_board, "okr-board-default"),
    *page("o/<slug:org>/units/<slug:unit_key>/okrs", okr_board.okr_board, "okr-board"),
    *page("o/<slug:org>/entry", entry.entry, "entry-grid-default"),
    *page("o/<slug:org>/units/<slug:unit_key>/entry", entry.entry, "entry-grid"),
    *page("o/<slug:org>/upload", upload.upload, "upload"),
    *page("o/<slug:org>/okrs/<slug:okr_key>/key-results/<slug:kr_key>/check-in", check_in.check_in, "check-in"),
    *page("o/<slug:org>/okrs/<slug:okr_key>/key-results/<slug:kr_key>/history", history.key_result_history,
          "key-result-history"),
    *page("o/<slug:org>/history/<slug:kind>/<slug:key>", history.history, "history"),
    *page("o/<slug:org>/audit", audit.audit_log, "audit-log"),
]
