"""Staff who are also customers. Whoever acts as staff on a customer record must not be that customer,
their guardian or their ward: changing one's own data, verifying one's own identity, approving one's own
deletion or recording one's own consent "witnessed at the counter" leaves no independent person behind
the act. The link comes from the bank's HR file (`manage.py link_staff_customer`)."""
from __future__ import annotations

from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.services import audit_record
from core.actors import Actor
from core.errors import InvalidInput, PermissionDenied, required_text
from core.roles import is_staff_user
from subjects.models import DataSubject, StaffCustomerRecord
from subjects.selectors import subject_by_cif_or_400


def own_records(actor: Actor) -> frozenset:
    """The ids of the customer records this actor may not act on as staff: their own, their wards' and
    their guardian's (empty for staff not linked to a record, customers, clients and the platform)."""
    if not actor.is_staff or actor.user_id is None:
        return frozenset()
    own = StaffCustomerRecord.objects.filter(user_id=actor.user_id).values_list(
        "subject_id", "subject__guardian_id"
    ).first()
    if own is None:
        return frozenset()
    own_id, own_guardian_id = own
    family = Q(pk=own_id) | Q(guardian_id=own_id) | (Q(pk=own_guardian_id) if own_guardian_id else Q(pk=None))
    return frozenset(DataSubject.objects.filter(family).values_list("pk", flat=True))


def own_record_refusal(actor: Actor, subject_id, *, own: frozenset | None = None) -> PermissionDenied | None:
    """Why a staff member may not act on this customer record (403 `own_customer_record`: their own,
    their ward's or their guardian's), or None. `own`: `own_records(actor)`, read once by a caller asking
    of many records."""
    if subject_id not in (own_records(actor) if own is None else own):
        return None
    return PermissionDenied(
        _("This is your own customer record, or your ward's or guardian's: a colleague must act on it."),
        code="own_customer_record",
    )


def own_record_check(actor: Actor, subject_id) -> None:
    """Raise `own_record_refusal`'s refusal, if any."""
    if (refusal := own_record_refusal(actor, subject_id)) is not None:
        raise refusal


def staff_customer_record_link(
    *, actor: Actor, username: str, external_ref: str, reason: str, now: datetime | None = None
) -> StaffCustomerRecord:
    """Record that this member of staff is the customer with this CIF (from the HR file), audited."""
    reason = required_text(reason, field="reason", message=_("Say where the link comes from (the HR file)."))
    user = get_user_model().objects.filter(username=username).first()
    if user is None or not is_staff_user(user):
        raise InvalidInput(_("No staff member with this login."), field="username")
    with transaction.atomic(durable=True):
        # A number core banking renumbered the staff member away from names the number in use.
        subject = subject_by_cif_or_400(external_ref, field="external_ref")
        now = now or timezone.now()
        record, _created = StaffCustomerRecord.objects.update_or_create(
            user=user,
            defaults={"subject": subject, "reason": reason[:500], "linked_by_label": actor.label[:150],
                      "linked_at": now},
        )
        audit_record(action="core.staff.own_record_linked", actor=actor, subject=subject, target=record,
                     data={"staff": user.get_username()}, now=now)
    return record
