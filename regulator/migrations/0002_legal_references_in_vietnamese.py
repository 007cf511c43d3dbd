"""The regulator's filing rows of the deadline policy (breach notification, impact assessment) cite
their laws in Vietnamese, like the default policy (deadlines 0002); an edited reference stays.
"""

from django.db import migrations

from deadlines.defaults import legal_references_rewrite

ENGLISH_TO_VIETNAMESE = {
    "Bank personal-data policy §10": "Mục 10 Chính sách bảo vệ dữ liệu cá nhân của ngân hàng",
    "Decree 13/2023/ND-CP Art. 23": "Điều 23 Nghị định 13/2023/NĐ-CP",
    "Decree 13/2023/ND-CP Arts. 24-25": "Điều 24–25 Nghị định 13/2023/NĐ-CP",
    "Law 91/2025/QH15; Decree 356/2025/ND-CP Art. 23": "Điều 23 Luật 91/2025/QH15; Nghị định 356/2025/NĐ-CP",
    "Law 91/2025/QH15; Decree 356/2025/ND-CP Arts. 20-21": (
        "Điều 20–21 Luật 91/2025/QH15; Nghị định 356/2025/NĐ-CP"
    ),
}
FILINGS = ("breach_notification", "impact_assessment")


class Migration(migrations.Migration):
    dependencies = [
        ("regulator", "0001_squashed"),
    ]

    operations = [legal_references_rewrite(ENGLISH_TO_VIETNAMESE, request_types=FILINGS)]
