"""The receipt of a consent's event, as the customer and staff read it: a page or the frozen document."""

from __future__ import annotations

from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.languages import language_for_subject
from consents import selectors
from consents.models import Consent, LegalBasis
from consents.receipts import (
    consent_receipt,
    notice_texts_in_order,
    reason_disclosed,
    recipient_stops,
    representative_named,
    who_acted_for_customer,
)
from consents.scope import (
    automated_processing_named,
    data_categories_named,
    scope_recipients_in_reader_language,
)
from consents.services.who_answered import AnsweredBy, NoticeGiven
from core.access import customer_required, found_or_404
from core.actors import actor_display
from core.errors import DomainError


@customer_required
def me_receipt(request, pk, subject):
    consent = found_or_404(selectors.consent_of_customer(subject, pk))
    return receipt_response(request, consent, base="selfservice/base.html", reader=subject)


def receipt_response(
    request, consent: Consent, *, base: str, reader=None, events=None, disclosure=None, **page
):
    """The receipt of the consent's latest event or of `?event=`, as a page or, with `?format=json`,
    the frozen document to download (the same bytes for the same event). `reader`: the customer
    reading their own copy (None on the staff page); `events`: the consent's, when the caller read them;
    `disclosure`: what staff may see of the customer's words (`consent_receipt`); `page`: more for the
    page to show (the staff page's void and its form to reveal)."""
    # Internal evidence references (request ids, form scans) are for staff; the customer's receipt, page
    # and file, shows the channel instead.
    for_customer = base == "selfservice/base.html"
    # Read once: the receipt and the page's list of events both use them.
    consent_events = events if events is not None else list(selectors.consent_events_with_actors(consent))
    try:
        receipt = consent_receipt(
            consent,
            event_id=request.GET.get("event") or None,
            for_customer=for_customer,
            reader=reader,
            events=consent_events,
            disclosure=disclosure,
        )
    except DomainError:
        raise Http404 from None
    if request.GET.get("format") == "json":
        response = JsonResponse(receipt, json_dumps_params={"ensure_ascii": False, "indent": 2})
        filename = f"consent-receipt-{receipt['receipt_id']}.json"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    # The receipt is handed to or read out to the customer: in their language, also on the staff page,
    # whose staff-only parts stay in the staff member's (as the request receipt).
    staff_language = translation.get_language()
    customer_language = staff_language if for_customer else language_for_subject(consent.subject)
    with translation.override(customer_language):
        context = _receipt_context(request, consent, receipt, consent_events, disclosure,
                                   for_customer=for_customer, reader=reader)
    return render(
        request,
        "consents/receipt.html",
        {
            **context,
            "base": base,
            "for_customer": for_customer,
            "customer_language": customer_language,
            "staff_language": staff_language,
            # Read in the staff member's language: most of its columns are theirs alone.
            "recipient_stops": recipient_stops(consent, for_customer=for_customer),
            **page,
        },
    )


def _receipt_context(request, consent, receipt, consent_events, disclosure, *, for_customer, reader) -> dict:
    """What the receipt shows, worded in the active language (the customer's)."""
    viewer = request.user

    def who(kind, label, user, channel, *, event) -> str:
        # The customer's page says it as their file does; staff see the staff member's name.
        recorded = (
            who_acted_for_customer(kind, user, channel, consent=consent, reader=reader, event=event)
            if for_customer else actor_display(kind, label, user, viewer=viewer)
        )
        # A withdrawal staff took from someone acting for the customer says who asked, not only who typed.
        asked_by = (representative_named(event.representative, for_customer=for_customer)
                    if event.kind == event.Kind.WITHDRAWN else "")
        if not asked_by:
            return recorded
        return _("%(who)s, asked by %(asker)s") % {"who": recorded, "asker": asked_by}

    events = [
        {
            "event": e,
            "who": who(e.actor_kind, e.actor_label, e.actor_user, e.channel, event=e),
            # An erased reason hides nothing: it reads as the sentence (`reason_shown`).
            "reason_masked": not e.reason_erased and reason_disclosed(e, disclosure) != e.reason,
        }
        for e in consent_events
    ]
    recorded_by = who(
        consent.recorded_by_kind, consent.recorded_by_label, consent.recorded_by_user, consent.channel,
        event=next(e for e in consent_events if e.is_answer),
    )
    # The receipt of a later event (a withdrawal, an expiry) heads with that event's own channel, actor
    # and evidence; the answer it ended keeps its own beside them, never passed off as the event's.
    this_event = next(row for row in events if str(row["event"].pk) == receipt["receipt_id"])
    return {
        "consent": consent,
        "receipt": receipt,
        "events": events,
        "recorded_by": recorded_by,
        "later_event": None if this_event["event"].is_answer else this_event,
        "data_categories": [
            category["label"]
            for category in data_categories_named(receipt["purpose"].get("data_categories"))
        ],
        "automated": automated_processing_named(receipt["purpose"].get("automated_processing")),
        # The basis of the version the customer agreed to, frozen in the receipt as its download
        # says it: not the purpose row's, which a later version changes.
        "legal_basis": LegalBasis(receipt["purpose"]["legal_basis"]).label,
        # The receipt names the recipients as its scope froze them; the page in the reader's language.
        "shared_with": scope_recipients_in_reader_language(
            consent.snapshot["scope"]["recipients"], selectors.recipient_names_en()
        ),
        "reasons_masked": any(row["reason_masked"] for row in events),
        "notice_texts": notice_texts_in_order(consent),
        "answered": _answered_labels(receipt["collection"].get("answered")),
    }


def _answered_labels(answered: dict | None) -> dict | None:
    """Who gave the answer and how the notice was given, in words (`consents.services.who_answered`)."""
    if answered is None:
        return None
    return {
        "by": AnsweredBy(answered["by"]).label,
        "authority": answered["authority"],
        "notice_given": NoticeGiven(answered["notice_given"]).label,
    }
