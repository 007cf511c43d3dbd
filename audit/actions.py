"""The registry of audit action names.

Every app declares its actions once (namespaced `app.entity.verb`, e.g. `consents.consent.withdrawn`)
with a translatable label; `audit_record` refuses a name nobody declared, so a typo cannot slip an
unsearchable action into the trail. Labels are rendered in the reader's language when read.
"""
from __future__ import annotations

import re
from typing import Any

_ACTION_NAME = re.compile(r"^[a-z_]+\.[a-z_]+\.[a-z_]+$")
_actions: dict[str, Any] = {}


class UnknownAuditAction(LookupError):
    pass


def register_actions(actions: dict[str, Any]) -> None:
    for name, label in actions.items():
        if not _ACTION_NAME.match(name):
            raise ValueError(f"audit action {name!r} must look like app.entity.verb")
        _actions[name] = label


def ensure_known(name: str) -> None:
    if name not in _actions:
        raise UnknownAuditAction(f"audit action {name!r} is not declared")


def action_label(name: str) -> str:
    return str(_actions.get(name, name))


def known_actions() -> list[str]:
    return sorted(_actions)
