"""The DPO's API tokens page: every token with its user and role, and a two-step "revoke".

Tokens are issued from a terminal (`manage.py issue_token`, the key is shown once); the page never
shows a key or its hash. Revoking goes through `token_revoke`, like `manage.py revoke_token`.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from core.access import staff_required
from core.actors import actor_for_user
from core.roles import user_role
from core.selectors import token_list
from core.services import token_revoke


def _row(token, role) -> dict:
    return {"token": token, "role": role, "all_scopes": "*" in token.scopes}


@staff_required("core.view_apitoken")
def token_list_page(request):
    roles: dict[int, object] = {}  # one role look-up per user, not per token
    rows = []
    for token in token_list():
        if token.user_id not in roles:
            roles[token.user_id] = user_role(token.user)
        rows.append(_row(token, roles[token.user_id]))
    return render(request, "core/tokens/list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@staff_required("core.change_apitoken")
def token_revoke_page(request, pk):
    """GET asks "are you sure?", naming the token and its user; POST revokes."""
    token = get_object_or_404(token_list(), pk=pk)
    if request.method == "POST":
        if token.revoked_at is not None:
            messages.info(request, _("Token %(prefix)s… was already revoked.") % {"prefix": token.prefix})
        else:
            token_revoke(actor=actor_for_user(request.user), token=token)
            messages.success(
                request,
                _("Token %(prefix)s… of %(user)s revoked. The API refuses it within a few seconds.")
                % {"prefix": token.prefix, "user": token.user.get_username()},
            )
        return redirect("core:tokens")
    return render(request, "core/tokens/revoke.html", {"row": _row(token, user_role(token.user))})
