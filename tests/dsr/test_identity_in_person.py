"""An identity document is checked only with the customer in person: a citizen ID number is no secret,
so a caller reading one out on the phone is not "identity document checked against the record". A
request that did not come in at a branch is verified by documents only once the officer confirms the
customer came to a branch with the original and names where (and who saw it); else by a code to the
registered phone or eKYC. The same service answers the page and the API."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEntry
from core.actors import actor_for_user
from core.errors import InvalidInput
from dsr import services
from dsr.models import DataSubjectRequest, IdentityMethod
from tests.dsr.factories import make_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
BRANCH = "CN Hoàn Kiếm - Nguyễn Văn A"


def _verify_by_document(officer, request, **presence):
    return services.request_verify_identity(
        actor=actor_for_user(officer),
        request_id=request.pk,
        method=IdentityMethod.BRANCH_DOCUMENTS,
        document_number=request.subject.national_id,
        **presence,
    )


@pytest.mark.parametrize("channel", ["call_centre", "paper_form", "mobile_app"])
def test_a_number_read_out_remotely_does_not_verify_a_request(officer, channel):
    subject = make_subject(national_id="048072000111")
    request = make_request(subject, type="delete", channel=channel)
    with pytest.raises(InvalidInput) as refused:
        _verify_by_document(officer, request)
    assert refused.value.field == "customer_present"
    with translation.override("en"):
        assert "customer in person at a branch" in refused.value.text
    with translation.override("vi"):
        assert "có mặt tại chi nhánh" in refused.value.text
    request.refresh_from_db()
    assert request.identity_verified_at is None and request.identity_method == ""
    assert not AuditEntry.objects.filter(action="dsr.request.identity_verified").exists()


def test_a_confirmed_visit_must_say_where_the_document_was_seen(officer):
    request = make_request(make_subject(), channel="call_centre")
    with pytest.raises(InvalidInput) as refused:
        _verify_by_document(officer, request, customer_present=True, seen_at_branch="  ")
    assert refused.value.field == "seen_at_branch"
    with pytest.raises(InvalidInput) as too_long:
        _verify_by_document(officer, request, customer_present=True, seen_at_branch="x" * 101)
    assert too_long.value.field == "seen_at_branch"


def test_a_phone_request_is_verified_by_documents_once_the_customer_came_to_a_branch(officer):
    request = make_request(make_subject(), channel="call_centre")
    verified = _verify_by_document(officer, request, customer_present=True, seen_at_branch=f" {BRANCH} ")
    assert verified.identity_method == "branch_documents" and verified.status == "in_progress"
    assert DataSubjectRequest.objects.get(pk=request.pk).identity_seen_at_branch == BRANCH
    audit = AuditEntry.objects.get(action="dsr.request.identity_verified")
    assert audit.data["visit_confirmed"] is True


def test_a_request_taken_in_at_the_branch_needs_no_confirmation(officer):
    request = make_request(make_subject(), channel="branch")
    verified = _verify_by_document(officer, request)
    assert verified.identity_method == "branch_documents"
    assert verified.identity_seen_at_branch == ""


def test_a_phone_request_may_still_be_verified_by_ekyc(officer):
    request = make_request(make_subject(), channel="call_centre")
    verified = services.request_verify_identity(
        actor=actor_for_user(officer), request_id=request.pk, method="ekyc", reference="EKYC-77"
    )
    assert verified.identity_method == "ekyc"


def test_the_api_refuses_a_document_check_of_a_phone_request_without_the_visit(as_user, officer):
    subject = make_subject()
    request = make_request(subject, channel="call_centre", actor=actor_for_user(officer))
    client = as_user(officer)
    url = f"/api/v1/requests/{request.pk}/verify-identity/"
    body = {"method": "branch_documents", "document_number": subject.national_id}
    refused = client.post(url, body, format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400, refused.json()
    assert "customer in person at a branch" in refused.json()["customer_present"][0]
    done = client.post(url, {**body, "customer_present": True, "seen_at_branch": BRANCH}, format="json")
    assert done.status_code == 200, done.json()
    assert done.json()["identity_method"] == "branch_documents"
    assert done.json()["identity_seen_at_branch"] == BRANCH


def test_the_page_preselects_no_method_and_asks_a_phone_requests_visit(client, officer):
    subject = make_subject()
    request = make_request(subject, channel="call_centre", actor=actor_for_user(officer))
    client.force_login(officer)
    with translation.override("vi"):
        detail = reverse("dsr:detail", args=[request.pk])
        url = reverse("dsr:act", args=[request.pk, "verify"])
    page = client.get(detail).content.decode()
    form = re.search(r'data-testid="verify-form">(.*?)</form>', page, re.S).group(1)
    assert not re.search(r'name="method"[^>]*checked', form), "a method is pre-selected"
    assert "Khách hàng có mặt tại quầy, giấy tờ gốc đã được xem" in form
    document = {"method": "branch_documents", "document_type": "cccd", "document_number": subject.national_id}
    refused = client.post(url, document)
    assert refused.status_code == 400
    assert "có mặt tại chi nhánh" in refused.content.decode()
    assert DataSubjectRequest.objects.get(pk=request.pk).identity_verified_at is None
    verified = client.post(
        url,
        {**document, "customer_present": "on", "seen_at_branch": BRANCH},
    )
    assert verified.status_code == 302
    assert DataSubjectRequest.objects.get(pk=request.pk).identity_seen_at_branch == BRANCH
    identity = re.search(
        r'data-testid="identity">(.*?)</dd>', client.get(detail).content.decode(), re.S
    ).group(1)
    assert BRANCH in identity


def test_a_branch_requests_page_does_not_ask_for_the_visit(client, officer):
    request = make_request(make_subject(), channel="branch", actor=actor_for_user(officer))
    client.force_login(officer)
    page = client.get(reverse("dsr:detail", args=[request.pk])).content.decode()
    assert 'name="customer_present"' not in page
