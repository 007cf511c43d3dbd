"""Factories for the requests area: the systems inventory and requests made through the real services."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from consents.models import WITNESSED_CHANNELS
from core.actors import Actor
from dsr import services
from dsr.models import (
    DataCategory,
    FulfilmentTask,
    IdentityMethod,
    PlatformData,
    RetentionRule,
    System,
    request_reference,
)
from dsr.services import inventory
from tests.consents.factories import grant, make_purpose, recorder

STAFF = Actor(kind="staff", user_id=None, label="tests-staff")
# Monday 9 March 2026, 09:00 in Hà Nội: under Law 91, with no holiday in the following weeks.
VN = ZoneInfo("Asia/Ho_Chi_Minh")
MONDAY = datetime(2026, 3, 9, 9, 0, tzinfo=VN)


def end_of(day) -> datetime:
    """The last second of `day` in Vietnam, where working-day deadlines fall."""
    return datetime(day.year, day.month, day.day, 23, 59, 59, tzinfo=VN)


def make_aml_rule() -> RetentionRule:
    """Anti-money-laundering law: transaction records are kept 5 years after the relationship ends."""
    return RetentionRule.objects.create(
        name_vi="Transaction records: 5 years after the relationship ends",
        period_months=60,
        starts="end of the customer relationship",
        legal_reference_vi="Law 14/2022/QH15 Art. 40",
        law="aml",
    )


def make_request_rule(actor: Actor, *, months: int) -> RetentionRule:
    """Complaint files kept `months` from the request (its hold dated at once), saved by `actor`."""
    return inventory.retention_rule_save(
        rule=None,
        actor=actor,
        name_vi=f"Hồ sơ khiếu nại: {months} tháng",
        name_en=f"Complaint files: {months} months",
        period_months=months,
        starts="the request",
        start_event="request",
        legal_reference_vi="Thông tư 01/2026",
        legal_reference_en="Circular 01/2026",
    )


def make_platform() -> System:
    """The platform itself in the inventory (a deletion is refused without it), erasing its identity
    and contact data; `make_inventory` may then keep its identity under AML."""
    identity, _new = DataCategory.objects.get_or_create(
        code="identity", defaults={"name_vi": "Identity", "platform_data": PlatformData.IDENTITY}
    )
    contact, _new = DataCategory.objects.get_or_create(
        code="contact", defaults={"name_vi": "Contact details", "platform_data": PlatformData.CONTACT}
    )
    platform, created = System.objects.get_or_create(
        code="platform", defaults={"name_vi": "Consent platform", "request_types": []}
    )
    if created:
        platform.categories.set([identity, contact])
    return platform


def make_held_system(*, code: str, name: str, category: str, rule: RetentionRule) -> System:
    """A system that deletion requests reach, holding one data category (`category`, its code and
    name) kept under `rule`; the platform is in the inventory too."""
    make_platform()
    system = System.objects.create(code=code, name_vi=name, request_types=["delete"])
    held = DataCategory.objects.create(code=category, name_vi=category.title(), retention=rule)
    system.categories.set([held])
    return system


def make_inventory(*, corebank_client=None) -> dict[str, System]:
    """The platform itself, core banking (holds transactions under AML) and the marketing platform."""
    aml = make_aml_rule()
    identity, _new = DataCategory.objects.update_or_create(
        code="identity",
        defaults={"name_vi": "Identity", "retention": aml, "platform_data": PlatformData.IDENTITY},
    )
    contact, _new = DataCategory.objects.update_or_create(
        code="contact", defaults={"name_vi": "Contact details", "platform_data": PlatformData.CONTACT}
    )
    transactions = DataCategory.objects.create(code="transactions", name_vi="Transactions", retention=aml)
    marketing = DataCategory.objects.create(code="marketing", name_vi="Marketing profile")
    platform = make_platform()
    platform.categories.set([identity, contact])
    core = System.objects.create(
        code="core_banking",
        name_vi="Core banking",
        integration_client=corebank_client,
        request_types=["access", "copy", "delete", "rectify"],
    )
    core.categories.set([identity, contact, transactions])
    mkt = System.objects.create(
        code="marketing",
        name_vi="Marketing platform",
        request_types=["access", "copy", "delete", "restrict", "object", "withdraw"],
    )
    mkt.categories.set([contact, marketing])
    return {"platform": platform, "core_banking": core, "marketing": mkt}


# What the officer records when a customer whose request came by phone, on paper or online shows the
# original document at a branch (`dsr.services.identity_documents.visit_checked`).
BRANCH_VISIT = {"customer_present": True, "seen_at_branch": "CN Hoàn Kiếm - giao dịch viên"}


def make_request(subject, *, type="access", actor=None, now=MONDAY, **fields):
    """A request taken in through the real intake. Tests build queues of many alike requests for one
    customer: a repeat is recorded unless the test says `on_repeat=Repeat.REFUSE`
    (`tests/dsr/test_intake_duplicates.py` tests the refusal)."""
    channel = fields.pop("channel", "branch")
    fields.setdefault("on_repeat", services.Repeat.RECORD)
    return services.request_create(
        actor=actor or recorder(channel), subject=subject, type=type, channel=channel, now=now, **fields
    )


def reference_of_a_request(subject) -> str:
    """The reference of a request this customer filed, as staff quote it for the reason "a request or
    complaint" that shows a customer's values (it must be one of that customer's)."""
    request = make_request(subject)
    return request_reference(request.pk, request.received_at)


