"""The default deadline policy (domain notes, "two clocks") and the Vietnamese working-day calendar 2025–2027.

Holidays follow the Labour Code 2019 Art. 112 and the Ministry of Home Affairs' yearly notices
(compensatory days off and make-up Saturdays as announced); 2027's Tết days follow the statutory
pattern and should be checked against the notice when it is published. Both tables stay editable by
the DPO; these defaults are written by the deadlines migration and again whenever the tables are found empty
after a migrate or flush (`seed_deadline_defaults`), never over rows someone has edited.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import migrations

TYPES_72H = ("withdraw", "access", "copy", "rectify", "delete", "restrict", "object")

# The legal references are data the DPO reads and edits on the Vietnamese policy page, so they are
# cited the way Vietnamese legal texts cite each other ("Điều 12 Nghị định 13/2023/NĐ-CP").
BANK_POLICY = "Chính sách bảo vệ dữ liệu cá nhân của ngân hàng"
LAW_91 = "Luật 91/2025/QH15; Nghị định 356/2025/NĐ-CP"
LAW_91_START = date(2026, 1, 1)
DECREE_13 = "Nghị định 13/2023/NĐ-CP"
# Law 91 replaces Decree 13 on the day it comes into force.
DECREE_13_END = date(2025, 12, 31)


@dataclass(frozen=True)
class PolicyRow:
    """One default row of the deadline policy table; a field left out takes the value most rows share."""

    regime: str
    request_type: str
    period: int | None
    unit: str
    legal_reference: str
    processor_period: int | None = None
    extension_period: int | None = None
    acknowledge_period: int | None = None
    acknowledge_unit: str = "working_days"
    effective_from: date | None = None
    effective_to: date | None = None
    active: bool = True
    # `deadlines.models.ClockStart`: "occurred" where the law counts from the event (a breach's violation).
    clock_start: str = "received"


def law91_row(
    request_type: str, period: int, unit: str = "days", *, legal_reference: str = LAW_91, **fields
) -> PolicyRow:
    """A Law 91 row: in force from the law's start."""
    return PolicyRow(
        "vn_law91", request_type, period, unit, legal_reference, effective_from=LAW_91_START, **fields
    )


def decree13_row(
    request_type: str, period: int | None, unit: str = "hours", *, legal_reference: str, **fields
) -> PolicyRow:
    """A Decree 13 row: in force until Law 91 replaces it."""
    return PolicyRow(
        "vn_decree13", request_type, period, unit, legal_reference, effective_to=DECREE_13_END, **fields
    )


POLICIES = [
    *[PolicyRow("bank", t, 72, "hours", BANK_POLICY) for t in TYPES_72H],
    PolicyRow("bank", "complaint", 15, "working_days", BANK_POLICY),
    # Law 91 allows one extension as long as the period itself.
    *[
        law91_row(t, period, processor_period=processor_period, extension_period=period, acknowledge_period=2)
        for t, period, processor_period in (
            ("withdraw", 15, 20),
            ("access", 10, None),
            ("copy", 10, None),
            ("rectify", 10, 15),
            ("delete", 20, 30),
            ("restrict", 15, 20),
            ("object", 15, 20),
            ("complaint", 15, None),
        )
    ],
    # Decree 13 sets no period for withdrawal ("stop processing"), access, rectification ("as soon as
    # possible") and complaints: those rows exist with an empty period so the DPO sees the gap.
    *[
        decree13_row(t, period, legal_reference=reference)
        for t, period, reference in (
            ("withdraw", None, f"Điều 12 {DECREE_13}"),
            ("access", None, f"Điều 14 {DECREE_13}"),
            ("copy", 72, f"Điều 14 {DECREE_13}"),
            ("rectify", None, f"Điều 15 {DECREE_13}"),
            ("delete", 72, f"Điều 16 {DECREE_13}"),
            ("restrict", 72, f"Điều 9 {DECREE_13}"),
            ("object", 72, f"Điều 9 {DECREE_13}"),
            ("complaint", None, DECREE_13),
        )
    ],
    # Off until the DPO turns them on for a group with EU or Chinese customers.
    *[
        PolicyRow("eu_gdpr", t, 1, "months", "Khoản 3 Điều 12 GDPR", extension_period=2, active=False)
        for t in TYPES_72H
    ],
    PolicyRow(
        "cn_pipl",
        "complaint",
        15,
        "days",
        "Điều 50 PIPL; quy định của PBOC về khiếu nại của khách hàng (15 ngày, tối đa 60 ngày)",
        extension_period=45,
        active=False,
    ),
]

