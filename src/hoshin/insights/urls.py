"""Insight pages; each is also served as JSON at its URL plus `.json`.
"""

from django.urls import path

from hoshin.insights import views
from hoshin.web.urls import page

urlpatterns = [
    *page("o/<slug:org>/insights", views.hygiene_page, "insights"),
]
