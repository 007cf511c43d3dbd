"""Behind the bank's TLS proxy every connection comes from the proxy's address. With
TRUSTED_PROXY_COUNT set (docs/deployment.md), sign-in lock-out (django-axes, through django-ipware) and
the anonymous API budget (DRF's NUM_PROXIES) tell callers apart by the address the proxies forward, so
a stranger cannot lock a colleague out everywhere, nor share out one budget among everyone; what a
client writes into X-Forwarded-For itself is never believed."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from rest_framework.request import Request
from rest_framework.test import APIRequestFactory

from integrations.api.throttling import AnonymousRateThrottle

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"  # tests/factories.py: every fixture user's password
PROXY = "10.0.0.1"
STRANGER, OFFICER_AT_BRANCH = "203.0.113.7", "198.51.100.20"

SETTINGS_PROBE = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'AXES_IPWARE_META_PRECEDENCE_ORDER': list(s.AXES_IPWARE_META_PRECEDENCE_ORDER), "
    "'AXES_IPWARE_PROXY_COUNT': s.AXES_IPWARE_PROXY_COUNT, "
    "'IPWARE_STRICT': getattr(s, 'IPWARE_STRICT', None), "
    "'NUM_PROXIES': s.REST_FRAMEWORK.get('NUM_PROXIES')}))"
)


def _settings_with(**environment: str) -> dict:
    """The settings a fresh process derives from `environment` (the settings module reads it once)."""
    env = {k: v for k, v in os.environ.items() if k != "TRUSTED_PROXY_COUNT"} | environment
    probe = subprocess.run([sys.executable, "-c", SETTINGS_PROBE], cwd=django_settings.BASE_DIR, env=env,
                           capture_output=True, text=True, timeout=120, check=True)
    return json.loads(probe.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def derived():
    return {"none": _settings_with(), "one": _settings_with(TRUSTED_PROXY_COUNT="1"),
            "two": _settings_with(TRUSTED_PROXY_COUNT="2")}


@pytest.fixture
def behind_one_proxy(settings, derived):
    """This process's settings as TRUSTED_PROXY_COUNT=1 makes them (one TLS proxy before gunicorn)."""
    values = derived["one"]
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = tuple(values["AXES_IPWARE_META_PRECEDENCE_ORDER"])
    settings.AXES_IPWARE_PROXY_COUNT = values["AXES_IPWARE_PROXY_COUNT"]
    settings.IPWARE_STRICT = values["IPWARE_STRICT"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": values["NUM_PROXIES"]}


def attempt(client, username, password="wrong-password", **extra):
    return client.post(reverse("accounts:login"), {"username": username, "password": password}, **extra)


def test_the_trusted_proxy_count_reaches_both_lockout_and_throttling(derived):
    # Without proxies, only the connection's address counts: X-Forwarded-For is anyone's to write.
    assert derived["none"]["AXES_IPWARE_META_PRECEDENCE_ORDER"] == ["REMOTE_ADDR"]
    assert derived["none"]["NUM_PROXIES"] == 0
    assert derived["one"]["AXES_IPWARE_META_PRECEDENCE_ORDER"][0] == "HTTP_X_FORWARDED_FOR"
    assert derived["one"]["NUM_PROXIES"] == 1
    assert derived["two"]["NUM_PROXIES"] == 2


def test_behind_the_proxy_a_stranger_cannot_lock_a_colleague_out(client, officer, settings, behind_one_proxy):
    for _ in range(settings.AXES_FAILURE_LIMIT):  # someone on the internet guesses the officer's password
        attempt(client, officer.username, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=STRANGER)

    # The officer, at a branch, through the same proxy, with the right password.
    response = attempt(client, officer.username, PASSWORD, REMOTE_ADDR=PROXY,
                       HTTP_X_FORWARDED_FOR=OFFICER_AT_BRANCH)

    assert response.status_code == 302, "locked out by a stranger's failures: the lock is per username only"


def test_behind_the_proxy_a_forged_forwarded_address_does_not_escape_the_lock(
    client, officer, settings, behind_one_proxy
):
    # The stranger writes a new address of their own each time; the proxy appends the real one.
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, officer.username, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {STRANGER}")

    response = attempt(client, officer.username, PASSWORD, REMOTE_ADDR=PROXY,
                       HTTP_X_FORWARDED_FOR=f"192.0.2.99, {STRANGER}")

    assert response.status_code == 429


def test_without_trusted_proxies_a_forwarded_address_is_ignored(client, officer, settings):
    for n in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, officer.username, REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")

    response = attempt(client, officer.username, PASSWORD, REMOTE_ADDR=STRANGER,
                       HTTP_X_FORWARDED_FOR="192.0.2.99")

    assert response.status_code == 429


def _anonymous_ident(**meta) -> str:
    return AnonymousRateThrottle().get_ident(Request(APIRequestFactory().get("/api/schema/", **meta)))


def test_behind_the_proxy_each_anonymous_caller_has_its_own_budget(behind_one_proxy):
    stranger = _anonymous_ident(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=STRANGER)
    assert stranger == STRANGER
    assert _anonymous_ident(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=OFFICER_AT_BRANCH) == OFFICER_AT_BRANCH
    # A forged address in front of the one the proxy appended gives no fresh budget.
    assert _anonymous_ident(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.1, {STRANGER}") == stranger


def test_without_trusted_proxies_the_anonymous_budget_ignores_forwarded_addresses(settings, derived):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": derived["none"]["NUM_PROXIES"]}

    assert _anonymous_ident(REMOTE_ADDR=STRANGER, HTTP_X_FORWARDED_FOR="192.0.2.1") == STRANGER
