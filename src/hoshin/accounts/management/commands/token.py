"""`hoshin token`: create, list and revoke API tokens."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from hoshin.accounts.tokens import TOKEN_PREFIX, ApiToken, Scope, create_token, revoke_token
from hoshin.core.errors import DomainError


def _find(token_or_prefix: str) -> ApiToken:
    """Find a token by its raw value, its shown form `hsn_<prefix>_…` or its bare prefix."""
    text = token_or_prefix.strip().rstrip("…")
    parts = text.split("_")
    prefix = parts[1] if len(parts) >= 2 and parts[0] == TOKEN_PREFIX else parts[0]
    token = ApiToken.objects.select_related("user").filter(prefix=prefix).first()
    if token is None:
        raise CommandError(f"no token with prefix {prefix!r}; list them with: hoshin token list")
    return token


class Command(BaseCommand):
    help = "Create, list and revoke API tokens. The raw token is printed once, at creation."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        create = actions.add_parser("create", help="Create a token and print it once.")
        create.add_argument("username")
        create.add_argument("--scope", action="append", required=True, choices=Scope.values, dest="scopes",
                            help="A scope; repeat for several.")
        create.add_argument("--name", default="command line", help="What the token is for.")
        create.add_argument("--expires-days", type=int, default=None, help="Days until it expires (default: never).")

        listing = actions.add_parser("list", help="List tokens, without their secrets.")
        listing.add_argument("username", nargs="?")

        revoke = actions.add_parser("revoke", help="Revoke a token from now on.")
        revoke.add_argument("token", help="The raw token, its shown form hsn_<prefix>_… or its prefix.")
        revoke.add_argument("--reason", default="", help="Why, for the audit log.")

    def handle(self, *args, action, **options):
        try:
            getattr(self, f"handle_{action}")(**options)
        except DomainError as error:
            raise CommandError(str(error)) from error

    def handle_create(self, username, scopes, name, expires_days, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"user {username!r} not found")
        token, raw = create_token(user, name=name, scopes=scopes, expires_in_days=expires_days)
        expiry = f"expires {token.expires_at:%Y-%m-%d}" if token.expires_at else "does not expire"
        self.stderr.write(f"created token {token.display_key} for {username} ({', '.join(token.scopes)}; {expiry}). "
                          "It is shown once; store it now.")
        self.stdout.write(raw)

    def handle_list(self, username, **options):
        tokens = ApiToken.objects.select_related("user").order_by("user__username", "-created_at")
        if username:
            tokens = tokens.filter(user__username=username)
        for token in tokens:
            state = "active"
            if token.revoked_at:
                state = "revoked"
            elif token.is_expired():
                state = "expired"
            last_used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            self.stdout.write(
                f"{token.display_key}\t{token.user.username}\t{token.name}\t{','.join(token.scopes)}\t{state}\t"
                f"last used {last_used}"
            )

    def handle_revoke(self, token, reason, **options):
        found = _find(token)
        already = found.revoked_at is not None
        revoke_token(found, reason=reason)
        self.stdout.write(f"{found.display_key} {'was already' if already else 'is now'} revoked")
