"""The inspector's "which recipients missed the 72 hours last quarter, and why?": staff record why a
recipient confirmed late; the notices page and the API list show the reason, and a late confirmation
without one reads "no reason recorded" instead of looking explained."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from consents import services
from consents.models import WithdrawalDuty
from core.erased import REASON_ERASED
from core.errors import InvalidInput
from tests.consents.factories import (
    STAFF,
    grant,
    make_purpose,
    make_recipient,
    withdrawn_with_a_hooked_partner,
)
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db


def _duty(*, late: bool, name: str = "Bảo hiểm Nhóm") -> WithdrawalDuty:
    purpose = make_purpose(f"sharing-{late}", category="sharing", recipients=[make_recipient(name)])
    subject = make_subject()
    services.consent_withdraw(actor=STAFF, consent_id=grant(subject, purpose).pk, channel="branch")
    duty = WithdrawalDuty.objects.get(subject=subject)
    if late:
        WithdrawalDuty.objects.filter(pk=duty.pk).update(due_at=timezone.now() - timedelta(hours=1))
    services.duty_acknowledge(actor=STAFF, duty_id=duty.pk, note="Thư xác nhận ngày 5/12")
    return WithdrawalDuty.objects.get(pk=duty.pk)


def _table(client) -> str:
    page = client.get(reverse("consents:duty_list"), {"status": "all"}).content.decode()
    return page.split('data-testid="duty-table"', 1)[1].split("</table>", 1)[0]


def test_a_late_confirmation_without_a_reason_says_so_and_staff_can_record_one(dpo, as_user):
    duty = _duty(late=True)
    client = signed_in(dpo)
    assert 'data-testid="late-no-reason"' in _table(client)
    rows = as_user(dpo).get("/api/v1/withdrawal-duties/", {"status": ""}).json()["results"]
    assert rows[0]["late_reason"] is None

    answer = client.post(
        reverse("consents:duty_late_reason", args=[duty.pk]),
        {"late_reason": "Đối tác nghỉ Tết, xác nhận sau kỳ nghỉ"},
    )

    assert answer.status_code == 302
    table = _table(client)
    assert "Đối tác nghỉ Tết, xác nhận sau kỳ nghỉ" in table and 'data-testid="late-no-reason"' not in table
    row = as_user(dpo).get("/api/v1/withdrawal-duties/", {"status": ""}).json()["results"][0]
    assert row["late_reason"] == "Đối tác nghỉ Tết, xác nhận sau kỳ nghỉ"
    entry = AuditEntry.objects.filter(action="consents.duty.late_reason_recorded").get()
    assert entry.data["duty"] == str(duty.pk)


def test_a_reason_is_refused_on_a_duty_that_was_not_late_and_when_empty():
    on_time = _duty(late=False)
    with pytest.raises(InvalidInput):
        services.duty_late_reason_record(actor=STAFF, duty_id=on_time.pk, reason="Trễ do lỗi hệ thống")
    late = _duty(late=True, name="Thẻ Đồng thương hiệu")
    with pytest.raises(InvalidInput):
        services.duty_late_reason_record(actor=STAFF, duty_id=late.pk, reason="   ")
    assert not WithdrawalDuty.objects.exclude(late_reason="").exists()


def test_the_reason_is_erased_with_the_customer_and_the_lateness_stays():
    duty = _duty(late=True)
    services.duty_late_reason_record(actor=STAFF, duty_id=duty.pk, reason="Chị Lan ở đối tác nghỉ phép")

    services.duty_notes_erase(subject_id=duty.subject_id)

    duty.refresh_from_db()
    assert duty.late_reason == REASON_ERASED and duty.late(timezone.now())


def test_the_notices_page_and_the_api_list_only_the_late_recipients(dpo, as_user):
    late = _duty(late=True)
    _duty(late=False, name="Thẻ Đồng thương hiệu")

    rows = as_user(dpo).get("/api/v1/withdrawal-duties/", {"status": "", "late": "true"}).json()["results"]
    assert [row["id"] for row in rows] == [str(late.pk)]
    assert as_user(dpo).get("/api/v1/withdrawal-duties/", {"late": "maybe"}).status_code == 400
    page = signed_in(dpo).get(reverse("consents:duty_list"), {"status": "all", "late": "true"})
    page = page.content.decode()
    table = page.split('data-testid="duty-table"', 1)[1].split("</table>", 1)[0]
    assert table.count('data-testid="duty-kind"') == 1 and late.subject.external_ref in table


def test_the_recipients_own_client_never_reads_staffs_reason(as_user):
    """Staff's words about why a recipient was late are the bank's own record (free text that may name
    the customer or the recipient's staff): the recipient's client lists and confirms its duties
    through the API and must not read them."""
    duty = withdrawn_with_a_hooked_partner("Bảo hiểm Đối tác", "sharing-hooked")
    WithdrawalDuty.objects.filter(pk=duty.pk).update(due_at=timezone.now() - timedelta(hours=1))
    services.duty_late_reason_record(actor=STAFF, duty_id=duty.pk, reason="Anh Minh ở đối tác chưa trả lời")
    partner = as_user(duty.recipient.client)

    rows = partner.get("/api/v1/withdrawal-duties/", {"status": ""}).json()["results"]
    acknowledged = partner.post(f"/api/v1/withdrawal-duties/{duty.pk}/acknowledge/", {}, format="json")

    assert [row["late_reason"] for row in rows] == [None]
    assert acknowledged.status_code == 200, acknowledged.content
    assert acknowledged.json()["late_reason"] is None
