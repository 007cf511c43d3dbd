"""Moving a customer to another customer number (CIF): core banking renumbered them, the number was
mistyped when they were first recorded, or a person who was not a customer opened an account. Their
consents, requests, authorisations and guardian links stay with them (they point at the record, not the
number); the former number is kept (`CustomerNumberChange`) for the proof issued under it and for callers
that still send it.

Joining two records of one person is a merge, not this: a number another record holds, or was renumbered
away from, is refused."""
from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from core.actors import Actor
from core.db import conflict_on_duplicate
from core.errors import Conflict, InvalidInput, required_text
from subjects.locks import subject_locked
from subjects.models import CustomerNumberChange, CustomerNumberKind, DataSubject, SubjectRelationship
from subjects.non_customers import subject_reference
from subjects.selectors import former_number_check
from subjects.signals import customer_renumbered
from subjects.staff_records import own_record_check
from subjects.validators import cif_spellings


def subject_number_change(
    *, actor: Actor, subject_id, external_ref: str, kind: str, reason: str, now: datetime | None = None
) -> DataSubject:
    """Give the customer the customer number core banking now uses for them, with why; audited with
    both numbers and what the person now is: `became_customer` makes a person who was not a customer
    (`SubjectRelationship`) one, on the same record, so their consents and withdrawals follow them.
    409 `customer_number_taken` when another record carries it (two records of one person are merged,
    not renumbered onto each other), 409 `customer_number_changed` when another record was
    renumbered away from it (`former_number_check`)."""
    new_ref = subject_reference(external_ref, SubjectRelationship.CUSTOMER)
    if kind not in CustomerNumberKind.values:
        raise InvalidInput(_("Say whether core banking renumbered the customer, the number was mistyped or "
                             "the person opened an account."), field="kind")
    opening = kind == CustomerNumberKind.BECAME_CUSTOMER
    reason = required_text(reason, field="reason", message=_("Say why the customer number changes."))
    taken = Conflict(
        _("Another customer record carries this customer number. If both records are one person, they "
          "must be merged; a renumbering does not join two records."),
        code="customer_number_taken",
    )
    with transaction.atomic(durable=True):
        subject = subject_locked(subject_id)
        own_record_check(actor, subject.pk)
        if opening and subject.relationship == SubjectRelationship.CUSTOMER:
            raise InvalidInput(_("This person is already a customer: say whether core banking renumbered "
                                 "them or the number was mistyped."), field="kind")
        now = now or timezone.now()
        old_ref = subject.external_ref
        if new_ref == old_ref:
            raise InvalidInput(_("This is already the customer's number."), field="external_ref")
        holders = DataSubject.objects.filter(external_ref__in=cif_spellings(new_ref)).exclude(pk=subject.pk)
        if holders.exists():
            raise taken
        former_number_check(new_ref, holder=subject)
        subject.external_ref = new_ref
        if opening:
            subject.relationship = SubjectRelationship.CUSTOMER
        with conflict_on_duplicate(taken):
            subject.save(update_fields=["external_ref", "relationship", "updated_at"])
        change = CustomerNumberChange.objects.create(
            subject=subject, old_ref=old_ref, new_ref=new_ref, kind=kind, reason=reason[:500],
            changed_by_label=actor.label[:150], changed_at=now,
        )
        audit_record(
            action="core.subject.customer_number_changed", actor=actor, subject=subject, target=change,
            data={"old": old_ref, "new": new_ref, "kind": kind, "relationship": subject.relationship},
            now=now,
        )
        customer_renumbered.send(sender=DataSubject, subject=subject)
    return subject
