"""Reads on the systems inventory: systems, data categories and retention rules."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from core.text import vietnamese_sort_key
from dsr.models import DataCategory, PlatformData, RetentionRule, System
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
