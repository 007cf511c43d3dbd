"""`manage.py create_login`: a bank that starts without the demo makes its staff and integration
logins with a command, audited, instead of a Django shell."""
from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from audit.models import AuditEntry
from core.roles import Role, user_role

pytestmark = pytest.mark.django_db


def _run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("create_login", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_branch_officer_gets_a_login_in_their_role_and_a_password_shown_once():
    out, _err = _run("lan.nguyen", "--role", "officer", "--email", "lan.nguyen@bank.vn")

    user = get_user_model().objects.get(username="lan.nguyen")
    assert user_role(user) == Role.OFFICER
    assert user.email == "lan.nguyen@bank.vn"
    password = out.splitlines()[-1]
    assert len(password) >= 16 and user.check_password(password)
    entry = AuditEntry.objects.get(action="core.user.created")
    assert entry.data == {"user_id": user.pk, "role": "officer"}


def test_an_integration_client_gets_no_password_only_tokens_later():
    out, _err = _run("corebanking", "--role", "integration_client")

    user = get_user_model().objects.get(username="corebanking")
    assert user_role(user) == Role.CLIENT
    assert not user.has_usable_password()
    assert "issue_token corebanking" in out


def test_an_existing_login_is_refused_and_left_as_it_was():
    _run("dpo.tran", "--role", "dpo")

    with pytest.raises(CommandError, match="dpo.tran"):
        _run("dpo.tran", "--role", "auditor")

    assert user_role(get_user_model().objects.get(username="dpo.tran")) == Role.DPO
    assert AuditEntry.objects.filter(action="core.user.created").count() == 1


def test_a_customer_login_is_not_made_here():
    with pytest.raises(CommandError):
        _run("somebody", "--role", "customer")

    assert not get_user_model().objects.filter(username="somebody").exists()


@pytest.mark.parametrize("username, email", [
    ("", ""),  # was a traceback (ValueError), not a message
    ("lan nguyen", ""),  # a name no sign-in form takes (letters, digits and @ . + - _ only)
    ("lan.nguyen", "lan.nguyen at bank"),  # no address: reminders and alerts would never arrive
])
def test_a_username_or_email_that_cannot_work_is_refused_with_a_message(username, email):
    with pytest.raises(CommandError):
        _run(username, "--role", "officer", "--email", email)

    assert not get_user_model().objects.filter(username=username).exists()


def test_the_same_name_in_other_letters_case_is_refused():
    _run("dpo.tran", "--role", "dpo")

    with pytest.raises(CommandError, match="DPO.Tran"):
        _run("DPO.Tran", "--role", "auditor")
