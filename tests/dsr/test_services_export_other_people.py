"""Nothing about other people in an access/copy export beyond what the customer's own pages show them: a
former guardian keeps what they did as guardian, not the child's later history; the guardian relation is
given by customer number (CIF) alone, as the pages and receipts give it."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from consents import services as consent_services
from core.actors import actor_for_user
from dsr import services
from dsr.models import FulfilmentTask
from subjects import services as subject_services
from tests.consents.factories import SYSTEM, child_of, grant, make_purpose
from tests.dsr.factories import MONDAY, STAFF, VN, make_inventory, verified_request
from tests.factories import make_customer, make_subject

pytestmark = pytest.mark.django_db


def _answer(subject, guardian=None, *, now=MONDAY):
    request = verified_request(subject, type="access", guardian=guardian, now=now)
    for task in FulfilmentTask.objects.filter(request=request):
        services.task_complete(actor=STAFF, task_id=task.pk, result={})
    services.request_complete(actor=STAFF, request_id=request.pk)
    return request


def _export(subject, format="json", *, guardian=None, now=MONDAY):
    """The export of the subject's access request (made by `guardian` for a child who cannot act alone)."""
    request = _answer(subject, guardian=guardian, now=now)
    body = services.export_download(actor=STAFF, request=request, format=format, language="en").body
    return json.loads(body) if format == "json" else body.decode()


def test_former_guardians_export_does_not_show_what_happened_to_the_child_after_guardianship_ended():
    make_inventory()
    former = make_subject()
    child = child_of(former, age=5)
    purpose = make_purpose("savings-offers")
    consent = grant(child, purpose, guardian=former)
    # The court gives the child to another guardian; the new guardian withdraws the consent.
    new_guardian = make_subject()
    subject_services.subject_rectify(actor=SYSTEM, subject_id=child.pk, changes={"guardian": new_guardian})
    subject_services.subject_guardian_verify(actor=SYSTEM, subject_id=child.pk, evidence="court-order-77")
    consent_services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")

    body = _export(former)
    ward_events = [e for e in body["consent_events"] if e["for_ward"]]
    # The former guardian may see what they did as guardian, not the child's later history.
    assert [e["event"] for e in ward_events if e["event"] == "withdrawn"] == [], ward_events
    assert [(e["consent"], e["event"]) for e in ward_events] == [(str(consent.pk), "granted")]
    (given,) = [c for c in body["consents"] if c["for_ward"]]
    assert given["withdrawal_duties"] == []  # the stops the new guardian's withdrawal ordered are theirs
    assert body["guardianship"] == {"guardian": None, "wards": []}
    # The child and the guardian acting now still see the whole history.
    events = _export(child, guardian=new_guardian)["consent_events"]
    assert [e["event"] for e in events] == ["granted", "withdrawn"]


def test_a_guardian_still_acting_sees_what_happens_to_the_consents_they_gave():
    make_inventory()
    guardian = make_subject()
    child = child_of(guardian, age=5)
    consent = grant(child, make_purpose("savings-offers"), guardian=guardian)
    consent_services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    events = _export(guardian)["consent_events"]
    assert [(e["event"], e["for_ward"]) for e in events] == [("granted", True), ("withdrawn", True)]


def test_the_childs_sixteenth_birthday_ends_what_the_guardian_sees():
    make_inventory()
    guardian = make_subject()
    child = child_of(guardian, age=16)  # 16 since ten days ago
    child = subject_services.subject_rectify(
        actor=SYSTEM, subject_id=child.pk, changes={"national_id": "001209000016"}
    )
    month_ago = timezone.now() - timedelta(days=30)
    published = month_ago - timedelta(days=30)
    savings, cards = (
        grant(
            child, make_purpose(code, effective_at=published), guardian=guardian, now=month_ago,
            child_agreed=True, child_evidence="form-child",
        )
        for code in ("savings", "cards")
    )
    # Before the birthday the guardian withdrew one consent; after it, the customer withdrew the other.
    consent_services.consent_withdraw(
        actor=STAFF, consent_id=savings.pk, channel="branch", now=timezone.now() - timedelta(days=20)
    )
    child_login = make_customer(child)
    consent_services.consent_withdraw(
        actor=actor_for_user(child_login), consent_id=cards.pk, channel="mobile_app"
    )
    events = _export(guardian)["consent_events"]
    assert sorted((e["purpose"], e["event"]) for e in events) == [
        ("cards", "granted"), ("savings", "granted"), ("savings", "withdrawn")
    ], events
    # Filed today, once 16: on the factories' fixed Monday (March) the customer was 15, and a child of 15
    # asks for access through the guardian.
    assert len(_export(child, now=timezone.now())["consent_events"]) == 4


def test_the_guardian_relation_is_given_by_customer_number_alone():
    make_inventory()
    guardian = make_subject(full_name="Trần Thị Giám Hộ")
    child = child_of(guardian, age=9)
    child_body = _export(child, guardian=guardian)
    verified_at = child.guardian_verified_at.astimezone(VN).isoformat()
    assert child_body["guardianship"] == {
        "guardian": {"customer_number": guardian.external_ref, "verified_at": verified_at},
        "wards": [],
    }
    guardian_body = _export(guardian)
    assert guardian_body["guardianship"] == {
        "guardian": None,
        "wards": [{"customer_number": child.external_ref, "verified_at": verified_at}],
    }
    # Nothing else of the other person: no name, no identity number, no date of birth.
    assert guardian.full_name not in json.dumps(child_body, ensure_ascii=False)
    assert guardian.national_id not in json.dumps(child_body)
    assert child.full_name not in json.dumps(guardian_body, ensure_ascii=False)
    assert child.date_of_birth.isoformat() not in json.dumps(guardian_body)
    html = _export(child, format="html", guardian=guardian)
    assert guardian.external_ref in html and guardian.full_name not in html
    assert child.external_ref in _export(guardian, format="html")
