"""The officer who took a request in records no eKYC reference for it (the service refuses it: a second
person looks the session up), yet the request page still offered them "eKYC" among the ways to verify, to
be refused only after choosing it and typing a reference. The page, the service and the API detail now
read one selector, `identity_methods_recordable`: the methods this person may record for this request.
Re-read of the identity-verification review."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from core.actors import actor_for_user
from dsr.models import IdentityMethod
from dsr.selectors import identity_methods_recordable
from tests.dsr.factories import make_request
from tests.factories import make_customer, make_subject

pytestmark = pytest.mark.django_db


def _method_values(page) -> set[str]:
    form = page.context["verify_form"]
    return {value for value, _label in form.fields["method"].widget.choices}


def test_the_officer_who_took_the_request_in_is_not_offered_ekyc(client, officer):
    request = make_request(make_subject(), channel="call_centre", actor=actor_for_user(officer))
    client.force_login(officer)
    page = client.get(reverse("dsr:detail", args=[request.pk]))
    assert page.status_code == 200
    assert IdentityMethod.EKYC not in _method_values(page)
    assert b'value="ekyc"' not in page.content
    assert IdentityMethod.OTP_PHONE in _method_values(page)


def test_another_staff_member_is_offered_ekyc(client, officer, privacy_officer):
    request = make_request(make_subject(), channel="call_centre", actor=actor_for_user(officer))
    client.force_login(privacy_officer)
    page = client.get(reverse("dsr:detail", args=[request.pk]))
    assert IdentityMethod.EKYC in _method_values(page)


def test_the_selector_names_what_each_actor_may_record(officer, privacy_officer):
    customer = make_customer()
    request = make_request(
        customer.customer_account.subject, channel="call_centre", actor=actor_for_user(officer)
    )
    other = identity_methods_recordable(request, actor_for_user(privacy_officer))
    assert IdentityMethod.EKYC not in identity_methods_recordable(request, actor_for_user(officer))
    assert IdentityMethod.EKYC in other and IdentityMethod.SELF_SERVICE not in other
    assert set(identity_methods_recordable(request, actor_for_user(customer))) == {
        IdentityMethod.OTP_PHONE, IdentityMethod.SELF_SERVICE
    }


def test_the_api_detail_names_the_methods_the_caller_may_record(as_user, officer, privacy_officer):
    request = make_request(make_subject(), channel="call_centre", actor=actor_for_user(officer))
    taken_in = as_user(officer).get(f"/api/v1/requests/{request.pk}/").json()
    assert "ekyc" not in taken_in["identity_methods"] and "otp_phone" in taken_in["identity_methods"]
    other = as_user(privacy_officer).get(f"/api/v1/requests/{request.pk}/").json()
    assert "ekyc" in other["identity_methods"]


def test_a_page_left_open_still_posting_ekyc_is_told_why_by_the_service(client, officer):
    """A page loaded before the rule (or forged) still says why, in the service's words, not a bare
    "Select a valid choice"."""
    request = make_request(make_subject(), channel="call_centre", actor=actor_for_user(officer))
    client.force_login(officer)
    with translation.override("en"):
        url = reverse("dsr:act", args=[request.pk, "verify"])
    refused = client.post(url, {"method": "ekyc", "reference": "EKYC-1"})
    assert refused.status_code == 400
    assert "another staff member looks the eKYC session up" in refused.content.decode()
