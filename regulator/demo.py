"""Demo data of the regulator area (idempotent): where each demo purpose's data lives, the dossiers
(some filed, one due soon, one overdue), one breach (phase 1 filed, phase 2 pending) and two notice
announcements (one sent, one scheduled)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from consents import services as consent_services
from consents.models import NoticeAnnouncement, NoticeVersion, Purpose
from consents.services import announcements
from core.actors import actor_for_user
from dsr.models import System
from regulator import services
from regulator.models import Breach, Dossier, DossierKind, DossierStatus, ProcessingActivity

BREACH_TITLE = "Sao kê gửi nhầm thư mục SFTP của đối tác in ấn"
STANDARD_MEASURES = (
    "Mã hóa AES-256 khi lưu trữ, TLS 1.2+ khi truyền, phân quyền theo vai trò, nhật ký kiểm toán, "
    "rà soát quyền truy cập hằng quý"
)
# purpose code, systems, categories, whose data, days since the processing started, filed?
ACTIVITIES = [
    (
        "banking-services",
        ["core_banking", "cards"],
        ["identity", "contact", "accounts", "transactions"],
        "khách hàng",
        400,
        True,
    ),
    ("kyc-aml", ["core_banking"], ["identity", "transactions"], "khách hàng", 400, True),
    ("customer-support", ["crm", "call_centre"], ["contact", "call_recordings"], "khách hàng", 300, True),
    ("marketing", ["crm", "marketing_platform"], ["contact", "marketing"], "khách hàng", 55, False),
    ("group-sharing", ["crm"], ["contact"], "khách hàng", 20, False),
    ("partner-bancassurance", ["crm"], ["contact"], "khách hàng", 20, False),
    ("credit-bureau", ["core_banking"], ["identity", "accounts"], "khách hàng, người bảo lãnh", 300, True),
    (
        "cross-border-head-office",
        ["core_banking"],
        ["identity", "accounts", "transactions"],
        "khách hàng",
        70,
        False,
    ),
    ("biometric-auth", ["mobile_biometrics"], ["biometrics"], "khách hàng dùng ứng dụng di động", 120, True),
    ("analytics", ["crm"], ["contact"], "khách hàng dùng ứng dụng di động", 20, False),
]


def seed(context: dict) -> None:
    dpo = actor_for_user(context["users"]["dpo"])
    now = timezone.now()
    filed = _seed_activities(dpo, now)
    services.dossiers_sync(actor=dpo, now=now)
    _file_dossiers(dpo, filed, now)
    _seed_breach(dpo, now)
    _seed_announcements(dpo, now)


def _seed_activities(dpo, now) -> set[str]:
    filed = set()
    systems = set(System.objects.values_list("code", flat=True))
    for code, system_codes, categories, whose, days, is_filed in ACTIVITIES:
        if not Purpose.objects.filter(code=code).exists():
            continue
        if is_filed:
            filed.add(code)
        if ProcessingActivity.objects.filter(purpose__code=code).exists():
            continue
        services.activity_save(
            actor=dpo,
            purpose_code=code,
            systems=[s for s in system_codes if s in systems],
            categories=categories,
            data_subjects=whose,
            security_measures=STANDARD_MEASURES,
            started_at=now - timedelta(days=days),
            now=now,
        )
    return filed


def _file_dossiers(dpo, filed: set[str], now) -> None:
    for dossier in Dossier.objects.filter(purpose__code__in=filed, status=DossierStatus.DRAFT):
        services.dossier_edit(
            actor=dpo,
            dossier_id=dossier.pk,
            assessment="Rủi ro thấp: dữ liệu được mã hóa, truy cập theo vai trò, có nhật ký kiểm toán. "
            "Low risk: encrypted data, role-based access, audit trail.",
            note="Đánh giá của DPO / DPO assessment",
            now=now,
        )
        services.dossier_file(
            actor=dpo,
            dossier_id=dossier.pk,
            authority_reference=f"A05/{now.year}/{dossier.purpose_id:04d}",
            now=now,
        )
    # The transfer assessment of the head-office transfer is drafted but not filed (overdue).
    transfer = Dossier.objects.filter(kind=DossierKind.TRANSFER, current_version=1).first()
    if transfer is not None:
        services.dossier_edit(
            actor=dpo,
            dossier_id=transfer.pk,
            assessment=(
                "Bên nhận tại Nhật Bản; điều khoản hợp đồng chuẩn, mã hóa khi truyền. Chờ ý kiến pháp chế."
            ),
            note="Bản nháp / draft",
            now=now,
        )


def _seed_breach(dpo, now) -> None:
    if Breach.objects.filter(title=BREACH_TITLE).exists():
        return
    detected = now - timedelta(days=4)
    breach = services.breach_record(
        actor=dpo,
        title=BREACH_TITLE,
        description=(
            "Một lô sao kê tháng được đẩy vào thư mục SFTP dùng chung của đối tác in ấn "
            "thay vì thư mục riêng; nhân viên đối tác có thể xem trong khoảng 5 giờ."
        ),
        occurred_at=detected - timedelta(hours=5),
        detected_at=detected,
        systems=["core_banking"],
        categories=["accounts", "transactions"],
        subjects_affected=120,
        records_affected=480,
        measures_taken=("Đóng thư mục, xóa tệp, đổi khóa truy cập SFTP, yêu cầu đối tác xác nhận đã xóa."),
        likely_consequences=(
            "Số tài khoản và số dư bị người không có thẩm quyền xem; nguy cơ lừa đảo qua điện thoại."
        ),
        now=detected + timedelta(hours=1),
    )
    services.breach_notify(
        actor=dpo, breach_id=breach.pk, authority_reference="A05-TB-0815", now=detected + timedelta(hours=30)
    )
    # Phase 2 pending: the partner's forensic report raised the count; the DPO has not submitted it yet.
    services.breach_update(
        actor=dpo,
        breach_id=breach.pk,
        changes={"subjects_affected": 134, "records_affected": 530},
        now=now - timedelta(hours=2),
    )


def _seed_announcements(dpo, now) -> None:
    plans = [
        # purpose, version, days until in effect, material, send now
        ("customer-support", "2026-02", 8, False, True),
        ("marketing", "2026-03", 40, True, False),
    ]
    for code, version, days, material, send in plans:
        if not Purpose.objects.filter(code=code).exists():
            continue
        notice = NoticeVersion.objects.filter(purpose__code=code, version=version).first()
        if notice is None:
            notice = consent_services.notice_publish(
                actor=dpo,
                code=code,
                version=version,
                text_vi=(
                    "Chúng tôi bổ sung kênh Zalo OA để liên hệ và cập nhật thời hạn lưu trữ ghi âm cuộc gọi."
                ),
                text_en=(
                    "We add the Zalo OA channel for contacting you and update how long call "
                    "recordings are kept."
                ),
                effective_at=now + timedelta(days=days),
                material=material,
                now=now,
            )
        announcement = NoticeAnnouncement.objects.filter(notice=notice).first()
        if announcement is None and notice.effective_at > now:
            announcement = announcements.announcement_schedule(actor=dpo, notice_id=notice.pk, now=now)
        if send and announcement is not None and announcement.status == NoticeAnnouncement.Status.SCHEDULED:
            announcements.announcement_send(actor=dpo, announcement_id=announcement.pk, now=now)
