"""Mistakes review: the same request filed twice (a customer who sends it again from the app, a call
centre agent and a branch officer who both record what the customer asked) ran twice, with two clocks,
two sets of tasks and two answers. A second open request of the same type, for the same purposes or
corrections, is refused on the customer's page and the staff intake page (unless staff confirm it),
naming the one already open; the public API takes it in (its contract answers 201) and says which open
request it repeats (`repeat_of`). A different request is still taken in."""

import pytest
from django.utils import translation

from audit.models import AuditEntry
from core.errors import Conflict
from dsr.models import DataSubjectRequest
from dsr.services import Repeat, request_cancel
from tests.consents.factories import make_purpose
from tests.dsr.factories import STAFF, make_request
from tests.factories import make_subject, signed_in
from tests.pages import hidden_fields

pytestmark = pytest.mark.django_db
INTAKE = "/en/portal/requests/new/"
REFUSE, RECORD = Repeat.REFUSE, Repeat.RECORD
CUSTOMER_NEW = "/en/me/requests/new/"


def test_a_second_open_request_of_the_same_type_is_refused_naming_the_first():
    subject = make_subject()
    first = make_request(subject, type="access")
    with pytest.raises(Conflict) as refused:
        make_request(subject, type="access", channel="call_centre", on_repeat=REFUSE)
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
        make_request(subject, type="withdraw", purposes=["marketing"], on_repeat=REFUSE)
    make_request(make_subject(), type="access")
    request_cancel(actor=STAFF, request_id=first.pk)
    make_request(subject, type="access", on_repeat=REFUSE)
    assert DataSubjectRequest.objects.filter(subject=subject).count() == 5


def test_a_recorded_repeat_names_the_open_request_on_the_request_and_in_the_audit():
    subject = make_subject()
    first = make_request(subject, type="access")
    again = make_request(subject, type="access", channel="call_centre", on_repeat=RECORD)
    assert again.repeat_of == first and first.repeat_of is None
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


def test_the_api_takes_a_repeat_in_and_names_the_open_request_it_repeats(as_user, officer, subject):
    """The public contract answers POST requests/ with 201: outside callers may file the same request
    twice, so the API records the repeat and says which open request it repeats."""
    body = {"subject": subject.external_ref, "type": "delete", "channel": "branch"}
    first = as_user(officer).post("/api/v1/requests/", body, format="json")
    assert first.status_code == 201, first.content
    assert first.json()["repeat_of"] is None
    again = as_user(officer).post("/api/v1/requests/", body, format="json")
    assert again.status_code == 201, again.content
    first_id = first.json()["id"]
    assert again.json()["repeat_of"] == first_id
    repeat = DataSubjectRequest.objects.get(pk=again.json()["id"])
    assert str(repeat.repeat_of_id) == first_id
    detail = as_user(officer).get(f"/api/v1/requests/{repeat.pk}/").json()
    assert detail["repeat_of"] == first_id
    entry = AuditEntry.objects.get(action="dsr.request.received", target_id=str(repeat.pk))
    assert entry.data["repeat_of"] == first_id


def test_a_customer_sending_a_repeat_through_the_api_gets_it_recorded(as_user, customer_a):
    """The customer's own API calls are outside callers too: a repeat is 201, never a refusal, and the
    field the contract never had (`repeat_confirmed`) is ignored like any unknown field."""
    body = {"type": "access", "channel": "mobile_app", "repeat_confirmed": True}
    first = as_user(customer_a).post("/api/v1/requests/", body, format="json")
    again = as_user(customer_a).post("/api/v1/requests/", body, format="json")
    assert (first.status_code, again.status_code) == (201, 201), again.content
    assert again.json()["repeat_of"] == first.json()["id"]


def test_the_customers_page_refuses_a_repeat_naming_the_open_request(logged_in, customer_a):
    subject = customer_a.customer_account.subject
    first = make_request(subject, type="access", channel="internet_banking")
    client = logged_in(customer_a)
    form = {**hidden_fields(client.get(CUSTOMER_NEW).content), "type": "access", "details": ""}

    page = client.post(CUSTOMER_NEW, form).content.decode()

    assert first.reference in page and "already open" in page
    assert DataSubjectRequest.objects.filter(subject=subject).count() == 1


def test_a_repeat_staff_record_on_purpose_is_stored_and_shown_on_the_request_page(officer, privacy_officer):
    subject = make_subject()
    first = make_request(subject, type="access")
    client = signed_in(officer)
    form = {"subject_ref": subject.external_ref, "type": "access", "channel": "call_centre",
            "repeat_confirmed": "on"}
    client.post(INTAKE, {**hidden_fields(client.get(INTAKE).content), **form})
    repeat = DataSubjectRequest.objects.exclude(pk=first.pk).get(subject=subject)
    assert repeat.repeat_of_id == first.pk

    page = signed_in(privacy_officer).get(f"/en/portal/requests/{repeat.pk}/").content.decode()
    shown = page.split('data-testid="repeat-of"', 1)[1].split("</", 1)[0]
    assert first.reference in shown


def test_the_queue_says_which_open_request_a_repeat_repeats(as_user, officer, privacy_officer, subject):
    body = {"subject": subject.external_ref, "type": "access", "channel": "branch"}
    first, again = (as_user(officer).post("/api/v1/requests/", body, format="json").json() for _ in range(2))

    page = signed_in(privacy_officer).get(f"/en/portal/requests/?subject={subject.external_ref}")

    marks = page.content.decode().split('data-testid="repeat-of"')[1:]
    assert len(marks) == 1 and first["reference"] in marks[0].split("</small>", 1)[0]


def test_the_schema_says_repeat_of_may_be_null(api):
    """Most requests repeat none: a client generated from the schema must accept null."""
    schema = api.get("/api/schema/?format=json").json()
    for name in ("RequestOutput", "RequestDetail"):
        assert schema["components"]["schemas"][name]["properties"]["repeat_of"].get("nullable") is True, name


def test_the_vietnamese_refusal_of_a_repeat_reads_naturally_without_saying_the_same_thing_twice():
    subject = make_subject()
    first = make_request(subject, type="access")
    with translation.override("vi"), pytest.raises(Conflict) as refused:
        make_request(subject, type="access", on_repeat=REFUSE)
    with translation.override("vi"):
        text = str(refused.value.text)
    assert first.reference in text and "Yêu cầu" in text
    assert text.count("đang được") <= 1, text
