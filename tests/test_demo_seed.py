"""`manage.py seed_demo`: the demo accounts of the contract exist, running it again adds nothing, and it
runs only on a demo installation (DEMO=true, which scripts/run's `.env` sets)."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from consents.models import Consent
from core.roles import Role, user_role
from dsr.models import DataSubjectRequest
from regulator.demo import BREACH_TITLE
from regulator.models import Breach
from regulator.selectors import breach_affected_count
from subjects.demo import DEMO_SUBJECTS
from subjects.models import DataSubject

pytestmark = pytest.mark.django_db

ACCOUNTS = {"officer": Role.OFFICER, "privacy": Role.PRIVACY, "dpo": Role.DPO, "auditor": Role.AUDITOR,
            "customer1": Role.CUSTOMER, "customer2": Role.CUSTOMER, "corebank": Role.CLIENT}


def _counts():
    return (get_user_model().objects.count(), DataSubject.objects.count(), Consent.objects.count(),
            DataSubjectRequest.objects.count())


def test_seed_demo_makes_the_contracts_accounts_and_is_idempotent(demo):
    call_command("seed_demo", verbosity=0)
    users = {u.username: u for u in get_user_model().objects.filter(username__in=ACCOUNTS)}
    assert {name: user_role(users[name]) for name in ACCOUNTS} == ACCOUNTS
    assert users["customer1"].customer_account.subject.external_ref
    first = _counts()
    assert first[2] > 0 and first[3] > 0

    call_command("seed_demo", verbosity=0)

    assert _counts() == first


def _nothing_seeded() -> bool:
    return not get_user_model().objects.filter(
        username__in=["dpo", "officer", "privacy", "auditor"]
    ).exists() and not DataSubject.objects.filter(external_ref="CIF0000001").exists()


def test_seed_demo_refuses_an_installation_that_says_it_is_not_a_demo(settings):
    """README publishes the demo logins' passwords (dpo / dpo-demo-2026 ...), and a staff member enrols
    the second factor at the first sign-in: a DPO login seeded on a bank's installation is anyone's.
    DEMO=false written out (docs/deployment.md) refuses even a new, empty database."""
    settings.DEBUG, settings.DEMO, settings.DEMO_SWITCHED_OFF = False, False, True

    with pytest.raises(CommandError, match="DEMO"):
        call_command("seed_demo", verbosity=0)

    assert _nothing_seeded()


def test_seed_demo_refuses_an_installation_in_use(settings, dpo):
    """DEMO not set, and the database has logins of its own (here a DPO's): a bank's installation."""
    settings.DEBUG, settings.DEMO, settings.DEMO_SWITCHED_OFF = False, False, False

    with pytest.raises(CommandError, match="DEMO"):
        call_command("seed_demo", verbosity=0)

    assert _nothing_seeded()


def test_seed_demo_seeds_a_new_database_with_demo_not_set(settings):
    """The contract's `seed_demo` makes demo data on a new database, whatever DEBUG says."""
    settings.DEBUG, settings.DEMO, settings.DEMO_SWITCHED_OFF = False, False, False

    call_command("seed_demo", verbosity=0)
    call_command("seed_demo", verbosity=0)  # its own logins are the demo's: it runs again

    assert get_user_model().objects.filter(username="dpo").exists()


def test_the_demo_breach_reaches_the_demo_customers(demo):
    """The demo's customers were the bank's before its breach was detected, so the breach page has
    customers to tell (only customers at detection count: `breach_affected_subjects`)."""
    call_command("seed_demo", verbosity=0)
    breach = Breach.objects.get(title=BREACH_TITLE)
    assert breach_affected_count(breach) >= len(DEMO_SUBJECTS)
