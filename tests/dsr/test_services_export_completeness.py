"""Access/copy export completeness (read-only review of the access answer): what the platform holds about
the customer and acts on is in the answer, in the JSON (codes and labels) and on the readable page:
whom each consent let the bank share with and whom a withdrawal told to stop, the restrictions and
objections in force, each request's answer and legal reason, the messages sent to the customer, and who
recorded each consent event. Staff appear by role, never by name; the building reads a fixed number of
queries however much the customer has."""

import csv
import io
import json
import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from consents import services as consent_services
from consents.models import ProcessingRestriction, WithdrawalDuty
from core.actors import actor_for_user
from dsr import services
from dsr.models import FulfilmentTask, OutcomeReason, RequestExport
from dsr.services.export_formats import export_readable
from dsr.services.exports import export_content
from notifications.models import Notification
from notifications.services import notification_mark_read
from subjects import services as subject_services
from tests.authorisations.factories import authorise
from tests.consents.factories import SYSTEM, child_of, grant, make_purpose, make_recipient
from tests.dsr.factories import MONDAY, STAFF, VN, awaiting_customer, make_inventory, verified_request
from tests.factories import make_subject
from tests.pages import translated

pytestmark = pytest.mark.django_db


def _answer(subject, type="access"):
    request = verified_request(subject, type=type)
    for task in FulfilmentTask.objects.filter(request=request):
        services.task_complete(actor=STAFF, task_id=task.pk, result={}, note="Tra soát nội bộ #7781")
    services.request_complete(actor=STAFF, request_id=request.pk)
    return request


def _json(request, language="en"):
    return json.loads(
        services.export_download(actor=STAFF, request=request, format="json", language=language).body
    )


def _html(request, language="en"):
    html = services.export_download(actor=STAFF, request=request, format="html", language=language).body
    return html.decode()


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _section(html: str, testid: str) -> str:
    start = html.find(f'data-testid="{testid}"')
    assert start >= 0, f"no {testid} section"
    return _text(html[start:].split("</table>")[0])


def test_export_names_the_recipients_the_customers_data_was_shared_with(subject):
    make_inventory()
    insurer = make_recipient("Bảo hiểm Đối tác ABC")
    head_office = consent_services.recipient_create(
        actor=SYSTEM, name="Head Office Singapore", kind="foreign_head_office", country="SG"
    )
    purpose = make_purpose("bancassurance", recipients=[insurer])
    abroad = make_purpose(
        "head-office", category="cross_border", recipients=[head_office], cross_border=True,
        destination_country="SG",
    )
    consent = grant(subject, purpose)
    grant(subject, abroad)
    # The withdrawal told the insurer to stop, and the insurer confirmed it had.
    consent_services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    duty = WithdrawalDuty.objects.get(consent=consent)
    acknowledged = consent_services.duty_acknowledge(actor=STAFF, duty_id=duty.pk, note="Đã dừng")
    request = _answer(subject)
    body = _json(request)
    shared = {c["purpose"]: c for c in body["consents"]}
    assert shared["bancassurance"]["recipients"] == [
        {
            "id": insurer.pk, "name": "Bảo hiểm Đối tác ABC", "kind": "partner", "country": "VN",
            "kind_label": "Partner", "name_label": "Bảo hiểm Đối tác ABC",
        }
    ]
    assert shared["bancassurance"]["withdrawal_duties"] == [
        {
            "recipient": "Bảo hiểm Đối tác ABC",
            "recipient_id": insurer.pk,
            "recipient_label": "Bảo hiểm Đối tác ABC",
            "due_at": duty.due_at.astimezone(VN).isoformat(),
            "acknowledged_at": acknowledged.acknowledged_at.astimezone(VN).isoformat(),
            "late": False,
        }
    ]
    assert shared["head-office"]["recipients"][0]["country"] == "SG"
    abroad_entry = shared["head-office"]
    assert (abroad_entry["cross_border"], abroad_entry["destination_country"]) == (True, "SG")
    assert shared["head-office"]["withdrawal_duties"] == []
    # Who acknowledged, and their note, are the bank's: the customer's copy leaves them out (as the receipt).
    assert "Đã dừng" not in json.dumps(body, ensure_ascii=False)
    html = _html(request)
    recipients = _section(html, "export-recipients")
    assert "Bảo hiểm Đối tác ABC (Partner, VN)" in recipients
    assert "Head Office Singapore (Foreign head office, SG)" in recipients
    assert "Transferred abroad to SG" in recipients
    local = timezone.localtime(acknowledged.acknowledged_at).strftime("%d/%m/%Y %H:%M")
    assert f"Bảo hiểm Đối tác ABC: stopped, confirmed on {local}" in recipients


