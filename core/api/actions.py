"""`allowed_actions` in API answers: what the caller may do with an object now, as the staff pages
offer it.

Every machine has one `<entity>_allowed_actions(obj, actor)` selector that the pages ask; the API
asks the same one through `AllowedActionsField` (or `caller_allowed_actions` for an answer that is
not a serializer's), so a client is offered exactly what the page would offer and what the action's
endpoint would accept. The selectors leave the permission check to their caller: here it is the
`ActingRight` of the endpoints that apply the actions, the role's permission and the token's scope.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.actors import Actor, actor_for_user
from core.api.permissions import token_allows
from core.roles import Role, user_role

AllowedActions = Callable[[Any, Actor], frozenset[str]]


@dataclass(frozen=True)
class ActingRight:
    """What the endpoints applying an entity's actions ask of the caller: a permission of the role
    and the scope of the token (the `required_permissions` and `required_scopes` of those views).
    `customers`: the endpoints also take a customer acting on their own (`customer_methods`), whose token
    is asked for `customer_scope` where those endpoints name one for customers (`customer_scopes`)."""

    permission: str
    scope: str
    customers: bool = False
    customer_scope: str | None = None


def _caller_may(request, right: ActingRight) -> bool:
    """Whether the caller's role and token may apply actions needing `right`."""
    if user_role(request.user) == Role.CUSTOMER:
        return right.customers and token_allows(request, right.customer_scope or right.scope)
    return request.user.has_perm(right.permission) and token_allows(request, right.scope)


def caller_allowed_actions(
    request,
    obj,
    *,
    selector: AllowedActions,
    right: ActingRight,
    action_rights: Mapping[str, ActingRight] | None = None,
    selector_kwargs: Mapping[str, Any] | None = None,
) -> list[str]:
    """The actions `selector` offers the caller of `request` on `obj`, sorted; none when the caller's
    role or token may not act at all (an auditor, a read-only token, a customer where customers may not).
    `action_rights`: the actions whose endpoints ask another right than `right` (a consent's withdrawal
    beside its void); `selector_kwargs`: what a list reads once for all its rows and the selector takes."""
    if request is None:
        return []
    action_rights = action_rights or {}
    may = {r: _caller_may(request, r) for r in {right, *action_rights.values()}}
    if not any(may.values()):
        return []
    offered = selector(obj, actor_for_user(request.user), **(selector_kwargs or {}))
    return sorted(action for action in offered if may[action_rights.get(action, right)])


@extend_schema_field(serializers.ListField(child=serializers.CharField()))
class AllowedActionsField(serializers.Field):
    """The object's `allowed_actions` for the caller (the serializer's context carries the `request`, and
    a list's `allowed_actions_kwargs`: what it read once for all its rows)."""

    def __init__(
        self,
        selector: AllowedActions,
        *,
        right: ActingRight,
        action_rights: Mapping[str, ActingRight] | None = None,
        **kwargs,
    ) -> None:
        self.selector = selector
        self.right = right
        self.action_rights = action_rights
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value) -> list[str]:
        request = self.context.get("request")
        return caller_allowed_actions(
            request, value, selector=self.selector, right=self.right, action_rights=self.action_rights,
            selector_kwargs=self.context.get("allowed_actions_kwargs"),
        )
