"""Shared branch PCs: a staff session left alone ends, so the next person at the desk is not the officer.

A session ends after its idle limit without a request (staff 30 minutes, customers 15, both settings)
and, however busy, SESSION_COOKIE_AGE after sign-in; then the sign-in, the second factor included, is
asked again and leads back to the page. API calls with a token have no session and are not concerned.
"""
from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP

from accounts.sessions import SIGNED_IN_AT
from tests.factories import make_totp_device, signed_in, totp_code

pytestmark = pytest.mark.django_db
IDLE = timedelta(hours=1)  # far longer than any idle limit a bank would set (15-30 minutes)
PASSWORD = "correct-horse-battery"


def test_staff_session_ends_after_an_hour_without_activity(officer, monkeypatch):
    client = signed_in(officer)
    assert client.get("/en/portal/").status_code == 200
    real_now, real_time = timezone.now, time.time
    monkeypatch.setattr(timezone, "now", lambda: real_now() + IDLE)
    monkeypatch.setattr(time, "time", lambda: real_time() + IDLE.total_seconds())
    later = client.get("/en/portal/")
    assert later.status_code == 302 and "login" in later["Location"], later.status_code


class Clock:
    """The process clock moved on by hand (the session clocks read `time.time`)."""

    def __init__(self, monkeypatch):
        self.offset = 0.0
        real_time = time.time
        monkeypatch.setattr(time, "time", lambda: real_time() + self.offset)

    def wait(self, **delta) -> None:
        self.offset += timedelta(**delta).total_seconds()


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def code_now(device) -> str:
    """The authenticator's code at the moved clock (the device checks codes against `time.time`)."""
    totp_code(device)  # forgets the last code used
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def signed_out_to(response) -> str:
    """The page the sign-in leads back to, from a redirect to the sign-in page."""
    assert response.status_code == 302, response.status_code
    location = urlsplit(response["Location"])
    assert location.path.endswith(reverse("accounts:login").removeprefix("/")), location.path
    return parse_qs(location.query)["next"][0]


def test_a_working_officer_stays_signed_in(officer, clock):
    client = signed_in(officer)
    for _step in range(4):  # two hours, a page every 29 minutes
        clock.wait(minutes=29)
        assert client.get("/en/portal/").status_code == 200


def test_idle_staff_are_signed_out_after_30_minutes_and_come_back_to_the_page(officer, clock):
    client = signed_in(officer)
    assert client.get("/en/portal/requests/").status_code == 200
    clock.wait(minutes=31)
    page = "/en/portal/requests/?status=received"
    assert signed_out_to(client.get(page)) == page
    assert DEVICE_ID_SESSION_KEY not in client.session  # the second factor is gone with the session
    told = client.get(reverse("accounts:login")).content.decode()
    assert "signed out after 30 minutes without activity" in told
    # Signed out for good: the next page asks again too, even right away.
    assert client.get("/en/portal/").status_code == 302


def test_signing_in_again_asks_for_the_second_factor_and_returns_to_the_page(officer, clock, settings):
    settings.STAFF_2FA_REQUIRED = True
    device = make_totp_device(officer)
    client = signed_in(officer)
    clock.wait(minutes=31)
    back_to = signed_out_to(client.get("/en/portal/requests/"))
    password = client.post(reverse("accounts:login"), {"username": officer.username, "password": PASSWORD,
                                                       "next": back_to})
    assert password["Location"].startswith(reverse("accounts:otp_verify"))
    code = client.post(password["Location"], {"otp_token": code_now(device)})
    assert code["Location"] == back_to
    assert client.get(back_to).status_code == 200


def test_the_idle_limit_is_a_setting(officer, clock, settings):
    settings.STAFF_SESSION_IDLE_MINUTES = 5
    client = signed_in(officer)
    clock.wait(minutes=4)
    assert client.get("/en/portal/").status_code == 200
    clock.wait(minutes=6)
    assert client.get("/en/portal/").status_code == 302


def test_a_staff_session_ends_eight_hours_after_sign_in_however_busy(officer, clock):
    client = signed_in(officer)
    for _step in range(16):  # 7 h 44: a page every 29 minutes, inside the idle limit
        clock.wait(minutes=29)
        assert client.get("/en/portal/").status_code == 200
    clock.wait(minutes=20)
    assert signed_out_to(client.get("/en/portal/")) == "/en/portal/"
    assert "8 hours at most" in client.get(reverse("accounts:login")).content.decode()


def test_customers_are_signed_out_after_15_minutes_without_activity(customer_a, clock):
    client = signed_in(customer_a)
    clock.wait(minutes=14)
    assert client.get("/en/me/").status_code == 200
    clock.wait(minutes=14)
    assert client.get("/en/me/").status_code == 200
    clock.wait(minutes=16)
    assert signed_out_to(client.get("/en/me/")) == "/en/me/"


def test_a_browser_session_on_the_api_ends_too_but_tokens_are_not_concerned(officer, clock, as_user):
    session = signed_in(officer)
    assert session.get("/api/v1/requests/").status_code == 200
    token = as_user(officer)
    clock.wait(hours=9)
    assert session.get("/api/v1/requests/").status_code in (401, 403)
    assert token.get("/api/v1/requests/").status_code == 200


