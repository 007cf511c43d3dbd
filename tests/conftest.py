"""Fixtures shared by every test: a user per role, API clients authenticated as each."""
from __future__ import annotations

import pytest
from django.test.client import ClientMixin
from django.utils import translation
from rest_framework.test import APIClient

from core.roles import Role, is_staff_user
from tests.factories import (
    customer_fixture,
    make_subject,
    make_token,
    mark_session_otp_verified,
    user_fixture,
)


@pytest.fixture(autouse=True)
def default_language_for_each_test():
    """A request to /en/… leaves English active in the thread after the test client returns, so the
    next test would build English URLs, messages and customers. Every test starts from the default."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """PBKDF2's deliberate slowness costs seconds per test user; tests do not need it."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def staff_force_login_passes_two_factor(monkeypatch):
    """`client.force_login(staff)` stands for a full sign-in, which for staff includes the TOTP code.

    Tests of the code step itself remove the device from the session afterwards (tests/security).
    """
    original = ClientMixin.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if is_staff_user(user):
            mark_session_otp_verified(self, user)

    monkeypatch.setattr(ClientMixin, "force_login", force_login)


@pytest.fixture(autouse=True)
def audit_checkpoints_of_this_test(settings, tmp_path):
    """Checkpoints anchor one database's chain: the test database's are the test's own, never var/'s."""
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"


@pytest.fixture(autouse=True)
def whole_chain_checks_run_at_once(monkeypatch):
    """The audit trail page hands a whole-chain verification to a worker (`audit.tasks.verify_chain`);
    the tests' filesystem broker runs no worker, so the task runs at once, as a worker would. A test of
    the hand-over itself replaces `delay` again (tests/audit/test_views_trail_full_check_background.py)."""
    from audit import tasks

    monkeypatch.setattr(tasks.verify_chain, "delay", lambda **kwargs: tasks.verify_chain(**kwargs))


@pytest.fixture(autouse=True)
def jobs_dir(settings, tmp_path):
    """The files background jobs keep (an uploaded import) go to the test's own directory, never var/'s;
    a test that looks at them asks for this fixture by name."""
    settings.JOBS_DIR = tmp_path / "jobs"
    return settings.JOBS_DIR


@pytest.fixture(autouse=True)
def fresh_throttle_counts(settings, request, monkeypatch):
    """Each test starts with a fresh API throttle budget (ids repeat across tests, counts must not),
    and asks the counter store again even if an earlier test found it unreachable."""
    from integrations.api import throttling

    monkeypatch.setattr(throttling, "_counter_store", throttling._CounterStore())
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": request.node.nodeid,
        },
    }


@pytest.fixture(autouse=True)
def fresh_api_user_cache():
    """Tests roll the database back; the per-worker cache of token users must not outlive them."""
    from integrations import principals

    principals.forget_all()
    yield
    principals.forget_all()


@pytest.fixture(autouse=True)
def fresh_client_recipients_cache():
    """Nor the per-worker links of integration clients to recipients: ids repeat after a rollback."""
    from consents import client_recipients

    client_recipients.client_recipients_invalidate()
    yield
    client_recipients.client_recipients_invalidate()


@pytest.fixture
def demo(settings):
    """A demo installation (DEMO=true, as scripts/run's `.env` sets): the only kind `seed_demo` seeds."""
    settings.DEMO = True


@pytest.fixture
def api():
    return APIClient()


officer = user_fixture("officer_t", Role.OFFICER)
privacy_officer = user_fixture("privacy_t", Role.PRIVACY)
dpo = user_fixture("dpo_t", Role.DPO)
auditor = user_fixture("auditor_t", Role.AUDITOR)
client_user = user_fixture("corebank_t", Role.CLIENT, "An integration client (e.g. core banking).")
customer_a = customer_fixture("customer_a")
customer_b = customer_fixture("customer_b")


@pytest.fixture
def logged_in(client):
    """`logged_in(user)` → the test's client, signed in as that user."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def subject(db):
    return make_subject()


@pytest.fixture
def as_user():
    """`as_user(user)` → an APIClient authenticated with a fresh API token for that user."""

    def build(user, scopes=None):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {make_token(user, scopes)}")
        return client

    return build
