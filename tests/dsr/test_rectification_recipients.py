"""A rectification is passed on to whoever received the customer's data (domain notes: the bank answers
for its recipients): each recipient of a purpose the customer consented to, while it still holds the
data, gets a notice naming the corrected fields, to acknowledge as it acknowledges a withdrawal."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from consents.models import Consent, WithdrawalDuty
from consents.services import consent_withdraw, duty_acknowledge
from dsr import services
from dsr.models import FulfilmentTask
from integrations.models import OutboxMessage
from subjects.services import subject_rectify
from tests.consents.factories import grant, make_purpose, make_recipient
from tests.dsr.factories import STAFF, make_inventory, verified_request
from tests.factories import make_subject
from tests.pages import in_either_language

pytestmark = pytest.mark.django_db

NEW_PHONE = "0912345678"


def _finish(request, **answer):
    for task in FulfilmentTask.objects.filter(request=request):
        services.task_complete(actor=STAFF, task_id=task.pk, result={})
    return services.request_complete(actor=STAFF, request_id=request.pk, **answer)


def _notices(recipient):
    return WithdrawalDuty.objects.filter(recipient=recipient, kind=WithdrawalDuty.Kind.RECTIFICATION)


def test_rectification_is_passed_on_to_the_recipients_the_data_was_shared_with(client_user, subject):
    make_inventory()
    insurer = make_recipient("Partner Insurance", client=client_user, url="https://insurer.example/hook")
    grant(subject, make_purpose("bancassurance", recipients=[insurer]))
    before = OutboxMessage.objects.filter(endpoint=insurer.endpoint).count()
    _finish(verified_request(subject, type="rectify", corrections={"phone": NEW_PHONE}))
    subject.refresh_from_db()
    assert subject.phone == NEW_PHONE
    # The recipient holding the customer's data is told that it was corrected.
    assert OutboxMessage.objects.filter(endpoint=insurer.endpoint).count() > before


def test_the_recipients_notice_names_the_corrected_fields_never_their_values(client_user, subject):
    make_inventory()
    insurer = make_recipient("Partner Insurance", client=client_user, url="https://insurer.example/hook")
    grant(subject, make_purpose("bancassurance", recipients=[insurer]))
    request = verified_request(
        subject, type="rectify", corrections={"phone": NEW_PHONE, "email": "moi@example.vn"}
    )
    _finish(request)

    (notice,) = _notices(insurer)
    assert (notice.status, notice.fields, notice.subject_id) == ("open", ["email", "phone"], subject.pk)
    assert notice.due_at > notice.received_at
    message = OutboxMessage.objects.get(pk=notice.notice_message_id)
    payload = json.loads(message.payload)
    assert message.topic == "consent.data_rectified"
    assert payload["fields"] == ["email", "phone"]
    assert payload["subject"] == subject.external_ref
    assert NEW_PHONE not in json.dumps(payload) and "moi@example.vn" not in json.dumps(payload)
    # Recorded with the answer, for the DPO: who was told, and (below) who acknowledged.
    entry = AuditEntry.objects.get(action="consents.duty.rectification_opened", subject_id=subject.pk)
    assert entry.data["recipients"] == [insurer.pk] and entry.data["fields"] == ["email", "phone"]

    duty_acknowledge(actor=STAFF, duty_id=notice.pk, note="corrected in the policy system")
    notice.refresh_from_db()
    assert notice.status == "acknowledged" and notice.acknowledged_at is not None


def test_a_correction_by_staff_outside_a_request_is_passed_on_too(client_user, subject):
    insurer = make_recipient("Partner Insurance", client=client_user, url="https://insurer.example/hook")
    grant(subject, make_purpose("bancassurance", recipients=[insurer]))
    subject_rectify(actor=STAFF, subject_id=subject.pk, changes={"full_name": "Trần Thị Mới"}, reason="typo")
    assert list(_notices(insurer).values_list("fields", flat=True)) == [["full_name"]]


def test_the_banks_own_records_of_a_customer_are_not_passed_on(client_user, subject):
    insurer = make_recipient("Partner Insurance", client=client_user, url="https://insurer.example/hook")
    grant(subject, make_purpose("bancassurance", recipients=[insurer]))
    subject_rectify(
        actor=STAFF, subject_id=subject.pk, changes={"relationship_ended_on": timezone.localdate()}
    )
    assert not _notices(insurer).exists()


def test_a_recipient_still_holding_the_data_after_a_withdrawal_is_told_one_whose_period_ended_is_not(
    client_user, subject
):
    kept = make_recipient("Group Securities", client=client_user, url="https://securities.example/hook")
    gone = make_recipient("Old Partner", client=client_user, url="https://old.example/hook")
    never = make_recipient("Never Shared", client=client_user, url="https://never.example/hook")
    for code, recipient, months in (("group", kept, 24), ("old-partner", gone, None)):
        consent = grant(subject, make_purpose(code, recipients=[recipient], retention_months=months))
        consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    make_purpose("not-agreed", recipients=[never])

    subject_rectify(actor=STAFF, subject_id=subject.pk, changes={"phone": NEW_PHONE})

    # Withdrawn a moment ago under a purpose whose data is kept 24 months: still held, so told.
    assert _notices(kept).count() == 1
    # Kept only while the purpose needed it, which ended with the withdrawal; never shared at all.
    assert not _notices(gone).exists() and not _notices(never).exists()


def test_a_recipient_of_two_purposes_is_told_once(client_user, subject):
    insurer = make_recipient("Partner Insurance", client=client_user, url="https://insurer.example/hook")
    grant(subject, make_purpose("bancassurance", recipients=[insurer]))
    grant(subject, make_purpose("insurance-offers", recipients=[insurer]))
    subject_rectify(actor=STAFF, subject_id=subject.pk, changes={"phone": NEW_PHONE})
    assert _notices(insurer).count() == 1
    message = OutboxMessage.objects.get(endpoint=insurer.endpoint, topic="consent.data_rectified")
    payload = json.loads(message.payload)
    assert payload["purposes"] == ["bancassurance", "insurance-offers"]


def test_a_notice_does_not_count_as_a_withdrawal_duty_of_the_consent(client_user, subject):
    """The consent's receipt and a withdrawal's completion read the duties to stop, not the notices."""
    insurer = make_recipient("Partner Insurance", client=client_user, url="https://insurer.example/hook")
    purpose = make_purpose("bancassurance", recipients=[insurer])
    grant(subject, purpose)
    subject_rectify(actor=STAFF, subject_id=subject.pk, changes={"phone": NEW_PHONE})
    make_inventory()
    # Received after the consent was given: a withdrawal request reaches only the consents given by then.
    request = verified_request(subject, type="withdraw", purposes=["bancassurance"], now=timezone.now())
    (stop,) = WithdrawalDuty.objects.filter(recipient=insurer, kind=WithdrawalDuty.Kind.WITHDRAWAL)
    duty_acknowledge(actor=STAFF, duty_id=stop.pk, note="letter from the insurer")
    # The correction notice is still open; the withdrawal is answered once the recipient stopped.
    assert _notices(insurer).get().status == "open"
    assert _finish(request).status == "completed"


def test_the_dpo_sees_who_was_told_of_a_correction_and_who_acknowledged(logged_in, dpo, client_user, subject):
    insurer = make_recipient("Partner Insurance", client=client_user, url="https://insurer.example/hook")
    bureau = make_recipient("Credit Bureau")
    grant(subject, make_purpose("bancassurance", recipients=[insurer, bureau]))
    subject_rectify(actor=STAFF, subject_id=subject.pk, changes={"phone": NEW_PHONE})
    duty_acknowledge(actor=STAFF, duty_id=_notices(insurer).get().pk, note="policy system updated")

    page = logged_in(dpo).get("/en/portal/withdrawal-duties/", {"kind": "rectification"}).content.decode()
    waiting = page[page.index('data-testid="duty-table"'):]
    waiting = waiting[: waiting.index("</table>")]
    acknowledged = page[page.index('data-testid="duty-table-acknowledged"'):]
    assert "Credit Bureau" in waiting and "Correct the data (rectification): phone" in waiting
    assert "Partner Insurance" in acknowledged and "policy system updated" in acknowledged


def test_a_recipient_lists_its_correction_notices_through_the_api(as_user, client_user, subject):
    insurer = make_recipient("Partner Insurance", client=client_user, url="https://insurer.example/hook")
    grant(subject, make_purpose("bancassurance", recipients=[insurer]))
    subject_rectify(actor=STAFF, subject_id=subject.pk, changes={"email": "moi@example.vn"})
    api = as_user(client_user, scopes=["consents:read", "consents:write"])

    (notice,) = api.get("/api/v1/withdrawal-duties/", {"kind": "rectification"}).json()["results"]
    assert (notice["kind"], notice["fields"], notice["subject"]) == (
        "rectification", ["email"], subject.external_ref
    )
    assert api.get("/api/v1/withdrawal-duties/", {"kind": "withdrawal"}).json()["results"] == []
    assert api.get("/api/v1/withdrawal-duties/", {"kind": "lost"}).status_code == 400
    answer = api.post(f"/api/v1/withdrawal-duties/{notice['id']}/acknowledge/", {"note": "corrected"})
    assert answer.status_code == 200 and answer.json()["status"] == "acknowledged"


def test_passing_a_correction_on_reads_a_fixed_number_of_queries_however_many_consents(
    client_user, django_assert_max_num_queries
):
    """Inside the correction's transaction: the recipients of all the customer's consents are read
    together, not once per consent."""
    insurer = make_recipient("Partner Insurance", client=client_user, url="https://insurer.example/hook")
    few, many = make_subject(), make_subject()
    grant(few, make_purpose("few", recipients=[insurer]))
    codes = [f"many-{index}" for index in range(6)]
    for code in codes:
        grant(many, make_purpose(code, recipients=[insurer]))
    # Each has one recorded before receipts froze the scope: its purpose's recipients are its record.
    for customer, code in ((few, "legacy-few"), (many, "legacy-many")):
        legacy_purpose = make_purpose(code, recipients=[insurer])
        legacy = grant(customer, legacy_purpose)
        Consent.objects.filter(pk=legacy.pk).update(snapshot={})
        legacy_purpose.notices.update(scope={})
    subject_rectify(actor=STAFF, subject_id=few.pk, changes={"phone": "0912000001"})  # caches warmed

    with CaptureQueriesContext(connection) as one:
        subject_rectify(actor=STAFF, subject_id=few.pk, changes={"phone": NEW_PHONE})
    with django_assert_max_num_queries(len(one)):
        subject_rectify(actor=STAFF, subject_id=many.pk, changes={"phone": NEW_PHONE})

    (notice,) = WithdrawalDuty.objects.filter(subject=many, kind=WithdrawalDuty.Kind.RECTIFICATION)
    message = OutboxMessage.objects.get(pk=notice.notice_message_id)
    assert json.loads(message.payload)["purposes"] == sorted([*codes, "legacy-many"])


NEW_NATIONAL_ID = "079088001299"


def test_a_recipient_is_told_only_of_the_fields_of_the_data_categories_it_was_shared(client_user, subject):
    """A recipient that received only the customer's contact details holds no national id: it is not
    told that one was corrected (nor given the customer's number for it), and a notice names only the
    corrected fields of the categories its purposes shared with it. A purpose that declares no category
    says nothing of what it shares: its recipients are told of every corrected field."""
    mailer = make_recipient("Mailing House", client=client_user, url="https://mailer.example/hook")
    registry = make_recipient("ID Registry", client=client_user, url="https://registry.example/hook")
    agency = make_recipient("Ad Agency", client=client_user, url="https://agency.example/hook")
    undeclared = make_recipient("Old Partner", client=client_user, url="https://old.example/hook")
    grant(subject, make_purpose("statements", recipients=[mailer], data_categories=["contact"]))
    id_check = make_purpose("id-check", recipients=[registry], data_categories=["identity", "contact"])
    grant(subject, id_check, sensitive_acknowledged=True)  # identity is sensitive (Decree 13 Art. 2.4)
    grant(subject, make_purpose("interests", recipients=[agency], data_categories=["preferences"]))
    grant(subject, make_purpose("legacy-sharing", recipients=[undeclared]))

    subject_rectify(actor=STAFF, subject_id=subject.pk, changes={"national_id": NEW_NATIONAL_ID})

    assert not _notices(mailer).exists() and not _notices(agency).exists()
    assert not OutboxMessage.objects.filter(endpoint=mailer.endpoint, topic="consent.data_rectified").exists()
    assert list(_notices(registry).values_list("fields", flat=True)) == [["national_id"]]
    assert list(_notices(undeclared).values_list("fields", flat=True)) == [["national_id"]]
    entry = AuditEntry.objects.get(action="consents.duty.rectification_opened", subject_id=subject.pk)
    assert entry.data["recipients"] == sorted([registry.pk, undeclared.pk])

    subject_rectify(
        actor=STAFF, subject_id=subject.pk, changes={"phone": NEW_PHONE, "full_name": "Trần Thị Mới"}
    )

    (notice,) = _notices(mailer)
    assert notice.fields == ["phone"]
    payload = json.loads(OutboxMessage.objects.get(pk=notice.notice_message_id).payload)
    assert (payload["fields"], payload["purposes"]) == (["phone"], ["statements"])
    assert _notices(registry).order_by("received_at").last().fields == ["full_name", "phone"]
    assert not _notices(agency).exists()


def test_a_recipient_of_two_purposes_hears_of_a_field_under_the_purpose_that_shared_it(
    client_user, subject
):
    insurer = make_recipient("Partner Insurance", client=client_user, url="https://insurer.example/hook")
    grant(subject, make_purpose("policy-letters", recipients=[insurer], data_categories=["contact"]))
    underwriting = make_purpose("underwriting", recipients=[insurer], data_categories=["identity"])
    grant(subject, underwriting, sensitive_acknowledged=True)  # identity is sensitive (Decree 13 Art. 2.4)

    subject_rectify(actor=STAFF, subject_id=subject.pk, changes={"national_id": NEW_NATIONAL_ID})

    (notice,) = _notices(insurer)
    payload = json.loads(OutboxMessage.objects.get(pk=notice.notice_message_id).payload)
    assert (notice.fields, payload["purposes"]) == (["national_id"], ["underwriting"])


def test_the_request_page_lists_the_recipients_its_rectification_told(
    logged_in, privacy_officer, client_user, subject
):
    """The notices a rectification request's answer sent were only on the Recipient notices page: the
    request page now lists them, each recipient with when it must correct, whether and when it
    acknowledged, and whether late; a correction made another time is not this request's."""
    insurer = make_recipient("Partner Insurance", client=client_user, url="https://insurer.example/hook")
    bureau = make_recipient("Credit Bureau")
    grant(subject, make_purpose("bancassurance", recipients=[insurer, bureau]))
    make_inventory()
    request = _finish(verified_request(subject, type="rectify", corrections={"phone": NEW_PHONE}))
    insurers, bureaus = _notices(insurer).get(), _notices(bureau).get()
    a_day_late = insurers.due_at + timedelta(days=1)
    duty_acknowledge(actor=STAFF, duty_id=insurers.pk, note="policy system updated", now=a_day_late)
    subject_rectify(actor=STAFF, subject_id=subject.pk, changes={"email": "moi@example.vn"}, reason="later")

    page = logged_in(privacy_officer).get(reverse("dsr:detail", args=[request.pk])).content.decode()

    table = page[page.index('data-testid="rectification-notices"'):]
    table = table[: table.index("</table>")]
    assert "<caption" in table and '<th scope="col"' in table
    assert in_either_language("Recipients told of the correction", table)
    rows = table.split('data-testid="rectification-notice"')[1:]
    assert len(rows) == 2  # the later correction's notices are not this request's
    by_name = {("Partner Insurance" if "Partner Insurance" in row else "Credit Bureau"): row for row in rows}
    assert in_either_language("late", by_name["Partner Insurance"])
    assert timezone.localtime(bureaus.due_at).strftime("%Y") in by_name["Credit Bureau"]
    assert in_either_language("Not yet", by_name["Credit Bureau"])
    assert not in_either_language("late", by_name["Credit Bureau"])
