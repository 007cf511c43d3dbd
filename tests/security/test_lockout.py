"""Sign-in lock-out (django-axes): five failures for a username from one address lock it; a clear page in
Vietnamese and English; the DPO unlocks from the portal or with `manage.py axes_reset_username`."""
from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.urls import reverse

from audit.models import AuditEntry
from tests.factories import make_totp_device

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def attempt(client, username, password="wrong-password", path=None, **extra):
    credentials = {"username": username, "password": password}
    return client.post(path or reverse("accounts:login"), credentials, **extra)


def lock(client, username, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attempt(client, username)


def test_failures_below_the_limit_show_the_usual_error_and_warn(client, officer):
    response = attempt(client, officer.username)
    assert response.status_code == 200
    assert "bị khóa" in response.content.decode()  # Vietnamese by default: "... is locked for a while"


def test_the_limit_locks_even_the_right_password(client, officer, settings):
    lock(client, officer.username, settings)
    response = attempt(client, officer.username, PASSWORD)
    assert response.status_code == 429
    html = response.content.decode()
    assert 'data-testid="locked-out"' in html
    assert "Đăng nhập bị khóa" in html
    english = attempt(client, officer.username, PASSWORD, path="/en/accounts/login/")
    assert "Sign-in locked" in english.content.decode()
    assert "30 minutes" in english.content.decode()


def test_the_lock_is_per_username_and_address(client, officer, dpo, settings):
    lock(client, officer.username, settings)
    assert attempt(client, dpo.username, PASSWORD).status_code == 302
    other_address = attempt(client, officer.username, PASSWORD, REMOTE_ADDR="10.1.2.3")
    assert other_address.status_code == 302


def test_the_dpo_unlocks_from_the_portal(client, officer, dpo, settings):
    lock(client, officer.username, settings)
    client.force_login(dpo)
    page = client.get(reverse("accounts:sign_in_security"))
    assert f'data-testid="locked-{officer.username}"' in page.content.decode()

    client.post(reverse("accounts:sign_in_unlock"), {"username": officer.username})

    assert not AccessAttempt.objects.filter(username=officer.username).exists()
    assert AuditEntry.objects.filter(action="core.account.unlocked").count() == 1
    client.logout()
    assert attempt(client, officer.username, PASSWORD).status_code == 302


def test_only_the_dpo_reaches_the_unlock_page(client, officer, privacy_officer, auditor):
    for user in (officer, privacy_officer, auditor):
        client.force_login(user)
        assert client.get(reverse("accounts:sign_in_security")).status_code == 403
        assert client.post(reverse("accounts:sign_in_unlock"), {"username": "x"}).status_code == 403


def test_the_command_line_unlock(client, officer, settings):
    lock(client, officer.username, settings)
    call_command("axes_reset_username", officer.username, stdout=open("/dev/null", "w"))
    assert attempt(client, officer.username, PASSWORD).status_code == 302


def test_the_dpo_resets_a_lost_authenticator(client, officer, dpo):
    make_totp_device(officer)
    client.force_login(dpo)
    response = client.post(reverse("accounts:sign_in_reset_otp", args=[officer.pk]))
    assert response.status_code == 302
    assert not officer.totpdevice_set.exists()
    assert AuditEntry.objects.filter(action="core.otp.reset", target_id=str(officer.pk)).exists()
    # A customer cannot be targeted through this page.
    assert client.post(reverse("accounts:sign_in_reset_otp", args=[10**6])).status_code == 404


def test_a_dpo_cannot_reset_their_own_second_factor(client, dpo):
    """Whoever holds a DPO's session (an unlocked screen) must not be able to drop the DPO's second
    factor and enrol their own: another DPO resets it, as another DPO changes a DPO's role."""
    make_totp_device(dpo)
    client.force_login(dpo)
    page = client.get(reverse("accounts:sign_in_security")).content.decode()
    assert reverse("accounts:sign_in_reset_otp", args=[dpo.pk]) not in page
    client.post(reverse("accounts:sign_in_reset_otp", args=[dpo.pk]))
    assert dpo.totpdevice_set.exists()
    assert not AuditEntry.objects.filter(action="core.otp.reset").exists()
