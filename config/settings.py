"""Django settings, all read from the environment with django-environ.

Development (the default) runs on SQLite with a file-system Celery broker, so one machine with no
services can run the whole product. Production (DJANGO_DEBUG=false) refuses to start without its
secrets and turns on every hardening setting `check --deploy` asks for.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

from config.saml import DEFAULT_GROUP_ATTRIBUTES, saml_app
from platforms import config as platform_defaults

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)

if DEBUG:
    SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-never-use-in-production")
    TOKEN_ENCRYPTION_KEY = env(
        "TOKEN_ENCRYPTION_KEY", default="ZGV2LW9ubHktdG9rZW4ta2V5LW5vdC1mb3ItcHJvZC0xMjM="
    )
    WEBHOOK_APP_SECRET = env("WEBHOOK_APP_SECRET", default="dev-webhook-secret")
    WEBHOOK_VERIFY_TOKEN = env("WEBHOOK_VERIFY_TOKEN", default="dev-verify-token")
else:
    # No defaults in production: a missing secret stops the process at start-up.
    SECRET_KEY = env("DJANGO_SECRET_KEY")
    TOKEN_ENCRYPTION_KEY = env("TOKEN_ENCRYPTION_KEY")
    WEBHOOK_APP_SECRET = env("WEBHOOK_APP_SECRET")
    WEBHOOK_VERIFY_TOKEN = env("WEBHOOK_VERIFY_TOKEN")

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "core",
    "governance",
    "accounts",
    "moderation",
    "strategy",
    "listening",
    "ambassadors",
    "audit",
]

# --- Platforms: the simulator stands in for every platform when SIMULATOR_URL is set.
SIMULATOR_URL = env("SIMULATOR_URL", default="")
# The simulator (its `simulate_platforms` command) is a development and test tool: installed in
# development, when SIMULATOR_URL points at it, and in test runs (tests/environment.py), never in
# production unless asked for with SIMULATOR_ENABLED=true.
SIMULATOR_ENABLED = env.bool("SIMULATOR_ENABLED", default=DEBUG or bool(SIMULATOR_URL))
if SIMULATOR_ENABLED:
    INSTALLED_APPS.append("simulator")

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "audit.middleware.RequestIdMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "governance.middleware.MunicipalityLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "governance.middleware.NullCharacterQueryMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

if not DEBUG:
    # Production serves static files from the app server (gunicorn) through WhiteNoise.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "OPTIONS": {
            "loaders": [
                (
                    "django.template.loaders.cached.Loader",
                    [
                        "django.template.loaders.filesystem.Loader",
                        "django.template.loaders.app_directories.Loader",
                    ],
                )
            ],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "governance.context_processors.shell",
            ],
        },
    },
]

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes (web, worker, beat) share the file in the one-machine run: WAL lets
    # readers go on while one writes, and IMMEDIATE transactions wait instead of failing.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    # A file, not memory, so the worker processes some tests start can open it too.
    VAR_DIR.mkdir(exist_ok=True)
    # Each test run names its own file (tests/environment.py), so two runs never share one.
    _suffix = env("TEST_DATABASE_SUFFIX", default="")
    DATABASES["default"].setdefault("TEST", {})["NAME"] = str(
        VAR_DIR / (f"test-db-{_suffix}.sqlite3" if _suffix else "test-db.sqlite3")
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"
ACCOUNT_LOGOUT_REDIRECT_URL = "account_login"

# --- Internationalisation: the municipality's language is the default (see the middleware).
LANGUAGE_CODE = env("DJANGO_LANGUAGE_CODE", default="da")
LANGUAGES = [
    ("da", _("Danish")),
    ("sv", _("Swedish")),
    ("nb", _("Norwegian Bokmål")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English dates are European: day, month, year and a 24-hour clock (config/formats/en).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env("DJANGO_TIME_ZONE", default="Europe/Copenhagen")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("DJANGO_STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor", BASE_DIR / "node_modules")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=VAR_DIR / "media")
MEDIA_URL = "media/"

# --- E-mail: the console in development, an SMTP URL in production.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="noreply@municipality.invalid")

# --- Login: local accounts always; OIDC (e.g. Microsoft Entra ID) when configured.
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "governance.auth.NoSignupAccountAdapter"
# Failed logins (governance.auth): 10 a minute from one address whatever the account; 5 in five
# minutes and 10 an hour for one account from one address; 30 an hour for one account from all
# addresses together. One address alone (at most 10 an hour per account) cannot reach the last
# limit, so it cannot lock a colleague out elsewhere; a flood from many addresses is slowed.
# Counted in the default cache: CACHE_URL must be shared by every process (check W001).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key,10/h/key",
    "login_failed_account": "30/h/key",
}
# Behind a reverse proxy: how many proxies' X-Forwarded-For entries to trust for the address.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
SOCIALACCOUNT_ADAPTER = "governance.auth.NoSignupSocialAccountAdapter"
OIDC_CLIENT_ID = env("OIDC_CLIENT_ID", default="")
SOCIALACCOUNT_PROVIDERS = {}
if OIDC_CLIENT_ID:
    SOCIALACCOUNT_PROVIDERS["openid_connect"] = {
        "APPS": [
            {
                "provider_id": env("OIDC_PROVIDER_ID", default="entra"),
                "name": env("OIDC_PROVIDER_NAME", default="Microsoft Entra ID"),
                "client_id": OIDC_CLIENT_ID,
                "secret": env("OIDC_CLIENT_SECRET"),
                "settings": {"server_url": env("OIDC_SERVER_URL")},
            }
        ]
    }

# --- SAML single sign-on (KOMBIT's context handler, ADFS, Entra ID) when configured: the
# identity provider described by its entity id, sign-on address and certificate, or by its
# metadata address. The product's own metadata is at /auth/saml/<SAML_SLUG>/metadata/.
SAML_IDP_ENTITY_ID = env("SAML_IDP_ENTITY_ID", default="")
SAML_SLUG = env("SAML_SLUG", default="municipality")
if SAML_IDP_ENTITY_ID:
    SOCIALACCOUNT_PROVIDERS["saml"] = {
        "APPS": [
            saml_app(
                slug=SAML_SLUG,
                name=env("SAML_PROVIDER_NAME", default="SAML"),
                idp_entity_id=SAML_IDP_ENTITY_ID,
                sso_url=env("SAML_IDP_SSO_URL", default=""),
                x509cert=env("SAML_IDP_X509CERT", default=""),
                slo_url=env("SAML_IDP_SLO_URL", default=""),
                metadata_url=env("SAML_IDP_METADATA_URL", default=""),
                sp_entity_id=env("SAML_SP_ENTITY_ID", default=""),
                sp_x509cert=env("SAML_SP_X509CERT", default=""),
                sp_private_key=env("SAML_SP_PRIVATE_KEY", default=""),
                sign_requests=env.bool("SAML_SIGN_REQUESTS", default=False),
                want_encrypted_assertions=env.bool("SAML_ENCRYPTED_ASSERTIONS", default=False),
                attribute_mapping=env.json("SAML_ATTRIBUTE_MAPPING", default={}),
                email_domains=env.list("SAML_EMAIL_DOMAINS", default=[]),
            )
        ]
    }
# Roles and units from the identity provider's groups, applied at every SAML or OpenID Connect
# sign-in (governance/sso.py): {"group": {"unit": "name or id", "role": "...", "lead": false}}.
SAML_ROLE_MAPPING = env.json("SAML_ROLE_MAPPING", default={})
SAML_GROUP_ATTRIBUTES = env.list("SAML_GROUP_ATTRIBUTES", default=DEFAULT_GROUP_ATTRIBUTES)
# The OpenID Connect claims holding the groups the mapping reads: Entra ID's "groups" (group
# object ids) and "roles" (app roles), or another provider's own claim name.
OIDC_GROUP_CLAIMS = env.list("OIDC_GROUP_CLAIMS", default=["groups", "roles"])

# Staff accounts are made by the organisation, never by self sign-up; an identity provider may
# create them only when the installation allows it, per provider.
OIDC_AUTO_SIGNUP = env.bool("OIDC_AUTO_SIGNUP", default=False)
SAML_AUTO_SIGNUP = env.bool("SAML_AUTO_SIGNUP", default=False)
# Where an identity provider may create an account, it does so from its own attributes at once,
# without a sign-up form (governance.auth decides whether it may).
SOCIALACCOUNT_AUTO_SIGNUP = True

# --- JSON API.
REST_FRAMEWORK = {
    # Personal tokens first: their WWW-Authenticate header makes missing credentials a 401, not
    # a 403. A read-only token's writes are refused by the default permission class.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "governance.tokens.PersonalTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.permissions.api.ActionPermission"],
    "EXCEPTION_HANDLER": "core.api_errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # JSON nested too deeply or holding a NUL character is a 400 (core/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Counted in the default cache (CACHES), so every process shares the counts.
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api_throttles.AnonRateThrottle",
        "core.api_throttles.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_THROTTLE_ANON", default="60/min"),
        "user": env("API_THROTTLE_USER", default="600/min"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Municipal social media governance API",
    "DESCRIPTION": (
        "Channels, moderation queue, policies and strategy of one municipality.\n\n"
        "**Authentication.** Signed in to the product, the browser's session works here. A "
        "program uses a personal API token: make one on your profile page (`/profile/`, the "
        'name in the header, under "API tokens"), choose *read only* or *read and moderate* '
        "and an expiry, and copy it when it is shown (it is shown once). Send it as "
        "`Authorization: Bearer <token>` (the Authorize button below takes it). A token acts "
        "with your permissions and never more; a read-only token is refused every write "
        "(403, `read_only_token`); an expired or revoked one answers 401. "
        "`/api/v1/me/tokens/` lists and revokes your tokens; making one needs the session."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api_errors.add_error_responses",
    ],
    # Several models have a "status" or a clock field: name each choice set after its meaning.
    "ENUM_NAME_OVERRIDES": {
        "ClockEnum": "governance.models.policy.Clock",
        "PolicyStatusEnum": "governance.models.policy.PolicyStatus",
        "ChannelStatusEnum": "accounts.models.channel.ChannelStatus",
        "ClosingNoticeStatusEnum": "accounts.models.channel.NoticeStatus",
        "TokenStatusEnum": "accounts.models.connection.TokenStatus",
        "TokenScopeEnum": "governance.models.tokens.TokenScope",
        "ItemStatusEnum": "moderation.models.items.ItemStatus",
        "ForwardingStatusEnum": "moderation.models.workflow.ForwardingStatus",
        "OutboxStatusEnum": "moderation.models.ingestion.OutboxStatus",
        "OutboxKindEnum": "moderation.models.ingestion.OutboxKind",
        "ItemKindEnum": "moderation.models.items.ItemKind",
        "LanguageEnum": "governance.models.organisation.Language",
        "WeekdayEnum": "governance.models.organisation.Weekday",
    },
}

# --- Celery. Without CELERY_BROKER_URL a file-system broker stands in: a real worker process
# still consumes the queue, so the one-machine run takes the same code path as production.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS = {}
# The file-system broker's folder; the test suite uses a folder of its own.
CELERY_FILESYSTEM_DIR = Path(env("CELERY_FILESYSTEM_DIR", default=str(VAR_DIR / "celery")))
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue_dir = CELERY_FILESYSTEM_DIR / "queue"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(CELERY_FILESYSTEM_DIR / "processed"),
        "store_processed": False,
        # Broadcast (remote control) exchanges; kombu's default is a folder in the cwd.
        "control_folder": str(CELERY_FILESYSTEM_DIR / "control"),
    }
    for _folder in ("queue", "processed", "results", "control"):
        (CELERY_FILESYSTEM_DIR / _folder).mkdir(parents=True, exist_ok=True)
CELERY_RESULT_BACKEND = env(
    "CELERY_RESULT_BACKEND",
    default="file://" + str(CELERY_FILESYSTEM_DIR / "results")
    if CELERY_BROKER_URL.startswith("filesystem://")
    else CELERY_BROKER_URL,
)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_RESULT_EXPIRES = 3600
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {}  # apps add their entries in config/celery.py

# --- Platforms: their base URLs (SIMULATOR_URL, above, replaces them all when set).
PLATFORM_BASE_URLS = {
    "facebook": env("FACEBOOK_GRAPH_URL", default="https://graph.facebook.com"),
    "instagram": env("INSTAGRAM_GRAPH_URL", default="https://graph.facebook.com"),
    "linkedin": env("LINKEDIN_API_URL", default="https://api.linkedin.com"),
    "x": env("X_API_URL", default="https://api.x.com"),
    "youtube": env("YOUTUBE_API_URL", default="https://www.googleapis.com"),
}
# API versions: the defaults are current ones (platforms/config.py); the communications team is
# warned API_VERSION_WARNING_DAYS before a configured version ends (platforms/versions.py).
FACEBOOK_GRAPH_VERSION = env("FACEBOOK_GRAPH_VERSION", default=platform_defaults.GRAPH_VERSION)
LINKEDIN_API_VERSION = env("LINKEDIN_API_VERSION", default=platform_defaults.LINKEDIN_VERSION)
API_VERSION_WARNING_DAYS = env.int("API_VERSION_WARNING_DAYS", default=60)
# X's field names: "post" (post.fields, referenced_posts: the current v2 specification) or
# "tweet" (tweet.fields, referenced_tweets: the older documents).
X_FIELDS_NAMING = env("X_FIELDS_NAMING", default="post")
# The Meta app's id: picks the app's own entry out of a Page's subscribed apps. Without it, a
# Page listing one app is read as ours, and the fields asked for stand when it lists several.
FACEBOOK_APP_ID = env("FACEBOOK_APP_ID", default="")
PLATFORM_TIMEOUT_SECONDS = env.float("PLATFORM_TIMEOUT_SECONDS", default=10.0)
# Connecting channels through the platforms' OAuth: each developer app's credentials. A platform
# whose credentials are missing offers no "Connect" button (the page says why). With
# SIMULATOR_URL set, the simulator's own apps stand in (accounts/oauth.py).
OAUTH_CLIENTS = {
    "facebook": (env("FACEBOOK_APP_ID", default=""), env("FACEBOOK_APP_SECRET", default="")),
    "linkedin": (
        env("LINKEDIN_CLIENT_ID", default=""),
        env("LINKEDIN_CLIENT_SECRET", default=""),
    ),
    "x": (env("X_CLIENT_ID", default=""), env("X_CLIENT_SECRET", default="")),
    "google": (env("GOOGLE_CLIENT_ID", default=""), env("GOOGLE_CLIENT_SECRET", default="")),
}
# Where the providers' consent pages and token endpoints live (SIMULATOR_URL replaces them).
OAUTH_AUTHORIZE_HOSTS = {
    "facebook": env("FACEBOOK_AUTHORIZE_URL", default="https://www.facebook.com"),
    "linkedin": env("LINKEDIN_AUTHORIZE_URL", default="https://www.linkedin.com"),
    "x": env("X_AUTHORIZE_URL", default="https://x.com"),
    "google": env("GOOGLE_AUTHORIZE_URL", default="https://accounts.google.com"),
}
OAUTH_TOKEN_HOSTS = {
    "facebook": env("FACEBOOK_TOKEN_URL", default="https://graph.facebook.com"),
    "linkedin": env("LINKEDIN_TOKEN_URL", default="https://www.linkedin.com"),
    "x": env("X_TOKEN_URL", default="https://api.x.com"),
    "google": env("GOOGLE_TOKEN_URL", default="https://oauth2.googleapis.com"),
}
# The product's address as the providers send people back to it (register
# {OAUTH_REDIRECT_BASE_URL}/channels/connect/oauth/callback/ with each app); empty: the address
# the person's browser used.
OAUTH_REDIRECT_BASE_URL = env("OAUTH_REDIRECT_BASE_URL", default="")
POLL_INTERVAL_SECONDS = env.int("POLL_INTERVAL_SECONDS", default=60)
# The YouTube Data API quota is the Google Cloud project's (one project for all YouTube
# channels): units a day, and how many of them stay reserved for replies and moderation
# (50 units each). Polling of all YouTube channels stretches to fit the rest.
YOUTUBE_DAILY_QUOTA_UNITS = env.int("YOUTUBE_DAILY_QUOTA_UNITS", default=10_000)
YOUTUBE_QUOTA_RESERVE_UNITS = env.int("YOUTUBE_QUOTA_RESERVE_UNITS", default=2_000)
# search.list's own daily bucket of calls (the documentation's default is 100).
YOUTUBE_DAILY_SEARCH_CALLS = env.int("YOUTUBE_DAILY_SEARCH_CALLS", default=100)

# --- Listening (streams of hashtags, keywords and mentions; the `listening` app).
# How often an enabled stream is read.
LISTENING_INTERVAL_SECONDS = env.int("LISTENING_INTERVAL_SECONDS", default=900)
# X bills reads per post returned: the estimated price of one post read, and the monthly cap
# listening stops at (both in US dollars).
LISTENING_X_COST_PER_POST = env.float("LISTENING_X_COST_PER_POST", default=0.005)
LISTENING_X_MONTHLY_CAP = env.float("LISTENING_X_MONTHLY_CAP", default=25.0)
# search.list calls a day listening may use of the bucket; the rest stays for the daily figures.
LISTENING_YOUTUBE_SEARCH_CALLS = env.int("LISTENING_YOUTUBE_SEARCH_CALLS", default=60)
# A channel whose token lacks the messaging permission keeps its comments polled; messages are
# tried again after this many hours, or at once after a reconnect.
MESSAGING_RETRY_HOURS = env.int("MESSAGING_RETRY_HOURS", default=24)
# The registry: when a page without own posts turns dormant, how often owners confirm it.
CHANNEL_DORMANT_AFTER_DAYS = env.int("CHANNEL_DORMANT_AFTER_DAYS", default=90)
CHANNEL_REVIEW_INTERVAL_DAYS = env.int("CHANNEL_REVIEW_INTERVAL_DAYS", default=365)
# "Answer times met" (C8): the share of a page's items answered by their deadline, over the
# items received in the last CHANNEL_ANSWER_WINDOW_DAYS, must reach CHANNEL_ANSWER_TARGET_PERCENT.
CHANNEL_ANSWER_WINDOW_DAYS = env.int("CHANNEL_ANSWER_WINDOW_DAYS", default=30)
CHANNEL_ANSWER_TARGET_PERCENT = env.int("CHANNEL_ANSWER_TARGET_PERCENT", default=90)
# Records (journaling): where captured records are exported to; empty turns a drop off.
RECORDS_FILE_DROP_DIR = env("RECORDS_FILE_DROP_DIR", default="")
RECORDS_EMAIL_DROP_ADDRESS = env("RECORDS_EMAIL_DROP_ADDRESS", default="")
# The product's own address, for links in e-mails.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
FIRST_IMPORT_DAYS = env.int("FIRST_IMPORT_DAYS", default=14)

# --- Security. Production turns on everything `check --deploy` asks for.
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
