"""The DPO's register of systems, data categories and retention rules, each change audited."""

from __future__ import annotations

from typing import Any

from django.core.validators import slug_re
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from core.actors import Actor
from core.errors import Conflict, InvalidInput
from deadlines.models import RequestType
from dsr.models import DataCategory, PlatformData, RetentionLaw, RetentionRule, RetentionStart, System
from dsr.models.inventory import PLATFORM_SYSTEM
from dsr.services.fanout import system_reaches_open_requests

SYSTEM_FIELDS = (
    "code", "name_vi", "name_en", "request_types", "integration_client", "is_processor", "active",
    "field_labels",
)
# A system's field labels (`System.field_labels`): a key as its tasks return it, a label as a name.
FIELD_KEY_MAX = 64
FIELD_LABEL_MAX = 120
FIELD_LABELS_MAX = 200
# Customers read these in their language (what is kept and why, what was deleted, their export): a
# new entry gives both, and a change cannot blank either (an entry from before may lack the English).
BILINGUAL = ("name_vi", "name_en", "legal_reference_vi", "legal_reference_en")


def system_save(
    *, actor: Actor, system: System | None, categories: list[DataCategory], **fields: Any
) -> System:
    """Register a system holding personal data, or change one (its categories and the request types
    it must act on decide which requests reach it)."""
    values = _values(system, SYSTEM_FIELDS, fields, defaults={})
    _require_both_languages(values, fields, names=SYSTEM_FIELDS, new=system is None)
    values["field_labels"] = field_labels_clean(values.get("field_labels") or {})
    if not set(values.get("request_types", [])) <= set(RequestType.values):
        raise InvalidInput(_("Choose request types from the list."), field="request_types")
    unmapped = sorted(c.code for c in categories if not c.platform_data)
    if values.get("code") == PLATFORM_SYSTEM and unmapped:
        # A deletion erases the platform's fields each category names; one naming none would be
        # recorded as erased while nothing was.
        raise InvalidInput(
            _("On the platform itself each category must say which of its data it covers (identity or "
              "contact details): set it on the category's page first for %(codes)s."),
            field="categories",
            codes=", ".join(unmapped),
        )
    with transaction.atomic(durable=True):
        target = system or System()
        categories_before = sorted(target.categories.values_list("code", flat=True)) if system else []
        changed = _apply(target, values)
        try:
            with transaction.atomic():
                target.save()
        except IntegrityError:
            raise Conflict(_("Another system already has this code."), field="code") from None
        target.categories.set(categories)
        categories_after = sorted(c.code for c in categories)
        if system is not None and categories_before != categories_after:
            changed["categories"] = {"before": categories_before, "after": categories_after}
        audit_record(
            action="dsr.system.saved",
            actor=actor,
            target=target,
            data={
                "code": target.code,
                "created": system is None,
                "categories": categories_after,
                "request_types": sorted(target.request_types),
                "active": target.active,
                "field_labels": target.field_labels,
                # Who may report this system's tasks done, and whether a processor's longer period applies.
                "integration_client": target.integration_client_id,
                "is_processor": target.is_processor,
                **({"changed": changed} if system else {}),
            },
        )
    system_reaches_open_requests(target, actor=actor)
    return target


def field_label_problem(key: str, vietnamese: str, english: str) -> str | None:
    """Why a system's field cannot be labelled so (trimmed texts), in the active language; None when
    it can. The customer reads the label in their export's language, so both are needed."""
    if not slug_re.match(key) or len(key) > FIELD_KEY_MAX:
        problem = _(
            "%(key)s is not a field's code: letters, digits, _ and - only, at most %(max)s characters."
        )
        return str(problem) % {"key": key or '""', "max": FIELD_KEY_MAX}
    if not vietnamese or not english:
        return str(_("give the field's label in both Vietnamese and English."))
    if max(len(vietnamese), len(english)) > FIELD_LABEL_MAX:
        return str(_("a label is at most %(max)s characters.")) % {"max": FIELD_LABEL_MAX}
    return None


def field_labels_clean(labels: Any) -> dict[str, dict[str, str]]:
    """A system's field labels as stored: {key: {"vi": ..., "en": ...}}, texts trimmed; refused (on
    `field_labels`, naming the field) when a key is not a code or a label is missing or too long."""
    if not isinstance(labels, dict) or len(labels) > FIELD_LABELS_MAX:
        raise InvalidInput(
            _("Label at most %(max)s fields, each with its Vietnamese and English label."),
            field="field_labels",
            max=FIELD_LABELS_MAX,
        )
    cleaned = {}
    for given_key, entry in labels.items():
        key = str(given_key).strip()
        texts = entry if isinstance(entry, dict) else {}
        vietnamese, english = (
            texts.get(language).strip() if isinstance(texts.get(language), str) else ""
            for language in ("vi", "en")
        )
        problem = field_label_problem(key, vietnamese, english)
        if problem:
            raise InvalidInput(_("%(key)s: %(problem)s"), field="field_labels", key=key, problem=problem)
        cleaned[key] = {"vi": vietnamese, "en": english}
    return cleaned


CATEGORY_FIELDS = ("name_vi", "name_en", "sensitive", "retention", "platform_data")
RULE_FIELDS = (
    "name_vi",
    "name_en",
    "period_months",
    "starts",
    "start_event",
    "legal_reference_vi",
    "legal_reference_en",
    "law",
)


