"""Password sign-in with limits on failed attempts per account and per client address."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied

from hoshin.accounts import ratelimit


class RateLimitedModelBackend(ModelBackend):
    """Django's model backend, refusing accounts and addresses with too many recent failures.

    A locked attempt raises Django's `PermissionDenied`, which makes
    `django.contrib.auth.authenticate` return None without trying other
    backends. Forms that want to tell the user why check the lock first
    (see `hoshin.accounts.forms.RateLimitedAuthenticationForm`).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(self._username_field())
        keys = ratelimit.login_keys(username, ratelimit.client_address(request))
        if ratelimit.seconds_locked(keys) > 0:
            raise DjangoPermissionDenied("too many failed attempts")

        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is None:
            ratelimit.record_failure(keys)
        elif username:
            ratelimit.clear(next(iter(ratelimit.login_keys(username, None))))
        return user

    @staticmethod
    def _username_field() -> str:
        from django.contrib.auth import get_user_model

        return get_user_model().USERNAME_FIELD
