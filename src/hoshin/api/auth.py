"""Bearer-token authentication for the API, and loading an organization the user may see."""

from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from hoshin.core.errors import NotFound
from hoshin.organizations.models import Organization


class TokenAuth(HttpBearer):
    """`Authorization: Bearer <token>` checked by `hoshin.accounts.tokens.authenticate_token` for one scope.

    A missing header returns 401. A token that is malformed, unknown,
    revoked, expired or lacks the scope raises `PermissionDenied` (403).
    """

    def __init__(self, scope: str):
        super().__init__()
        self.scope = scope

    def __call__(self, request):
        # HttpBearer logs the whole header on a wrong scheme in DEBUG; a token must never reach a log.
        value = request.headers.get(self.header, "")
        scheme, _sep, token = value.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return self.authenticate(request, token.strip())

    def authenticate(self, request, token):
        from hoshin.accounts.ratelimit import client_address
        from hoshin.accounts.tokens import authenticate_token

        return authenticate_token(token, self.scope, address=client_address(request))


def organization_for(user, key: str) -> Organization:
    """Return the organization `key` if `user` belongs to it (or is a superuser), else raise `NotFound`."""
    organization = Organization.objects.filter(key=key).first()
    visible = organization is not None and (
        user.is_superuser or organization.memberships.filter(user=user).exists()
    )
    if not visible:
        raise NotFound(_("Organization %(key)s not found.") % {"key": key}, field="org")
    return organization
