"""The one settings module. Everything that differs between machines comes from the environment
(a `.env` file is read when present); see README.md for the variables."""
from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import environ
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# The test run sets DJANGO_READ_DOT_ENV_FILE=false (pyproject.toml): the demo's `.env` turns staff
# two-factor sign-in off, and the suite must behave the same whether or not the demo ever ran.
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=True):
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# ---------------------------------------------------------------------------- general
DEBUG = env.bool("DEBUG", default=False)
# The demo (.env written by scripts/run): webhook endpoints may be plain http:// on this machine.
DEMO = env.bool("DEMO", default=DEBUG)
# DEMO=false written out (docs/deployment.md): seed_demo refuses even an empty database.
DEMO_SWITCHED_OFF = "DEMO" in os.environ and not DEMO
SECRET_KEY = env.str("SECRET_KEY")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A stale form gets a translated page that says what to do, not Django's page about CSRF.
CSRF_FAILURE_VIEW = "core.error_pages.csrf_failure"
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)
# Who files with the authority (A05), printed on Form 08 and the other filings: the bank and its DPO,
# each from its own variable. Unset, the demo's values stand in only with DEMO on; without DEMO,
# `manage.py check` stops the node (regulator.E001, regulator/checks.py).
REGULATOR_ORGANISATION_ENV = {
    "name": "REGULATOR_ORG_NAME",
    "registration_number": "REGULATOR_ORG_REGISTRATION_NUMBER",
    "address": "REGULATOR_ORG_ADDRESS",
    "dpo_name": "REGULATOR_DPO_NAME",
    "dpo_email": "REGULATOR_DPO_EMAIL",
    "dpo_phone": "REGULATOR_DPO_PHONE",
}
REGULATOR_ORGANISATION = {
    key: env.str(variable).strip()
    for key, variable in REGULATOR_ORGANISATION_ENV.items()
    if env.str(variable, default="").strip()
}
# The bank's name as printed on the reports it files (the monthly deadline report for the regulator, a
# customer's proof bundle): the name its filings to A05 carry unless set apart; the demo's only in the demo.
# Set but empty (`BANK_NAME=` in an env file) it falls back as unset: no report prints a blank bank.
BANK_NAME = env.str("BANK_NAME", default="").strip() or REGULATOR_ORGANISATION.get(
    "name", "Ngân hàng TMCP Quyền Dữ Liệu (demo)"
)
# The customer hotline every SMS names beside the branches, for a customer with no app nor internet
# banking to ask about a message (`integrations.delivery.bank_hotline`: the SMS ending and the e-mails that
# say "call the hotline"); empty: the branches only.
BANK_HOTLINE = env.str("BANK_HOTLINE", default="").strip()
# The release deployed (a tag or commit), printed on documents the bank hands an inspector; empty: unknown.
PLATFORM_VERSION = env.str("PLATFORM_VERSION", default="")

# ---------------------------------------------------------------------------- apps
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "encrypted_model_fields",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "oauth2_provider",
    # The project's apps, in their layers from the bottom up (docs/architecture.md): each imports only
    # from the apps above it in this list.
    "core",
    "audit",
    "accounts",
    "integrations",
    "subjects",
    "notifications",
    "deadlines",
    "consents",
    "authorisations",
    "dsr",
    "regulator",
    "transparency",
    "portal",
    # After the project's apps: accounts' `axes_reset_username` (an audited unlock) takes the place of
    # django-axes' own command of that name, which Django finds in the app listed first.
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Before anything reads the body: an API body over DATA_UPLOAD_MAX_MEMORY_SIZE gets a JSON 413.
    "core.middleware.ApiBodyLimitMiddleware",
    "core.security_headers.ContentSecurityPolicyMiddleware",
    "core.security_headers.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Session, user and messages: Django's, left out of API calls that carry a token (core/middleware.py).
    "core.middleware.SessionMiddleware",
    # Pages by their path; the API by the caller's Accept-Language (core/middleware.py).
    "core.middleware.LocaleMiddleware",
    # A NUL byte in an API query parameter or stored header: a 400 naming it, not PostgreSQL's 500.
    "core.middleware.ApiNulByteMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "core.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.middleware.MessageMiddleware",
    # Signs out a session idle too long or past its age (accounts/sessions.py); after messages, to say so.
    "accounts.sessions.SessionLifetimeMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.RequestContextMiddleware",
    "core.middleware.NoStoreForSignedInMiddleware",
    # A page that meets an unreachable database or broker answers 503 with the outage page.
    "core.error_pages.OutageMiddleware",
    # A POST-only page opened by its address answers the translated 405 page, not an empty body.
    "core.error_pages.MethodNotAllowedMiddleware",
    # Last, as django-axes requires: it turns a locked-out sign-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.navigation",
            ],
        },
    },
    {
        # Plain-text messages (`core.plain_text`): the `.txt` templates, not escaped for HTML.
        "NAME": "text",
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {"autoescape": False},
    },
]

