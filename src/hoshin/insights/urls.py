"""Insight pages; each is also served as JSON at its URL plus `.json`.

`/o/<org>/evidence.json` lists every tested link with `kind`, `from`,
`to` and `verdict`; the strategy map styles each cause-effect line by the
verdict of the item whose `kind` is `cause_effect` and whose `from.key`
and `to.key` are the line's objectives.
"""

from django.urls import path

from hoshin.insights import views
from hoshin.web.urls import page

urlpatterns = [
    *page("o/<slug:org>/insights", views.hygiene_page, "insights"),
    *page("o/<slug:org>/evidence", views.evidence_page, "evidence"),
    *page("o/<slug:org>/objectives/<slug:key>/explain", views.explain_page, "explain"),
    *page("o/<slug:org>/forecasts", views.forecasts_page, "forecasts"),
    *page("o/<slug:org>/retrospectives", views.retrospectives_page, "retrospectives"),
    *page("o/<slug:org>/retrospectives/<slug:cycle_key>", views.retrospective_page, "retrospective"),
    *page("o/<slug:org>/learning", views.learning_page, "learning"),
]
