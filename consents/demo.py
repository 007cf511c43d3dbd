"""Demo data for `seed_demo`: a realistic catalogue of ten purposes with notices and recipients,
consents of the demo customers (some withdrawn, one through a guardian for a child). Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from consents import services
from consents.models import Consent, ConsentStatus, Purpose, Recipient

RECIPIENTS = [
    # name, kind, country
    ("Công ty Chứng khoán thuộc Tập đoàn", "group_company", "VN"),
    ("Bảo hiểm Nhân thọ Đối tác (bancassurance)", "partner", "VN"),
    ("Trung tâm Thông tin Tín dụng Quốc gia (CIC)", "credit_bureau", "VN"),
    ("Công ty In thẻ An Toàn", "processor", "VN"),
    ("Trụ sở chính Tokyo", "foreign_head_office", "JP"),
]

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
        "Xác minh danh tính và theo dõi giao dịch theo Luật Phòng, chống rửa tiền.",
        "Verifying your identity and monitoring transactions as the Anti-Money Laundering Law requires.",
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
    for name, kind, country in RECIPIENTS:
        recipients.append(
            Recipient.objects.filter(name=name).first()
            or services.recipient_create(actor=actor, name=name, kind=kind, country=country)
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
                now=now - timedelta(days=60),
            )
        purposes[code] = purpose
    return purposes


def seed(context: dict) -> None:
    actor = context["actor"]
    purposes = seed_catalogue(actor)
    subjects = context["subjects"]
    now = timezone.now()

    def give(ref, code, *, days_ago, channel="branch", guardian=None, **extra):
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
                **extra,
            ),
        )

    give("CIF0000001", "marketing", days_ago=40, channel="mobile_app")
    give("CIF0000001", "biometric-auth", days_ago=30, channel="branch", sensitive_acknowledged=True)
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
    give("CIF0000101", "analytics", days_ago=5, guardian="CIF0000001")