def verified_request(subject, *, type="access", actor=STAFF, now=MONDAY, **fields):
    """A request verified by `actor`, who took it in too unless it came through a customer's channel (the
    app's then: staff take requests in only at the bank's own channels)."""
    creator = actor if fields.get("channel", "branch") in WITNESSED_CHANNELS else None
    return verify(make_request(subject, type=type, actor=creator, now=now, **fields), actor=actor, now=now)


def verify(request, *, actor=STAFF, now=MONDAY):
    """The request's requester verified by `actor` at the branch, with the document on file: a request
    received elsewhere once the customer came to the branch with it."""
    return services.request_verify_identity(
        actor=actor,
        request_id=request.pk,
        method=IdentityMethod.BRANCH_DOCUMENTS,
        document_number=(request.guardian or request.subject).national_id,
        **(BRANCH_VISIT if request.channel != "branch" else {}),
        now=now,
    )


def approved_deletion(subject, *, worker: Actor, approver: Actor):
    """A deletion verified by `worker`, every system's task reported done, approved by `approver`: ready
    for `worker` to answer."""
    request = verified_request(subject, type="delete", actor=worker)
    for task in FulfilmentTask.objects.filter(request=request, status="open"):
        services.task_complete(actor=worker, task_id=task.pk, result={"done": True})
    services.request_approve(actor=approver, request_id=request.pk)
    return request


BANKS_QUESTION = "Xin gửi ảnh chụp CCCD mặt sau"


def awaiting_customer(
    subject, *, verified=True, question=BANKS_QUESTION, now=MONDAY + timedelta(hours=1), **fields
):
    """A request the bank put on *awaiting the customer* with a question (identity verified or not)."""
    made = (verified_request if verified else make_request)(subject, channel="internet_banking", **fields)
    if not verified:
        services.request_acknowledge(actor=STAFF, request_id=made.pk, now=now)
    return services.request_transition(
        actor=STAFF, request_id=made.pk, to="awaiting_customer", note=question, now=now
    )


def refused_after_waiting(request, *, now):
    """The verified request closed as refused, the customer never having sent the documents asked for
    (a reason of its own, as the requester was verified; with the reason for the delay a late closing
    asks for)."""
    return services.request_transition(
        actor=STAFF,
        request_id=request.pk,
        to="rejected",
        reason="other",
        note="Khách hàng không bổ sung giấy tờ",
        overdue_reason="Chờ khách hàng bổ sung giấy tờ",
        now=now,
    )


def by_document(subject, *, visit: bool = False) -> dict:
    """The verification form's data for a document matching the customer record; with `visit`, the
    customer of a request received elsewhere came to the branch with it (`BRANCH_VISIT`)."""
    document = {"method": "branch_documents", "document_type": "cccd", "document_number": subject.national_id}
    return {**document, **BRANCH_VISIT} if visit else document


def answered_access(subject):
    """An access request answered by every system (core banking with data), completed: its export is built."""
    make_inventory()
    purpose = make_purpose("marketing-offers", name_vi="Ưu đãi tiếp thị", name_en="Marketing offers")
    grant(subject, purpose)
    request = verified_request(subject, type="access")
    for task in FulfilmentTask.objects.filter(request=request).order_by("system__code"):
        result = (
            {
                "card_count": 2,
                "opened_at": "2024-05-01T03:04:05.123456+00:00",
                "closed_accounts": [],
                "note": "",
            }
            if task.system.code == "core_banking"
            else {}
        )
        services.task_complete(actor=STAFF, task_id=task.pk, result=result)
    services.request_complete(actor=STAFF, request_id=request.pk)
    return request
