"""The DPO's integration pages: API tokens, undelivered (parked) messages with a "retry" action, and
webhook endpoints (register, change, rotate the secret, test, the delivery log with "redeliver"). Every
webhook form is posted once (`integrations.form_once`): a double click issues one secret, sends one test
notice, redelivers once.

Tokens are issued from a terminal (`manage.py issue_token`, the key is shown once), except an auditor's
read-only token, which the DPO issues on a page that shows its key once; the list never shows a key or
its hash. Revoking goes through `token_revoke`, like `manage.py revoke_token`.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from core.access import found_or_404, staff_required
from core.actors import actor_for_user
from core.errors import DomainError
from core.forms import call_with_messages, form_error, form_submit, form_succeeded
from core.paging import page_query, same_page
from core.roles import user_role, user_roles
from integrations import webhooks
from integrations.form_once import posted_once
from integrations.forms import AuditorTokenForm, EndpointForm
from integrations.models import OutboxMessage
from integrations.outbox import outbox_parked, outbox_retry
from integrations.recipients import recipient_directory
from integrations.selectors import (
    token_by_id,
    token_list,
    token_standing,
    webhook_deliveries,
    webhook_endpoint_by_id,
    webhook_endpoint_list,
)
from integrations.services import token_issue_to_auditor, token_revoke

PAGE_SIZE = 50


def _row(token, role, *, now) -> dict:
    return {"token": token, "role": role, "all_scopes": "*" in token.scopes,
            "standing": token_standing(token, now=now)}


@staff_required("integrations.view_apitoken")
def token_list_page(request):
    """A page of tokens at a time, newest first, their users' roles read in one query for the page."""
    page = Paginator(token_list(), PAGE_SIZE).get_page(request.GET.get("page"))
    roles = user_roles({token.user_id for token in page})
    now = timezone.now()  # one moment for the whole page: each row's standing is judged at it
    rows = [_row(token, roles.get(token.user_id), now=now) for token in page]
    # Appended to each row's "Revoke…": the revocation comes back to this page (`same_page`).
    context = {"rows": rows, "page": page, "on_page": page_query(page.number)}
    return render(request, "integrations/token_list.html", context)


AUDITOR_TOKEN_ISSUED_ONCE = gettext_lazy(
    "This token was already issued by this form. Its key was shown once, after the first sending, and is "
    "not shown again. If it was not kept, revoke that token and issue another."
)


@require_http_methods(["GET", "POST"])
@staff_required("integrations.add_apitoken")
@posted_once(replay_to="integrations:tokens", replay_message=AUDITOR_TOKEN_ISSUED_ONCE)
def token_auditor_issue_page(request):
    """The DPO's form for an auditor's read-only token; the key, once, on the page that answers it."""
    form = AuditorTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token, key = token_issue_to_auditor(
                actor=actor_for_user(request.user), user=form.cleaned_data["login"],
                last_day=form.cleaned_data["last_day"], name=form.cleaned_data["name"],
            )
            form_succeeded(request, _("Token %(prefix)s… issued.") % {"prefix": token.prefix})
            # Not cached anywhere: every answer to a signed-in caller is `no-store` (core.middleware).
            return render(request, "integrations/token_key.html", {"token": token, "key": key})
        except DomainError as error:
            form_error(form, error)
    return render(request, "integrations/token_auditor_issue.html", {"form": form})


@require_http_methods(["GET", "POST"])
@staff_required("integrations.change_apitoken")
def token_revoke_page(request, pk):
    """GET asks "are you sure?", naming the token and its user; POST revokes. Both lead back to the page
    of the list the token was on."""
    token = found_or_404(token_by_id(pk))
    back = same_page(reverse("integrations:tokens"), request.GET)
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
        return redirect(back)
    context = {"row": _row(token, user_role(token.user), now=timezone.now()), "back": back}
    return render(request, "integrations/token_revoke.html", context)


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


# What a second post of a form that issued a secret is told: the page with the secret is not shown again.
ENDPOINT_REGISTERED_ONCE = gettext_lazy(
    "This endpoint was already registered by this form. Its signing secret was shown once, after the "
    "first sending, and is not shown again. If it was not kept, open the endpoint and rotate its secret: "
    "a new one is shown once and the lost one stops signing notices."
)
SECRET_ROTATED_ONCE = gettext_lazy(
    "The secret was already rotated by this form. The new secret was shown once, after the first "
    "sending, and is not shown again. If it was not kept, rotate the secret again: another one is shown "
    "once and the lost one stops signing notices."
)

