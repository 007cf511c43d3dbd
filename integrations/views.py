"""The DPO's integration pages: API tokens, and undelivered (parked) messages with a "retry" action.

Tokens are issued from a terminal (`manage.py issue_token`, the key is shown once); the page never
shows a key or its hash. Revoking goes through `token_revoke`, like `manage.py revoke_token`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.access import staff_required
from core.actors import actor_for_user
from core.errors import DomainError
from core.roles import user_role
from integrations.models import OutboxMessage
from integrations.outbox import outbox_parked, outbox_retry
from integrations.selectors import token_list
from integrations.services import token_revoke


def _row(token, role) -> dict:
    return {"token": token, "role": role, "all_scopes": "*" in token.scopes}


@staff_required("integrations.view_apitoken")
def token_list_page(request):
    roles: dict[int, object] = {}  # one role look-up per user, not per token
    rows = []
    for token in token_list():
        if token.user_id not in roles:
            roles[token.user_id] = user_role(token.user)
        rows.append(_row(token, roles[token.user_id]))
    return render(request, "integrations/token_list.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
@staff_required("integrations.change_apitoken")
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
        return redirect("integrations:tokens")
    return render(request, "integrations/token_revoke.html", {"row": _row(token, user_role(token.user))})


def _masked(message: OutboxMessage) -> str:
    """Where it was going, without showing a customer's address in full."""
    if message.kind == OutboxMessage.Kind.WEBHOOK:
        return urlsplit(message.destination).netloc
    local, _sep, domain = message.destination.partition("@")
    return f"{local[:1]}***@{domain}"


@staff_required("integrations.manage_outbox")
def outbox_parked_list(request):
    rows = [{"message": m, "to": _masked(m)} for m in outbox_parked()]
    return render(request, "integrations/outbox_parked.html", {"rows": rows})


@require_POST
@staff_required("integrations.manage_outbox")
def outbox_parked_retry(request, pk):
    try:
        outbox_retry(actor=actor_for_user(request.user), message_id=pk)
        messages.success(request, _("The message will be sent again."))
    except DomainError as error:
        messages.error(request, error.text)
    return redirect("integrations:outbox_parked")
