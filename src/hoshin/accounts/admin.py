from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from hoshin.accounts.forms import RateLimitedAdminAuthenticationForm
from hoshin.accounts.models import Invitation, Membership
from hoshin.accounts.tokens import ApiToken, revoke_token

# The admin's login counts failures like the site's login and reports
# when an account or address is locked.
admin.site.login_form = RateLimitedAdminAuthenticationForm


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "organization", "unit", "role"]
    list_filter = ["organization", "role"]


@admin.register(ApiToken)
class ApiTokenAdmin(SimpleHistoryAdmin):
    """Tokens are created with `hoshin token create`, which shows the secret once; here they are listed and revoked."""

    list_display = ["name", "user", "display_key", "scopes", "created_at", "expires_at", "revoked_at", "last_used_at"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "user__username", "prefix"]
    fields = ["user", "name", "scopes", "display_key", "created_at", "expires_at", "revoked_at", "last_used_at"]
    readonly_fields = fields
    actions = ["revoke"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            revoke_token(token, actor=request.user, reason="revoked in the admin")


@admin.register(Invitation)
class InvitationAdmin(SimpleHistoryAdmin):
    list_display = ["email", "organization", "role", "unit", "invited_by", "created_at", "expires_at", "accepted_at"]
    list_filter = ["organization", "role"]
    search_fields = ["email"]
    exclude = ["token_hash"]
    readonly_fields = ["invited_by", "created_at", "accepted_at", "accepted_by"]

    def has_add_permission(self, request) -> bool:
        # Only the invite service can send the e-mail with the one-time link.
        return False