# What a second post of a form that sends something is told: nothing was sent again.
TEST_SENT_ONCE = gettext_lazy(
    "This test notice was already sent by this form, and no other was sent. Its outcome appears in the "
    "delivery log."
)
REDELIVERED_ONCE = gettext_lazy(
    "This notice was already delivered again by this form, and was not sent once more. Its new attempts "
    "appear in the delivery log."
)


def _secret_shown(request, endpoint, secret: str, done: str):
    """The secret, once, on a page of its own (never in a flash message kept in the session); `done`
    marks the form as recorded (`posted_once`)."""
    form_succeeded(request, done)
    # Not cached anywhere: every answer to a signed-in caller is `no-store` (core.middleware).
    return render(request, "integrations/webhook_secret.html", {"endpoint": endpoint, "secret": secret})


@require_http_methods(["GET", "POST"])
@staff_required("integrations.view_webhookendpoint")
@posted_once(replay_to="integrations:webhooks", replay_message=ENDPOINT_REGISTERED_ONCE)
def webhook_list_page(request):
    endpoints = list(webhook_endpoint_list())
    served = recipient_directory().served([e.pk for e in endpoints])
    can_add = request.user.has_perm("integrations.add_webhookendpoint")
    form = EndpointForm(request.POST or None) if can_add else None
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            endpoint, secret = webhooks.webhook_endpoint_create(
                actor=actor_for_user(request.user), client=form.cleaned_data["client"],
                name=form.cleaned_data["name"], url=form.cleaned_data["url"],
                events=form.cleaned_data["events"], recipient=form.cleaned_data["recipient"],
            )
            return _secret_shown(request, endpoint, secret,
                                 _("Endpoint %(name)s registered.") % {"name": endpoint.name})
        except DomainError as error:
            form_error(form, error)
    rows = [{"endpoint": e, "recipient": served.get(e.pk, (None, ""))[1]} for e in endpoints]
    return render(request, "integrations/webhook_list.html", {"rows": rows, "form": form})


@require_http_methods(["GET", "POST"])
@staff_required("integrations.view_webhookendpoint")
@posted_once
def webhook_detail_page(request, pk):
    endpoint = found_or_404(webhook_endpoint_by_id(pk))
    served = recipient_directory().served([endpoint.pk]).get(endpoint.pk)
    can_change = request.user.has_perm("integrations.change_webhookendpoint")
    initial = {"name": endpoint.name, "url": endpoint.url, "events": ", ".join(endpoint.events),
               "active": endpoint.active, "recipient": served[0] if served else None}
    form = EndpointForm(request.POST or None, initial=initial, editing=True) if can_change else None
    if request.method == "POST" and form is not None and form_submit(
        request, form,
        lambda: webhooks.webhook_endpoint_update(
            actor=actor_for_user(request.user), endpoint=endpoint,
            change=webhooks.EndpointChange(**{k: form.cleaned_data[k] for k in initial}),
        ),
        _("The endpoint was saved."),
    ):
        return redirect("integrations:webhook", pk=endpoint.pk)
    context = {"endpoint": endpoint, "recipient": served[1] if served else "", "form": form,
               "deliveries": webhook_deliveries(endpoint=endpoint), "can_change": can_change}
    return render(request, "integrations/webhook_detail.html", context)


@require_POST
@staff_required("integrations.change_webhookendpoint")
@posted_once(replay_to="integrations:webhook", replay_message=SECRET_ROTATED_ONCE)
def webhook_rotate_page(request, pk):
    endpoint = found_or_404(webhook_endpoint_by_id(pk))
    endpoint, secret = webhooks.webhook_endpoint_secret_rotate(
        actor=actor_for_user(request.user), endpoint=endpoint
    )
    return _secret_shown(request, endpoint, secret, _("The signing secret was rotated."))


@require_POST
@staff_required("integrations.change_webhookendpoint")
@posted_once(replay_message=TEST_SENT_ONCE)
def webhook_test_page(request, pk):
    endpoint = found_or_404(webhook_endpoint_by_id(pk))
    call_with_messages(
        request,
        lambda: webhooks.webhook_endpoint_test(actor=actor_for_user(request.user), endpoint=endpoint),
        _("A test notice is on its way; its outcome appears in the delivery log."),
    )
    return redirect("integrations:webhook", pk=endpoint.pk)


@require_POST
@staff_required("integrations.change_webhookendpoint")
@posted_once(replay_message=REDELIVERED_ONCE)
def webhook_redeliver_page(request, pk, message_id):
    endpoint = found_or_404(webhook_endpoint_by_id(pk))
    call_with_messages(
        request,
        lambda: webhooks.webhook_delivery_redeliver(
            actor=actor_for_user(request.user), endpoint=endpoint, message_id=message_id
        ),
        _("The notice will be delivered again."),
    )
    return redirect("integrations:webhook", pk=endpoint.pk)
