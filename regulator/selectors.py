"""Reads shared by the regulator's pages, API, documents and clocks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import QuerySet

from consents.models import Consent, LegalBasis, Purpose
from core.actors import Actor
from regulator.models import (
    Breach,
    BreachStatus,
    CustomerNotice,
    Dossier,
    DossierKind,
    DossierStatus,
    DossierVersion,
    ProcessingActivity,
)
from regulator.states import BREACH_MACHINE, DOSSIER_MACHINE
from subjects.models import DataSubject

# Breached categories for which the bank's policy (§10: bank-account, financial or credit data) expects
# the customers to be told: the default the DPO starts from, not a limit on the decision.
FINANCIAL_CATEGORY_CODES = frozenset({"accounts", "transactions", "cards", "credit", "loans", "deposits"})


def breach_allowed_actions(breach: Breach, actor: Actor) -> frozenset[str]:
    """What staff may do with the breach now: "update", "notify", "close" (pages and API ask this;
    the caller checks the staff member's permission)."""
    if not actor.is_staff:
        return frozenset()
    actions = set()
    if breach.status not in BREACH_MACHINE.terminal:
        actions |= {"update", "notify"}
    if BREACH_MACHINE.is_allowed(breach.status, BreachStatus.CLOSED):
        actions.add("close")
    return frozenset(actions)


def dossier_filed_as_is(dossier: Dossier) -> bool:
    """Whether the authority already has the current version (a later version may be filed again)."""
    return dossier.status == DossierStatus.FILED and dossier.filed_version == dossier.current_version


def dossier_allowed_actions(dossier: Dossier, actor: Actor) -> frozenset[str]:
    """What staff may do with the dossier now: "edit" (write a new version) and "file" (record the
    current version's filing, once its risk assessment is written). Pages and API ask this; the caller
    checks the staff member's permission."""
    if not actor.is_staff:
        return frozenset()
    actions = {"edit"}
    if (
        DOSSIER_MACHINE.is_allowed(dossier.status, DossierStatus.FILED)
        and dossier.assessment
        and not dossier_filed_as_is(dossier)
    ):
        actions.add("file")
    return frozenset(actions)


def breaches_open() -> QuerySet[Breach]:
    return Breach.objects.filter(status=BreachStatus.OPEN).order_by("notify_due_at")


def breach_needs_customer_notice(breach: Breach) -> bool:
    """Whether the affected customers are to be told: the DPO's decision once taken (any category);
    until then the policy's default, for bank-account, financial or credit data."""
    if breach.customer_notice_decision:
        return breach.customer_notice_decision == CustomerNotice.NOTIFY
    return breach.categories.filter(code__in=FINANCIAL_CATEGORY_CODES).exists()


def breach_affected_subjects(breach: Breach) -> QuerySet[DataSubject]:
    """The customers whose data the breached systems hold, in the breached categories.

    The inventory has no per-customer list of systems, so the rule goes through the purposes whose
    processing activity uses a breached system and a breached category:
    * a purpose on a non-consent basis (contract, legal obligation...) covers every customer of the
      bank: their data is in that system whether or not they ever consented to anything;
    * a consent-based purpose covers the customers who have ever consented to it, live or not,
      because data given under a consent stays until it is deleted.
    Guardians are not added: a child's notice goes to the child's record and the guardian sees it there.
    """
    system_ids = list(breach.systems.values_list("pk", flat=True))
    category_ids = list(breach.categories.values_list("pk", flat=True))
    activities = ProcessingActivity.objects.filter(
        systems__in=system_ids, categories__in=category_ids
    ).select_related("purpose")
    purposes = {activity.purpose for activity in activities}
    if any(p.legal_basis != LegalBasis.CONSENT for p in purposes):
        return DataSubject.objects.order_by("external_ref")
    consent_purposes = [p.pk for p in purposes]
    subject_ids = Consent.objects.filter(purpose_id__in=consent_purposes).values("subject_id")
    return DataSubject.objects.filter(pk__in=subject_ids).order_by("external_ref")


@dataclass(frozen=True)
class DossierDue:
    """What a purpose or transfer needs: its dossier, filed or not, and when the 60 days run out."""

    kind: str
    purpose: Purpose
    recipient: object | None
    dossier: Dossier | None

    @property
    def filed(self) -> bool:
        return self.dossier is not None and self.dossier.status == DossierStatus.FILED

    def overdue(self, now: datetime) -> bool:
        return self.dossier is not None and not self.filed and self.dossier.due_at < now

    def due_soon(self, now: datetime, days: int = 14) -> bool:

        return (
            self.dossier is not None
            and not self.filed
            and now <= self.dossier.due_at <= now + timedelta(days=days)
        )


def dossier_version(dossier: Dossier, number: str | None) -> DossierVersion | None:
    """The version numbered `number` as given in a query string (`?version=N`); None when the number
    is missing, not a number or no such version exists."""
    if not (number or "").isdecimal():
        return None
    return dossier.versions.filter(version=int(number)).first()


def dossier_duties() -> list[DossierDue]:
    """Every dossier the catalogue calls for: one per active purpose, one per foreign recipient of a
    cross-border purpose; with the dossier when it exists."""
    dossiers = {
        (d.kind, d.purpose_id, d.recipient_id): d
        for d in Dossier.objects.select_related("purpose", "recipient")
    }
    rows = []
    purposes = Purpose.objects.filter(active=True).prefetch_related("recipients").order_by("code")
    for purpose in purposes:
        rows.append(
            DossierDue(
                DossierKind.PROCESSING,
                purpose,
                None,
                dossiers.get((DossierKind.PROCESSING, purpose.pk, None)),
            )
        )
        for recipient in transfer_recipients(purpose):
            rows.append(
                DossierDue(
                    DossierKind.TRANSFER,
                    purpose,
                    recipient,
                    dossiers.get((DossierKind.TRANSFER, purpose.pk, recipient.pk)),
                )
            )
    return rows


def transfer_recipients(purpose: Purpose) -> list:
    """The recipients that receive this purpose's data abroad (a transfer impact assessment each)."""
    return [r for r in purpose.recipients.all() if r.active and (purpose.cross_border or r.country != "VN")]
