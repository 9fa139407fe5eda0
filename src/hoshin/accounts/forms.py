"""Forms for signing in, resetting a password and accepting an invitation."""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hoshin.accounts import ratelimit


class RateLimitedFormMixin:
    """Say so, instead of "wrong password", when the account or address is locked."""

    def clean(self):
        username = self.cleaned_data.get("username")
        keys = ratelimit.login_keys(username, ratelimit.client_address(self.request))
        try:
            ratelimit.check(keys)
        except ratelimit.TooManyAttempts as error:
            raise ValidationError(error.message, code="rate_limited") from error
        return super().clean()


class RateLimitedAuthenticationForm(RateLimitedFormMixin, AuthenticationForm):
    pass


class RateLimitedAdminAuthenticationForm(RateLimitedFormMixin, AdminAuthenticationForm):
    pass


class AcceptInvitationForm(SetPasswordForm):
    """Choose a username and a password to accept an invitation."""

    username = forms.CharField(label=_("Username"), max_length=150)
    field_order = ["username", "new_password1", "new_password2"]

    def __init__(self, invitation, *args, **kwargs):
        from django.contrib.auth import get_user_model

        self.invitation = invitation
        super().__init__(get_user_model()(email=invitation.email), *args, **kwargs)

    def clean_username(self):
        from django.contrib.auth import get_user_model

        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise ValidationError(_("The username %(username)s is taken."), params={"username": username})
        return username

    def clean(self):
        # The password validators compare the password with the username.
        self.user.username = self.cleaned_data.get("username", "")
        return super().clean()
