"""Every API endpoint that names the permission a method needs also names the token scope it needs
(docs/security.md): a forgotten scope refuses every scoped token, so a `regulator:write` client could
not decline a customer notice while it could close the breach."""
from __future__ import annotations

from tests.routes import api_methods, api_view_class, site_routes


def test_every_api_method_that_names_a_permission_names_a_scope():
    missing = []
    for route, callback in site_routes():
        view = api_view_class(callback)
        permissions = getattr(view, "required_permissions", None)
        if not permissions:
            continue
        scopes = getattr(view, "required_scopes", {})
        missing += [f"{method} {route}" for method in sorted(api_methods(callback) & set(permissions))
                    if not scopes.get(method)]
    assert not missing, f"API methods with a permission but no `required_scopes` entry: {missing}"