HOLIDAYS = [
    (date(2025, 1, 1), "Tết Dương lịch"),
    *[(date(2025, 1, d), "Tết Nguyên đán") for d in (27, 28, 29, 30, 31)],
    (date(2025, 4, 7), "Giỗ Tổ Hùng Vương"),
    (date(2025, 4, 30), "Ngày Giải phóng miền Nam, thống nhất đất nước"),
    (date(2025, 5, 1), "Ngày Quốc tế Lao động"),
    (date(2025, 5, 2), "Nghỉ hoán đổi (làm bù thứ Bảy 26/4/2025)"),
    (date(2025, 9, 1), "Quốc khánh"),
    (date(2025, 9, 2), "Quốc khánh"),
    (date(2026, 1, 1), "Tết Dương lịch"),
    *[(date(2026, 2, d), "Tết Nguyên đán") for d in (16, 17, 18, 19, 20)],
    (date(2026, 4, 27), "Giỗ Tổ Hùng Vương (nghỉ bù)"),
    (date(2026, 4, 30), "Ngày Giải phóng miền Nam, thống nhất đất nước"),
    (date(2026, 5, 1), "Ngày Quốc tế Lao động"),
    (date(2026, 8, 31), "Nghỉ hoán đổi (làm bù thứ Bảy 22/8/2026)"),
    (date(2026, 9, 1), "Quốc khánh"),
    (date(2026, 9, 2), "Quốc khánh"),
    (date(2026, 11, 24), "Ngày Văn hóa Việt Nam"),
    (date(2027, 1, 1), "Tết Dương lịch"),
    *[(date(2027, 2, d), "Tết Nguyên đán") for d in (4, 5, 8, 9, 10)],
    (date(2027, 4, 16), "Giỗ Tổ Hùng Vương"),
    (date(2027, 4, 30), "Ngày Giải phóng miền Nam, thống nhất đất nước"),
    (date(2027, 5, 3), "Ngày Quốc tế Lao động (nghỉ bù)"),
    (date(2027, 9, 2), "Quốc khánh"),
    (date(2027, 9, 3), "Quốc khánh"),
    (date(2027, 11, 24), "Ngày Văn hóa Việt Nam"),
]
MAKE_UP_WORKING_DAYS = [
    (date(2025, 4, 26), "Làm bù cho ngày nghỉ 2/5/2025"),
    (date(2026, 8, 22), "Làm bù cho ngày nghỉ 31/8/2026"),
]


def seed_deadline_defaults(policy_model, calendar_model) -> None:
    """Write the defaults into empty tables (models passed in, so a migration can use its historical ones)."""
    if not policy_model.objects.exists():
        policy_rows_add(policy_model, POLICIES)
    if not calendar_model.objects.exists():
        for day, name in HOLIDAYS:
            calendar_model.objects.get_or_create(date=day, defaults={"kind": "holiday", "name": name})
        for day, name in MAKE_UP_WORKING_DAYS:
            calendar_model.objects.get_or_create(date=day, defaults={"kind": "working", "name": name})


def policy_rows_add(policy_model, rows: Iterable[PolicyRow]) -> None:
    """Add policy rows, keeping any row that already exists.

    Apps that bring their own request types (e.g. the regulator's breach notification) call this
    from a data migration so every default is written the same way.
    """
    # A migration's historical model may predate a column (`clock_start`): the migration adding the
    # column writes its defaults itself.
    columns = {field.name for field in policy_model._meta.concrete_fields}
    for row in rows:
        later_columns = {"clock_start": row.clock_start} if "clock_start" in columns else {}
        policy_model.objects.get_or_create(
            regime=row.regime,
            request_type=row.request_type,
            effective_from=row.effective_from,
            defaults={
                **later_columns,
                "period": row.period,
                "unit": row.unit,
                "processor_period": row.processor_period,
                "extension_period": row.extension_period,
                "acknowledge_period": row.acknowledge_period,
                "acknowledge_unit": row.acknowledge_unit,
                "effective_to": row.effective_to,
                "active": row.active,
                "legal_reference": row.legal_reference,
                # Only the bank's own clock may stand still while awaiting the customer: Law 91 and
                # Decree 356 have a one-time extension and no pause.
                "pausable": row.regime == "bank",
            },
        )


def legal_references_rewrite(
    replacements: dict[str, str], *, request_types: Iterable[str] | None = None
) -> migrations.RunPython:
    """A migration operation that rewrites seeded legal references still as seeded (`old: new`), and
    back when unapplied; a reference someone has edited matches no key and stays as written."""

    def rewrite(apps, mapping: dict[str, str]) -> None:
        rows = apps.get_model("deadlines", "DeadlinePolicy").objects.all()
        if request_types is not None:
            rows = rows.filter(request_type__in=request_types)
        for old, new in mapping.items():
            rows.filter(legal_reference=old).update(legal_reference=new)

    return migrations.RunPython(
        lambda apps, schema_editor: rewrite(apps, replacements),
        lambda apps, schema_editor: rewrite(apps, {new: old for old, new in replacements.items()}),
    )