# ---------------------------------------------------------------------------- databases
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'quyen_du_lieu.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE takes the write lock when a transaction starts, so two writers queue instead of one
    # failing with "database is locked" when it upgrades a read lock (audit chain, status changes).
    DATABASES["default"].setdefault("OPTIONS", {}).update({
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # WAL lets the web workers read while Celery writes.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    })
    # Tests use a file, not shared-cache memory: memory databases lock whole tables and ignore the
    # busy timeout, so concurrency tests would measure SQLite's test mode instead of the product.
    DATABASES["default"]["TEST"] = {
        "NAME": env.str("TEST_DATABASE_NAME", default=str(VAR_DIR / f"test-{os.getpid()}.sqlite3")),
    }
else:
    # A streaming replica for the reads that may lag (core/replica.py: reports, exports, the audit list,
    # dashboards, the processing record); everything else stays on the primary.
    if env.str("DATABASE_REPLICA_URL", default=""):
        DATABASES["replica"] = env.db("DATABASE_REPLICA_URL")
        # A replica that stops answering is given up quickly: its pages fall back to the primary.
        DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
        # The suite never creates a test database on a read-only standby; the replica tests point this
        # alias at the standby's copy of the primary's test database themselves.
        DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    for database in DATABASES.values():
        database.setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
        # No health check before each request: it is one more round trip on every consent check
        # (bench/consent_check_profile.py). After a database restart, the first request on each stale
        # connection answers 503 with Retry-After (core/error_pages.py) and Django drops that connection.
        database.setdefault("CONN_HEALTH_CHECKS", env.bool("CONN_HEALTH_CHECKS", default=False))
        # The consent check's queries are prepared once per connection (core/db.py). Turn this off only
        # behind a pooler in transaction mode that cannot keep prepared statements (PgBouncer < 1.21).
        if env.bool("DB_PREPARED_STATEMENTS", default=True):
            database.setdefault("OPTIONS", {}).setdefault("prepare_threshold", 0)
    DATABASES["default"].setdefault("TEST", {})["NAME"] = env.str("TEST_DATABASE_NAME", default=None)
DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
# Seconds a process leaves an unreachable replica alone (its reads go to the primary meanwhile).
REPLICA_RETRY_SECONDS = env.float("REPLICA_RETRY_SECONDS", default=10.0)

# ---------------------------------------------------------------------------- cache and broker
REDIS_URL = env.str("REDIS_URL", default="")
# How long Redis waits for a worker to acknowledge a task before handing it to another: tasks are
# acknowledged late, so every task's hard time limit must stay under it (audit/tasks.py).
REDIS_VISIBILITY_TIMEOUT = 3600
BROKER_DIR = VAR_DIR / "broker"
# Seconds to open a connection to Redis and to wait for each reply, for the caches and the broker alike.
# Without them a Redis that accepts connections but never answers (a black-holed fail-over, a stuck
# server) holds a web thread for minutes on a committed write's task publish or a throttle count; with
# them the publish fails, the outbox keeps the message for its sweep, and the throttle lets calls through.
REDIS_SOCKET_OPTIONS = {
    "socket_connect_timeout": env.float("REDIS_CONNECT_TIMEOUT", default=2.0),
    "socket_timeout": env.float("REDIS_SOCKET_TIMEOUT", default=2.0),
}
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                    "OPTIONS": REDIS_SOCKET_OPTIONS},
        # API throttle counts, shared by every web worker (integrations/api/throttling.py).
        "throttle": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                     "KEY_PREFIX": "throttle", "OPTIONS": REDIS_SOCKET_OPTIONS},
    }
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS: dict = {
        "visibility_timeout": REDIS_VISIBILITY_TIMEOUT, **REDIS_SOCKET_OPTIONS,
    }