def test_export_lists_restrictions_and_objections_in_force(subject):
    make_inventory()
    purpose = make_purpose("marketing-offers", category="marketing", name_en="Marketing offers")
    grant(subject, purpose)
    objection = verified_request(subject, type="object", purposes=["marketing-offers"])
    for task in FulfilmentTask.objects.filter(request=objection):
        services.task_complete(actor=STAFF, task_id=task.pk, result={})
    services.request_complete(actor=STAFF, request_id=objection.pk)
    in_force = ProcessingRestriction.objects.get(subject=subject, lifted_at__isnull=True)
    request = _answer(subject)
    body = _json(request)
    # The objection in force (purpose, since when, the request that put it in force) is data the
    # platform holds and acts on.
    assert body["restrictions"] == [
        {
            "kind": "object",
            "purpose": "marketing-offers",
            "since": in_force.started_at.astimezone(VN).isoformat(),
            "request": str(objection.pk),
            "kind_label": "Objection to processing",
            "purpose_label": "Marketing offers",
        }
    ]
    vietnamese = _section(_html(request, "vi"), "export-restrictions")
    assert translated("Objection to processing", "vi") in vietnamese
    assert timezone.localtime(in_force.started_at).strftime("%d/%m/%Y %H:%M") in vietnamese


def test_export_carries_the_outcome_and_legal_reason_of_each_request(subject, customer_a):
    make_inventory()
    refused = verified_request(subject, type="delete")
    services.request_reject(
        actor=STAFF, request_id=refused.pk, reason="legal_prohibition", note="Lệnh phong toả của toà án"
    )
    request = _answer(subject)
    body = _json(request)
    row = next(r for r in body["requests"] if r["id"] == str(refused.pk))
    # A refusal states its legal reason (domain.md): the customer's copy of their requests carries it.
    flat = json.dumps(row, ensure_ascii=False)
    assert "legal_prohibition" in flat, row
    assert row["outcome_reason"] == "legal_prohibition"
    with translation.override("en"):
        assert row["outcome_reason_label"] == str(OutcomeReason.LEGAL_PROHIBITION.label)
    assert row["outcome_note"] == "Lệnh phong toả của toà án"
    # What staff wrote for themselves on the systems' tasks is not an answer to the customer.
    assert "#7781" not in json.dumps(body, ensure_ascii=False)
    requests = _section(_html(request, "vi"), "export-requests")
    with translation.override("vi"):
        assert str(OutcomeReason.LEGAL_PROHIBITION.label) in requests
    assert "Lệnh phong toả của toà án" in requests and "#7781" not in requests


