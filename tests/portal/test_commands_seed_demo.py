"""`manage.py seed_demo` builds the demo the README promises, and a second run changes nothing."""
from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from subjects.models import DataSubject


@pytest.mark.django_db(transaction=True)
def test_seed_demo_creates_the_demo_logins_and_is_idempotent():
    call_command("seed_demo", verbosity=0)
    users = set(get_user_model().objects.values_list("username", flat=True))
    assert {"officer", "privacy", "dpo", "auditor", "customer1", "customer2", "corebank"} <= users
    subjects = DataSubject.objects.count()

    call_command("seed_demo", verbosity=0)

    assert DataSubject.objects.count() == subjects
