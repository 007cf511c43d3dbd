"""Mistakes review: the same request filed twice (a customer who sends it again from the app, a call
centre agent and a branch officer who both record what the customer asked) ran twice, with two clocks,
two sets of tasks and two answers. A second open request of the same type, for the same purposes or
corrections, is refused and names the one already open; a different one is still taken in."""

import pytest

from audit.models import AuditEntry
from core.errors import Conflict, InvalidInput
from dsr.models import DataSubjectRequest
from dsr.services import request_cancel
from tests.consents.factories import make_purpose
from tests.dsr.factories import STAFF, make_request
from tests.factories import make_subject, signed_in
from tests.pages import hidden_fields

pytestmark = pytest.mark.django_db
INTAKE = "/en/portal/requests/new/"


def test_a_second_open_request_of_the_same_type_is_refused_naming_the_first():
    subject = make_subject()
    first = make_request(subject, type="access")
    with pytest.raises(Conflict) as refused:
        make_request(subject, type="access", channel="call_centre", repeat_confirmed=False)
    assert refused.value.code == "duplicate_request"
    assert first.reference in refused.value.text
    assert DataSubjectRequest.objects.count() == 1


def test_another_type_other_purposes_another_customer_or_a_closed_request_is_no_duplicate():
    subject = make_subject()
    first = make_request(subject, type="access")
    make_request(subject, type="copy")
    make_purpose("marketing")
    make_purpose("partners")
    make_request(subject, type="withdraw", purposes=["marketing"])
    make_request(subject, type="withdraw", purposes=["partners"])
    with pytest.raises(Conflict):
        make_request(subject, type="withdraw", purposes=["marketing"], repeat_confirmed=False)
    make_request(make_subject(), type="access")
    request_cancel(actor=STAFF, request_id=first.pk)
    make_request(subject, type="access", repeat_confirmed=False)
    assert DataSubjectRequest.objects.filter(subject=subject).count() == 5


def test_the_api_answers_409_naming_the_open_request(as_user, officer, subject):
    body = {"subject": subject.external_ref, "type": "delete", "channel": "branch"}
    first = as_user(officer).post("/api/v1/requests/", body, format="json")
    assert first.status_code == 201, first.content
    again = as_user(officer).post("/api/v1/requests/", body, format="json")
    assert again.status_code == 409, again.content
    first_request = DataSubjectRequest.objects.get()
    assert first_request.reference in again.json()["detail"]
    assert again.json()["request"] == str(first_request.pk)


def test_a_customer_filing_again_is_refused_and_cannot_override():
    subject = make_subject()
    make_request(subject, type="delete", channel="mobile_app")
    with pytest.raises(Conflict):
        make_request(subject, type="delete", channel="mobile_app")
    with pytest.raises(InvalidInput) as refused:
        make_request(subject, type="delete", channel="mobile_app", repeat_confirmed=True)
    assert refused.value.field == "repeat_confirmed"


def test_staff_may_record_a_confirmed_repeat_and_the_audit_names_the_open_request():
    subject = make_subject()
    first = make_request(subject, type="access")
    again = make_request(subject, type="access", channel="call_centre", repeat_confirmed=True)
    entry = AuditEntry.objects.get(action="dsr.request.received", target_id=str(again.pk))
    assert entry.data["repeat_of"] == str(first.pk)


def test_the_intake_page_names_the_open_request_and_records_a_repeat_only_when_ticked(officer):
    subject = make_subject()
    first = make_request(subject, type="access")
    client = signed_in(officer)
    form = {"subject_ref": subject.external_ref, "type": "access", "channel": "call_centre"}

    refused = client.post(INTAKE, {**hidden_fields(client.get(INTAKE).content), **form})
    assert refused.status_code == 200 and first.reference in refused.content.decode()
    assert DataSubjectRequest.objects.filter(subject=subject).count() == 1

    ticked = {**hidden_fields(client.get(INTAKE).content), **form, "repeat_confirmed": "on"}
    assert client.post(INTAKE, ticked).status_code == 302
    assert DataSubjectRequest.objects.filter(subject=subject).count() == 2