def test_export_carries_the_banks_questions_the_customers_answers_and_the_extension(customer_a):
    subject = customer_a.customer_account.subject
    make_inventory()
    question = "Xin gửi ảnh chụp CCCD mặt sau"
    asked = awaiting_customer(subject, question=question, now=MONDAY + timedelta(hours=1))
    services.request_customer_reply(
        actor=actor_for_user(customer_a), request_id=asked.pk, subject=subject, text="Tôi đã gửi qua email",
        now=MONDAY + timedelta(hours=2),
    )
    services.request_extend(
        actor=STAFF, request_id=asked.pk, note="Cần đối chiếu với chi nhánh", now=MONDAY + timedelta(hours=3)
    )
    request = _answer(subject)
    row = next(r for r in _json(request)["requests"] if r["id"] == str(asked.pk))
    assert [(line["from"], line["text"]) for line in row["conversation"]] == [
        ("bank", "Xin gửi ảnh chụp CCCD mặt sau"),
        ("customer", "Tôi đã gửi qua email"),
    ]
    assert [line["from_label"] for line in row["conversation"]] == [
        "The bank's question to you", "Your answer"
    ]
    assert row["extension_note"] == "Cần đối chiếu với chi nhánh" and row["extended_at"]
    # An open request's note is its question, already in the conversation: not an answer.
    assert row["outcome_note"] is None
    requests = _section(_html(request), "export-requests")
    assert "Xin gửi ảnh chụp CCCD mặt sau" in requests and "Tôi đã gửi qua email" in requests
    assert "Cần đối chiếu với chi nhánh" in requests


def test_export_includes_the_messages_the_platform_sent_the_customer(subject):
    make_inventory()
    request = verified_request(subject, type="access")
    sent = Notification.objects.filter(subject=subject).order_by("created_at")
    assert sent.exists()  # the request's own acknowledgement / status e-mails
    # Messages written in one transaction share their `created_at`: the one marked read is kept by its id.
    marked = sent.first()
    read = notification_mark_read(subject=subject, notification_id=marked.pk)
    assert read == 1
    for task in FulfilmentTask.objects.filter(request=request):
        services.task_complete(actor=STAFF, task_id=task.pk, result={})
    services.request_complete(actor=STAFF, request_id=request.pk)
    body = _json(request)
    # The record of every message sent to the customer (topic, channel, when, read) is their data too.
    assert any("notification" in key or "message" in key for key in body), sorted(body)
    messages = body["messages_sent"]
    # Built as the answer is given: the message announcing the answer follows it.
    before = sent.exclude(topic="dsr.customer.completed")
    assert sorted((m["topic"], m["channel"], m["status"]) for m in messages) == sorted(
        before.values_list("topic", "channel", "status")
    )
    assert {m["topic_label"] for m in messages} == {"News of your request"}
    assert {m["channel_label"] for m in messages} == {"E-mail"}
    marked.refresh_from_db()
    read_at = marked.read_at
    assert [m["read_at"] for m in messages if m["read_at"]] == [read_at.astimezone(VN).isoformat()]
    # What each message said is not copied: only the record of it.
    assert all(set(m) == {
        "topic", "channel", "status", "sent_at", "delivered_at", "read_at", "topic_label", "channel_label",
        "status_label",
    } for m in messages)
    listed = _section(_html(request, "vi"), "export-messages")
    assert listed.count("E-mail") == len(messages)


def test_consent_history_says_who_recorded_each_event(subject, officer, customer_a, client_user):
    make_inventory()
    grant(subject, make_purpose("marketing-offers"), channel="branch", evidence="form-0042",
          actor=actor_for_user(officer))
    grant(subject, make_purpose("card-offers"), channel="api", actor=actor_for_user(client_user))
    own = customer_a.customer_account.subject
    grant(own, make_purpose("app-offers"), channel="mobile_app", actor=actor_for_user(customer_a))
    request = _answer(subject)
    event = _json(request)["consent_events"][0]
    # Proof of consent (domain.md "Consent rules"): who recorded it (staff at a branch, the customer in
    # the app, an integration client) and the evidence reference.
    assert {"recorded_by", "actor_kind", "recorded_by_kind"} & set(event), sorted(event)
    body = _json(request)
    by_purpose = {e["purpose"]: e for e in body["consent_events"]}
    at_branch = by_purpose["marketing-offers"]
    assert (at_branch["recorded_by_kind"], at_branch["recorded_by"]) == ("staff", "officer")
    assert at_branch["recorded_by_label"] == "bank staff (Front-line officer)"
    assert by_purpose["card-offers"]["recorded_by_kind"] == "client"
    assert by_purpose["card-offers"]["recorded_by_label"] == "the bank's application corebank_t"
    assert {c["purpose"]: c["evidence"] for c in body["consents"]}["marketing-offers"] == "form-0042"
    # A member of staff by role, never by name.
    html = _html(request)
    assert "officer_t" not in json.dumps(body) and "officer_t" not in html
    assert "Bank staff (Front-line officer)" in _section(html, "export-consents")  # capitalised in its cell
    mine = _json(_answer(own))["consent_events"]
    assert [(e["recorded_by_kind"], e["recorded_by"], e["recorded_by_label"]) for e in mine] == [
        ("customer", "you", "you")
    ]


