from django.contrib import admin
from django.urls import include, path

from hoshin.api.app import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("hoshin.accounts.urls")),
    path("", include("hoshin.insights.urls")),
    path("", include("hoshin.web.urls")),
]