def test_a_switch_flipped_after_the_session_ended_leads_back_to_the_form_after_sign_in(customer_a, clock):
    """The form's action takes POST only: sent back there, the browser's GET would meet a 405 and the
    customer would never learn that the switch did not move."""
    client = signed_in(customer_a)
    form_page = "/en/me/consents/?tab=all"
    assert client.get(form_page).status_code == 200
    clock.wait(minutes=16)

    sent = client.post("/en/me/consents/marketing/", {"on": "1"}, HTTP_REFERER=f"http://testserver{form_page}")

    assert signed_out_to(sent) == form_page
    told = client.get(sent["Location"]).content.decode()
    assert "was not recorded" in told
    signed = client.post(reverse("accounts:login"), {"username": customer_a.username, "password": PASSWORD,
                                                     "next": form_page})
    assert signed["Location"] == form_page
    assert client.get(form_page).status_code == 200


@pytest.mark.parametrize("referer", ["", "https://elsewhere.example/portal/requests/"])
@pytest.mark.parametrize("prefix", ["", "/en"])
def test_a_staff_action_sent_signed_out_from_no_page_of_ours_leads_to_the_portal_home(
    officer, clock, referer, prefix
):
    client = signed_in(officer)
    clock.wait(minutes=31)
    action = f"{prefix}/portal/requests/00000000-0000-4000-8000-000000000000/do/verify/"

    sent = client.post(action, {}, HTTP_REFERER=referer)

    assert signed_out_to(sent) == f"{prefix}/portal/"


def test_staying_signed_in_from_the_warning_restarts_the_idle_clock(officer, clock):
    """The page's warning before the sign-out (WCAG 2.2.1): its button keeps the session, and the answer
    says how long the session now lasts, for the page to warn again in time."""
    client = signed_in(officer)
    assert client.get("/en/portal/").status_code == 200
    clock.wait(minutes=28)
    kept = client.post(reverse("accounts:session_keep_alive"))
    assert kept.status_code == 200 and 30 * 60 - 1 <= kept.json()["seconds_left"] <= 30 * 60
    clock.wait(minutes=28)
    assert client.get("/en/portal/").status_code == 200


def test_a_keep_alive_after_the_end_does_not_bring_the_session_back(officer, clock):
    client = signed_in(officer)
    assert client.get("/en/portal/").status_code == 200
    clock.wait(minutes=31)
    assert client.post(reverse("accounts:session_keep_alive")).status_code == 302
    later = client.get("/en/portal/")
    assert later.status_code == 302 and "login" in later["Location"]


def test_asking_how_long_the_session_lasts_does_not_make_it_last(officer, clock):
    """A page left open in a second tab asks before warning whether the session is still about to end
    (another tab may have kept it); the question itself must not count as activity, or an open tab
    would keep an unattended session alive for ever."""
    client = signed_in(officer)
    assert client.get("/en/portal/").status_code == 200
    clock.wait(minutes=20)
    asked = client.get(reverse("accounts:session_status"))
    assert asked.status_code == 200 and 10 * 60 - 60 <= asked.json()["seconds_left"] <= 10 * 60
    clock.wait(minutes=11)
    later = client.get("/en/portal/")
    assert later.status_code == 302 and "login" in later["Location"]


def test_the_status_follows_activity_from_another_tab(customer_a, clock):
    """The customer's own (shorter) limit, and a page of another tab restarting it."""
    client = signed_in(customer_a)
    assert client.get("/en/me/").status_code == 200
    clock.wait(minutes=10)
    assert client.get("/en/me/").status_code == 200  # the other tab
    left = client.get(reverse("accounts:session_status")).json()["seconds_left"]
    assert 15 * 60 - 60 <= left <= 15 * 60


def test_the_keep_alive_needs_the_csrf_token(officer):
    client = signed_in(officer)
    client.handler.enforce_csrf_checks = True
    assert client.post(reverse("accounts:session_keep_alive")).status_code == 403


def _busy_until_16_minutes_before_the_age(client, clock) -> None:
    for _step in range(16):  # 7 h 44, a page every 29 minutes
        clock.wait(minutes=29)
        assert client.get("/en/portal/").status_code == 200


def test_near_the_age_staying_signed_in_is_not_offered_as_it_cannot_extend(officer, clock, settings):
    """The 8-hour age ends the session however busy: near it, "Stay signed in" did nothing. The answer
    says the end is final, for the page to say so instead of offering the button."""
    settings.SESSION_COOKIE_AGE = 8 * 60 * 60
    client = signed_in(officer)
    _busy_until_16_minutes_before_the_age(client, clock)
    kept = client.post(reverse("accounts:session_keep_alive")).json()
    assert kept["final"] is True and 16 * 60 - 10 <= kept["seconds_left"] <= 16 * 60
    assert client.get(reverse("accounts:session_status")).json()["final"] is True


def test_far_from_the_age_the_end_is_not_final(officer, clock):
    client = signed_in(officer)
    clock.wait(minutes=10)
    assert client.post(reverse("accounts:session_keep_alive")).json()["final"] is False


def test_the_page_says_at_what_time_the_session_ends_for_good_in_both_languages(officer, clock, settings):
    settings.SESSION_COOKIE_AGE = 8 * 60 * 60
    client = signed_in(officer)
    signed_in_at = datetime.fromtimestamp(client.session[SIGNED_IN_AT], tz=UTC)
    ends = timezone.localtime(signed_in_at + timedelta(hours=8)).strftime("%H:%M")
    _busy_until_16_minutes_before_the_age(client, clock)
    english = client.get("/en/portal/").content.decode()
    vietnamese = client.get("/portal/").content.decode()
    assert f"Your session ends at {ends} and cannot be extended" in english
    assert f"Phiên làm việc sẽ kết thúc lúc {ends} và không thể kéo dài" in vietnamese
