"""What the customer told the platform is in their access / copy export (review rl5): their words on their
requests (details, the values they asked to correct to), their reason for withdrawing a consent (not the
platform's own reasons), the device and session a consent was given from, the history of their
third-party authorisations with their reason for revoking, their profile settings (preferred language,
the end of the relationship, the channels they chose, a new e-mail or phone still being confirmed), and
the requests they filed as guardian for a child, with their own part only."""

import csv
import io
import json
from datetime import date

import pytest
from django.utils import timezone

from authorisations import services as auth_services
from consents import services as consent_services
from consents.services.withdrawals import CHILD_STOP_REASON
from core.actors import Actor, actor_for_user
from core.erased import REASON_ERASED
from dsr import services
from dsr.models import DataSubjectRequest, FulfilmentTask
from dsr.services.profile import contact_change_start
from notifications.services import notification_preference_set
from subjects.models import DataSubject
from tests.authorisations.factories import authorise
from tests.consents.factories import child_of, grant, make_purpose
from tests.dsr.factories import STAFF, make_inventory, make_request, verify
from tests.factories import make_customer

pytestmark = pytest.mark.django_db

WORDS = "Tôi muốn biết ngân hàng đã chia sẻ số điện thoại của tôi với ai"


def _answered(subject):
    now = timezone.now()
    request = verify(make_request(subject, type="access", now=now), now=now)
    for task in FulfilmentTask.objects.filter(request=request):
        services.task_complete(actor=STAFF, task_id=task.pk, result={})
    services.request_complete(actor=STAFF, request_id=request.pk)
    return request


def _download(request, format, language="vi"):
    body = services.export_download(actor=STAFF, request=request, format=format, language=language).body
    return json.loads(body) if format == "json" else body.decode()


def _csv_values(request, language="vi") -> list[str]:
    rows = list(csv.reader(io.StringIO(_download(request, "csv", language).lstrip("\ufeff"))))
    return [cell for row in rows for cell in row]


def test_the_customers_words_and_corrected_values_on_their_requests_are_in_every_form(subject):
    make_inventory()
    objection = make_request(subject, type="object", details=WORDS, now=timezone.now())
    make_request(subject, type="rectify", corrections={"address": "12 Phố Huế, Hà Nội"}, now=timezone.now())
    access = _answered(subject)
    entries = {r["id"]: r for r in _download(access, "json")["requests"]}
    assert entries[str(objection.pk)]["details"] == WORDS
    rectify = next(r for r in entries.values() if r["type"] == "rectify")
    assert rectify["corrections"] == {"address": "12 Phố Huế, Hà Nội"}
    page = _download(access, "html")
    assert WORDS in page and "Địa chỉ: 12 Phố Huế, Hà Nội" in page
    cells = _csv_values(access)
    assert WORDS in cells and "Địa chỉ: 12 Phố Huế, Hà Nội" in cells


def test_details_erased_by_an_earlier_release_read_as_erased(subject):
    make_inventory()
    earlier = make_request(subject, type="object", details="x", now=timezone.now())
    earlier.details = REASON_ERASED
    earlier.save(update_fields=["details"])
    access = _answered(subject)
    page = _download(access, "html", language="en")
    assert "Erased at the customer&#x27;s request" in page and REASON_ERASED not in page


def test_the_customers_reason_for_withdrawing_is_there_and_the_platforms_is_not(subject):
    make_inventory()
    mine = grant(subject, make_purpose("marketing-offers"))
    consent_services.consent_withdraw(
        actor=STAFF,
        consent_id=mine.pk,
        channel="branch",
        reason="Không muốn nhận quảng cáo qua điện thoại nữa",
    )
    stopped = grant(subject, make_purpose("profiling"))
    consent_services.consent_withdraw(
        actor=STAFF, consent_id=stopped.pk, channel="branch", reason=CHILD_STOP_REASON
    )
    access = _answered(subject)
    events = [e for e in _download(access, "json")["consent_events"] if e["event"] == "withdrawn"]
    reasons = {e["consent"]: e["reason"] for e in events}
    assert reasons == {str(mine.pk): "Không muốn nhận quảng cáo qua điện thoại nữa", str(stopped.pk): None}
    assert "Không muốn nhận quảng cáo qua điện thoại nữa" in _download(access, "html")
    assert "Không muốn nhận quảng cáo qua điện thoại nữa" in _csv_values(access)