else:
    # The embedded default needs no server: kombu's filesystem transport keeps the queue in files.
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "throttle"},
    }
    CELERY_BROKER_URL = "filesystem://"
    for folder in ("queue", "processed", "control"):
        (BROKER_DIR / folder).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }

# ---------------------------------------------------------------------------- celery
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_TASK_IGNORE_RESULT = True
# django-celery-beat's database scheduler, keeping the report times the DPO changed (core/beat.py).
CELERY_BEAT_SCHEDULER = "core.beat:DatabaseScheduler"
# /healthz reports the beat "late" when its last tick is older than this (core/heartbeat.py): the leader
# ticks at least every 20 s, and a standby takes over within the 60-second lease after the leader dies.
BEAT_LATE_AFTER_SECONDS = env.int("BEAT_LATE_AFTER_SECONDS", default=120)
# A worker and its beat may be given a queue of their own (the real-worker tests do).
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_TASK_DEFAULT_QUEUE", default="celery")

# ---------------------------------------------------------------------------- e-mail
# The embedded default writes each e-mail as a file under var/mail/ (no mail server to install);
# production sets EMAIL_URL, e.g. smtp+tls://user:password@mail.bank.vn:587 (django-environ).
MAIL_DIR = VAR_DIR / "mail"
if env.str("EMAIL_URL", default=""):
    globals().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default=str(MAIL_DIR))
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=20)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Quyen Du Lieu <no-reply@quyendulieu.local>")
# Staff mail (and Django's mail to ADMINS) is tagged for mailbox rules; customers' is not: a bank
# customer reads "[QDL] ..." as phishing. A bank that wants its name in front sets the second one.
EMAIL_SUBJECT_PREFIX = env.str("EMAIL_SUBJECT_PREFIX", default="[QDL] ")
CUSTOMER_EMAIL_SUBJECT_PREFIX = env.str("CUSTOMER_EMAIL_SUBJECT_PREFIX", default="")
# Links in e-mails point at the portal as its users reach it.
SITE_URL = env.str("SITE_URL", default="http://localhost:8000")

# ---------------------------------------------------------------------------- customer notifications
# SMS: the bank's HTTP gateway when SMS_GATEWAY_URL is set (JSON POST with a bearer token); otherwise each
# text is written as a file under var/sms/ (no gateway needed for the demo and the tests).
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env.str("SMS_GATEWAY_TOKEN", default="")
SMS_SENDER = env.str("SMS_SENDER", default="")
SMS_FILE_PATH = env.str("SMS_FILE_PATH", default=str(VAR_DIR / "sms"))
# The channels tried, in order, for a customer who has not chosen (email, sms, inbox); the in-app inbox
# is always the last resort. A channel that fails this many delivery attempts hands over to the next.
NOTIFY_DEFAULT_CHANNELS = env.list("NOTIFY_DEFAULT_CHANNELS", default=["email", "sms", "inbox"])
NOTIFY_FALLBACK_AFTER_ATTEMPTS = env.int("NOTIFY_FALLBACK_AFTER_ATTEMPTS", default=2)
# Days an e-mail or SMS keeps its address and body in the outbox once sent or cancelled (to look into a
# complaint about it); the nightly purge then empties both, keeping topic, status and times.
OUTBOX_CONTENT_KEPT_DAYS = env.int("OUTBOX_CONTENT_KEPT_DAYS", default=30)
# Whether the nightly job erases former customers whose relationship ended longer ago than the
# inventory's longest retention rule (`dsr.services.former_customers`). Off until the bank has checked
# its retention rules: the erasure cannot be undone (docs/operations.md).
FORMER_CUSTOMERS_ERASED_AFTER_RETENTION = env.bool("FORMER_CUSTOMERS_ERASED_AFTER_RETENTION", default=False)

