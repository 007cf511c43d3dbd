"""A field's hint and its error must be read out with the field (WCAG 1.3.1, 3.3.1): Django puts
`aria-describedby="<id>_helptext <id>_error"` on every control that has help text or an error, so the
elements showing them must carry exactly those ids. Otherwise the reference points at nothing and a
screen reader, landing on the field, says neither the hint nor what was wrong."""
from __future__ import annotations

from datetime import timedelta

import pytest

from core.access import subject_for_user
from dsr import services
from tests.consents.factories import make_purpose
from tests.dsr.factories import MONDAY, STAFF, awaiting_customer, make_request
from tests.factories import signed_in
from tests.html_tree import ids, parse

pytestmark = pytest.mark.django_db


def description(page, control) -> str:
    """What a screen reader reads after the control's name: the text of the elements its
    aria-describedby names (those that exist)."""
    by_id = ids(page)
    refs = (control.get("aria-describedby") or "").split()
    return " ".join(by_id[ref].text() for ref in refs if ref in by_id)


def control(page, name: str):
    return next(e for e in page.find_all(["input", "select", "textarea"]) if e.get("name") == name)


def test_officer_hears_the_evidence_fields_hint(officer, subject):
    make_purpose("marketing")
    page = parse(signed_in(officer).get(f"/en/portal/customers/{subject.pk}/consents/new/").content)
    evidence = control(page, "evidence")
    assert "the signed form's number" in description(page, evidence)


def test_privacy_officer_hears_the_identity_checks_hints(privacy_officer, subject):
    """The request page's identity check: "Checked against the citizen ID on the customer record"."""
    request = make_request(subject)
    services.request_acknowledge(actor=STAFF, request_id=request.pk, now=MONDAY + timedelta(hours=1))
    page = parse(signed_in(privacy_officer).get(f"/en/portal/requests/{request.pk}/").content)
    assert "Checked against the citizen ID" in description(page, control(page, "document_number"))


def test_customer_hears_what_was_wrong_with_their_answer_on_the_field(customer_a):
    """A customer sends a blank answer (spaces pass the browser's `required`) to the bank's question:
    the page comes back with the error; the answer box, when focused, must say it."""
    subject = subject_for_user(customer_a)
    request = awaiting_customer(subject)
    response = signed_in(customer_a).post(f"/en/me/requests/{request.pk}/reply/", {"text": "   "})
    assert response.status_code == 400
    page = parse(response.content)
    text = control(page, "text")
    assert text.get("aria-invalid") == "true"
    assert "Write your answer to the bank's question." in description(page, text)
