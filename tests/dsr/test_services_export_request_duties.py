"""The customer's export lists the recipients their restriction, objection or erasure requests told to
stop or to delete (duties of kind restriction / erasure), under the purpose each received the data for,
and a withdrawal's own evidence (a call recording's reference) beside the event: in the JSON, the
readable page and the CSV, labelled, without the bank's own notes on the acknowledgement, and at a
fixed number of queries whatever the number of duties."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consents.models import WithdrawalDuty
from consents.services import consent_withdraw, duty_acknowledge
from dsr import services
from dsr.models import FulfilmentTask, request_reference
from dsr.services.exports import export_content
from dsr.sources import request_source
from tests.consents.factories import grant, make_purpose, make_recipient
from tests.dsr.factories import MONDAY, STAFF, VN, make_inventory, verified_request
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STAFF_NOTE = "Gọi điện cho chị Lan ở phòng pháp chế, nội bộ"


def _download(request, format, language="en"):
    return services.export_download(
        actor=STAFF, request=request, format=format, language=language
    ).body.decode()


def _access(subject):
    make_inventory()
    request = verified_request(subject, type="access")
    for task in FulfilmentTask.objects.filter(request=request):
        services.task_complete(actor=STAFF, task_id=task.pk, result={})
    return services.request_complete(actor=STAFF, request_id=request.pk)


def _shared(subject, code, partner_name):
    partner = make_recipient(partner_name, client=UserFactory(role="integration_client"))
    purpose = make_purpose(
        code, category="sharing", recipients=[partner], effective_at=MONDAY - timedelta(days=30)
    )
    return grant(subject, purpose, now=MONDAY - timedelta(days=1)), partner


@pytest.fixture
def told(subject):
    """A partner told to stop by the customer's objection, and one told to delete by an erasure."""
    _consent, stopping = _shared(subject, "partner-sharing", "Bảo hiểm Đối tác")
    objection = verified_request(subject, type="object", purposes=["partner-sharing"])
    stop = WithdrawalDuty.objects.get(kind=WithdrawalDuty.Kind.RESTRICTION, recipient=stopping)
    duty_acknowledge(actor=STAFF, duty_id=stop.pk, note=STAFF_NOTE, now=MONDAY + timedelta(hours=2))
    consent, deleting = _shared(subject, "loyalty-sharing", "Loyalty Partner")
    erasure = WithdrawalDuty.objects.create(
        kind=WithdrawalDuty.Kind.ERASURE,
        consent=consent,
        subject=subject,
        recipient=deleting,
        source=request_source(objection),
        received_at=MONDAY,
        due_at=MONDAY + timedelta(days=3),
    )
    stop.refresh_from_db()
    return objection, stop, erasure


def test_the_json_lists_the_recipients_told_to_stop_and_to_delete(subject, told):
    objection, stop, erasure = told
    body = json.loads(_download(_access(subject), "json"))
    assert body["restrictions_passed_on"] == [
        {
            "purpose": "partner-sharing",
            "purpose_label": stop.consent.purpose.name_en,
            "notices": [
                {
                    "recipient": "Bảo hiểm Đối tác",
                    "recipient_id": stop.recipient_id,
                    "recipient_label": stop.recipient.name_en or "Bảo hiểm Đối tác",
                    "request": str(objection.pk),
                    "request_reference": request_reference(objection.pk, objection.received_at),
                    "sent_at": stop.received_at.astimezone(VN).isoformat(),
                    "due_at": stop.due_at.astimezone(VN).isoformat(),
                    "acknowledged_at": stop.acknowledged_at.astimezone(VN).isoformat(),
                    "late": False,
                    "status": "acknowledged",
                    "status_label": "Acknowledged",
                    "called_off_at": None,
                }
            ],
        }
    ]
    (group,) = body["erasures_passed_on"]
    assert group["purpose"] == "loyalty-sharing"
    assert [(n["recipient"], n["acknowledged_at"]) for n in group["notices"]] == [("Loyalty Partner", None)]
    assert STAFF_NOTE not in json.dumps(body, ensure_ascii=False)