# ---------------------------------------------------------------------------- security
# Field encryption: a comma-separated list of Fernet keys. The first encrypts, all decrypt (MultiFernet),
# so a new key goes first, `manage.py rotate_keys` re-encrypts, then the old key is dropped.
FIELD_ENCRYPTION_KEY = [key.strip() for key in env.list("FIELD_ENCRYPTION_KEY") if key.strip()]
# Blind indexes: look-ups match either key while `rotate_keys` recomputes the indexes after a change.
BLIND_INDEX_KEY = env.str("BLIND_INDEX_KEY")
BLIND_INDEX_KEY_PREVIOUS = env.str("BLIND_INDEX_KEY_PREVIOUS", default="")
# The audit trail's keyed MAC: a comma-separated list of secrets (each ≥ 32 characters). The first
# signs new entries and checkpoints; every one verifies, so an old key stays listed after a rotation
# for as long as entries it signed are kept (the trail is append-only: nothing is re-signed).
AUDIT_MAC_KEY = [key.strip() for key in env.list("AUDIT_MAC_KEY") if key.strip()]
# Signed checkpoints of the chain's head, appended hourly outside the database (docs/security.md).
AUDIT_CHECKPOINT_DIR = Path(env.str("AUDIT_CHECKPOINT_DIR", default=str(VAR_DIR / "audit-checkpoints")))
# Internal audit's addresses: each checkpoint is also e-mailed there, a copy the platform cannot recall.
AUDIT_CHECKPOINT_EMAIL = env.list("AUDIT_CHECKPOINT_EMAIL", default=[])
# A staff member who looks at this many different customers within an hour is recorded and the DPOs are
# e-mailed (audit.services.unusual): ten times what a busy branch desk or call-centre agent opens in an
# hour, so more is a walk through customers, not serving the ones in front of them.
UNUSUAL_ACCESS_CUSTOMERS = env.int("UNUSUAL_ACCESS_CUSTOMERS", default=50)
# Webhooks go only to receivers on the internet (integrations/addresses.py): never to this machine or a
# private network. On only where receivers are local: the demo's `.env` and the test run.
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", default=False)
# A bank whose servers reach the internet only through its egress proxy names it here (http://host:port);
# webhooks then go through it, and its allow-list keeps them off the inside.
WEBHOOK_PROXY_URL = env.str("WEBHOOK_PROXY_URL", default="")


def _check_key_material() -> None:
    # A malformed key must stop the process before anything is encrypted with it, with a message
    # that says which variable is wrong (never the key itself).
    # Sessions, CSRF and the request fingerprints are signed with it: a production node (DEBUG off) with
    # an empty or guessable one would let anyone forge them. A DEBUG machine may keep a short one.
    if not DEBUG and len(SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "SECRET_KEY must be at least 32 characters of secret material (DEBUG is off)."
        )
    if not FIELD_ENCRYPTION_KEY:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY is empty: set one Fernet key (or a comma-separated list)."
        )
    for position, key in enumerate(FIELD_ENCRYPTION_KEY, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError) as error:
            raise ImproperlyConfigured(
                f"FIELD_ENCRYPTION_KEY key #{position} is not a valid Fernet key (32 url-safe base64-encoded "
                "bytes, e.g. from `cryptography.fernet.Fernet.generate_key()`)."
            ) from error
    for name, value in (
        ("BLIND_INDEX_KEY", BLIND_INDEX_KEY),
        ("BLIND_INDEX_KEY_PREVIOUS", BLIND_INDEX_KEY_PREVIOUS),
    ):
        if (value or name == "BLIND_INDEX_KEY") and len(value) < 32:
            raise ImproperlyConfigured(f"{name} must be at least 32 characters of secret material.")
    if not AUDIT_MAC_KEY:
        raise ImproperlyConfigured("AUDIT_MAC_KEY is empty: set one secret (or a comma-separated list).")
    for position, key in enumerate(AUDIT_MAC_KEY, start=1):
        if len(key) < 32:
            raise ImproperlyConfigured(f"AUDIT_MAC_KEY key #{position} must be at least 32 characters.")
    if BLIND_INDEX_KEY_PREVIOUS and BLIND_INDEX_KEY_PREVIOUS == BLIND_INDEX_KEY:
        raise ImproperlyConfigured("BLIND_INDEX_KEY_PREVIOUS must differ from BLIND_INDEX_KEY (or be unset).")


