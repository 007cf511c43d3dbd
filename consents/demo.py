"""Demo data for `seed_demo`: a realistic catalogue of ten purposes with notices and recipients,
consents of the demo customers (some withdrawn, one through a guardian for a child), a widening
scheduled and announced (customer1 sees the banner) and one already in effect (a consent that needs
re-consent). Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from consents import services
from consents.models import Consent, ConsentStatus, NoticeVersion, Purpose, Recipient
from consents.services.announcement_runs import announcements_run_due
from consents.services.announcements import announcement_send

RECIPIENTS = [
    # name (Vietnamese), name in English, kind, country
    ("Công ty Chứng khoán thuộc Tập đoàn", "Group securities company", "group_company", "VN"),
    ("Bảo hiểm Nhân thọ Đối tác (bancassurance)", "Partner life insurer (bancassurance)", "partner", "VN"),
    ("Trung tâm Thông tin Tín dụng Quốc gia (CIC)", "National Credit Information Centre (CIC)",
     "credit_bureau", "VN"),
    ("Công ty In thẻ An Toàn", "An Toàn card printing company", "processor", "VN"),
    ("Trụ sở chính Tokyo", "Tokyo head office", "foreign_head_office", "JP"),
    ("Công ty Tái bảo hiểm Seoul", "Seoul reinsurance company", "partner", "KR"),
]

# What each purpose processes (Law 91/2025, Decree 356/2025: customer information a credit
# institution holds is sensitive, as are biometrics), how long it is kept, for the non-consent purposes
# that share data, the exemption the law gives, and whether it profiles the customer by automated means.
SCOPE = {
    "banking-services": {
        "data_categories": ["identity", "contact", "credit_customer"],
        "retention_months": 120,
    },
    # Transaction monitoring evaluates how the customer transacts by automated means: profiling.
    "kyc-aml": {
        "data_categories": ["identity", "credit_customer"],
        "retention_months": 60,
        "automated_processing": "profiling",
    },
    "customer-support": {"data_categories": ["contact"], "retention_months": 24},
    "marketing": {"data_categories": ["contact", "preferences"], "retention_months": 24},
    "group-sharing": {"data_categories": ["contact", "credit_customer"], "retention_months": 36},
    "partner-bancassurance": {
        "data_categories": ["identity", "contact", "credit_customer"],
        "retention_months": 36,
    },
    "credit-bureau": {
        "data_categories": ["identity", "credit_customer"],
        "retention_months": 60,
        "transfer_exemption": "legal_disclosure",
    },
    "cross-border-head-office": {"data_categories": ["identity", "credit_customer"], "retention_months": 60},
    "biometric-auth": {"data_categories": ["biometric"], "retention_months": 60},
    "analytics": {"data_categories": ["app_usage"], "retention_months": 12},
}

# The DPO's own words on withdrawing; the sentence of Decision 2345/QĐ-NHNN (transfers above 10 million
# VND then go through a branch) follows them on every biometric purpose (`withdrawal_consequences`).
CONSEQUENCES = {
    "biometric-auth": (
        "Ứng dụng sẽ không còn dùng khuôn mặt của bạn để xác thực; mã OTP không thay thế được.",
        "The app no longer uses your face to authenticate you; an OTP cannot replace it.",
    ),
}

PURPOSES = [
    # code, name vi, name en, description vi, description en, category, legal basis, sensitive, cross-border
    # country, recipients (indexes into RECIPIENTS)
    (
        "banking-services",
        "Cung cấp dịch vụ ngân hàng",
        "Providing banking services",
        "Mở và quản lý tài khoản, thẻ, khoản vay theo hợp đồng bạn đã ký.",
        "Opening and running your accounts, cards and loans under the contract you signed.",
        "service",
        "contract",
        False,
        "",
        [3],
    ),
    (
        "kyc-aml",
        "Nhận biết khách hàng và phòng, chống rửa tiền",
        "Know-your-customer and anti-money-laundering checks",
        "Xác minh danh tính và theo dõi giao dịch theo Luật Phòng, chống rửa tiền: hệ thống tự động "
        "đánh giá giao dịch của bạn để phát hiện giao dịch đáng ngờ.",
        "Verifying your identity and monitoring transactions as the Anti-Money Laundering Law requires: an "
        "automated system evaluates your transactions to detect suspicious ones.",
        "compliance",
        "legal_obligation",
        False,
        "",
        [],
    ),
    (
        "customer-support",
        "Chăm sóc khách hàng và cải thiện dịch vụ",
        "Customer support and service improvement",
        "Trả lời yêu cầu của bạn và dùng phản hồi để cải thiện dịch vụ.",
        "Answering your requests and using feedback to improve our services.",
        "support",
        "consent",
        False,
        "",
        [],
    ),
    (
        "marketing",
        "Tiếp thị và giới thiệu sản phẩm",
        "Marketing and product offers",
        "Gửi ưu đãi và giới thiệu sản phẩm qua tin nhắn, e-mail, ứng dụng. "
        "Bạn có thể rút lại bất cứ lúc nào.",
        "Sending offers and product news by SMS, e-mail and the app. You can withdraw at any time.",
        "marketing",
        "consent",
        False,
        "",
        [],
    ),
    (
        "group-sharing",
        "Chia sẻ với công ty trong tập đoàn",
        "Sharing with group companies",
        "Chia sẻ thông tin liên hệ và sản phẩm đang dùng với công ty chứng khoán trong tập đoàn.",
        "Sharing your contact details and products held with the group's securities company.",
        "sharing",
        "consent",
        False,
        "",
        [0],
    ),
    (
        "partner-bancassurance",
        "Chia sẻ với đối tác bảo hiểm",
        "Sharing with the bancassurance partner",
        "Chia sẻ thông tin để đối tác bảo hiểm tư vấn sản phẩm bảo hiểm phù hợp.",
        "Sharing your details so the insurance partner can advise you on suitable cover.",
        "sharing",
        "consent",
        False,
        "",
        [1],
    ),
    (
        "credit-bureau",
        "Tra cứu và báo cáo thông tin tín dụng (CIC)",
        "Credit bureau enquiries and reporting (CIC)",
        "Báo cáo và tra cứu thông tin tín dụng với CIC theo quy định của Ngân hàng Nhà nước.",
        "Reporting to and enquiring with the national credit bureau CIC as State Bank rules require.",
        "compliance",
        "legal_obligation",
        False,
        "",
        [2],
    ),
    (
        "cross-border-head-office",
        "Chuyển dữ liệu về trụ sở chính ở nước ngoài",
        "Transfer to the foreign head office",
        "Chuyển dữ liệu khách hàng về trụ sở chính tại Nhật Bản để quản trị rủi ro tập đoàn.",
        "Transferring customer data to the head office in Japan for group risk management.",
        "cross_border",
        "consent",
        False,
        "JP",
        [4],
    ),
    (
        "biometric-auth",
        "Xác thực sinh trắc học",
        "Biometric authentication",
        "Dùng khuôn mặt của bạn để xác thực giao dịch trên 10 triệu đồng (Quyết định 2345). "
        "Đây là dữ liệu nhạy cảm.",
        "Using your face to authenticate transfers above 10 million VND (Decision 2345). "
        "This is sensitive data.",
        "security",
        "consent",
        True,
        "",
        [],
    ),
    (
        "analytics",
        "Phân tích hành vi sử dụng",
        "Usage analytics",
        "Phân tích cách bạn dùng ứng dụng để cải thiện thiết kế; không dùng để tiếp thị.",
        "Analysing how you use the app to improve its design; never used for marketing.",
        "analytics",
        "consent",
        False,
        "",
        [],
    ),
]

NOTICE_VERSION = "2026-01"


def seed_catalogue(actor, *, now=None) -> dict[str, Purpose]:
    """Create the recipients and purposes that do not exist yet (also used by the benchmarks)."""
    now = now or timezone.now()
    recipients = []
    for name, name_en, kind, country in RECIPIENTS:
        recipients.append(
            Recipient.objects.filter(name=name).first()
            or services.recipient_create(actor=actor, name=name, name_en=name_en, kind=kind, country=country)
        )
    purposes = {}
    for code, name_vi, name_en, desc_vi, desc_en, category, basis, sensitive, country, rec in PURPOSES:
        purpose = Purpose.objects.filter(code=code).first()
        if purpose is None:
            purpose = services.purpose_create(
                actor=actor,
                code=code,
                name_vi=name_vi,
                name_en=name_en,
                description_vi=desc_vi,
                description_en=desc_en,
                category=category,
                legal_basis=basis,
                sensitive=sensitive,
                cross_border=bool(country),
                destination_country=country,
                recipients=[recipients[i] for i in rec],
                notice_version=NOTICE_VERSION,
                consequences_vi=CONSEQUENCES.get(code, ("", ""))[0],
                consequences_en=CONSEQUENCES.get(code, ("", ""))[1],
                now=now - timedelta(days=60),
                **SCOPE[code],
            )
        purposes[code] = purpose
    return purposes


def seed(context: dict) -> None:
    actor = context["actor"]
    purposes = seed_catalogue(actor)
    subjects = context["subjects"]
    now = timezone.now()

    def give(ref, code, *, days_ago, channel="branch", guardian=None, **extra):
        # The demo customers were told of sensitive data and agreed to it explicitly.
        existing = Consent.objects.filter(subject=subjects[ref], purpose=purposes[code]).first()
        if existing is not None:
            return existing
        return services.consent_grant(
            actor=actor,
            now=now - timedelta(days=days_ago),
            request=services.GrantRequest(
                subject=subjects[ref],
                purpose=purposes[code],
                notice_version=NOTICE_VERSION,
                channel=channel,
                evidence=f"demo-{ref}-{code}",
                guardian=subjects[guardian] if guardian else None,
                sensitive_acknowledged=purposes[code].sensitive,
                **extra,
            ),
        )

    give("CIF0000001", "marketing", days_ago=40, channel="mobile_app")
    give("CIF0000001", "biometric-auth", days_ago=30, channel="branch")
    give("CIF0000001", "customer-support", days_ago=30)
    give("CIF0000001", "partner-bancassurance", days_ago=20, channel="paper_form")
    sharing = give("CIF0000001", "group-sharing", days_ago=25, channel="internet_banking")
    if sharing.status == ConsentStatus.GRANTED:
        services.consent_withdraw(
            actor=actor,
            consent_id=sharing.pk,
            channel="call_centre",
            reason="Khách hàng không muốn chia sẻ nữa",
            now=now - timedelta(days=2),
        )
    marketing = give("CIF0000002", "marketing", days_ago=15, channel="internet_banking")
    if marketing.status == ConsentStatus.GRANTED:
        services.consent_withdraw(
            actor=actor, consent_id=marketing.pk, channel="mobile_app", now=now - timedelta(hours=5)
        )
    give("CIF0000002", "cross-border-head-office", days_ago=10)
    give("CIF0000003", "analytics", days_ago=8, channel="mobile_app")
    give("CIF0000004", "marketing", days_ago=3, channel="call_centre")
    # Children: the guardian consents for the 5-year-old; the 10-year-old and the guardian together.
    give("CIF0000102", "customer-support", days_ago=5, guardian="CIF0000001")
    give(
        "CIF0000101",
        "analytics",
        days_ago=5,
        guardian="CIF0000001",
        child_agreed=True,
        child_evidence="demo-form-child-CIF0000101",
    )
    _seed_versions(actor, purposes, now=now)


def _seed_versions(actor, purposes: dict[str, Purpose], *, now) -> None:
    """A widening already in effect (customer1's support consent needs re-consent) and one scheduled
    and announced (customer1 sees the banner for the bancassurance partner's transfer to Korea)."""
    if not NoticeVersion.objects.filter(purpose=purposes["customer-support"], version="2026-01-v2").exists():
        services.purpose_update(
            actor=actor,
            code="customer-support",
            changes={"data_categories": ["contact", "preferences"]},
            effective_at=now - timedelta(days=3),
            notice_version="2026-01-v2",
            notice_text_vi="Chúng tôi dùng thêm sở thích của bạn (chủ đề bạn hỏi) để cải thiện dịch vụ.",
            notice_text_en="We also use your preferences (the topics you ask about) to improve our services.",
            now=now - timedelta(days=35),
        )
        widened = NoticeVersion.objects.get(purpose=purposes["customer-support"], version="2026-01-v2")
        # Told on its day, as the hourly job would have: a widening is in force only once announced.
        told = widened.announcement
        announcement_send(actor=actor, announcement_id=told.pk, now=told.send_at)
        services.purpose_versions_apply_due(now=now)
        announcements_run_due(now=now)
    bancassurance = purposes["partner-bancassurance"]
    if not NoticeVersion.objects.filter(purpose=bancassurance, version="2026-02-korea").exists():
        korea = Recipient.objects.get(name=RECIPIENTS[5][0])
        services.purpose_update(
            actor=actor,
            code=bancassurance.code,
            changes={"cross_border": True, "destination_country": "KR"},
            recipients=[*bancassurance.recipients.all(), korea],
            effective_at=now + timedelta(days=31),
            notice_version="2026-02-korea",
            notice_text_vi=(
                "Đối tác bảo hiểm chuyển thông tin của bạn cho công ty tái bảo hiểm tại Seoul, Hàn Quốc."
            ),
            notice_text_en=(
                "The insurance partner passes your details to its reinsurer in Seoul, South Korea."
            ),
            now=now,
        )
        version = NoticeVersion.objects.get(purpose=bancassurance, version="2026-02-korea")
        announcement_send(actor=actor, announcement_id=version.announcement.pk, now=now)