def _more_of_everything(subject, staff_users, index: int) -> None:
    """One more consent shared with a recipient and withdrawn (a duty), recorded by another member of
    staff; one more refused request and one more objection in force; their messages; one more child in
    the customer's care with a consent they gave for it, every other one since given to another guardian."""
    recipient = make_recipient(f"Partner {index}")
    purpose = make_purpose(f"sharing-{index}", category="marketing", recipients=[recipient])
    consent = grant(subject, purpose, actor=actor_for_user(staff_users[index % len(staff_users)]))
    consent_services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    refused = verified_request(subject, type="delete")
    services.request_reject(actor=STAFF, request_id=refused.pk, reason="other", note=f"Lý do {index}")
    verified_request(subject, type="object", purposes=[purpose.code])
    child = child_of(subject, age=5)
    grant(child, make_purpose(f"savings-{index}"), guardian=subject)
    if index % 2:
        another = make_subject()
        subject_services.subject_rectify(actor=SYSTEM, subject_id=child.pk, changes={"guardian": another})


def test_building_the_export_reads_a_fixed_number_of_queries(
    subject, officer, privacy_officer, dpo, django_assert_max_num_queries
):
    make_inventory()
    staff_users = [officer, privacy_officer, dpo]
    for index in (0, 1):
        _more_of_everything(subject, staff_users, index)
    request = _answer(subject)
    with CaptureQueriesContext(connection) as few:
        small = export_content(request, now=timezone.now())
    for index in range(2, 7):
        _more_of_everything(subject, staff_users, index)
    with django_assert_max_num_queries(len(few)):
        large = export_content(request, now=timezone.now())
    assert len(large["consents"]) == len(small["consents"]) + 10  # five of their own, five for a child
    assert len(large["restrictions"]) == len(small["restrictions"]) + 5
    assert len(large["requests"]) == len(small["requests"]) + 10
    assert len(large["messages_sent"]) > len(small["messages_sent"])
    assert {e["recorded_by"] for e in large["consent_events"]} >= {"officer", "privacy_officer", "dpo"}
    assert len(large["guardianship"]["wards"]) == len(small["guardianship"]["wards"]) + 3
    given = [sum(e["for_ward"] for e in export["consent_events"]) for export in (small, large)]
    assert given[1] == given[0] + 5
    # 26: five of them the sections added since 21: what the law keeps, what the copy leaves out, the
    # disclosures to authorities the customer may be told of, and (two) the purposes that profile or decide by
    # automated means without consent, with their versions.
    assert len(few) <= 26, [q["sql"][:120] for q in few.captured_queries]


def _strings(value) -> list[str]:
    """Every text a readable export shows (its leaves), for comparing the copies."""
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    return [value] if isinstance(value, str) and value else []


