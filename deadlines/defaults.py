"""The default deadline policy (domain notes, "two clocks") and the Vietnamese working-day calendar 2025–2027.

Holidays follow the Labour Code 2019 Art. 112 and the Ministry of Home Affairs' yearly notices
(compensatory days off and make-up Saturdays as announced); 2027's Tết days follow the statutory
pattern and should be checked against the notice when it is published. Both tables stay editable by
the DPO; these defaults are written by migration 0004 and again whenever the tables are found empty
after a migrate or flush (`seed_deadline_defaults`), never over rows someone has edited.
"""

from __future__ import annotations

from datetime import date

TYPES_72H = ("withdraw", "access", "copy", "rectify", "delete", "restrict", "object")

# regime, type, period, unit, processor_period, extension, ack period, ack unit, from, to, active, reference
LAW_91 = "Law 91/2025/QH15; Decree 356/2025/ND-CP"
DECREE_13 = "Decree 13/2023/ND-CP"
POLICIES = [
    *[
        (
            "bank",
            t,
            72,
            "hours",
            None,
            None,
            None,
            "working_days",
            None,
            None,
            True,
            "Bank personal-data policy",
        )
        for t in TYPES_72H
    ],
    (
        "bank",
        "complaint",
        15,
        "working_days",
        None,
        None,
        None,
        "working_days",
        None,
        None,
        True,
        "Bank personal-data policy",
    ),
    ("vn_law91", "withdraw", 15, "days", 20, 15, 2, "working_days", date(2026, 1, 1), None, True, LAW_91),
    ("vn_law91", "access", 10, "days", None, 10, 2, "working_days", date(2026, 1, 1), None, True, LAW_91),
    ("vn_law91", "copy", 10, "days", None, 10, 2, "working_days", date(2026, 1, 1), None, True, LAW_91),
    ("vn_law91", "rectify", 10, "days", 15, 10, 2, "working_days", date(2026, 1, 1), None, True, LAW_91),
    ("vn_law91", "delete", 20, "days", 30, 20, 2, "working_days", date(2026, 1, 1), None, True, LAW_91),
    ("vn_law91", "restrict", 15, "days", 20, 15, 2, "working_days", date(2026, 1, 1), None, True, LAW_91),
    ("vn_law91", "object", 15, "days", 20, 15, 2, "working_days", date(2026, 1, 1), None, True, LAW_91),
    ("vn_law91", "complaint", 15, "days", None, 15, 2, "working_days", date(2026, 1, 1), None, True, LAW_91),
    # Decree 13 sets no period for withdrawal ("stop processing"), access, rectification ("as soon as
    # possible") and complaints: those rows exist with an empty period so the DPO sees the gap.
    (
        "vn_decree13",
        "withdraw",
        None,
        "hours",
        None,
        None,
        None,
        "working_days",
        None,
        date(2025, 12, 31),
        True,
        DECREE_13 + " Art. 12",
    ),
    (
        "vn_decree13",
        "access",
        None,
        "hours",
        None,
        None,
        None,
        "working_days",
        None,
        date(2025, 12, 31),
        True,
        DECREE_13 + " Art. 14",
    ),
    (
        "vn_decree13",
        "copy",
        72,
        "hours",
        None,
        None,
        None,
        "working_days",
        None,
        date(2025, 12, 31),
        True,
        DECREE_13 + " Art. 14",
    ),
    (
        "vn_decree13",
        "rectify",
        None,
        "hours",
        None,
        None,
        None,
        "working_days",
        None,
        date(2025, 12, 31),
        True,
        DECREE_13 + " Art. 15",
    ),
    (
        "vn_decree13",
        "delete",
        72,
        "hours",
        None,
        None,
        None,
        "working_days",
        None,
        date(2025, 12, 31),
        True,
        DECREE_13 + " Art. 16",
    ),
    (
        "vn_decree13",
        "restrict",
        72,
        "hours",
        None,
        None,
        None,
        "working_days",
        None,
        date(2025, 12, 31),
        True,
        DECREE_13 + " Art. 9",
    ),
    (
        "vn_decree13",
        "object",
        72,
        "hours",
        None,
        None,
        None,
        "working_days",
        None,
        date(2025, 12, 31),
        True,
        DECREE_13 + " Art. 9",
    ),
    (
        "vn_decree13",
        "complaint",
        None,
        "hours",
        None,
        None,
        None,
        "working_days",
        None,
        date(2025, 12, 31),
        True,
        DECREE_13,
    ),
    # Off until the DPO turns them on for a group with EU or Chinese customers.
    *[
        ("eu_gdpr", t, 1, "months", None, 2, None, "working_days", None, None, False, "GDPR Art. 12(3)")
        for t in ("withdraw", "access", "copy", "rectify", "delete", "restrict", "object")
    ],
    (
        "cn_pipl",
        "complaint",
        15,
        "days",
        None,
        45,
        None,
        "working_days",
        None,
        None,
        False,
        "PIPL Art. 50; PBOC consumer-complaint rules (15 days, at most 60)",
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


def policy_rows_add(policy_model, rows) -> None:
    """Add policy rows given as tuples in the `POLICIES` layout, keeping any row that already exists.

    Apps that bring their own request types (e.g. the regulator's breach notification) call this
    from a data migration so every default is written the same way.
    """
    for (
        regime,
        request_type,
        period,
        unit,
        processor_period,
        extension,
        ack,
        ack_unit,
        start,
        end,
        active,
        reference,
    ) in rows:
        policy_model.objects.get_or_create(
            regime=regime,
            request_type=request_type,
            effective_from=start,
            defaults={
                "period": period,
                "unit": unit,
                "processor_period": processor_period,
                "extension_period": extension,
                "acknowledge_period": ack,
                "acknowledge_unit": ack_unit,
                "effective_to": end,
                "active": active,
                "legal_reference": reference,
                # Only the bank's own clock may stand still while awaiting the customer: Law 91 and
                # Decree 356 have a one-time extension and no pause.
                "pausable": regime == "bank",
            },
        )
