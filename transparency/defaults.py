"""The texts a fresh database starts with (version 1 of each), in Vietnamese and English.

The DPO replaces them from the portal; each edit is a new version. Contact details are the demo
bank's placeholders."""

from __future__ import annotations

from datetime import UTC, datetime

SEEDED_BY = "system:transparency.defaults"
SEEDED_AT = datetime(2025, 7, 1, tzinfo=UTC)

DEFAULT_TEXTS: dict[str, dict[str, str]] = {
    "privacy_notice": {
        "body_vi": (
            "Ngân hàng xử lý dữ liệu cá nhân của Quý khách theo Luật Bảo vệ dữ liệu cá nhân số "
            "91/2025/QH15 và các văn bản hướng dẫn.\n\n"
            "Chúng tôi thu thập: thông tin định danh (họ tên, số CCCD, ngày sinh), thông tin liên hệ "
            "(số điện thoại, e-mail, địa chỉ), thông tin tài khoản và giao dịch.\n\n"
            "Chúng tôi dùng dữ liệu để: cung cấp dịch vụ ngân hàng, xác thực giao dịch, phòng, chống "
            "rửa tiền và gian lận, đáp ứng yêu cầu của pháp luật. Các mục đích cần sự đồng ý của Quý "
            "khách (như tiếp thị) được liệt kê riêng bên dưới, mỗi mục có thông báo và phiên bản riêng; "
            "Quý khách có thể rút lại sự đồng ý bất cứ lúc nào.\n\n"
            "Dữ liệu được lưu giữ trong thời gian cần thiết cho mục đích xử lý hoặc theo thời hạn pháp "
            "luật quy định (ví dụ: 5 năm theo Luật Phòng, chống rửa tiền)."
        ),
        "body_en": (
            "The bank processes your personal data under the Personal Data Protection Law No. "
            "91/2025/QH15 and its implementing regulations.\n\n"
            "We collect: identity data (name, citizen ID number, date of birth), contact details "
            "(phone, e-mail, address), account and transaction data.\n\n"
            "We use it to: provide banking services, authenticate transactions, prevent money "
            "laundering and fraud, and meet our legal obligations. The purposes that need your consent "
            "(such as marketing) are listed separately below, each with its own notice and versions; "
            "you may withdraw your consent at any time.\n\n"
            "Data is kept as long as its purpose needs it or the law requires (for example 5 years "
            "under the Anti-Money Laundering Law)."
        ),
        "changes_vi": "Phiên bản đầu tiên theo Luật Bảo vệ dữ liệu cá nhân 91/2025/QH15.",
        "changes_en": "First version under the Personal Data Protection Law 91/2025/QH15.",
    },
    "dpo_contact": {
        "body_vi": (
            "Bộ phận Bảo vệ dữ liệu cá nhân (DPO) của Ngân hàng\n"
            "E-mail: dpo@nganhang.example\n"
            "Điện thoại: 1900 0000 (8:00–17:00, thứ Hai đến thứ Sáu)\n"
            "Địa chỉ: Hội sở chính, Bộ phận Bảo vệ dữ liệu cá nhân"
        ),
        "body_en": (
            "The bank's Data Protection Officer (DPO)\n"
            "E-mail: dpo@nganhang.example\n"
            "Phone: 1900 0000 (8:00–17:00, Monday to Friday)\n"
            "Address: Head office, Data Protection Office"
        ),
    },
    "complaints": {
        "body_vi": (
            "1. Khiếu nại với Ngân hàng: gửi yêu cầu loại \"Khiếu nại\" trên trang này, tại bất kỳ chi "
            "nhánh nào hoặc qua e-mail của Bộ phận Bảo vệ dữ liệu cá nhân. Chúng tôi trả lời trong thời "
            "hạn pháp luật quy định và cho Quý khách biết ngày trả lời.\n\n"
            "2. Nếu Quý khách không đồng ý với câu trả lời, hoặc không nhận được trả lời đúng hạn, Quý "
            "khách có quyền khiếu nại, tố cáo đến cơ quan chuyên trách bảo vệ dữ liệu cá nhân: Cục An "
            "ninh mạng và phòng, chống tội phạm sử dụng công nghệ cao (A05), Bộ Công an."
        ),
        "body_en": (
            "1. Complain to the bank: send a request of the type \"Complaint\" from this site, at any "
            "branch, or by e-mail to the Data Protection Officer. We answer within the time the law "
            "sets and tell you the date of our answer.\n\n"
            "2. If you disagree with our answer, or receive none in time, you may complain to the "
            "personal-data-protection authority: the Department of Cyber Security and High-Tech Crime "
            "Prevention (A05), Ministry of Public Security (Cục An ninh mạng và phòng, chống tội phạm "
            "sử dụng công nghệ cao, Bộ Công an)."
        ),
    },
    "security": {
        "body_vi": (
            "Không bao giờ chia sẻ mã OTP, mật khẩu hay mã PIN với bất kỳ ai, kể cả người tự xưng là "
            "nhân viên Ngân hàng, công an hay cơ quan nhà nước.\n\n"
            "Xác thực sinh trắc học (Quyết định 2345/QĐ-NHNN): giao dịch chuyển tiền trực tuyến trên "
            "10 triệu đồng mỗi lần, hoặc tổng giá trị trên 20 triệu đồng trong một ngày, phải được xác "
            "thực bằng sinh trắc học (khuôn mặt đối chiếu với CCCD gắn chip). Không để người khác xác "
            "thực khuôn mặt thay Quý khách.\n\n"
            "Ngân hàng sẽ: liên hệ từ số tổng đài chính thức và tin nhắn thương hiệu của Ngân hàng; "
            "gọi Quý khách bằng tên đã đăng ký.\n"
            "Ngân hàng sẽ không bao giờ: hỏi mã OTP, mật khẩu hay mã PIN; gửi đường link yêu cầu đăng "
            "nhập; yêu cầu cài ứng dụng lạ hay chuyển tiền vào \"tài khoản an toàn\".\n\n"
            "Báo gian lận: gọi ngay tổng đài 24/7 1900 0000, khoá tài khoản trong ứng dụng, đến chi "
            "nhánh gần nhất và trình báo cơ quan công an.\n\n"
            "Bảo vệ dữ liệu cá nhân: không đăng ảnh CCCD hay thông tin tài khoản lên mạng xã hội; chỉ "
            "cài ứng dụng từ kho chính thức; đặt mật khẩu mạnh và cập nhật ứng dụng thường xuyên."
        ),
        "body_en": (
            "Never share a one-time code (OTP), password or PIN with anyone, including people who say "
            "they are bank staff, police or officials.\n\n"
            "Biometric authentication (Decision 2345/QĐ-NHNN): online transfers over 10 million VND "
            "per transaction, or over 20 million VND in total in a day, must be confirmed with "
            "biometrics (your face matched against your chip citizen ID). Never let anyone else "
            "confirm a transfer with their face for you.\n\n"
            "The bank will: contact you from its official hotline and branded SMS sender; address you "
            "by your registered name.\n"
            "The bank will never: ask for an OTP, password or PIN; send a link asking you to sign in; "
            "ask you to install an app or move money to a \"safe account\".\n\n"
            "Report fraud: call the 24/7 hotline 1900 0000 at once, lock your account in the app, go "
            "to the nearest branch and report it to the police.\n\n"
            "Protect your personal data: do not post photos of your citizen ID or account details on "
            "social networks; install apps only from the official stores; use a strong password and "
            "keep the app up to date."
        ),
    },
}


def defaults_seed(model) -> int:
    """Insert version 1 of every text that has no version yet (idempotent); `model` is the model class,
    real or historical (migrations). Returns how many were added."""
    present = set(model.objects.values_list("kind", flat=True).distinct())
    rows = [
        model(
            kind=kind,
            version=1,
            body_vi=text["body_vi"],
            body_en=text["body_en"],
            changes_vi=text.get("changes_vi", ""),
            changes_en=text.get("changes_en", ""),
            published_at=SEEDED_AT,
            published_by_label=SEEDED_BY,
        )
        for kind, text in DEFAULT_TEXTS.items()
        if kind not in present
    ]
    model.objects.bulk_create(rows)
    return len(rows)