def test_the_page_and_the_csv_list_them_in_the_readers_language(subject, told):
    request = _access(subject)
    html = _download(request, "html")
    stops = html[html.index('data-testid="export-restrictions-passed-on"') :].split("</table>")[0]
    assert "Bảo hiểm Đối tác" in stops and "Stopped, confirmed on" in stops
    deletions = html[html.index('data-testid="export-erasures-passed-on"') :].split("</table>")[0]
    assert "Loyalty Partner" in deletions and "awaiting confirmation" in deletions
    rows = _download(request, "csv").splitlines()
    assert any(r.startswith("Told to stop (restriction or objection)") and "Bảo hiểm" in r for r in rows)
    assert any(r.startswith("Told to delete my data") and "Loyalty Partner" in r for r in rows)
    vietnamese = _download(request, "html", language="vi")
    assert 'data-testid="export-erasures-passed-on"' in vietnamese
    assert "Bên nhận được yêu cầu xóa dữ liệu của tôi" in vietnamese
    for body in (html, vietnamese, "\n".join(rows)):
        assert STAFF_NOTE not in body


def test_a_withdrawals_own_evidence_is_exported_beside_it(subject):
    consent, _partner = _shared(subject, "partner-sharing", "Bảo hiểm Đối tác")
    consent_withdraw(
        actor=STAFF,
        consent_id=consent.pk,
        channel="call_centre",
        evidence="REC-2026-0042",
        now=MONDAY,
    )
    request = _access(subject)
    body = json.loads(_download(request, "json"))
    withdrawn = next(e for e in body["consent_events"] if e["event"] == "withdrawn")
    granted = next(e for e in body["consent_events"] if e["event"] == "granted")
    assert (withdrawn["evidence"], granted["evidence"]) == ("REC-2026-0042", None)
    html = _download(request, "html")
    history = html[html.index('data-testid="export-consents"') :].split("</table>")[0]
    assert "REC-2026-0042" in history
    rows = _download(request, "csv").splitlines()
    assert any(r.startswith("Consent,") and "Evidence reference" in r and "REC-2026-0042" in r for r in rows)


def test_a_stop_called_off_reads_called_off_not_unconfirmed(subject):
    """A restriction cancelled before the recipient confirmed called its stop off: the customer's copy
    says so, as the staff pages do, rather than showing a recipient that never answered."""
    _consent, partner = _shared(subject, "partner-sharing", "Bảo hiểm Đối tác")
    restriction = verified_request(subject, type="restrict", purposes=["partner-sharing"])
    services.request_cancel(actor=STAFF, request_id=restriction.pk, now=MONDAY + timedelta(hours=1))
    stop = WithdrawalDuty.objects.get(recipient=partner)
    assert stop.status == WithdrawalDuty.Status.CALLED_OFF
    request = _access(subject)
    body = json.loads(_download(request, "json"))
    (group,) = body["restrictions_passed_on"]
    (notice,) = group["notices"]
    assert (notice["status"], notice["called_off_at"], notice["acknowledged_at"]) == (
        "called_off", stop.called_off_at.astimezone(VN).isoformat(), None
    )
    assert notice["status_label"] == "Called off (the stop no longer applies)"
    html = _download(request, "html")
    stops = html[html.index('data-testid="export-restrictions-passed-on"') :].split("</table>")[0]
    assert "Called off on" in stops and "awaiting confirmation" not in stops
    rows = [r for r in _download(request, "csv").splitlines() if r.startswith("Told to stop")]
    assert len(rows) == 1 and "called off on" in rows[0] and "awaiting confirmation" not in rows[0]
    vietnamese = _download(request, "html", language="vi")
    stops_vi = vietnamese[vietnamese.index('data-testid="export-restrictions-passed-on"') :]
    assert "Đã hủy" in stops_vi.split("</table>")[0]


def _duties(subject, count, first=0):
    for number in range(first, first + count):
        consent, partner = _shared(subject, f"share-{number}", f"Partner {number}")
        for kind in (WithdrawalDuty.Kind.RESTRICTION, WithdrawalDuty.Kind.ERASURE):
            WithdrawalDuty.objects.create(
                kind=kind,
                consent=consent,
                subject=subject,
                recipient=partner,
                received_at=MONDAY,
                due_at=MONDAY + timedelta(days=3),
                source="dsr.request:not-a-uuid",
            )


def _export_queries(subject):
    access = verified_request(subject, type="access")
    with CaptureQueriesContext(connection) as queries:
        export_content(access, now=timezone.now())
    return len(queries)


def test_the_export_reads_the_duties_at_a_fixed_number_of_queries(subject):
    _duties(subject, 1)
    one = _export_queries(subject)
    _duties(subject, 6, first=1)
    assert _export_queries(subject) == one
    assert len(export_content(verified_request(subject), now=timezone.now())["erasures_passed_on"]) == 7
