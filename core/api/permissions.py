"""Role and scope checks for API views.

A view names the Django permission each HTTP method needs (`required_permissions`) and the token
scope an integration client's token must hold (`required_scopes`). A token with scopes (not "*")
is refused where the view names no scope for the method: an endpoint that forgot its scope fails
closed instead of opening to every token of the role. Methods listed in
`customer_methods` are open to a customer login too; such views must narrow their queryset to the
customer's own subject (`core.selectors.subject_for_user`).
"""
from __future__ import annotations

from rest_framework.permissions import BasePermission

from core.models import ApiToken
from core.roles import Role, user_role


class RolePermission(BasePermission):
    message = "Your role does not allow this."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        method = "GET" if request.method in ("HEAD", "OPTIONS") else request.method
        if user_role(user) == Role.CUSTOMER:
            return method in getattr(view, "customer_methods", ())
        needed = getattr(view, "required_permissions", {}).get(method)
        if needed is None:
            return False
        needed = (needed,) if isinstance(needed, str) else tuple(needed)
        if not all(user.has_perm(p) for p in needed):
            return False
        token = request.auth
        if isinstance(token, ApiToken):
            scope = getattr(view, "required_scopes", {}).get(method)
            if scope is None and "*" not in token.scopes:
                self.message = "This endpoint takes only a token with the whole role ('*')."
                return False
            if not token.allows(scope):
                self.message = f"This API token lacks the '{scope}' scope."
                return False
        return True
