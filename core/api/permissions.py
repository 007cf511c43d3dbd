"""Role and scope checks for API views: `RolePermission` is every view's default permission class
(`REST_FRAMEWORK` in config/settings.py), so a view is closed to everyone until it names what it needs.

A view names the Django permission each HTTP method needs (`required_permissions`) and the token
scope the caller's API token must hold (`required_scopes`). Methods listed in `customer_methods` are
open to a customer login too; such views must narrow their queryset to the customer's own subject
(`caller_subject`, below; `core.access.subject_for_user`). A customer's token is held to the same
scope, or to the one the view names for customers (`customer_scopes`) where the staff scope would not
fit a customer acting on their own (cancelling their own request is a `requests:write`, not staff work).

Scopes are asked of whatever authenticated the request through its `allows(scope)`: an API token
does, a browser session has none and keeps its role's reach.

Where the scope depends on the record (a background job asks for the scope of the work it does), the
view names `SCOPE_OF_OBJECT` for the method and `object_scope(obj)`, and calls `check_object_permissions`
once it has found the record for the caller: someone else's record is still a 404, never a 403.

A method the view does not have at all (PUT on a consent) is let through to DRF, which answers 405 with
the `Allow` header, to every signed-in role alike: a 403 would tell a client its role is short of a
right no role has.
"""
from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from core.access import subject_for_user
from core.errors import PermissionDenied
from core.roles import Role, user_role

SCOPE_OF_OBJECT = "<scope of the object>"


def caller_subject(user) -> Any:
    """The data subject a customer's call is narrowed to, their own; None for staff and clients, who
    reach every customer's. A customer login without a subject is refused (403)."""
    if user_role(user) != Role.CUSTOMER:
        return None
    subject = subject_for_user(user)
    if subject is None:
        raise PermissionDenied()
    return subject


class RolePermission(BasePermission):
    message = _("Your role does not allow this.")

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        if not has_handler(view, request.method):
            # No role may do what the endpoint does not do: the view answers 405 with its Allow header.
            return True
        method = _named_method(request)
        if user_role(user) == Role.CUSTOMER:
            if method not in getattr(view, "customer_methods", ()):
                return False
            scopes = getattr(view, "customer_scopes", None) or getattr(view, "required_scopes", {})
            return self.token_check(request, scopes.get(method))
        needed = getattr(view, "required_permissions", {}).get(method)
        if needed is None:
            return False
        needed = (needed,) if isinstance(needed, str) else tuple(needed)
        if not all(user.has_perm(p) for p in needed):
            return False
        scope = getattr(view, "required_scopes", {}).get(method)
        return scope == SCOPE_OF_OBJECT or self.token_check(request, scope)

    def has_object_permission(self, request, view, obj) -> bool:
        if getattr(view, "required_scopes", {}).get(_named_method(request)) != SCOPE_OF_OBJECT:
            return True
        return self.token_check(request, view.object_scope(obj))

    def token_check(self, request, scope: str | None) -> bool:
        """Whether the request's token holds `scope`; if not, the 403 names the scope it lacks."""
        if token_allows(request, scope):
            return True
        self.message = (
            _("This API token lacks the “%(scope)s” scope.") % {"scope": scope} if scope is not None
            else _("This endpoint takes only a token with the whole role (“*”).")
        )
        return False


def _named_method(request) -> str:
    """The method whose permission and scope a view names: HEAD and OPTIONS are asked as GET."""
    return "GET" if request.method in ("HEAD", "OPTIONS") else request.method


def has_handler(view, method: str) -> bool:
    """Whether the view answers `method` at all (as DRF's dispatch decides it)."""
    name = method.lower()
    return name in view.http_method_names and hasattr(view, name)


def token_allows(request, scope: str | None) -> bool:
    """Whether what authenticated the request allows `scope`: an API token answers for itself, a
    browser session has no scopes and keeps its role's reach."""
    allows = getattr(request.auth, "allows", None)
    return not callable(allows) or allows(scope)