def category_save(
    *, actor: Actor, category: DataCategory | None, code: str = "", **fields: Any
) -> DataCategory:
    """Add a data category (its `code` is fixed once given), or correct one: its name, whether it is
    sensitive, and the retention rule that decides how long a deletion request holds it."""
    if category is None and not code:
        raise InvalidInput(_("Give the category a code."), field="code")
    if category is not None and code and code != category.code:
        raise InvalidInput(_("A category's code cannot change; add a new category instead."), field="code")
    defaults = {"sensitive": False, "retention": None, "platform_data": ""}
    values = _values(category, CATEGORY_FIELDS, fields, defaults=defaults)
    _require_both_languages(values, fields, names=CATEGORY_FIELDS, new=category is None)
    values["platform_data"] = values["platform_data"] or ""
    if values["platform_data"] not in ("", *PlatformData.values):
        raise InvalidInput(_("Choose what the category covers on this platform from the list."),
                           field="platform_data")
    if not values["platform_data"] and category is not None and category.systems.filter(
        code=PLATFORM_SYSTEM
    ).exists():
        raise InvalidInput(
            _("The platform itself holds this category: say which of its data it covers."),
            field="platform_data",
        )
    with transaction.atomic(durable=True):
        target = category or DataCategory(code=code)
        changed = _apply(target, values)
        try:
            with transaction.atomic():
                target.save()
        except IntegrityError:
            raise Conflict(_("Another category already has this code."), field="code") from None
        retention = values["retention"]
        audit_record(
            action="dsr.category.updated" if category else "dsr.category.created",
            actor=actor,
            target=target,
            data={
                "code": target.code,
                "retention": retention.pk if retention else None,
                **({"changed": changed} if category else {}),
            },
        )
    return target


def retention_rule_save(*, actor: Actor, rule: RetentionRule | None, **fields: Any) -> RetentionRule:
    """Record how long a law makes the bank keep a category of data, from which event (a hold's end is
    computed from it), with its legal reference; or correct a rule when the law or its reading
    changes. Holds already placed keep what they copied from the rule (their ground when placed):
    deletion requests answered from then on follow the correction."""
    values = _values(
        rule,
        RULE_FIELDS,
        fields,
        defaults={"law": RetentionLaw.OTHER, "start_event": RetentionStart.RELATIONSHIP_END},
    )
    _require_both_languages(values, fields, names=RULE_FIELDS, new=rule is None)
    if values["law"] not in RetentionLaw.values:
        raise InvalidInput(_("Choose the body of law that keeps the data."), field="law")
    if values["start_event"] not in RetentionStart.values:
        raise InvalidInput(_("Choose the event the period runs from."), field="start_event")
    if values["period_months"] <= 0:
        raise InvalidInput(_("The period must be at least one month."), field="period_months")
    if not values["legal_reference_vi"].strip():
        raise InvalidInput(_("Name the law that requires keeping the data."), field="legal_reference_vi")
    with transaction.atomic(durable=True):
        target = rule or RetentionRule()
        changed = _apply(target, values)
        target.save()
        audit_record(
            action="dsr.retention.updated" if rule else "dsr.retention.created",
            actor=actor,
            target=target,
            data={
                **{name: values[name] for name in ("period_months", "start_event", "law")},
                # Under the key it had when the rule had one reference, beside the English one.
                "legal_reference": values["legal_reference_vi"],
                "legal_reference_en": values["legal_reference_en"],
                **({"changed": changed} if rule else {}),
            },
        )
    return target


def _require_both_languages(
    values: dict[str, Any], given: dict[str, Any], *, names: tuple[str, ...], new: bool
) -> None:
    """Trim the texts kept in both languages; refuse a new entry without both, or a change that
    blanks one. An entry from before the English names may keep its empty English until edited."""
    for name in (n for n in names if n in BILINGUAL):
        values[name] = (values.get(name) or "").strip()
        if not values[name] and (new or name in given):
            message = (
                _("Give the legal reference in both Vietnamese and English.")
                if name.startswith("legal_reference")
                else _("Give the name in both Vietnamese and English.")
            )
            raise InvalidInput(message, field=name)


def editable_values(current: Any, names: tuple[str, ...]) -> dict[str, Any]:
    """What an entity holds in the fields its save takes: where an edit starts from."""
    return {name: getattr(current, name) for name in names}


def _values(
    current: Any, names: tuple[str, ...], fields: dict[str, Any], *, defaults: dict[str, Any]
) -> dict[str, Any]:
    """The fields a save writes: those given, over the current object's (or the defaults for a new one);
    a field the entity does not have is refused."""
    unknown = set(fields) - set(names)
    if unknown:
        raise InvalidInput(
            _("These fields cannot be changed: %(fields)s."), fields=", ".join(sorted(unknown))
        )
    base = editable_values(current, names) if current is not None else defaults
    return {**base, **fields}


def _apply(target: Any, values: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Set `values` on `target`; those that changed, by name, each with its value before and after (none
    for a new object), as the audit entry keeps them: a related row by its id."""
    changed = {
        name: {"before": _recorded(getattr(target, name)), "after": _recorded(value)}
        for name, value in sorted(values.items())
        if target.pk and getattr(target, name) != value
    }
    for name, value in values.items():
        setattr(target, name, value)
    return changed


def _recorded(value: Any) -> Any:
    return value.pk if isinstance(value, Model) else value