_check_key_material()
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# django-axes first: it counts failed sign-ins and refuses a locked username+address before the
# password check. Integration accounts never sign in with a password (tokens only).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.PeopleOnlyModelBackend",
]
# Lock a username from one address after 5 failures for 30 minutes (or until the DPO unlocks it);
# username+address so that an attacker cannot lock a colleague out from elsewhere by guessing.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.lockout.locked_out"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Days the sign-in log (django-axes: username, address, browser of each sign-in and failure) is kept to
# look into an attack or a customer's complaint; the nightly purge then deletes older rows. A customer's
# completed deletion erases theirs at once (dsr.services.erasure).
SIGN_IN_LOG_KEPT_DAYS = env.int("SIGN_IN_LOG_KEPT_DAYS", default=90)
# A staff login holding a role without a sign-in for this many days is flagged dormant on Portal → Staff
# roles, for the DPO's access review (a leaver nobody reported, a contractor whose work ended).
STAFF_DORMANT_AFTER_DAYS = env.int("STAFF_DORMANT_AFTER_DAYS", default=90)
# The reverse proxies in front of gunicorn (the bank's TLS proxy, a load balancer), each appending the
# address it received the request from to X-Forwarded-For. 0: none, the client's address is the
# connection's and X-Forwarded-For, which any client can write, is ignored. Behind N proxies the
# client is the N-th address from the right: what a client wrote to the left of it is never believed.
# Lock-out (through django-ipware, which counts only the proxies listed in the header: all but the one
# connecting to gunicorn) and the anonymous API budget (NUM_PROXIES, under REST_FRAMEWORK) both use it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if TRUSTED_PROXY_COUNT else (
    "REMOTE_ADDR",
)
AXES_IPWARE_PROXY_COUNT = max(TRUSTED_PROXY_COUNT - 1, 0)
# Not strict: a header longer than the proxies make (a client wrote its own) still gives the address
# the trusted proxies appended, instead of falling back to the proxy's own address shared by everyone.
IPWARE_STRICT = False
# Staff pages and staff browser sessions on the API need a verified TOTP code after the password;
# customers and API tokens (machines) do not. The demo (.env written by scripts/run) turns it off.
STAFF_2FA_REQUIRED = env.bool("STAFF_2FA_REQUIRED", default=True)
OTP_TOTP_ISSUER = "Quyền Dữ Liệu"
OTP_TOTP_THROTTLE_FACTOR = 1

