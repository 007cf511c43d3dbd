"""The default deadline policy cites its laws in Vietnamese, as the DPO reads them on the policy page.

Only rows still holding the English default they were seeded with change: a reference the DPO has
edited is theirs and stays as written. The regulator's filing rows change in its own migration.
"""

from django.db import migrations

from deadlines.defaults import legal_references_rewrite

ENGLISH_TO_VIETNAMESE = {
    "Bank personal-data policy": "Chính sách bảo vệ dữ liệu cá nhân của ngân hàng",
    "Decree 13/2023/ND-CP": "Nghị định 13/2023/NĐ-CP",
    "Decree 13/2023/ND-CP Art. 9": "Điều 9 Nghị định 13/2023/NĐ-CP",
    "Decree 13/2023/ND-CP Art. 12": "Điều 12 Nghị định 13/2023/NĐ-CP",
    "Decree 13/2023/ND-CP Art. 14": "Điều 14 Nghị định 13/2023/NĐ-CP",
    "Decree 13/2023/ND-CP Art. 15": "Điều 15 Nghị định 13/2023/NĐ-CP",
    "Decree 13/2023/ND-CP Art. 16": "Điều 16 Nghị định 13/2023/NĐ-CP",
    "GDPR Art. 12(3)": "Khoản 3 Điều 12 GDPR",
    "Law 91/2025/QH15; Decree 356/2025/ND-CP": "Luật 91/2025/QH15; Nghị định 356/2025/NĐ-CP",
    "PIPL Art. 50; PBOC consumer-complaint rules (15 days, at most 60)": (
        "Điều 50 PIPL; quy định của PBOC về khiếu nại của khách hàng (15 ngày, tối đa 60 ngày)"
    ),
}


class Migration(migrations.Migration):
    dependencies = [
        ("deadlines", "0001_squashed"),
    ]

    operations = [legal_references_rewrite(ENGLISH_TO_VIETNAMESE)]
