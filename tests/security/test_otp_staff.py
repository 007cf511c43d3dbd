"""Two-factor sign-in: staff pass a TOTP step before any staff page or staff API session; customers
and API tokens are not asked; enrolment shows a QR code and confirms with one code."""
from __future__ import annotations

import re
from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.otp import otp_device_enrol
from audit.models import AuditEntry
from core.errors import PermissionDenied
from tests.factories import TEST_TOTP_KEY, make_totp_device, totp_code

pytestmark = pytest.mark.django_db
PASSWORD = "correct-horse-battery"


def password_only(client, user):
    """Signed in with the password, the code step not passed yet."""
    client.force_login(user)
    session = client.session
    session.pop(DEVICE_ID_SESSION_KEY, None)
    session.save()


def sign_in(client, username):
    return client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})


def test_staff_password_sign_in_leads_to_enrolment_the_first_time(client, officer):
    response = sign_in(client, officer.username)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp_enrol"))


def test_staff_with_an_authenticator_are_asked_for_the_code_then_reach_the_portal(client, officer):
    device = make_totp_device(officer)
    response = sign_in(client, officer.username)
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    assert client.get(reverse("portal:dashboard")).status_code == 302  # not yet

    wrong = client.post(response["Location"], {"otp_token": "000000"})
    assert wrong.status_code == 200
    assert "not right" in wrong.content.decode() or "không đúng" in wrong.content.decode()

    passed = client.post(response["Location"], {"otp_token": totp_code(device)})
    assert passed.status_code == 302
    assert client.get(reverse("portal:dashboard")).status_code == 200


def test_unverified_staff_are_sent_to_the_code_step_from_every_staff_page(client, dpo):
    make_totp_device(dpo)
    password_only(client, dpo)
    pages = ("portal:dashboard", "subjects:customer_lookup", "accounts:sign_in_security")
    for url in map(reverse, pages):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("accounts:otp_verify")), url


def test_unverified_staff_session_is_refused_by_the_api_but_tokens_work(client, officer, as_user):
    make_totp_device(officer)
    password_only(client, officer)
    refused = client.get("/api/v1/subjects/")
    assert refused.status_code in (401, 403)
    assert "Two-factor" in refused.json()["detail"] or "hai lớp" in refused.json()["detail"]
    assert as_user(officer).get("/api/v1/subjects/").status_code == 200

    client.force_login(officer)  # with the code step passed
    assert client.get("/api/v1/subjects/").status_code == 200


def test_customers_are_never_asked_for_a_code(client, customer_a):
    response = sign_in(client, customer_a.username)
    assert response.status_code == 302
    assert "2fa" not in response["Location"]
    assert client.get(reverse("portal:me_home")).status_code == 200


def test_switched_off_for_the_demo(client, officer, settings):
    settings.STAFF_2FA_REQUIRED = False
    response = sign_in(client, officer.username)
    assert "2fa" not in response["Location"]
    assert client.get(reverse("portal:dashboard")).status_code == 200


def _shown_secret(page) -> bytes:
    """The key the enrolment page shows for typing into an app (groups of four base32 letters)."""
    shown = re.search(r'data-testid="otp-secret">([A-Z2-7 ]+)<', page.content.decode()).group(1)
    secret = shown.replace(" ", "")
    return b32decode(secret + "=" * (-len(secret) % 8))


def test_enrolment_shows_a_server_drawn_qr_code_and_confirms_with_one_code(client, officer):
    password_only(client, officer)
    TOTPDevice.objects.filter(user=officer).delete()  # a first sign-in: no authenticator yet
    page = client.get(reverse("accounts:otp_enrol"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "<svg" in html and "otpauth://totp/" in html
    # No script draws the code: the only one is the pages' own behaviours (focus on messages).
    assert re.findall(r"<script[^>]*>", html) == ['<script src="/static/js/behaviours.js" defer>']
    key = _shown_secret(page)
    assert _shown_secret(client.get(reverse("accounts:otp_enrol"))) == key  # a reload keeps the same secret

    code = {"otp_token": f"{TOTP(key).token():06d}", "next": "/portal/"}
    response = client.post(reverse("accounts:otp_enrol"), code)

    assert response.status_code == 302 and response["Location"] == "/portal/"
    device = TOTPDevice.objects.get(user=officer)
    assert device.confirmed and device.bin_key == key
    assert client.get(reverse("portal:dashboard")).status_code == 200
    entry = AuditEntry.objects.get(action="core.otp.enrolled")
    assert entry.target_id == str(officer.pk)


def test_the_enrolment_page_stores_nothing_until_the_first_right_code(client, officer):
    """A GET writes nothing: the secret waits in the session; a wrong code stores no device either."""
    password_only(client, officer)
    TOTPDevice.objects.filter(user=officer).delete()
    entries = AuditEntry.objects.count()
    page = client.get(reverse("accounts:otp_enrol"))
    client.get(reverse("accounts:otp_enrol"))
    not_the_code = (TOTP(_shown_secret(page)).token() + 1) % 10**6
    wrong = client.post(reverse("accounts:otp_enrol"), {"otp_token": f"{not_the_code:06d}"})

    assert wrong.status_code == 200
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert AuditEntry.objects.count() == entries


def test_a_code_from_another_secret_enrols_nothing(client, officer):
    password_only(client, officer)
    TOTPDevice.objects.filter(user=officer).delete()
    client.get(reverse("accounts:otp_enrol"))
    other = TOTP(bytes.fromhex(TEST_TOTP_KEY)).token()
    response = client.post(reverse("accounts:otp_enrol"), {"otp_token": f"{other:06d}"})
    assert response.status_code == 200
    assert not TOTPDevice.objects.filter(user=officer, confirmed=True).exists()
    assert client.get(reverse("portal:dashboard")).status_code == 302


def test_a_password_alone_cannot_replace_an_existing_authenticator(client, officer):
    make_totp_device(officer)
    password_only(client, officer)
    response = client.get(reverse("accounts:otp_enrol"))
    assert response["Location"].startswith(reverse("accounts:otp_verify"))
    assert TOTPDevice.objects.filter(user=officer).count() == 1


def test_the_code_step_is_throttled(client, officer):
    device = make_totp_device(officer)
    password_only(client, officer)
    client.post(reverse("accounts:otp_verify"), {"otp_token": "000000"})
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    # Even the right code is refused while the delay after a wrong one runs.
    right = f"{TOTP(device.bin_key).token():06d}"
    client.post(reverse("accounts:otp_verify"), {"otp_token": right})
    assert client.get(reverse("portal:dashboard")).status_code == 302


def test_next_never_leaves_the_site(client, officer):
    device = make_totp_device(officer)
    password_only(client, officer)
    response = client.post(reverse("accounts:otp_verify") + "?next=https://evil.example/",
                           {"otp_token": totp_code(device)})
    assert response["Location"] == reverse("portal:home")


def test_known_test_secret_is_the_rfc_one():
    assert bytes.fromhex(TEST_TOTP_KEY) == b"12345678901234567890"


def test_enrolment_never_replaces_a_confirmed_authenticator(officer):
    """The service refuses as the page does: a second tab enrolling after the first cannot swap the
    authenticator that is now asked for (replacing it is the DPO's reset)."""
    device = make_totp_device(officer)
    key = "00" * 20
    with pytest.raises(PermissionDenied):
        otp_device_enrol(user=officer, key=key, token=f"{TOTP(bytes.fromhex(key)).token():06d}")
    assert list(TOTPDevice.objects.filter(user=officer)) == [device]
