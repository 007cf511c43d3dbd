"""The registry of audit action names.

Every app declares its actions once (namespaced `app.entity.verb`, e.g. `consents.consent.withdrawn`)
with a translatable label; `audit_record` refuses a name nobody declared, so a typo cannot slip an
unsearchable action into the trail. Labels are rendered in the reader's language when read.
"""
from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy as _

_ACTION_NAME = re.compile(r"^[a-z_]+\.[a-z_]+\.[a-z_]+$")
_actions: dict[str, Any] = {}

# Kinds of action the trail narrows to (`category`): each app puts its own actions in a kind where it
# declares them, so a kind follows the registry instead of a list kept beside it.
CONFIGURATION = "configuration"
ACTION_CATEGORIES = {CONFIGURATION: _("Configuration changes")}
_categorised: dict[str, set[str]] = {category: set() for category in ACTION_CATEGORIES}


class UnknownAuditAction(LookupError):
    pass


def register_actions(actions: dict[str, Any], *, category: str | None = None) -> None:
    """Declare `actions` (name → label), of the kind `category` when given (`ACTION_CATEGORIES`)."""
    if category is not None and category not in ACTION_CATEGORIES:
        raise ValueError(f"audit action category {category!r} is not one of {sorted(ACTION_CATEGORIES)}")
    for name, label in actions.items():
        if not _ACTION_NAME.match(name):
            raise ValueError(f"audit action {name!r} must look like app.entity.verb")
        _actions[name] = label
        if category is not None:
            _categorised[category].add(name)


def ensure_known(name: str) -> None:
    if name not in _actions:
        raise UnknownAuditAction(f"audit action {name!r} is not declared")


def action_label(name: str) -> str:
    return str(_actions.get(name, name))


def known_actions() -> list[str]:
    return sorted(_actions)


def actions_in_category(category: str) -> list[str]:
    """The actions declared of the kind `category`; none for a kind nobody declared."""
    return sorted(_categorised.get(category, ()))
