"""The site's routes plus the accounts routes and the rate-limited login, as the web app is expected to wire them."""

from django.urls import include, path

from hoshin.accounts.views import RateLimitedLoginView

urlpatterns = [
    path("limited-login/", RateLimitedLoginView.as_view(template_name="web/login.html"), name="limited-login"),
    path("", include("hoshin.accounts.urls")),
    path("", include("hoshin.urls")),
]
