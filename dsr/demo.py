"""Demo data for the requests area: the systems inventory with retention rules, and requests in every
state for the demo customers, spread in time so the queue shows overdue, due-soon and calm rows.
The deadline policy and the holiday calendar come from core's data migration. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils import timezone

from core.actors import actor_for_user
from dsr import services
from dsr.models import (
    DataCategory,
    DataSubjectRequest,
    FulfilmentTask,
    PlatformData,
    RetentionRule,
    RetentionStart,
    System,
)
from subjects.services import subject_rectify

# The bank writes its inventory in Vietnamese and English: customers read the names of what is kept,
# why and where, in the language of their page.
AML = (
    "Luật Phòng, chống rửa tiền 14/2022/QH15, Điều 40",
    "Law on Anti-Money Laundering No. 14/2022/QH15, Art. 40",
)
ACCOUNTING = ("Luật Kế toán 88/2015/QH13, Điều 41", "Law on Accounting No. 88/2015/QH13, Art. 41")
RULES = {
    # law: (name in Vietnamese, in English), months, counted from, legal reference, start event
    "aml": (
        (
            "Hồ sơ nhận biết khách hàng và giao dịch: 5 năm sau khi kết thúc quan hệ hoặc giao dịch",
            "Customer identification and transaction records: 5 years after the relationship or "
            "transaction ends",
        ),
        60,
        "khi kết thúc quan hệ với khách hàng",
        AML,
        RetentionStart.RELATIONSHIP_END,
    ),
    "accounting": (
        ("Chứng từ kế toán: 10 năm", "Accounting documents: 10 years"),
        120,
        "cuối năm tài chính",
        ACCOUNTING,
        RetentionStart.ACCOUNTING_YEAR_END,
    ),
}
CATEGORIES = [
    # code, (name in Vietnamese, in English), sensitive, retention rule
    ("identity", ("Dữ liệu định danh và KYC", "Identity and KYC data"), True, "aml"),
    ("contact", ("Thông tin liên hệ", "Contact details"), False, None),
    ("accounts", ("Tài khoản và số dư", "Accounts and balances"), True, "accounting"),
    ("transactions", ("Lịch sử giao dịch", "Transaction history"), True, "aml"),
    ("marketing", ("Hồ sơ và sở thích tiếp thị", "Marketing profile and preferences"), False, None),
    ("call_recordings", ("Ghi âm cuộc gọi tổng đài", "Call centre recordings"), False, None),
    ("biometrics", ("Mẫu sinh trắc học", "Biometric templates"), True, None),
]
ALL = ["access", "copy", "rectify", "delete", "restrict", "object", "withdraw"]
SYSTEMS = [
    # code, (name in Vietnamese, in English), categories, request types, is processor, integration client
    (
        "platform",
        ("Nền tảng quản lý sự đồng ý và quyền dữ liệu", "Consent and data-rights platform"),
        ["identity", "contact"],
        [],
        False,
        None,
    ),
    (
        "core_banking",
        ("Ngân hàng lõi (Core banking T24)", "Core banking (T24)"),
        ["identity", "contact", "accounts", "transactions"],
        ["access", "copy", "rectify", "delete"],
        False,
        "corebank",
    ),
    (
        "cards",
        ("Quản lý thẻ", "Card management"),
        ["identity", "transactions"],
        ["access", "copy", "rectify", "delete"],
        False,
        None,
    ),
    ("crm", ("CRM", "CRM"), ["contact", "marketing"], ALL, False, None),
    (
        "call_centre",
        ("Hệ thống ghi âm tổng đài", "Call centre recording system"),
        ["call_recordings"],
        ["access", "copy", "delete"],
        False,
        None,
    ),
    (
        "marketing_platform",
        ("Nền tảng tiếp thị (đơn vị thuê ngoài)", "Marketing platform (outsourced)"),
        ["contact", "marketing"],
        ["access", "copy", "delete", "restrict", "object", "withdraw"],
        True,
        None,
    ),
    (
        "mobile_biometrics",
        ("Xác thực sinh trắc học trên ứng dụng di động", "Biometric authentication in the mobile app"),
        ["biometrics"],
        ["access", "delete", "withdraw"],
        False,
        None,
    ),
]


# What each system returns to a copy request, and the names of those fields in both languages: the
# customer's export reads them in its language (`System.field_labels`).
COPY_RESULTS = {
    "core_banking": {"accounts": 2, "loan_balance": "150.000.000 VND"},
    "cards": {"card_count": 1, "card_kinds": ["Visa Debit"]},
    "crm": {"segment": "Khách hàng cá nhân", "last_contacted_on": "2026-01-15"},
    "call_centre": {"call_recordings": 3},
    "marketing_platform": {"campaigns_received": 4},
}
FIELD_LABELS = {
    "core_banking": {
        "accounts": ("Số tài khoản đang mở", "Open accounts"),
        "loan_balance": ("Dư nợ vay", "Loan balance"),
    },
    "cards": {"card_count": ("Số thẻ", "Number of cards"), "card_kinds": ("Loại thẻ", "Card types")},
    "crm": {
        "segment": ("Phân khúc khách hàng", "Customer segment"),
        "last_contacted_on": ("Lần liên hệ gần nhất", "Last contacted on"),
    },
    "call_centre": {"call_recordings": ("Số cuộc gọi được ghi âm", "Recorded calls")},
    "marketing_platform": {"campaigns_received": ("Số chiến dịch đã nhận", "Campaigns received")},
}


def _field_labels(code: str) -> dict[str, dict[str, str]]:
    return {key: {"vi": vi, "en": en} for key, (vi, en) in FIELD_LABELS.get(code, {}).items()}


def _english_filled(row, **english) -> None:
    """A demo row seeded before the inventory had English names (or its systems' field labels) gets
    them; one the DPO has since given them keeps its own."""
    missing = {name: value for name, value in english.items() if not getattr(row, name)}
    if missing:
        type(row).objects.filter(pk=row.pk).update(**missing)


def seed_inventory(users: dict) -> None:
    rules = {}
    for key, ((name_vi, name_en), months, starts, (reference_vi, reference_en), start_event) in RULES.items():
        rules[key], _created = RetentionRule.objects.get_or_create(
            name_vi=name_vi,
            defaults={
                "name_en": name_en,
                "period_months": months,
                "starts": starts,
                "legal_reference_vi": reference_vi,
                "legal_reference_en": reference_en,
                "law": key,
                "start_event": start_event,
            },
        )
        _english_filled(rules[key], name_en=name_en, legal_reference_en=reference_en)
    categories = {}
    for code, (name_vi, name_en), sensitive, rule in CATEGORIES:
        categories[code], _created = DataCategory.objects.get_or_create(
            code=code,
            defaults={
                "name_vi": name_vi,
                "name_en": name_en,
                "sensitive": sensitive,
                "retention": rules.get(rule),
            },
        )
        _english_filled(categories[code], name_en=name_en)
    # What the platform's own categories cover of its fields (a deletion erases those); a demo seeded
    # before the mapping existed gets it.
    DataCategory.objects.filter(code__in=PlatformData.values, platform_data="").update(
        platform_data=models.F("code")
    )
    for code, (name_vi, name_en), cats, types, processor, client in SYSTEMS:
        system, created = System.objects.get_or_create(
            code=code,
            defaults={
                "name_vi": name_vi,
                "name_en": name_en,
                "request_types": types,
                "is_processor": processor,
                "integration_client": users.get(client) if client else None,
                "field_labels": _field_labels(code),
            },
        )
        if created:
            system.categories.set([categories[c] for c in cats])
        _english_filled(system, name_en=name_en, field_labels=_field_labels(code))


def seed(context: dict) -> None:
    users, subjects = context["users"], context["subjects"]
    seed_inventory(users)
    if DataSubjectRequest.objects.filter(subject=subjects["CIF0000001"]).exists():
        return
    officer, privacy = actor_for_user(users["officer"]), actor_for_user(users["privacy"])
    # Staff take requests in at the bank's own channels; in the app or internet banking the customer
    # files their own (`consents.services.rules.channel_validate`).
    customer1, customer2 = actor_for_user(users["customer1"]), actor_for_user(users["customer2"])
    now = timezone.now()

    def new(ref, type, *, hours_ago, channel="branch", actor=officer, **fields):
        return services.request_create(
            actor=actor,
            subject=subjects[ref],
            type=type,
            channel=channel,
            now=now - timedelta(hours=hours_ago),
            **fields,
        )

    def verify(request, *, hours_ago):
        # A request filed online is verified by documents once the customer came to the branch with them.
        visit = {"customer_present": True, "seen_at_branch": "CN Hoàn Kiếm - officer"}
        return services.request_verify_identity(
            actor=officer,
            request_id=request.pk,
            method="branch_documents",
            document_number=(request.guardian or request.subject).national_id,
            now=now - timedelta(hours=hours_ago),
            **(visit if request.channel != "branch" else {}),
        )

    def finish_tasks(request, *, hours_ago, results=None):
        """Each open task done, with what its system returns (`results`, by system code)."""
        for task in FulfilmentTask.objects.select_related("system").filter(request=request, status="open"):
            services.task_complete(
                actor=privacy,
                task_id=task.pk,
                result=(results or {}).get(task.system.code, {"checked": True}),
                now=now - timedelta(hours=hours_ago),
            )

    # Received just now, through the mobile app.
    new("CIF0000001", "access", hours_ago=1, channel="mobile_app", actor=customer1)
    # A complaint being verified.
    complaint = new(
        "CIF0000001",
        "complaint",
        hours_ago=30,
        channel="call_centre",
        details="Nhận tin nhắn quảng cáo dù đã từ chối.",
    )
    services.request_acknowledge(actor=officer, request_id=complaint.pk, now=now - timedelta(hours=28))
    # A copy request answered, with its export ready to download.
    copy = new("CIF0000001", "copy", hours_ago=70, channel="internet_banking", actor=customer1)
    verify(copy, hours_ago=66)
    finish_tasks(copy, hours_ago=50, results=COPY_RESULTS)
    # Every system has reported; the privacy officer answers (the last task never answers alone).
    services.request_complete(
        actor=privacy,
        request_id=copy.pk,
        note="Dữ liệu của quý khách được đính kèm.",
        now=now - timedelta(hours=49),
    )
    # A former customer's deletion, partly held under the AML law for 5 years from the day the
    # relationship ended.
    subject_rectify(
        actor=officer,
        subject_id=subjects["CIF0000005"].pk,
        changes={"relationship_ended_on": timezone.localdate(now) - timedelta(days=30)},
        reason="demo: account closed",
        now=now - timedelta(hours=61),
    )
    deletion = new("CIF0000005", "delete", hours_ago=60)
    verify(deletion, hours_ago=58)
    finish_tasks(deletion, hours_ago=40)
    # Four eyes: the DPO approves, the privacy officer completes.
    services.request_approve(
        actor=actor_for_user(users["dpo"]), request_id=deletion.pk, now=now - timedelta(hours=32)
    )
    services.request_complete(actor=privacy, request_id=deletion.pk, now=now - timedelta(hours=30))
    # Due soon: received 62 hours ago, in progress, assigned.
    rectify = new(
        "CIF0000002",
        "rectify",
        hours_ago=62,
        channel="internet_banking",
        actor=customer2,
        corrections={"address": "99 Nguyễn Huệ, Quận 1, TP. Hồ Chí Minh"},
    )
    verify(rectify, hours_ago=60)
    services.request_assign(actor=privacy, request_id=rectify.pk, assignee=users["privacy"])
    # Waiting for the customer, clock paused.
    objection = new("CIF0000002", "object", hours_ago=20, purposes=["marketing"])
    verify(objection, hours_ago=19)
    services.request_transition(
        actor=privacy,
        request_id=objection.pk,
        to="awaiting_customer",
        note="Xin xác nhận kênh nhận tin muốn dừng.",
        now=now - timedelta(hours=18),
    )
    # Refused with its legal reason.
    refused = new("CIF0000002", "object", hours_ago=100, purposes=["kyc-aml"])
    # A law's prohibition is told only to a requester whose identity is verified (`dsr.states.REASON_FITS`).
    verify(refused, hours_ago=95)
    services.request_reject(
        actor=privacy,
        request_id=refused.pk,
        reason="legal_prohibition",
        note="Mục đích phòng, chống rửa tiền là nghĩa vụ pháp lý của ngân hàng, không thể phản đối.",
        now=now - timedelta(hours=90),
    )
    # Cancelled by the customer.
    restrict = new("CIF0000002", "restrict", hours_ago=50, channel="internet_banking", actor=customer2)
    services.request_cancel(actor=customer2, request_id=restrict.pk, now=now - timedelta(hours=49))
    # Overdue: received four days ago and still verifying.
    late = new("CIF0000003", "access", hours_ago=96)
    services.request_acknowledge(actor=officer, request_id=late.pk, now=now - timedelta(hours=90))
    # A restriction in force.
    restriction = new("CIF0000003", "restrict", hours_ago=48, purposes=["analytics"])
    verify(restriction, hours_ago=47)
    finish_tasks(restriction, hours_ago=30)
    services.request_complete(actor=privacy, request_id=restriction.pk, now=now - timedelta(hours=29))
    # A guardian asking for a child's data.
    new("CIF0000101", "access", hours_ago=3, guardian=subjects["CIF0000001"])
