"""Routes for password reset and invitations, to include at the site root.

The names are the ones Django's password reset views and e-mails look up,
so this module is included without a namespace.
"""

from django.contrib.auth import views as auth_views
from django.urls import path

from hoshin.accounts import views

urlpatterns = [
    path("password-reset/", views.RateLimitedPasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(template_name="accounts/password_reset_confirm.html"),
        name="password_reset_confirm",
    ),
    path(
        "password-reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("invitations/<str:token>/", views.accept_invitation, name="accept-invitation"),
]
