"""Mistakes review: cancelling a restriction or objection in force lifts it (the bank and the partners
told to stop may use the data again). The customer's cancel page says so; staff recording a customer's
cancellation were not told. The staff request page offers the cancellation with a confirmation step
that names what it lifts, in either language, and its result says what was lifted."""

import pytest
from django.urls import reverse
from django.utils import translation

from core.actors import actor_for_user
from dsr.models import DataSubjectRequest
from dsr.selectors import restriction_in_force
from tests.consents.factories import grant, make_purpose
from tests.dsr.factories import make_request, verified_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _restriction_in_force(staff):
    subject = make_subject()
    grant(subject, make_purpose("analytics-s", category="analytics", name_en="Spending analytics"))
    request = verified_request(
        subject, type="restrict", purposes=["analytics-s"], channel="branch", actor=actor_for_user(staff)
    )
    assert restriction_in_force(request)
    return request


@pytest.mark.parametrize(
    ("language", "lifted", "purpose"),
    [("en", "may use the data again", "Spending analytics"), ("vi", "có thể dùng lại", "analytics-s")],
)
def test_staff_cancelling_a_restriction_in_force_are_told_what_it_lifts_before_they_confirm(
    logged_in, privacy_officer, language, lifted, purpose
):
    request = _restriction_in_force(privacy_officer)
    with translation.override(language):
        act = reverse("dsr:act", args=[request.pk, "cancel"])

    asked = logged_in(privacy_officer).post(act, {})

    assert asked.status_code == 200
    confirm = asked.content.decode().split('data-testid="confirm-cancel"', 1)[1].split("</form>", 1)[0]
    assert lifted in confirm and purpose in confirm
    request.refresh_from_db()
    assert request.is_open and restriction_in_force(request)


def test_the_confirmed_cancellation_says_what_was_lifted(logged_in, privacy_officer):
    request = _restriction_in_force(privacy_officer)
    with translation.override("en"):
        act = reverse("dsr:act", args=[request.pk, "cancel"])

    done = logged_in(privacy_officer).post(act, {"confirmed": "1"}, follow=True)

    page = done.content.decode()
    assert "cancelled" in page and "Spending analytics" in page and "lifted" in page
    request.refresh_from_db()
    assert request.status == "cancelled" and not restriction_in_force(request)


def test_cancelling_a_request_not_in_force_asks_without_naming_anything_lifted(logged_in, privacy_officer):
    make_purpose("analytics-t", category="analytics")
    request = make_request(make_subject(), type="restrict", purposes=["analytics-t"], channel="branch")
    with translation.override("en"):
        act = reverse("dsr:act", args=[request.pk, "cancel"])

    asked = logged_in(privacy_officer).post(act, {})

    assert 'data-testid="confirm-cancel"' in asked.content.decode()
    assert 'data-testid="cancel-lifts"' not in asked.content.decode()
    assert DataSubjectRequest.objects.get(pk=request.pk).is_open


def test_the_api_says_what_cancelling_would_lift_before_staff_cancel(
    as_user, privacy_officer
):
    request = _restriction_in_force(privacy_officer)
    client = as_user(privacy_officer)

    shown = client.get(f"/api/v1/requests/{request.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert "cancel" in shown["allowed_actions"]
    assert shown["cancel_lifts"] == ["Spending analytics"]

    done = client.post(f"/api/v1/requests/{request.pk}/cancel/", {}, format="json").json()
    assert done["status"] == "cancelled" and done["cancel_lifts"] == []
    assert not restriction_in_force(request)
