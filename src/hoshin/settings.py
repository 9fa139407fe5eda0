"""Django settings for Hoshin, all read from the environment.

`HOSHIN_ENV` is `development` (default) or `production`. Development
generates a secret key into `.hoshin-secret-key` in the working directory;
production requires `SECRET_KEY` (or `SECRET_KEY_FILE`) and fails to start
without it. `DATABASE_URL` selects the database. The default is the SQLite
file `hoshin.sqlite3` in the working directory, in WAL mode with a busy
timeout, so the web server and an import can write at the same time.
"""

import secrets
from pathlib import Path

import dj_database_url

from hoshin.core.env import ConfigurationError, env_bool, env_int, env_list, env_str

PACKAGE_DIR = Path(__file__).resolve().parent
WORK_DIR = Path.cwd()

HOSHIN_ENV = env_str("HOSHIN_ENV", "development")
if HOSHIN_ENV not in {"development", "production"}:
    raise ConfigurationError(f"HOSHIN_ENV={HOSHIN_ENV!r} is invalid; use development or production")
PRODUCTION = HOSHIN_ENV == "production"
DEBUG = env_bool("HOSHIN_DEBUG", not PRODUCTION)


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ConfigurationError("SECRET_KEY (or SECRET_KEY_FILE) is required when HOSHIN_ENV=production")
    key_file = WORK_DIR / ".hoshin-secret-key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
if PRODUCTION and not env_str("ALLOWED_HOSTS"):
    raise ConfigurationError("ALLOWED_HOSTS is required when HOSHIN_ENV=production, for example hoshin.example.com")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "hoshin.core",
    "hoshin.organizations",
    "hoshin.kpis",
    "hoshin.okrs",
    "hoshin.accounts",
    "hoshin.audit",
    "hoshin.interchange",
    "hoshin.demo",
    "hoshin.scoring",
    "hoshin.ingest",
    "hoshin.web",
    "hoshin.insights",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "hoshin.urls"
WSGI_APPLICATION = "hoshin.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

SQLITE_PATH = WORK_DIR / "hoshin.sqlite3"
# A process keeps its database connection between requests for a minute, because opening and closing
# a connection, with the pragmas below, costs more than serving a cached page. The health check
# replaces a connection that the server dropped.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or f"sqlite:///{SQLITE_PATH}",
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": env_str("HOSHIN_TEST_SQLITE", None)}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("pt-br", "Português (Brasil)"), ("es", "Español")]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "static/"
STATIC_ROOT = env_str("STATIC_ROOT", str(WORK_DIR / "staticfiles"))

AUTHENTICATION_BACKENDS = ["hoshin.accounts.backends.RateLimitedModelBackend"]
# Number of reverse proxies in front of the application whose
# X-Forwarded-For entries are trusted for the client's address.
TRUSTED_PROXY_HOPS = env_int("HOSHIN_TRUSTED_PROXY_HOPS", 0)
# The site's address as users reach it, for links in invitation e-mails.
SITE_URL = env_str("HOSHIN_SITE_URL", "")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if not PRODUCTION else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "webmaster@localhost")

# Database triggers that reject UPDATE and DELETE on history tables, installed
# by `migrate`. The ORM guard against changing history rows is always on.
AUDIT_DATABASE_GUARD = env_bool("HOSHIN_AUDIT_DATABASE_GUARD", True)

# Change reasons are free text of any length, on SQLite and PostgreSQL alike.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Seconds a rendered organization page is reused while its data is unchanged; 0 turns the cache off.
HOSHIN_PAGE_CACHE_SECONDS = env_int("HOSHIN_PAGE_CACHE_SECONDS", 300)

# Scoring a large organization on PostgreSQL aggregates its windows in this many threads, each with
# its own connection (see hoshin.scoring.aggregates). With 1 they stay on the caller's connection.
HOSHIN_SCORING_CONNECTIONS = env_int("HOSHIN_SCORING_CONNECTIONS", 2)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION

if PRODUCTION:
    # Behind a reverse proxy that terminates TLS, every request reaches Django
    # as plain HTTP. Django must trust the proxy's X-Forwarded-Proto to know
    # the request was HTTPS, or the redirect to HTTPS below loops. Turn this
    # on only when the proxy overwrites the header sent by clients.
    if env_bool("HOSHIN_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("HOSHIN_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("HOSHIN_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("HOSHIN_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("HOSHIN_HSTS_PRELOAD", False)
    CSRF_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {"hoshin": {"handlers": ["console"], "level": env_str("HOSHIN_LOG_LEVEL", "INFO"), "propagate": False}},
}
