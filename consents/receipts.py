"""Consent receipts: what the customer (and the regulator) is given as proof of each event of a
consent (grant, re-consent, withdrawal, expiry), frozen at the moment of agreement.

Fields follow the consent-record model of ISO/IEC TS 27560 (record and receipt ids, controller,
subject, purpose with legal basis and recipients, notice, collection method, state, events). No
personal data beyond the customer number (CIF) the bank already uses to identify the customer.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consents.models import Channel, Consent, ConsentEvent, ConsentStatus, WithdrawalDuty
from consents.scope import abroad_as_told, localised, utc_iso
from consents.selectors import withdrawal_duties_of_consent
from core.actors import ActorKind
from core.erased import erased_words_shown
from core.errors import NotFound
from core.labels import in_reader_language
from subjects.disclosure import Disclosure
from subjects.selectors import customer_number_at, representative_initials

RECEIPT_SCHEMA = "qdl-consent-receipt/1 (ISO/IEC TS 27560 consent record)"


# Who acted, as the customer's copy says it: by the channel the bank's people or systems used, never
# the internal label (a staff username, an integration token's name, a job name).
STAFF_IN_WORDS = {
    Channel.BRANCH: _("bank staff at a branch"),
    Channel.CALL_CENTRE: _("the call centre"),
    Channel.PAPER_FORM: _("bank staff, from a paper form"),
}
CLIENT_IN_WORDS = {
    Channel.INTERNET_BANKING: _("internet banking"),
    Channel.MOBILE_APP: _("the mobile app"),
}


# The event source of the rows an import recorded (`consents.services.import_rows`).
IMPORT_SOURCE = "import:"


def transcribed_at(event: ConsentEvent) -> datetime | None:
    """When the customer gave the answer the bank transcribed by an import (a branch or paper form
    loaded from a file): the moment of `event` (for a consent's `recorded_by`, its answer's event),
    whose source every import has written since the first (`import:<run>`). None when the answer was
    recorded as it was given."""
    return event.at if event.source.startswith(IMPORT_SOURCE) else None


# An answer the bank transcribed (`transcribed_at`), by the event it made: whoever ran the import (a
# person at a desk, or the command they started), the customer gave it on the form, and the receipt
# says the bank copied it, not that a system decided it.
TRANSCRIBED_IN_WORDS = {
    ConsentEvent.Kind.GRANTED: _("the bank, transcribing the customer's %(channel)s consent of %(day)s"),
    ConsentEvent.Kind.REFUSED: _("the bank, transcribing the customer's %(channel)s refusal of %(day)s"),
    ConsentEvent.Kind.WITHDRAWN: _("the bank, transcribing the customer's %(channel)s withdrawal of %(day)s"),
}


def reads_as_transcribed(kind: str, answer: str, transcribed: datetime | None) -> bool:
    """Whether the customer reads who acted as the bank transcribing their answer: an answer (a grant,
    a refusal, a withdrawal; not an expiry) the bank transcribed (`transcribed_at`), by anyone but the
    customer (`kind`, the actor's). The customer's receipt and their export (`dsr.services.export_sections`)
    both decide by this."""
    return transcribed is not None and kind != ActorKind.CUSTOMER and answer in TRANSCRIBED_IN_WORDS


def transcribed_in_words(answer: str, channel: str, transcribed: datetime) -> str:
    """An answer that `reads_as_transcribed`, given on `channel` on the local day of `transcribed`, in
    words in the active language ("the bank, transcribing the customer's branch consent of 01/03/2022")."""
    return str(TRANSCRIBED_IN_WORDS[answer]) % {
        "channel": str(Channel(channel).label).lower() if channel in Channel.values else channel,
        "day": timezone.localdate(transcribed).strftime("%d/%m/%Y"),
    }


def who_acted_for_customer(
    kind: str,
    user,
    channel: str,
    *,
    consent: Consent,
    reader=None,
    event: ConsentEvent,
) -> str:
    """Who acted on `consent` in `event` (for who recorded its answer, the answer's own), in words for
    the customer `reader` (a data subject: the consent's own, or their guardian): "you", "your
    guardian", "bank staff at a branch", "the call centre", ... in the active language; for an answer the
    bank transcribed by an import, that it did and of which day (`transcribed_at`). Read only from what
    the event froze (the actor's kind and account, the channel, its source) and the consent's parties,
    so the same event always gives the same words."""
    transcribed = transcribed_at(event)
    if reads_as_transcribed(kind, event.kind, transcribed):
        return transcribed_in_words(event.kind, channel, transcribed)
    if kind == ActorKind.CUSTOMER:
        account = getattr(user, "customer_account", None) if user is not None else None
        acting = account.subject_id if account is not None else None
        reader_id = reader.pk if reader is not None else None
        if acting is not None and acting == reader_id:
            return str(_("you"))
        if acting is not None and acting == consent.guardian_id:
            return str(_("your guardian") if reader_id == consent.subject_id else _("the guardian"))
        if acting is not None and acting == consent.subject_id and reader_id == consent.guardian_id:
            return str(_("your ward"))
        return str(_("the customer"))
    if kind == ActorKind.STAFF:
        return str(STAFF_IN_WORDS.get(channel, _("bank staff")))
    if kind == ActorKind.CLIENT:
        return str(CLIENT_IN_WORDS.get(channel, _("the bank's application")))
    return str(_("the bank's system, automatically"))


def representative_named(representative, *, for_customer: bool) -> str:
    """Someone who acted for the customer on the authority the bank holds, and their relationship as
    recorded: by name for the customer ("Nguyễn Văn Nam (Son)"), her own representative; by initials on
    the staff copy ("N*** V*** N*** (Son)"), as the consent timeline, since staff see the name only on the
    representatives page, with a reason, audited. "" for none."""
    if representative is None:
        return ""
    name = representative.full_name if for_customer else representative_initials(representative)
    return f"{name} ({representative.relationship})"


def notice_texts_agreed(consent: Consent) -> dict[str, str]:
    """The notice consented to, in both languages, as frozen at the grant: the texts the receipt's
    `notice.text_sha256` covers (`consents.scope.text_sha256`). The receipt page shows the one the
    receipt does not; the receipt document itself keeps its shape, so its bytes never change."""
    texts = consent.snapshot["notice"]["text"]
    return {language: texts.get(language, "") for language in ("vi", "en")}


def notice_texts_in_order(consent: Consent) -> list[tuple[str, str]]:
    """The notice agreed to as the receipt page shows it, (language, text) pairs: first in the language
    the customer read it in (`notice.shown_in`), whoever reads the page later and in whatever language
    (the customer on the other site, an officer printing it); where the record does not say, the
    reader's (`localised`). Then the other language's."""
    texts = notice_texts_agreed(consent)
    first = consent.snapshot["notice"].get("shown_in")
    if first not in texts:
        # The rule every text kept in both languages follows (`core.labels.in_language`).
        first = in_reader_language("vi", "en" if texts["en"] else "")
    others = [(language, text) for language, text in texts.items() if language != first]
    return [(first, texts[first]), *others]


def consent_receipt(
    consent: Consent,
    *,
    event_id=None,
    for_customer: bool = False,
    reader=None,
    events: list[ConsentEvent] | None = None,
    disclosure: Disclosure | None = None,
) -> dict[str, Any]:
    """The receipt of a consent record as it stood after one of its events (the latest by default):
    what was agreed comes from the snapshot frozen at the grant, so the same event always gives the
    same document whatever the catalogue says later.

    `for_customer`: the customer's copy, as their receipt page shows it, leaves out the bank's internal
    proof of collection (the evidence reference: a form scan's number, the request id; the session's
    fingerprint; the device string). The keys stay, empty (null), so the document has one shape. It
    says who acted (`events[].actor`, `collection.recorded_by`) in words for `reader`, the customer
    reading it (`who_acted_for_customer`), where the staff copy keeps the bank's exact label; like the
    purpose's name, the words are in the reader's language, the same bytes for the same event.

    `events`: every event of the consent, already read (a document listing many consents reads them in
    one query, for the staff copy); ordered here as the receipt orders them.

    `disclosure`: what this reader of the staff copy may see (`subjects.disclosure`): the customer's
    own words, their withdrawal reason, are masked unless it reveals them; a void's reason is the bank's
    code. None: shown in full (the customer's copy, the proof bundle). Only that value changes."""
    snapshot, scope = consent.snapshot, consent.snapshot["scope"]
    if events is not None:
        events = sorted(events, key=lambda e: (e.at, e.kind))
    else:
        events = consent.events.order_by("at", "kind")
        events = list(events.select_related("actor_user__customer_account") if for_customer else events)

    def who(kind, user, label, channel, *, event: ConsentEvent) -> str:
        if not for_customer:
            return label
        return who_acted_for_customer(kind, user, channel, consent=consent, reader=reader, event=event)

    if event_id is not None:
        cut = next((i for i, e in enumerate(events) if str(e.pk) == str(event_id)), None)
        if cut is None:
            raise NotFound(_("This consent has no such event."))
        events = events[: cut + 1]
    last = events[-1]
    ended = {e.kind: e for e in events if e.kind != ConsentEvent.Kind.GRANTED}
    withdrawal = ended.get(ConsentEvent.Kind.WITHDRAWN)
    # The record's first event, the answer itself: a refusal by it, never by the status, which a void
    # changes later.
    answer = events[0]
    refused = answer.kind == ConsentEvent.Kind.REFUSED
    abroad, destinations = abroad_as_told(scope)
    return {
        "schema": RECEIPT_SCHEMA,
        "record_id": str(consent.pk),
        "receipt_id": str(last.pk),
        "issued_at": utc_iso(last.at),
        "controller": {"name": settings.BANK_NAME, "country": "VN"},
        # The numbers carried when the event happened: a later renumbering leaves the bytes as issued.
        "data_subject": {
            "identifier": customer_number_at(consent.subject, last.at), "identifier_type": "CIF",
        },
        "guardian": {"identifier": customer_number_at(consent.guardian, last.at), "identifier_type": "CIF"}
        if consent.guardian
        else None,
        "purpose": {
            "code": snapshot["purpose"]["code"],
            "name": localised(snapshot["purpose"]["name"]),
            "description": localised(snapshot["purpose"]["description"]),
            "legal_basis": scope["legal_basis"],
            "category": snapshot["purpose"]["category"],
            "sensitive": scope["sensitive"],
            "data_categories": scope["data_categories"],
            "cross_border": abroad,
            "destination_country": destinations,
            "retention_months": scope["retention_months"],
            # Said only where the version agreed to records it: a receipt issued before keeps its bytes.
            **(
                {"automated_processing": scope["automated_processing"]}
                if scope.get("automated_processing")
                else {}
            ),
        },
        "recipients": [{k: r[k] for k in ("name", "kind", "country")} for r in scope["recipients"]],
        "notice": {
            "version": snapshot["notice"]["version"],
            "effective_at": snapshot["notice"]["effective_at"],
            "text": localised(snapshot["notice"]["text"]),
            "text_sha256": snapshot["notice"]["text_sha256"],
            # Only where the record knows it: a receipt issued before keeps its bytes.
            **({"shown_in": snapshot["notice"]["shown_in"]} if "shown_in" in snapshot["notice"] else {}),
        },
        "consent_type": "explicit" if scope["sensitive"] else "express",
        "sensitive_acknowledged": consent.sensitive_acknowledged,
        "child_agreement": {"agreed": consent.child_agreed, "evidence": consent.child_evidence}
        if consent.child_agreed
        else None,
        "collection": {
            "channel": consent.channel,
            "evidence": None if for_customer else consent.evidence,
            "session": None if for_customer else consent.session_ref or None,
            "device": None if for_customer else consent.device or None,
            "recorded_by": who(
                consent.recorded_by_kind,
                consent.recorded_by_user,
                consent.recorded_by_label,
                consent.channel,
                event=answer,
            ),
            "recorded_by_kind": consent.recorded_by_kind,
            # Who gave the answer and how the notice was given, where the record knows (a form staff
            # recorded): a receipt already issued keeps its bytes. The authority's reference is the bank's.
            **_answered_as_told(snapshot, for_customer),
            # The controller the customer answered, where it was another bank whose portfolio came over:
            # only then, so every other receipt keeps its bytes.
            **({"collected_by": snapshot["collected_by"]} if "collected_by" in snapshot else {}),
        },
        "state": last.kind if last.kind != ConsentEvent.Kind.GRANTED else ConsentStatus.GRANTED,
        "granted_at": None if refused else utc_iso(consent.granted_at),
        "refused_at": utc_iso(consent.granted_at) if refused else None,
        "expires_at": utc_iso(consent.expires_at),
        "withdrawn_at": utc_iso(withdrawal.at) if withdrawal else None,
        "withdrawal": {
            "possible": not ended,
            "how": [
                "branch",
                "call_centre",
                "internet_banking",
                "mobile_app",
                "paper_form",
                f"POST /api/v1/consents/{consent.pk}/withdraw/",
            ],
        },
        "events": [
            {
                "event_id": str(e.pk),
                "type": e.kind,
                "time": utc_iso(e.at),
                "channel": e.channel,
                "actor": who(e.actor_kind, e.actor_user, e.actor_label, e.channel, event=e),
                "actor_kind": e.actor_kind,
                "reason": reason_disclosed(e, disclosure),
                # The event's own proof, on the staff copy and only when it has one: a receipt already
                # issued (events without one) keeps its bytes.
                **({"evidence": e.evidence} if e.evidence and not for_customer else {}),
                # The other bank a withdrawal imported from its records was given to: only then.
                **({"collected_by": e.collected_by} if e.collected_by else {}),
            }
            for e in events
        ],
    }


def _answered_as_told(snapshot: dict, for_customer: bool) -> dict:
    if "answered" not in snapshot:
        return {}
    answered = snapshot["answered"]
    return {"answered": {**answered, "authority": None} if for_customer else answered}


def reason_disclosed(event: ConsentEvent, disclosure: Disclosure | None) -> str:
    """The event's reason as `disclosure` lets its reader see it (`consent_receipt`): the customer's own
    words masked unless revealed; a void's reason, the bank's code, as it is."""
    if disclosure is None or event.kind == ConsentEvent.Kind.VOIDED:
        return event.reason
    return disclosure.text(event.reason)


NOTICE_STATES = {
    # Why none was sent is the duty's `notice_withheld`, recorded when it was opened (`duty_told`).
    "none": _("No notice sent"),
    "pending": _("Notice waiting to be delivered"),
    "parked": _("Notice not delivered"),
    "cancelled": _("Notice not delivered"),
    "sent": _("Notice delivered after the recipient confirmed"),
}
REACH_BY_HAND = _("contact the recipient by hand")
LEARNT_UNDELIVERED = {
    WithdrawalDuty.Learnt.API: _("learnt through the API"),
    WithdrawalDuty.Learnt.BY_HAND: _("reached by hand"),
}


def duty_told(duty: WithdrawalDuty) -> dict[str, Any]:
    """When and how the recipient learnt of its duty and how it confirmed, whatever the duty's kind: the
    evidence beside each stop or correction. `notice`: "delivered" (at `told_at`), "none" (none sent:
    `withheld` says why, as recorded when the duty was opened), or its outbox status (pending, parked,
    cancelled; "sent" only after the recipient confirmed);
    `learnt`, `confirmed_through` as recorded at the confirmation; `told`, that said in words. Reads the
    `notice_status` the duty lists annotate (`with_notice_status`): no query."""
    if duty.told_at is not None:
        notice, words = "delivered", str(_("Notice delivered"))
    else:
        notice = (getattr(duty, "notice_status", None) or "none") if duty.notice_message_id else "none"
        words = str(NOTICE_STATES.get(notice, _("Notice not delivered")))
        if notice == "none" and duty.notice_withheld:
            words = str(duty.get_notice_withheld_display())
        if duty.learnt_how in LEARNT_UNDELIVERED:
            words = f"{words}: {LEARNT_UNDELIVERED[duty.learnt_how]}"
        elif duty.status == WithdrawalDuty.Status.OPEN and notice != "pending":
            words = f"{words}: {REACH_BY_HAND}"
    return {
        "told_at": duty.told_at,
        "notice": notice,
        "withheld": duty.notice_withheld or None,
        "told": words,
        "learnt": duty.learnt_how or None,
        "confirmed_through": duty.confirmed_through or None,
        "confirmed_through_label": duty.get_confirmed_through_display() or None,
    }


def recipient_stops(
    consent: Consent,
    *,
    for_customer: bool = False,
    now: datetime | None = None,
    duties: list[WithdrawalDuty] | None = None,
) -> list[dict[str, Any]]:
    """When each recipient stopped after the consent's withdrawal (the duties it opened), as it stands
    `now`: due when, acknowledged when (for the bank, by whom and with what note), and `late`,
    acknowledged after its due time or still open past it. Shown beside the receipt, not in it: the
    receipt is frozen at its event (the same bytes whatever changes later) and recipients acknowledge
    after the withdrawal. The bank's copy says when and how each recipient was told and confirmed
    (`duty_told`). The customer's copy leaves out who acknowledged, the note and how, as it leaves out
    the evidence. `duties`: the consent's duties with their recipients, already read (in the order
    `withdrawal_duties_of_consent` gives)."""
    now = now or timezone.now()
    return [
        {
            "recipient": duty.recipient.name,
            "recipient_id": duty.recipient_id,
            # The page's; the documents built from these (an export, the proof bundle) name it as stored.
            "recipient_in_reader_language": duty.recipient.name_in_reader_language,
            "due_at": duty.due_at,
            "acknowledged_at": duty.acknowledged_at,
            "acknowledged_by": None if for_customer else duty.acknowledged_by_label,
            # The page reads an erased note as the sentence (`core.erased`); only the page shows the note.
            "note": None if for_customer else erased_words_shown(duty.acknowledgement_note),
            "reference": None if for_customer else duty.acknowledgement_reference,
            "late": duty.late(now),
            # When it was told and how it confirmed: the bank's evidence, as the acknowledgement's.
            **({} if for_customer else duty_told(duty)),
        }
        for duty in (duties if duties is not None else withdrawal_duties_of_consent(consent))
    ]
