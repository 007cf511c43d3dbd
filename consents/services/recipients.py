"""The recipients the bank shares personal data with (the DPO's work): adding one, its English name, the
webhook endpoint that serves it, and the end of the bank's relationship with it.

The end (its contract ended, or the bank stopped sharing with it for good) is recorded with its reason,
and only once no purpose still names it, in force or announced: a purpose that does goes on telling
customers their data goes there, and its consents' scope would still send it. Removing it from a purpose
is a new version, which tells it to stop under every live consent (`consents.services.scope_stops`). From
its end it is offered to no webhook endpoint (`recipient_choices`), and a duty opened for it later (a
consent that named it, ending) opens without a notice, for staff to reach it by hand
(`duty_opening.notice_withheld_for`: its endpoint is nobody's to watch). Its duties already open stay
open: the bank still answers for them.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Language
from audit.services import audit_record
from consents.client_recipients import client_recipients_invalidate
from consents.models import NoticeVersion, Purpose, Recipient
from core.actors import Actor
from core.db import conflict_on_duplicate
from core.errors import Conflict, InvalidInput, NotFound, valid_or_refused
from core.text import nfc

REASON_MAX_LENGTH = 200


def _contact_email_checked(contact_email: str) -> str:
    """The address the recipient's reminders go to, or blank (its webhook alone): whoever calls (the
    form, the API, a command), one that is no address is refused rather than stored and never reached."""
    address = (contact_email or "").strip()
    if not address:
        return address
    return valid_or_refused(
        validate_email, address,
        message=_("Enter the recipient's whole e-mail address for reminders, or leave it empty."),
        field="contact_email",
    )


def _purposes_naming(recipient: Recipient) -> list[str]:
    """The codes of the active purposes whose scope in force or a version still to take effect names
    `recipient`."""
    in_force = Purpose.objects.filter(active=True, recipients=recipient).values_list("code", flat=True)
    announced = NoticeVersion.objects.filter(purpose__active=True, applied_at__isnull=True).select_related(
        "purpose"
    )
    named_ahead = {
        version.purpose.code
        for version in announced
        if any(entry.get("id") == recipient.pk for entry in version.scope.get("recipients", []))
    }
    return sorted(set(in_force) | named_ahead)


def recipient_create(
    *,
    actor: Actor,
    name: str,
    kind: str,
    name_en: str = "",
    country: str = "VN",
    client=None,
    endpoint=None,
    contact_email: str = "",
    language: str = Language.VI,
    now: datetime | None = None,
) -> Recipient:
    # Composed (NFC): the same name typed on a Mac (decomposed) is the same recipient.
    name = " ".join(nfc(name or "").split())
    name_en = " ".join(nfc(name_en or "").split())
    if not name:
        raise InvalidInput(_("Give the recipient's name."), field="name")
    if kind not in Recipient.Kind.values:
        raise InvalidInput(_("Unknown kind of recipient."), field="kind")
    country = (country or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise InvalidInput(_("Give the country as a two-letter ISO code, e.g. VN."), field="country")
    if language not in Language.values:
        raise InvalidInput(_("Choose the language of the recipient's reminders."), field="language")
    contact_email = _contact_email_checked(contact_email)
    # The endpoint's owner is the integration client that acknowledges this recipient's duties.
    client = client or (endpoint.client if endpoint is not None else None)
    if endpoint is not None and endpoint.client_id != client.pk:
        raise InvalidInput(_("The webhook endpoint belongs to another integration client."), field="endpoint")
    duplicate = Conflict(_("A recipient with this name already exists."), code="duplicate_name", field="name")
    with transaction.atomic(durable=True):
        # The unique index decides, except for a name stored decomposed before names were composed: the
        # stored names are left as they are (versions and dossiers quote them), and compared composed.
        if any(nfc(stored) == name for stored in Recipient.objects.values_list("name", flat=True)):
            raise duplicate
        with conflict_on_duplicate(duplicate):
            recipient = Recipient.objects.create(
                name=name, name_en=name_en, kind=kind, country=country, client=client, endpoint=endpoint,
                contact_email=contact_email, language=language,
            )
        audit_record(
            action="consents.recipient.created",
            actor=actor,
            target=recipient,
            now=now,
            data={"kind": kind, "country": country, "client": client.pk if client else None,
                  "language": language, "contact_email": bool(contact_email)},
        )
        if client is not None:
            client_recipients_invalidate()
    return recipient


def recipient_endpoint_link(*, endpoint, recipient_id: int | None) -> int | None:
    """Make `endpoint` the webhook endpoint of one recipient (None: of none), in the caller's
    transaction (the endpoint services of `integrations`, through its recipient directory, which audit
    the change). Returns the recipient it served before (None: none); the same one again changes nothing."""
    with transaction.atomic(savepoint=False):
        previous = Recipient.objects.filter(endpoint=endpoint).values_list("pk", flat=True).first()
        if previous == recipient_id:
            return previous
        Recipient.objects.filter(endpoint=endpoint).update(endpoint=None)
        if recipient_id is None:
            return previous
        recipient = Recipient.objects.select_for_update().filter(pk=recipient_id, active=True).first()
        if recipient is None:
            raise InvalidInput(_("Unknown recipient."), field="recipient")
        if recipient.client_id not in (None, endpoint.client_id):
            raise InvalidInput(_("The recipient belongs to another integration client."), field="recipient")
        recipient.endpoint = endpoint
        recipient.client_id = endpoint.client_id
        recipient.save(update_fields=["endpoint", "client"])
        client_recipients_invalidate()
    return previous


def recipient_rename_en(
    *, actor: Actor, recipient_id: int, name_en: str, now: datetime | None = None
) -> Recipient:
    """Set or correct the English name of a recipient, the one pages and exports read in English show
    (blank: they show the Vietnamese name). Only that: the Vietnamese `name` is quoted frozen by the
    scopes of purpose versions and consents' receipts. Wording, not scope: no new version, no widening.
    The same name again writes nothing."""
    name_en = " ".join(nfc(name_en or "").split())
    if len(name_en) > Recipient._meta.get_field("name_en").max_length:
        raise InvalidInput(_("The English name is too long (200 characters at most)."), field="name_en")
    with transaction.atomic(durable=True):
        recipient = Recipient.objects.select_for_update().filter(pk=recipient_id).first()
        if recipient is None:
            raise NotFound(_("No such recipient."))
        before = recipient.name_en
        if before == name_en:
            return recipient
        recipient.name_en = name_en
        recipient.save(update_fields=["name_en"])
        audit_record(
            action="consents.recipient.renamed_en",
            actor=actor,
            target=recipient,
            now=now,
            data={"name_en": {"before": before, "after": name_en}},
        )
    return recipient


def recipient_contact_set(
    *, actor: Actor, recipient_id: int, contact_email: str, language: str, now: datetime | None = None
) -> Recipient:
    """Set where and in which language the recipient is reminded of the duties it has not confirmed
    (`consents.services.duty_reminders`); blank `contact_email`: by its webhook alone, if it has one. The
    audit entry says whether an address is set, not the address. The same values again write nothing."""
    contact_email = _contact_email_checked(contact_email)
    if language not in Language.values:
        raise InvalidInput(_("Choose the language of the recipient's reminders."), field="language")
    with transaction.atomic(durable=True):
        recipient = Recipient.objects.select_for_update().filter(pk=recipient_id).first()
        if recipient is None:
            raise NotFound(_("No such recipient."))
        before = recipient.language
        if (recipient.contact_email, before) == (contact_email, language):
            return recipient
        recipient.contact_email, recipient.language = contact_email, language
        recipient.save(update_fields=["contact_email", "language"])
        audit_record(
            action="consents.recipient.contact_changed",
            actor=actor,
            target=recipient,
            now=now,
            data={"contact_email": bool(contact_email), "language": {"before": before, "after": language}},
        )
    return recipient


def recipient_end(*, actor: Actor, recipient_id: int, reason: str, now: datetime | None = None) -> Recipient:
    """Record that the bank no longer works with the recipient (400 `reason` without one; 409
    `recipient_ended` when already ended, `recipient_still_named` while a purpose names it, naming them)."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput(_("Say why the bank no longer works with this recipient."), field="reason")
    if len(reason) > REASON_MAX_LENGTH:
        raise InvalidInput(
            _("The reason is too long (%(max)s characters at most)."), field="reason", max=REASON_MAX_LENGTH
        )
    with transaction.atomic(durable=True):
        recipient = Recipient.objects.select_for_update().filter(pk=recipient_id).first()
        if recipient is None:
            raise NotFound(_("No such recipient."))
        if not recipient.active:
            raise Conflict(_("The bank's relationship with this recipient is already ended."),
                           code="recipient_ended")
        named = _purposes_naming(recipient)
        if named:
            raise Conflict(
                _("Purposes still name this recipient (%(purposes)s): remove it from them first, which "
                  "tells it to stop under every live consent."),
                code="recipient_still_named", purposes=", ".join(named),
            )
        recipient.active = False
        recipient.save(update_fields=["active"])
        audit_record(
            action="consents.recipient.ended", actor=actor, target=recipient, now=now or timezone.now(),
            data={"reason": reason, "endpoint": recipient.endpoint_id},
        )
    return recipient
