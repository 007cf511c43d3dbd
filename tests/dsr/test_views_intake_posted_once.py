"""A double click, or the same intake form sent again, takes in one request: one reference, one set of
clocks, one "received" message (reviewer's finding 4). The form's one-time token goes through the
idempotency store the API's Idempotency-Key uses (integrations.form_once)."""
from __future__ import annotations

import pytest

from audit.models import AuditEntry
from dsr.models import DataSubjectRequest
from integrations.models import IdempotencyRecord
from tests.concurrency import run_together
from tests.factories import make_subject, signed_in
from tests.pages import hidden_fields, in_either_language

pytestmark = pytest.mark.django_db
URL = "/en/portal/requests/new/"
ALREADY = "This form had already been sent. It is recorded once; nothing was recorded again."


def intake_form(client, subject, **fields) -> dict:
    return {**hidden_fields(client.get(URL).content), "subject_ref": subject.external_ref, "type": "copy",
            "channel": "call_centre", "details": "Khách hàng xin bản sao dữ liệu qua điện thoại", **fields}


def test_request_intake_posted_twice_takes_in_one_request(officer):
    subject = make_subject()
    client = signed_in(officer)
    form = intake_form(client, subject)
    client.post(URL, form)
    client.post(URL, form)  # double click / Back + submit
    assert DataSubjectRequest.objects.filter(subject=subject).count() == 1


def test_the_second_post_writes_nothing_and_lands_on_the_first_receipt(officer):
    subject = make_subject()
    client = signed_in(officer)
    form = intake_form(client, subject)
    first = client.post(URL, form)
    entries = AuditEntry.objects.count()
    again = client.post(URL, form, follow=True)
    assert again.redirect_chain[0][0] == first["Location"]
    assert in_either_language(ALREADY, again.content.decode())
    assert AuditEntry.objects.count() == entries


def test_the_same_form_sent_with_other_answers_changes_nothing(officer):
    subject, other = make_subject(), make_subject()
    client = signed_in(officer)
    form = intake_form(client, subject)
    first = client.post(URL, form)
    again = client.post(URL, {**form, "subject_ref": other.external_ref}, follow=True)
    assert again.redirect_chain[0][0] == first["Location"]
    assert "nothing was changed" in again.content.decode()
    assert not DataSubjectRequest.objects.filter(subject=other).exists()


def test_a_refused_form_is_corrected_and_sent_again_with_its_token(officer):
    subject = make_subject()
    client = signed_in(officer)
    form = intake_form(client, subject)
    refused = client.post(URL, {**form, "subject_ref": "CIFX404404"})
    assert refused.status_code == 200  # the form again, the error on its field
    assert not IdempotencyRecord.objects.exists()  # the claim went with the refusal
    assert client.post(URL, form).status_code == 302
    assert DataSubjectRequest.objects.filter(subject=subject).count() == 1


def test_a_new_form_takes_in_a_new_request(officer):
    subject = make_subject()
    client = signed_in(officer)
    client.post(URL, intake_form(client, subject))
    client.post(URL, intake_form(client, subject, type="access"))  # the page opened again: a new token
    assert DataSubjectRequest.objects.filter(subject=subject).count() == 2


@pytest.mark.django_db(transaction=True)
def test_a_double_click_racing_itself_takes_in_one_request(officer):
    subject = make_subject()
    form = intake_form(signed_in(officer), subject)
    clients = [signed_in(officer), signed_in(officer)]  # one person's two posts, each on its connection
    answers = run_together([lambda c=c: c.post(URL, form) for c in clients])
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0]["Location"] == answers[1]["Location"]
    assert DataSubjectRequest.objects.filter(subject=subject).count() == 1
