"""Need to know: who sees a customer's personal values in full, and the record that they did.

The one rule every staff page and API call follows (Law 91 / Decree 356, minimisation and access
control; Decree 13 Art. 26-27, security measures): staff see personal values masked until they give a
reason (a linked request or complaint, or a chosen reason with a note), recorded in the audit entry of
the view; an integration client sees them only with the `subjects:pii` token scope; a customer sees
their own (the caller has already limited them to it).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from core.actors import actor_for_user
from core.errors import InvalidInput
from core.roles import Role, is_staff_user, user_role
from integrations.models import ApiToken
from subjects import services
from subjects.models import DataSubject
from subjects.selectors import (
    PERSONAL_FIELDS,
    access_reason_normalised,
    personal_value_masked,
    subject_field_label,
    subjects_for_refs,
)

# The token scope an integration client needs to receive personal values unmasked.
PII_SCOPE = "subjects:pii"
# The API header staff give their reason in.
ACCESS_REASON_HEADER = "X-Access-Reason"
# What stands for a masked free text (a request's details, its corrected values).
MASKED_TEXT = "***"


@dataclass(frozen=True)
class Disclosure:
    """Whether this caller sees the values in full, and the reason recorded for it."""

    revealed: bool
    reason: str = ""

    def value(self, field: str, value):
        """One personal value of `PERSONAL_FIELDS`, masked unless revealed."""
        return value if self.revealed else personal_value_masked(field, value)

    def text(self, value):
        """Free text that may hold personal data (a request's details): hidden whole unless revealed."""
        return value if self.revealed or value in (None, "") else MASKED_TEXT

    def viewed_in_answer(self, context: str) -> services.ViewedInAnswer | None:
        """For a write whose answer shows the subject: the view to record with the write, when the
        values are shown because staff gave a reason (None when masked, or shown for no reason: a
        customer's own, a client's `subjects:pii` scope)."""
        if not (self.revealed and self.reason):
            return None
        return services.ViewedInAnswer(context=context, reason=self.reason)

    def replay_access(self) -> str:
        """What a replayed answer must match (`integrations.api.idempotency.REPLAY_ACCESS`): shown or
        masked, and the reason the showing was recorded with."""
        return f"revealed={self.revealed}\nreason={self.reason}"

    def values(self, subject: DataSubject) -> dict:
        return {field: self.value(field, getattr(subject, field)) for field in PERSONAL_FIELDS}

    def labelled(self, values: dict) -> list[tuple[str, object]]:
        """Field → value pairs (a rectification's corrected values) as (label, value), each masked
        like the customer's own values; one the mask would drop (a date of birth) shows as hidden."""
        rows = []
        for field, value in values.items():
            shown = self.value(field, value) if field in PERSONAL_FIELDS else self.text(value)
            label = subject_field_label(field)
            hidden = shown in (None, "") and value not in (None, "")
            rows.append((str(label), MASKED_TEXT if hidden else shown))
        return rows


def access_reason_clean(reason: str | None) -> str | None:
    """None when no reason was given at all; a reason that is there but blank is refused."""
    if reason is None:
        return None
    reason = access_reason_normalised(reason)
    if not reason:
        raise InvalidInput(
            _("Say why you need this customer's personal data in the X-Access-Reason header (a request or "
              "complaint number, or a reason with a note), or leave the header out to see it masked."),
            field="X-Access-Reason", code="access_reason_required",
        )
    return reason


def disclosure_for(user, *, reason: str | None = None, auth=None, one_customer: bool = True) -> Disclosure:
    """The need-to-know rule for one caller: a customer sees their own values, a client needs the
    `subjects:pii` scope, staff need a reason. A reason is about one customer (a request, a
    complaint): on a list of customers not narrowed to one (`one_customer=False`) it is refused, so one
    complaint never shows the whole customer base in full."""
    role = user_role(user)
    if role == Role.CUSTOMER:
        return Disclosure(revealed=True)
    if role == Role.CLIENT:
        return Disclosure(revealed=isinstance(auth, ApiToken) and auth.allows(PII_SCOPE))
    reason = access_reason_clean(reason)
    if reason and not one_customer:
        raise InvalidInput(
            _("A reason shows one customer's personal data, not a list of customers: name the customer "
              "by their customer number (external_ref) or open their record, or leave the X-Access-Reason "
              "header out to see the list masked."),
            field="X-Access-Reason", code="access_reason_one_customer",
        )
    return Disclosure(revealed=bool(reason), reason=reason or "")


def subject_view(
    subjects: DataSubject | Iterable[DataSubject],
    *,
    user,
    context: str,
    reason: str | None = None,
    auth=None,
    one_customer: bool = True,
) -> Disclosure:
    """Decide what `user` sees of these subjects and log the view with the reason given (a customer's
    look at their own data is not logged). `context` names the page or endpoint; `one_customer=False`
    for a list not narrowed to one customer (`disclosure_for`)."""
    rows = [subjects] if isinstance(subjects, DataSubject) else list(subjects)
    disclosure = disclosure_for(user, reason=reason, auth=auth, one_customer=one_customer)
    services.subject_personal_data_viewed(
        actor=actor_for_user(user), subjects=rows, context=context, reason=disclosure.reason,
        revealed=disclosure.revealed,
    )
    return disclosure


def subjects_listed(subjects: Iterable[DataSubject], *, user, context: str) -> None:
    """A page of records naming customers (consents, requests) read by staff: each customer it names is
    recorded as looked at, masked, one insert for the page ("who looked at her data?" covers lists). A
    client's or customer's reads are not: a token's scopes bound a system, whose hot paths pay no write."""
    if not is_staff_user(user):
        return
    named = list({subject.pk: subject for subject in subjects}.values())
    services.subject_personal_data_viewed(
        actor=actor_for_user(user), subjects=named, context=context, revealed=False
    )


def subject_refs_asked_about(external_refs: Iterable[str], *, user, context: str) -> None:
    """Staff asked about the customers with these CIFs (whether they consent to a purpose, one or a
    campaign's list): a look at each customer known, recorded as `subjects_listed` records one. Nothing is
    looked up for a client or customer: a system's consent check is the platform's hottest read and pays
    no write."""
    if not is_staff_user(user):
        return
    subjects_listed(subjects_for_refs(external_refs), user=user, context=context)