# Cookies: HttpOnly session, SameSite, Secure behind HTTPS (SECURE_COOKIES, default on when the site
# declares HTTPS origins in CSRF_TRUSTED_ORIGINS and DEBUG is off).
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# A session ends SESSION_COOKIE_AGE seconds after sign-in however busy, when the browser closes, and
# after the idle minutes below without a request (accounts/sessions.py): branch PCs are shared.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
STAFF_SESSION_IDLE_MINUTES = env.int("STAFF_SESSION_IDLE_MINUTES", default=30)
CUSTOMER_SESSION_IDLE_MINUTES = env.int("CUSTOMER_SESSION_IDLE_MINUTES", default=15)
if min(STAFF_SESSION_IDLE_MINUTES, CUSTOMER_SESSION_IDLE_MINUTES) < 1:
    raise ImproperlyConfigured("The idle minutes of staff and customer sessions must be 1 or more.")
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG and bool(CSRF_TRUSTED_ORIGINS))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_NAME = "__Host-sessionid" if SESSION_COOKIE_SECURE else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if SESSION_COOKIE_SECURE else "csrftoken"
# HTTPS: redirect and HSTS whenever cookies are Secure. Behind a TLS-terminating proxy set
# SECURE_PROXY_SSL_HEADER=true so Django trusts its X-Forwarded-Proto. /healthz stays plain HTTP for probes.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=SESSION_COOKIE_SECURE)
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=365 * 24 * 3600 if SESSION_COOKIE_SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content Security Policy (django-csp): our own origin only, no inline script or style anywhere,
# no plugins, no framing, forms post only to ourselves. The QR code is inline SVG markup, not a script.
CONTENT_SECURITY_POLICY = {
    # drf-spectacular's Swagger UI page carries an inline <style> and configuration <script>; it holds no
    # personal data (the schema only), so it alone is exempt rather than weakening the policy everywhere.
    "EXCLUDE_URL_PREFIXES": ["/api/docs/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# ---------------------------------------------------------------------------- i18n
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Ho_Chi_Minh")
USE_I18N = True
USE_TZ = True
# One date shape for people in both languages: dd/mm/yyyy and HH:MM (config/formats/<lang>/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"

# ---------------------------------------------------------------------------- static files
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# ---------------------------------------------------------------------------- api
# Seconds each worker keeps a looked-up API token: a token revoked elsewhere stops within this time
# (at once in the revoking process). 0 looks the token up on every call (integrations/principals.py).
API_TOKEN_CACHE_SECONDS = env.float("API_TOKEN_CACHE_SECONDS", default=2.0)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "integrations.api.authentication.ApiTokenAuthentication",
        "accounts.authentication.VerifiedSessionAuthentication",
    ],
    # Every view closed until it names, per method, the permission (and the token scope) it needs.
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.RolePermission"],
    # JSON only: the API is for systems, and people read it at /api/docs/. Views that also speak CSV
    # list their renderers themselves.
    "DEFAULT_RENDERER_CLASSES": ["core.api.renderers.LocalTimeJSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "core.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.DefaultPagination",
    # `?format=` naming no renderer of the view: a 400 on `format`, not a 404.
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "core.api.negotiation.FormatContentNegotiation",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.api_exception_handler",
    # Per token, per signed-in person, per anonymous address (integrations/api/throttling.py): 429 beyond.
    "DEFAULT_THROTTLE_CLASSES": [
        "integrations.api.throttling.TokenRateThrottle",
        "integrations.api.throttling.UserRateThrottle",
        "integrations.api.throttling.AnonymousRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "token": env.str("API_THROTTLE_TOKEN", default="1200/min"),
        "user": env.str("API_THROTTLE_USER", default="600/min"),
        "anon": env.str("API_THROTTLE_ANON", default="60/min"),
        # Failed client authentications at /oauth/token/ and /oauth/revoke_token/, per client_id and per
        # address (authorisations/oauth_views.py): each wrong secret costs a slow hash.
        "oauth_client": env.str("OAUTH_THROTTLE_CLIENT_FAILURES", default="20/min"),
        "oauth_address": env.str("OAUTH_THROTTLE_ADDRESS_FAILURES", default="20/min"),
    },
    # An anonymous caller's address (see TRUSTED_PROXY_COUNT): 0 reads only REMOTE_ADDR.
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Quyền Dữ Liệu API",
    "DESCRIPTION": (
        "Consents and data-subject requests for Vietnamese banks (Law 91/2025/QH15, Decree 356/2025).\n\n"
        "**Lists** come in one fixed, total order (the last sort key is unique), so no row is repeated "
        "or left out between pages. Page by `limit` and `offset`, or by cursor: `cursor=` (empty) for the "
        "first page, then follow each answer's `next`. Use the cursor when you act on the rows while "
        "paging (acknowledging open duties): an offset then skips the rows that moved up, a cursor "
        "resumes after the last row you read. Cursor paging goes forward only (`previous` is null)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set shared by several serializers, so the schema (and the clients generated
    # from it) read naturally and `check --deploy` stays free of drf-spectacular naming warnings.
    "ENUM_NAME_OVERRIDES": {
        "ChannelEnum": "consents.models.Channel",
        "IdentityMethodEnum": "dsr.models.requests.IdentityMethod",
        "IdentityDocumentEnum": "dsr.models.requests.IdentityDocument",
        "OutcomeReasonEnum": "dsr.models.requests.OutcomeReason",
        "VoidReasonEnum": "consents.models.VoidReason",
        "ConsentStatusEnum": "consents.models.ConsentStatus",
        "RequestStatusEnum": "dsr.states.RequestStatus",
        "RecipientKindEnum": "consents.models.Recipient.Kind",
        "TaskStatusEnum": "dsr.models.fulfilment.TaskStatus",
        "AuthorisationStatusEnum": "authorisations.states.AuthorisationStatus",
        "ThirdPartyStatusEnum": "authorisations.models.ThirdParty.Status",
        "DataScopeEnum": "authorisations.scopes.SCOPE_CHOICES",
        # A customer's, a staff member's and a recipient's language: one set, under the name clients know.
        "PreferredLanguageEnum": "accounts.models.Language",
    },
    # The default enum hook, then the OAuth endpoints django-oauth-toolkit serves as plain Django views,
    # which drf-spectacular does not find itself (the contract's "whole API" lists them).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "authorisations.api.schema.oauth_endpoints",
        # The refusals of every operation, in the contract's shape (core/api/schema.py).
        "core.api.schema.error_responses",
    ],
}

# ---------------------------------------------------------------------------- oauth (third-party access)
# django-oauth-toolkit serves customer-authorised third parties (authorisations/). Authorisation code
# with PKCE (S256) only; every RFC 9700 gate enforced, tokens kept only as SHA-256 checksums.
OAUTH2_PROVIDER = {
    "PKCE_REQUIRED": True,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": env.int("OAUTH_CODE_SECONDS", default=60),
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("OAUTH_ACCESS_TOKEN_SECONDS", default=15 * 60),
    # Also how long the nightly `cleartokens` keeps a refresh token revoked or left unused: without it,
    # none would ever be deleted (docs/operations.md, "What the platform keeps").
    "REFRESH_TOKEN_EXPIRE_SECONDS": env.int("OAUTH_REFRESH_TOKEN_SECONDS", default=30 * 24 * 3600),
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
    "ALLOWED_REDIRECT_URI_SCHEMES": env.list("OAUTH_REDIRECT_URI_SCHEMES", default=["https"]),
    "ALLOW_URI_WILDCARDS": False,
    "REQUEST_APPROVAL_PROMPT": "force",
    "SCOPES_BACKEND_CLASS": "authorisations.oauth.ThirdPartyScopes",
    "OAUTH2_VALIDATOR_CLASS": "authorisations.oauth.AuthorisationValidator",
    "OAUTH2_SERVER_CLASS": "authorisations.oauth.ThirdPartyServer",
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,
    "COMPLIANT_BCP_RFC9700_REFRESH_TOKEN": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_SCHEME": True,
    "COMPLIANT_BCP_RFC9700_REDIRECT_URI_MATCHING": True,
    "COMPLIANT_BCP_RFC9700_PKCE_REQUIRED": True,
}
# The toolkit's application model is swappable: named here so migrations pointing at it resolve.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"

# ---------------------------------------------------------------------------- logging
# Nothing personal goes into logs: loggers receive ids and codes, never names or numbers.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # [the request's reference]: the one an error page shows (core/log_context.py).
    "formatters": {"plain": {"class": "core.log_context.Formatter",
                             "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}},
    "filters": {"reference_of_the_request": {"()": "core.log_context.ReferenceOfTheRecordsRequest"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    # Its 4xx lines are written after the request's context was reset: the reference from the request.
    "loggers": {"django.request": {"filters": ["reference_of_the_request"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
SPECTACULAR_SETTINGS.update({
    # Swagger UI from the bundled sidecar package: the docs page works without internet access.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
})
