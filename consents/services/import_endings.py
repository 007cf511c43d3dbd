"""The ends a consent import records beside its answers (`consents.services.import_rows`): a legacy
file's withdrawal row, and a guardian's consent the child had outgrown by the day of the import.

Both end a consent on the day it ended for the customer (the form's day; the 7th birthday), and both
reach the platform only at the import: the recipients' time to stop runs from then (`learned_at`), not
years overdue from a day they could not have known of."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from consents.models import Consent, ConsentEvent, ConsentStatus
from consents.selectors.rule import consent_outgrown, own_agreement_due_from
from consents.services.child_stops import outgrown_stop_locked
from consents.services.import_columns import not_after
from consents.services.rules import GrantRequest
from consents.services.withdrawals import consent_withdraw_imported_locked
from core.actors import Actor
from core.errors import Conflict


def withdrawal_row_record(
    row: dict[str, str],
    request: GrantRequest,
    withdrawn_at: datetime,
    *,
    key: str,
    last_answer: datetime | None,
    actor: Actor,
    source: str,
    now: datetime,
) -> None:
    """End the customer's live consent to the row's purpose on the row's day, in the batch's transaction
    (the customer locked). Refused when no consent is in force, when it was given on or after that day,
    when a guardian's lone consent had stopped counting at the child's 7th birthday before it,
    or when the customer answered later (`last_answer`) or the consent moved since: a withdrawal from a
    file cannot overturn what followed it."""
    consent = (
        Consent.objects.select_for_update(of=("self",))
        .select_related("purpose", "subject")
        .filter(subject=request.subject, purpose=request.purpose, status=ConsentStatus.GRANTED)
        .first()
    )
    if consent is None:
        raise Conflict(_("The customer has no consent in force to this purpose for this withdrawal to end: "
                         "import the consent first (in an earlier row or file), with the day it was given."))
    if not_after(row, withdrawn_at, consent.granted_at):
        raise Conflict(
            _("The customer's consent in force to this purpose was given on %(day)s, not before this "
              "withdrawal: a withdrawal ends only a consent given before it."),
            day=timezone.localdate(consent.granted_at).isoformat(),
        )
    if consent_outgrown(consent, consent.subject.date_of_birth, timezone.localdate(withdrawn_at)):
        # The lone guardian's consent had stopped counting before this day: ending it here would say it
        # lasted past the birthday. `outgrown_on_import` (or the nightly job) ends it there.
        raise Conflict(
            _("This consent had already stopped counting on the customer's 7th birthday (%(day)s), before "
              "this withdrawal: the guardian consented alone. It ends on that day, not on the withdrawal's."),
            day=own_agreement_due_from(consent.subject.date_of_birth).strftime("%d/%m/%Y"),
        )
    moved_since = ConsentEvent.objects.filter(consent=consent, at__gte=withdrawn_at).order_by("-at").first()
    later = max(filter(None, [last_answer, moved_since.at if moved_since else None]), default=None)
    if later is not None and not_after(row, withdrawn_at, later):
        raise Conflict(
            _("The customer gave a later answer for this purpose (on %(day)s): a withdrawal from a file "
              "older than it cannot end the consent."),
            day=timezone.localdate(later).isoformat(),
        )
    consent_withdraw_imported_locked(
        actor=actor, consent=consent, channel=request.channel, evidence=request.evidence, source=source,
        withdrawn_at=withdrawn_at, now=now, import_key=key, collected_by=request.collected_by,
    )


def outgrown_on_import(consents: list[Consent], *, now: datetime) -> list[tuple[Consent, str]]:
    """Stop the consents just imported that a guardian gave alone for a child 7 or over on the day of the
    import, as the daily job would (`outgrown_stop_locked`: ended at the 7th birthday, the family told),
    the recipients' time running from the import. Returns each stopped consent with the note the import
    report gives it."""
    today = timezone.localdate(now)
    by_customer: dict = {}
    for consent in consents:
        if consent_outgrown(consent, consent.subject.date_of_birth, today):
            by_customer.setdefault(consent.subject_id, []).append(consent.pk)
    noted = []
    for consent_ids in by_customer.values():
        for consent in outgrown_stop_locked(Consent.objects.filter(pk__in=consent_ids), now=now,
                                            learned_at=now):
            birthday = own_agreement_due_from(consent.subject.date_of_birth)
            noted.append((consent, _(
                "Imported, and ended on the customer's 7th birthday (%(day)s): the guardian consented "
                "alone, and the child's own agreement, needed from 7, was never recorded. The recipients "
                "were told to stop, and the family told why."
            ) % {"day": birthday.strftime("%d/%m/%Y")}))
    return noted
