"""Reads on the systems inventory: systems, data categories and retention rules."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from core.text import vietnamese_sort_key
from dsr.models import LIVE_SYSTEM_TASK, DataCategory, PlatformData, RetentionRule, System
from dsr.models.inventory import PLATFORM_SYSTEM


def system_list() -> QuerySet[System]:
    return System.objects.all()


def system_by_id(pk) -> System | None:
    return System.objects.filter(pk=pk).first()


def data_category_list() -> QuerySet[DataCategory]:
    return DataCategory.objects.all()


def data_category_by_id(pk) -> DataCategory | None:
    return DataCategory.objects.filter(pk=pk).first()


def retention_rule_list() -> QuerySet[RetentionRule]:
    return RetentionRule.objects.all()


def retention_rule_by_id(pk) -> RetentionRule | None:
    return RetentionRule.objects.filter(pk=pk).first()


def systems_inventory() -> dict[str, Any]:
    """The inventory page's three lists: systems with their categories and client, categories with
    their retention rule, and the rules, by name in the reader's language in Vietnamese alphabetical
    order (a handful; the database would order by code point, "Điều ..." after "Z")."""
    return {
        "systems": System.objects.prefetch_related("categories").select_related("integration_client"),
        "categories": DataCategory.objects.select_related("retention"),
        "rules": sorted(RetentionRule.objects.all(), key=lambda rule: vietnamese_sort_key(rule.name)),
    }


def systems_untasked(request) -> list[System]:
    """The active systems acting on `request`'s type that have no live task of it (`LIVE_SYSTEM_TASK`), by
    code: those its fan-out gives one (`dsr.services.fanout.tasks_fan_out`)."""
    tasked = set(request.tasks.filter(LIVE_SYSTEM_TASK).values_list("system_id", flat=True))
    return [
        system
        for system in System.objects.filter(active=True).select_related("integration_client").order_by("code")
        if system.acts_on(request.type) and system.pk not in tasked
    ]


def platform_system() -> System | None:
    """The platform itself as a system of the inventory, when it is there and active."""
    return System.objects.filter(code=PLATFORM_SYSTEM, active=True).first()


def platform_inventory_gaps() -> list[str]:
    """What keeps a deletion from reaching the platform's own copy of a customer's data: no active
    system coded "platform", a category of it that names no platform fields, or platform fields no
    category of it covers. Empty when the platform knows itself."""
    platform = platform_system()
    if platform is None:
        return ['no active system coded "platform"']
    categories = list(platform.categories.all())
    gaps = [f"its category {c.code!r} names no platform fields" for c in categories if not c.platform_data]
    covered = {c.platform_data for c in categories}
    gaps += [
        f"no category of it covers its {kind.value} fields" for kind in PlatformData if kind not in covered
    ]
    return gaps


# What a system is told to do with each category a deletion reaches (its task's `instructions`).
ERASE, HOLD = "erase", "hold"


def deletion_held_parts(request) -> list[tuple[System, DataCategory]]:
    """The parts of a deletion a law keeps, each (system, category) with its retention rule: those the
    systems' tasks were told to hold, and the platform's own categories under a rule. The completion
    places a hold on each (`dsr.services.deletion.deletion_fulfil`); a partial answer's retention reason
    names the law of one of them (`dsr.states.REASON_FITS`)."""
    parts: list[tuple[System, DataCategory]] = []
    for task in request.tasks.filter(LIVE_SYSTEM_TASK).select_related("system"):
        held = {i["category"] for i in task.instructions if i.get("action") == HOLD}
        categories = task.system.categories.filter(code__in=held).select_related("retention")
        parts += [(task.system, category) for category in categories]
    platform = platform_system()
    if platform is not None:
        kept = platform.categories.filter(retention__isnull=False).select_related("retention")
        parts += [(platform, category) for category in kept]
    return sorted(parts, key=lambda part: (part[0].code, part[1].code))