def test_csv_copy_carries_the_same_data_as_the_json_and_html(customer_a):
    subject = customer_a.customer_account.subject
    make_inventory()
    child_of(subject, age=9)
    insurer = make_recipient("Bảo hiểm Đối tác ABC")
    consent = grant(subject, make_purpose("bancassurance", recipients=[insurer]), evidence="form-0042")
    consent_services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    refused = verified_request(subject, type="delete")
    services.request_reject(
        actor=STAFF, request_id=refused.pk, reason="legal_prohibition", note="Lệnh phong toả"
    )
    # Given after the deletion was refused: its verification revoked what the customer had authorised.
    authorise(customer_a)
    verified_request(subject, type="object", purposes=["bancassurance"])
    request = verified_request(subject, type="copy")
    for task in FulfilmentTask.objects.filter(request=request):
        result = {"card_count": 2} if task.system.code == "core_banking" else {}
        services.task_complete(actor=STAFF, task_id=task.pk, result=result)
    services.request_complete(actor=STAFF, request_id=request.pk)
    body = services.export_download(actor=STAFF, request=request, format="csv", language="en").body
    csv_text = body.decode("utf-8-sig")
    # The customer's own profile and what core banking holds are in the JSON and HTML copies.
    assert subject.full_name in csv_text
    assert "Card count" in csv_text
    header, *rows = csv.reader(io.StringIO(csv_text))
    assert header[:6] == [  # the columns the copy always had come first, in their order
        "Type of record", "Identifier", "Purpose or request type", "Event or status", "Time (Vietnam)",
        "Channel",
    ]
    assert {row[0] for row in rows} == {
        "About me", "Guardian", "Consent", "Shared with", "Told to stop",
        "Restrictions and objections in force", "Request", "What I was told", "Message", "Third party",
        "What the bank's systems hold", "What this copy leaves out",
    }
    # Everything the readable page shows is in the CSV, in the same words (times with their offset).
    stored = json.loads(RequestExport.objects.get(request=request).content)
    with translation.override("en"):
        shown = export_readable(stored, offset=True)
    shown.pop("generated_at")
    cells = {cell for row in rows for cell in row}
    missing = [text for text in _strings(shown) if text not in cells and not any(text in c for c in cells)]
    assert missing == []
    vietnamese = services.export_download(actor=STAFF, request=request, format="csv", language="vi").body
    assert translated("What I was told", "vi") in vietnamese.decode("utf-8-sig")


def test_a_correction_notice_to_a_recipient_of_a_withdrawn_consent_is_not_shown_as_told_to_stop(subject):
    make_inventory()
    insurer = make_recipient("Bảo hiểm Đối tác ABC")
    consent = grant(subject, make_purpose("bancassurance", recipients=[insurer], retention_months=24))
    consent_services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    stop = WithdrawalDuty.objects.get(consent=consent, kind=WithdrawalDuty.Kind.WITHDRAWAL)
    acknowledged = consent_services.duty_acknowledge(actor=STAFF, duty_id=stop.pk, note="Đã dừng")
    # Still within retention, the insurer holds the data: the correction is passed on to it.
    subject_services.subject_rectify(actor=STAFF, subject_id=subject.pk, changes={"phone": "0912345678"})
    assert WithdrawalDuty.objects.filter(consent=consent, kind=WithdrawalDuty.Kind.RECTIFICATION).exists()

    request = _answer(subject)
    entry = next(c for c in _json(request)["consents"] if c["purpose"] == "bancassurance")
    # The only stop is the withdrawal's, confirmed; the correction notice is no instruction to stop.
    assert entry["withdrawal_duties"] == [
        {
            "recipient": "Bảo hiểm Đối tác ABC",
            "recipient_id": insurer.pk,
            "recipient_label": "Bảo hiểm Đối tác ABC",
            "due_at": stop.due_at.astimezone(VN).isoformat(),
            "acknowledged_at": acknowledged.acknowledged_at.astimezone(VN).isoformat(),
            "late": False,
        }
    ]
    recipients = _section(_html(request), "export-recipients")
    assert "not yet confirmed" not in recipients
    assert "stopped, confirmed on" in recipients
    rows = list(csv.reader(io.StringIO(
        services.export_download(actor=STAFF, request=request, format="csv", language="en").body.decode()
    )))
    assert not any("not yet confirmed" in cell or "told to stop by" in cell for row in rows for cell in row)