def test_the_device_and_session_a_consent_was_given_from_are_there(subject):
    make_inventory()
    grant(
        subject,
        make_purpose("marketing-offers"),
        channel="mobile_app",
        device="iPhone-15-NEEDLE-DEVICE",
        session_ref="SESSION-NEEDLE-77",
    )
    access = _answered(subject)
    (consent,) = _download(access, "json")["consents"]
    assert (consent["device"], consent["session_ref"]) == ("iPhone-15-NEEDLE-DEVICE", "SESSION-NEEDLE-77")
    page = _download(access, "html")
    assert "iPhone-15-NEEDLE-DEVICE" in page and "SESSION-NEEDLE-77" in page
    cells = _csv_values(access)
    assert "iPhone-15-NEEDLE-DEVICE" in cells and "SESSION-NEEDLE-77" in cells


def test_the_third_party_history_with_the_customers_revocation_reason_is_there():
    make_inventory()
    customer = make_customer()
    subject = customer.customer_account.subject
    authorisation = authorise(customer)
    auth_services.authorisation_revoke(
        actor=actor_for_user(customer),
        authorisation_id=authorisation.pk,
        channel="internet_banking",
        reason="App lạ gọi cho tôi",
        subject=subject,
    )
    access = _answered(subject)
    (entry,) = _download(access, "json")["third_party_access"]
    assert [(e["event"], e["reason"]) for e in entry["events"]] == [
        ("granted", None),
        ("revoked", "App lạ gọi cho tôi"),
    ]
    assert all(e["at"] for e in entry["events"])
    assert "App lạ gọi cho tôi" in _download(access, "html")
    assert "App lạ gọi cho tôi" in _csv_values(access)


def test_the_profile_settings_and_a_contact_being_confirmed_are_there(subject):
    make_inventory()
    DataSubject.objects.filter(pk=subject.pk).update(
        relationship_ended_on=date(2026, 1, 15), preferred_language="en"
    )
    subject.refresh_from_db()
    notification_preference_set(actor=STAFF, subject=subject, channels=["sms", "inbox"])
    contact_change_start(
        actor=Actor(kind="customer", user_id=None, label="c"),
        subject=subject,
        field="email",
        value="needle.new@example.vn",
    )
    access = _answered(subject)
    data = _download(access, "json")
    assert (data["subject"]["preferred_language"], data["subject"]["relationship_ended_on"]) == (
        "en",
        "2026-01-15",
    )
    assert data["notification_channels"] == ["sms", "inbox"]
    assert [(c["field"], c["value"]) for c in data["contact_changes_pending"]] == [
        ("email", "needle.new@example.vn")
    ]
    page = _download(access, "html")
    for shown in ("15/01/2026", "needle.new@example.vn", "English", "SMS"):
        assert shown in page, shown
    cells = _csv_values(access)
    assert "15/01/2026" in cells and "needle.new@example.vn" in cells


def test_a_guardians_export_has_their_own_part_of_the_requests_they_filed_for_a_child(subject):
    make_inventory()
    child = child_of(subject, age=10)
    now = timezone.now()
    filed = verify(
        make_request(
            child,
            type="rectify",
            guardian=subject,
            details="NEEDLE-GUARDIAN-WORDS",
            corrections={"address": "NEEDLE-CHILD-ADDRESS"},
            now=now,
        ),
        now=now,
    )
    access = _answered(subject)
    data = _download(access, "json")
    (entry,) = data["requests_as_guardian"]
    assert entry["id"] == str(filed.pk) and entry["details"] == "NEEDLE-GUARDIAN-WORDS"
    assert entry["identity_verified_at"] and entry["identity_method"]
    assert "corrections" not in entry
    assert str(filed.pk) not in {r["id"] for r in data["requests"]}
    assert "NEEDLE-CHILD-ADDRESS" not in json.dumps(data, ensure_ascii=False)
    page = _download(access, "html")
    assert "NEEDLE-GUARDIAN-WORDS" in page and filed.reference in page
    assert "NEEDLE-GUARDIAN-WORDS" in _csv_values(access)


def test_a_former_guardian_keeps_their_words_but_not_how_the_childs_request_went(subject):
    make_inventory()
    child = child_of(subject, age=10)
    now = timezone.now()
    filed = make_request(child, type="access", guardian=subject, details="NEEDLE-GUARDIAN-WORDS", now=now)
    DataSubject.objects.filter(pk=child.pk).update(guardian_verified_at=None)
    access = _answered(subject)
    (entry,) = _download(access, "json")["requests_as_guardian"]
    assert entry["id"] == str(filed.pk) and entry["details"] == "NEEDLE-GUARDIAN-WORDS"
    assert entry["status"] is None and entry["closed_at"] is None
    assert DataSubjectRequest.objects.get(pk=filed.pk).status
