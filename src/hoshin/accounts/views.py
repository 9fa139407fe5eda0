"""Pages of the accounts app: sign-in with limits, password reset and accepting invitations."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from hoshin.accounts import ratelimit, services
from hoshin.accounts.forms import AcceptInvitationForm, RateLimitedAuthenticationForm
from hoshin.core.errors import NotFound


class RateLimitedLoginView(auth_views.LoginView):
    """Django's login view with the form that reports locked accounts and addresses."""

    authentication_form = RateLimitedAuthenticationForm
    redirect_authenticated_user = True


class RateLimitedPasswordResetView(auth_views.PasswordResetView):
    """Django's password reset view, limited per e-mail address and per client address.

    Each request counts, successful or not, because every one can send an
    e-mail to someone else's mailbox.
    """

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset_email.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"

    def form_valid(self, form):
        keys = {
            f"reset:email:{form.cleaned_data['email'].strip().lower()}": ratelimit.account_limit(),
            f"reset:address:{ratelimit.client_address(self.request)}": ratelimit.address_limit(),
        }
        try:
            ratelimit.check(keys)
        except ratelimit.TooManyAttempts as error:
            form.add_error(None, error.message)
            return self.form_invalid(form)
        ratelimit.record_failure(keys)
        return super().form_valid(form)


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def accept_invitation(request, token: str):
    """Show the invitation and create the account, or add the membership to the signed-in user."""
    try:
        invitation = services.open_invitation(token)
    except NotFound as error:
        return render(request, "accounts/invitation_invalid.html", {"message": error.message}, status=404)

    signed_in = request.user.is_authenticated
    form = None if signed_in else AcceptInvitationForm(invitation, data=request.POST or None)
    if request.method == "POST" and (signed_in or form.is_valid()):
        if signed_in:
            user = services.accept_invitation(token, user=request.user)
        else:
            user = services.accept_invitation(
                token, username=form.cleaned_data["username"], password=form.cleaned_data["new_password1"]
            )
            login(request, user, backend="hoshin.accounts.backends.RateLimitedModelBackend")
        messages.success(request, _("Welcome to %(organization)s.") % {"organization": invitation.organization.name})
        return redirect("/")

    return render(request, "accounts/invitation_accept.html", {"invitation": invitation, "form": form})
