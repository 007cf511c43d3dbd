"""One customer's known history for the proof-bundle tests, written through the real services at fixed
times (March 2026, Hà Nội time): consents granted, withdrawn (one recipient stops in time, one late),
re-granted and refused; three requests (answered in time, refused late, extended and paused); a
third party authorised, read, paused and revoked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from authorisations import services as authorisation_services
from consents import services as consent_services
from consents.models import Consent, WithdrawalDuty
from core.actors import Actor, actor_for_user
from dsr import services as dsr_services
from dsr.models import DataSubjectRequest
from tests.authorisations.factories import authorise
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.dsr.factories import MONDAY, make_request, verified_request
from tests.factories import make_customer, make_subject

VN = ZoneInfo("Asia/Ho_Chi_Minh")
EFFECTIVE = datetime(2026, 1, 1, tzinfo=VN)
GATEWAY = Actor.system("api-gateway")
# The moment the bundle is built: after everything below.
NOW = datetime(2026, 3, 25, 12, 0, tzinfo=VN)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=VN)


@dataclass
class History:
    subject: object
    user: object
    first: Consent
    second: Consent
    refusal: Consent
    on_time: WithdrawalDuty
    late: WithdrawalDuty
    answered: DataSubjectRequest
    refused: DataSubjectRequest
    paused: DataSubjectRequest
    authorisation: object


def build_history() -> History:
    subject = make_subject(full_name="Trần Thị Kiểm Tra")
    user = make_customer(subject)
    insurer, broker = make_recipient("Bảo hiểm An Tâm"), make_recipient("Chứng khoán Bình Minh")
    sharing = make_purpose(
        "sharing", category="sharing", recipients=[insurer, broker], effective_at=EFFECTIVE
    )
    asked = make_purpose("survey", category="support", effective_at=EFFECTIVE)

    first = grant(
        subject,
        sharing,
        channel="mobile_app",
        evidence="APP-7781",
        session_ref="sess-42",
        device="iPhone 15 / app 7.2",
        now=at(2, 10),
    )
    consent_services.consent_withdraw(actor=STAFF, consent_id=first.pk, channel="branch", now=at(5, 14, 30))
    duties = {d.recipient_id: d for d in WithdrawalDuty.objects.filter(consent=first)}
    consent_services.duty_acknowledge(
        actor=STAFF, duty_id=duties[insurer.pk].pk, note="Thư xác nhận", now=at(5, 20)
    )
    consent_services.duty_acknowledge(
        actor=STAFF, duty_id=duties[broker.pk].pk, note="Xác nhận muộn", now=at(9, 8)
    )
    refusal = consent_services.consent_refuse(
        actor=STAFF,
        request=consent_services.GrantRequest(
            subject=subject,
            purpose=asked,
            notice_version="v1",
            channel="paper_form",
            evidence="FORM-0042",
        ),
        now=at(4, 11),
    )
    second = grant(subject, sharing, channel="branch", evidence="FORM-0099", now=at(20, 9))

    answered = verified_request(subject, type="access", now=MONDAY)
    dsr_services.request_complete(actor=STAFF, request_id=answered.pk, now=MONDAY + timedelta(hours=30))
    refused = make_request(subject, type="access", now=MONDAY)
    dsr_services.request_reject(
        actor=STAFF,
        request_id=refused.pk,
        reason="manifestly_unfounded",
        note="Yêu cầu lặp lại",
        overdue_reason="Chờ ý kiến pháp chế",
        now=MONDAY + timedelta(hours=100),
    )
    paused = verified_request(subject, type="access", now=MONDAY)
    dsr_services.request_extend(
        actor=STAFF, request_id=paused.pk, note="Cần đối chiếu hồ sơ lưu trữ", now=MONDAY + timedelta(hours=2)
    )
    dsr_services.request_transition(
        actor=STAFF,
        request_id=paused.pk,
        to="awaiting_customer",
        note="Xin bản sao CCCD",
        now=MONDAY + timedelta(hours=3),
    )

    authorisation = authorise(user, now=at(3, 8))
    authorisation_services.access_record(
        actor=GATEWAY,
        authorisation_id=authorisation.pk,
        scope="accounts:read",
        accessed_at=at(4, 8),
        record_count=3,
        now=at(4, 9),
    )
    customer = actor_for_user(user)
    authorisation_services.authorisation_pause(
        actor=customer, authorisation_id=authorisation.pk, subject=subject, now=at(6, 8)
    )
    authorisation_services.authorisation_revoke(
        actor=customer,
        authorisation_id=authorisation.pk,
        subject=subject,
        channel="internet_banking",
        now=at(7, 8),
    )
    return History(
        subject=subject,
        user=user,
        first=first,
        second=second,
        refusal=refusal,
        on_time=WithdrawalDuty.objects.get(pk=duties[insurer.pk].pk),
        late=WithdrawalDuty.objects.get(pk=duties[broker.pk].pk),
        answered=DataSubjectRequest.objects.get(pk=answered.pk),
        refused=DataSubjectRequest.objects.get(pk=refused.pk),
        paused=DataSubjectRequest.objects.get(pk=paused.pk),
        authorisation=authorisation,
    )
