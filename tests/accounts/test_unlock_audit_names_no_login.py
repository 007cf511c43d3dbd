"""An unlock's audit entry never holds the login name in clear: a customer's login is often their phone
number or e-mail, and the audit trail is append-only, out of reach of their deletion. It names the user
by id (and the customer's subject, so the entry is theirs), or, for a login no account has, a keyed
fingerprint. The DPO's page and `manage.py axes_reset_username` write the same entry."""
from __future__ import annotations

import json

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse

from accounts.services import sign_in_unlock
from audit.models import AuditEntry
from core.actors import actor_for_user
from tests.factories import make_customer

pytestmark = pytest.mark.django_db
PHONE_LOGIN = "0912345678"  # many banks' customers sign in with their phone number


def _locked(username: str) -> None:
    AccessAttempt.objects.create(username=username, ip_address="10.0.0.1", user_agent="tests",
                                 failures_since_start=5, get_data="", post_data="")


def _unlock_entries() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action="core.account.unlocked").order_by("sequence"))


def test_the_dpo_unlocking_a_customer_keeps_no_login_name_in_the_audit_trail(client, dpo, settings):
    customer = make_customer(username=PHONE_LOGIN)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": PHONE_LOGIN, "password": "wrong"})
    client.force_login(dpo)
    client.post(reverse("accounts:sign_in_unlock"), {"username": PHONE_LOGIN})

    assert [e.action for e in AuditEntry.objects.all() if PHONE_LOGIN in json.dumps(e.data)] == []
    [entry] = _unlock_entries()
    assert entry.data["user_id"] == customer.pk
    assert entry.subject_id == customer.customer_account.subject_id
    assert entry.target_id == str(customer.pk)


def test_unlocking_a_staff_login_names_the_user_by_id(dpo, officer):
    _locked(officer.username)
    sign_in_unlock(actor=actor_for_user(dpo), username=officer.username)
    [entry] = _unlock_entries()
    assert entry.data == {"user_id": officer.pk, "attempts_cleared": 1}
    assert entry.subject_id is None


def test_a_login_no_account_has_is_recorded_as_a_keyed_fingerprint(dpo):
    for name in (PHONE_LOGIN, PHONE_LOGIN, "0987654321"):
        _locked(name)
        sign_in_unlock(actor=actor_for_user(dpo), username=name)
    first, again, other = (entry.data for entry in _unlock_entries())
    assert PHONE_LOGIN not in json.dumps(first)
    assert "user_id" not in first
    assert first["login_fingerprint"] and first["login_fingerprint"] == again["login_fingerprint"]
    assert other["login_fingerprint"] != first["login_fingerprint"]


def test_the_command_line_unlock_is_audited_the_same_way(dpo):
    customer = make_customer(username=PHONE_LOGIN)
    _locked(PHONE_LOGIN)
    call_command("axes_reset_username", PHONE_LOGIN, stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert not AccessAttempt.objects.filter(username=PHONE_LOGIN).exists()
    [entry] = _unlock_entries()
    assert entry.data == {"user_id": customer.pk, "attempts_cleared": 1}
    assert entry.subject_id == customer.customer_account.subject_id
    assert entry.actor_label == "axes_reset_username"
