"""The customer's inbox (own messages only), marking read, and the choice of channels."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.access import customer_required
from core.actors import actor_for_user
from core.errors import DomainError
from core.forms import form_error
from notifications import selectors, services
from notifications.forms import ChannelPreferenceForm


def _page(request, subject, form: ChannelPreferenceForm):
    rows = [
        {"notification": n, "text": selectors.notification_text(n)}
        for n in selectors.inbox_for_subject(subject)[: selectors.INBOX_LIMIT]
    ]
    return render(
        request,
        "notifications/me_inbox.html",
        {"rows": rows, "form": form, "unread": selectors.unread_count(subject)},
    )


@customer_required
def me_inbox(request, subject):
    initial = ChannelPreferenceForm.initial_for(selectors.preferred_channels(subject))
    return _page(request, subject, ChannelPreferenceForm(initial={"channels": initial}))


@customer_required
@require_POST
def me_channels(request, subject):
    form = ChannelPreferenceForm(request.POST)
    if form.is_valid():
        try:
            services.notification_preference_set(
                actor=actor_for_user(request.user),
                subject=subject,
                channels=form.cleaned_data["channels"].split(","),
            )
        except DomainError as error:
            form_error(form, error)
        else:
            messages.success(request, _("Your notification channels were saved."))
            return redirect("notifications:me_inbox")
    return _page(request, subject, form)


@customer_required
@require_POST
def me_read(request, pk, subject):
    if not selectors.notification_in_inbox(subject, pk):
        raise Http404
    services.notification_mark_read(subject=subject, notification_id=pk)
    return redirect("notifications:me_inbox")


@customer_required
@require_POST
def me_read_all(request, subject):
    services.notification_mark_read(subject=subject)
    return redirect("notifications:me_inbox")


def subject_panel_context(request, subject) -> dict:
    """The "messages sent" section of the staff customer page (registered as a subject panel)."""
    return {"sent_messages": selectors.sent_to_subject(subject)}
