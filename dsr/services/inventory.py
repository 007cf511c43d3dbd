"""The DPO's register of systems, data categories and retention rules, each change audited."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from core.actors import Actor
from core.errors import Conflict, InvalidInput
from deadlines.models import RequestType
from dsr.models import DataCategory, RetentionLaw, RetentionRule, RetentionStart, System

SYSTEM_FIELDS = ("code", "name", "request_types", "integration_client", "is_processor", "active")


def system_save(
    *, actor: Actor, system: System | None, categories: list[DataCategory], **fields: Any
) -> System:
    """Register a system holding personal data, or change one (its categories and the request types
    it must act on decide which requests reach it)."""
    unknown = set(fields) - set(SYSTEM_FIELDS)
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed: %(fields)s."), fields=", ".join(sorted(unknown))
        )
    types = fields.get("request_types", system.request_types if system else [])
    if not set(types) <= set(RequestType.values):
        raise InvalidInput(_("Choose request types from the list."), field="request_types")
    with transaction.atomic(durable=True):
        target = system or System()
        for name, value in fields.items():
            setattr(target, name, value)
        try:
            with transaction.atomic():
                target.save()
        except IntegrityError:
            raise Conflict(_("Another system already has this code."), field="code") from None
        target.categories.set(categories)
        audit_record(
            action="dsr.system.saved",
            actor=actor,
            target=target,
            data={
                "code": target.code,
                "created": system is None,
                "categories": sorted(c.code for c in categories),
                "request_types": sorted(target.request_types),
                "active": target.active,
            },
        )
    return target


def category_create(
    *, actor: Actor, code: str, name: str, sensitive: bool = False, retention: RetentionRule | None = None
) -> DataCategory:
    """Add a data category; with a retention rule, deletion requests hold it until the rule's period ends."""
    with transaction.atomic(durable=True):
        try:
            with transaction.atomic():
                category = DataCategory.objects.create(
                    code=code, name=name, sensitive=sensitive, retention=retention
                )
        except IntegrityError:
            raise Conflict(_("Another category already has this code."), field="code") from None
        audit_record(
            action="dsr.category.created",
            actor=actor,
            target=category,
            data={"code": code, "retention": retention.pk if retention else None},
        )
    return category


def retention_rule_create(
    *,
    actor: Actor,
    name: str,
    period_months: int,
    starts: str,
    legal_reference: str,
    law: str = RetentionLaw.OTHER,
    start_event: str = RetentionStart.RELATIONSHIP_END,
) -> RetentionRule:
    """Record how long a law makes the bank keep a category of data, from which event (a hold's end is
    computed from it), with its legal reference."""
    if law not in RetentionLaw.values:
        raise InvalidInput(_("Choose the body of law that keeps the data."), field="law")
    if start_event not in RetentionStart.values:
        raise InvalidInput(_("Choose the event the period runs from."), field="start_event")
    if period_months <= 0:
        raise InvalidInput(_("The period must be at least one month."), field="period_months")
    if not legal_reference.strip():
        raise InvalidInput(_("Name the law that requires keeping the data."), field="legal_reference")
    with transaction.atomic(durable=True):
        rule = RetentionRule.objects.create(
            name=name,
            period_months=period_months,
            starts=starts,
            start_event=start_event,
            legal_reference=legal_reference,
            law=law,
        )
        audit_record(
            action="dsr.retention.created",
            actor=actor,
            target=rule,
            data={
                "period_months": period_months,
                "start_event": start_event,
                "legal_reference": legal_reference,
                "law": law,
            },
        )
    return rule
