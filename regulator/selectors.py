"""Reads shared by the regulator's pages, API, documents and clocks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from consents.catalogue import purpose_entry_of, with_versions
from consents.models import LegalBasis, NoticeAnnouncement, NoticeVersion, Purpose
from consents.selectors import consents_that_gave_data
from core.actors import Actor
from deadlines.local_days import local_year
from deadlines.policy import LOCAL_TZ
from dsr.models import DeletionRecord, System
from integrations.states import JOB_MACHINE
from regulator.documents import dossier_facts, fingerprint, purposes_with_facts
from regulator.models import (
    Breach,
    BreachNotification,
    BreachStatus,
    CustomerNotice,
    Dossier,
    DossierKind,
    DossierStatus,
    DossierVersion,
    ProcessingActivity,
    RecordReview,
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
    if (
        BREACH_MACHINE.is_allowed(breach.status, BreachStatus.CLOSED)
        and not breach_customers_mailing_live(breach)
        and not breach_customers_untold(breach)
    ):
        actions.add("close")
    return frozenset(actions)


def breach_times_correctable(breach: Breach) -> bool:
    """Whether when the breach occurred and was detected may still be corrected: until the authority is
    notified (Form 08 has then stated them)."""
    return breach.notified_at is None


def breach_customers_mailing_live(breach: Breach) -> bool:
    """Whether the mailing to the affected customers is queued or running."""
    job = breach.customers_job
    return job is not None and job.status in JOB_MACHINE.live


def breach_customers_mailing_began(breach: Breach) -> bool:
    """Whether telling the customers is under way or told anyone (a cancelled mailing may have): a
    decision not to tell them could no longer stand beside it."""
    job = breach.customers_job
    return (
        breach.customers_notified_at is not None
        or breach.customers_notified > 0
        or (job is not None and (job.status in JOB_MACHINE.live or job.rows_done > 0))
    )


def breach_customers_untold(breach: Breach) -> bool:
    """Whether customers are to be told (`breach_needs_customer_notice`) and no mailing to them has
    finished: the breach cannot be closed before they are told or the DPO records why not."""
    return breach.customers_notified_at is None and breach_needs_customer_notice(breach)


def breach_register(*, year: int | None = None) -> QuerySet[Breach]:
    """Breaches, the latest detected first, with what the register (page and CSV) reads: phases and
    the mailing job, not the systems and categories it does not show; with `year`, those the bank became
    aware of (`detected_at`) in that local calendar year."""
    breaches = Breach.objects.select_related("customers_job").prefetch_related("phases")
    if year is not None:
        since, until = local_year(year)
        breaches = breaches.filter(detected_at__gte=since, detected_at__lt=until)
    return breaches.order_by("-detected_at", "-pk")


def breach_list() -> QuerySet[Breach]:
    """Breaches, the latest detected first, with what their pages and documents show."""
    return breach_register().prefetch_related("systems", "categories")


def breach_by_id(pk) -> Breach | None:
    return breach_list().filter(pk=pk).first()


def breach_with_mailing_job(pk) -> Breach | None:
    """The breach with its latest customer-mailing job (None when there is no such breach)."""
    return Breach.objects.select_related("customers_job").filter(pk=pk).first()


def breach_phase_notification(breach_id, phase: int) -> BreachNotification | None:
    """The Form 08 of one phase of a breach, with its breach."""
    notifications = BreachNotification.objects.select_related("breach")
    return notifications.filter(breach_id=breach_id, phase=phase).first()


def dossier_current_version_filed(dossier: Dossier) -> bool:
    """Whether the authority was given the current version (the facts aside: `dossier_filed_as_is`)."""
    return dossier.status == DossierStatus.FILED and dossier.filed_version == dossier.current_version


def dossier_facts_changed(dossier: Dossier) -> bool:
    """Whether the processing changed since the dossier's latest version: the live facts of its purpose,
    processing activity and recipient (`dossier_facts`) differ from those the version was built from, and
    nobody has updated the dossiers from the catalogue since. A dossier from `dossier_list` answers with
    no query (its purpose's facts prefetched, its latest fingerprint annotated). The answer is kept on
    the instance: a page asks it for the status, the badge and the actions of one dossier read once."""
    if "_facts_changed" not in dossier.__dict__:
        latest = getattr(dossier, "latest_fingerprint", None)
        if latest is None:
            latest = dossier.versions.order_by("-version").values_list("fingerprint", flat=True).first()
        changed = latest is not None and latest != fingerprint(dossier_facts(dossier))
        dossier.__dict__["_facts_changed"] = changed
    return dossier.__dict__["_facts_changed"]


def dossier_filed_as_is(dossier: Dossier) -> bool:
    """Whether the authority has the current version (a later version may be filed again) and it still
    states the processing as it is (`dossier_facts_changed`)."""
    return dossier_current_version_filed(dossier) and not dossier_facts_changed(dossier)


def dossier_allowed_actions(dossier: Dossier, actor: Actor) -> frozenset[str]:
    """What staff may do with the dossier now: "edit" (write a new version) and "file" (record the
    current version's filing, once its risk assessment is written, while it states the processing as it
    is: `dossier_facts_changed`). Pages and API ask this; the caller checks the staff member's permission."""
    if not actor.is_staff:
        return frozenset()
    actions = {"edit"}
    if (
        DOSSIER_MACHINE.is_allowed(dossier.status, DossierStatus.FILED)
        and dossier.assessment
        and not dossier_current_version_filed(dossier)
        and not dossier_facts_changed(dossier)
    ):
        actions.add("file")
    return frozenset(actions)


def breaches_open() -> QuerySet[Breach]:
    return Breach.objects.filter(status=BreachStatus.OPEN).order_by("notify_due_at")


def breaches_open_counts(*, now: datetime) -> tuple[int, int, int]:
    """The dashboard's cards at `now`: how many breaches are open, how many of those are past the law's
    deadline (late in the authority's eyes), and how many past only the bank's own stricter one, by
    the rule the register and the breach page use (`Breach.deadline_passed`)."""
    authority_due = Coalesce("statutory_due_at", "notify_due_at")
    counts = (
        Breach.objects.filter(status=BreachStatus.OPEN)
        .alias(authority_due_at=authority_due)
        .aggregate(
            open=Count("pk"),
            past_law=Count("pk", filter=Q(authority_due_at__lt=now)),
            past_commitment=Count("pk", filter=Q(notify_due_at__lt=now) & ~Q(authority_due_at__lt=now)),
        )
    )
    return counts["open"], counts["past_law"], counts["past_commitment"]


def breach_needs_customer_notice(breach: Breach) -> bool:
    """Whether the affected customers are to be told: the DPO's decision once taken (any category);
    until then the policy's default, for bank-account, financial or credit data."""
    if breach.customer_notice_decision:
        return breach.customer_notice_decision == CustomerNotice.NOTIFY
    # Through `categories.all()`, so a list that prefetched them (`breach_list`) asks nothing per breach.
    return any(category.code in FINANCIAL_CATEGORY_CODES for category in breach.categories.all())


def breach_affected_subjects(breach: Breach) -> QuerySet[DataSubject]:
    """The customers whose data the breached systems hold, in the breached categories.

    The inventory has no per-customer list of systems, so the rule goes through the purposes whose
    processing activity uses a breached system and a breached category:
    * a purpose on a non-consent basis (contract, legal obligation...) at any moment of the exposure,
      by its versions in force then (`_rested_on_another_basis`), covers every customer of the bank:
      their data is in that system whether or not they ever consented to anything;
    * a consent-based purpose covers the customers who gave their data under it before the exposure
      ended, live or not, because data given under a consent stays until it is deleted; a refusal gave
      nothing (`consents_that_gave_data`). A breach exposes what the system holds from the violation
      (`occurred_at`) until it is stopped; the record has no containment time, so the exposure is
      taken to run until `detected_at`: data given while the breach went on was exposed too, and
      counting only up to `occurred_at` would under-notify, the riskier error. Data first given after
      the detection was not there to be exposed.
    * on either basis, a customer whose data was erased from the breached systems in every breached
      category they hold before the violation (`_erased_before_the_violation`) had nothing there to leak.
    Guardians are not added: a child's notice goes to the child's record and the guardian sees it there.
    """
    system_ids = list(breach.systems.values_list("pk", flat=True))
    category_ids = list(breach.categories.values_list("pk", flat=True))
    purposes = with_versions(
        Purpose.objects.filter(
            activity__systems__in=system_ids, activity__categories__in=category_ids
        ).distinct()
    )
    if any(_rested_on_another_basis(purpose, breach) for purpose in purposes):
        # Those who were customers when it was detected; one who joined later never had data exposed.
        subjects = DataSubject.objects.filter(created_at__lte=breach.detected_at)
    else:
        subject_ids = consents_that_gave_data().filter(
            purpose_id__in=[p.pk for p in purposes], granted_at__lte=breach.detected_at
        ).values("subject_id")
        subjects = DataSubject.objects.filter(pk__in=subject_ids)
    erased = _erased_before_the_violation(breach, system_ids=system_ids, category_ids=category_ids)
    if erased is not None:
        subjects = subjects.exclude(pk__in=erased)
    return subjects.order_by("external_ref")


def _rested_on_another_basis(purpose: Purpose, breach: Breach) -> bool:
    """Whether the purpose rested on a basis other than consent at any moment of the exposure, by its
    versions in force then (as the consent check judges it), not by its row: the job copies a new version
    onto the row only minutes after it takes effect, and the row says nothing of the basis in the past."""
    bases = purpose_entry_of(purpose).legal_bases_between(breach.occurred_at, breach.detected_at)
    return bases != {LegalBasis.CONSENT}


def _erased_before_the_violation(breach: Breach, *, system_ids: list, category_ids: list) -> QuerySet | None:
    """The ids of customers with a deletion record, dated before the violation, for every breached
    category each breached system holds (one subquery per such pair; a breach names a few); None when
    no breached system holds a breached category."""
    pairs = System.categories.through.objects.filter(
        system_id__in=system_ids, datacategory_id__in=category_ids
    ).values_list("system_id", "datacategory_id")
    erased = None
    for system_id, category_id in pairs:
        deleted = DeletionRecord.objects.filter(
            system_id=system_id, category_id=category_id, deleted_at__lte=breach.occurred_at
        ).values("subject_id")
        erased = (erased if erased is not None else DataSubject.objects).filter(pk__in=deleted)
    return erased.values("pk") if erased is not None else None


@dataclass(frozen=True)
class DossierDue:
    """What a purpose or transfer needs: its dossier, filed or not, and when the 60 days run out."""

    kind: str
    purpose: Purpose
    recipient: object | None
    dossier: Dossier | None

    @property
    def filed(self) -> bool:
        """Whether the authority has the current version (`dossier_filed_as_is`, as the file button)."""
        return self.dossier is not None and dossier_filed_as_is(self.dossier)

    @property
    def facts_changed(self) -> bool:
        """Whether the processing changed since the dossier's latest version (`dossier_facts_changed`)."""
        return self.dossier is not None and dossier_facts_changed(self.dossier)

    @property
    def first_filing_pending(self) -> bool:
        """Never filed: the 60 days run for the first filing; a later version is filed again, on no
        such clock."""
        return self.dossier is not None and self.dossier.status != DossierStatus.FILED

    def overdue(self, now: datetime) -> bool:
        return self.first_filing_pending and self.dossier.due_at < now

    def due_soon(self, now: datetime, days: int = 14) -> bool:
        return self.first_filing_pending and now <= self.dossier.due_at <= now + timedelta(days=days)


def breach_affected_count(breach: Breach) -> int:
    return breach_affected_subjects(breach).count()


def _with_latest_fingerprint(dossiers: QuerySet[Dossier]) -> QuerySet[Dossier]:
    latest = DossierVersion.objects.filter(dossier=OuterRef("pk")).order_by("-version").values("fingerprint")
    return dossiers.annotate(latest_fingerprint=Subquery(latest[:1]))


def dossier_list() -> QuerySet[Dossier]:
    """Dossiers, the first due first, with their recipient, their purpose's facts and their latest
    version's fingerprint, so that `dossier_facts_changed` asks nothing per dossier."""
    dossiers = Dossier.objects.select_related("recipient").prefetch_related(
        Prefetch("purpose", queryset=purposes_with_facts())
    )
    return _with_latest_fingerprint(dossiers).order_by("due_at", "pk")


def transfer_dossiers_of(recipient) -> dict:
    """The transfer impact-assessment dossiers of a foreign recipient, by the purpose they assess."""
    return {d.purpose_id: d for d in Dossier.objects.filter(kind=DossierKind.TRANSFER, recipient=recipient)}


def dossier_by_id(pk) -> Dossier | None:
    return dossier_list().filter(pk=pk).first()


def dossier_version(dossier: Dossier, number: str | None) -> DossierVersion | None:
    """The version numbered `number` as given in a query string (`?version=N`); None when the number
    is missing, not a number or no such version exists."""
    if not (number or "").isdecimal():
        return None
    return dossier.versions.filter(version=int(number)).first()


def dossier_duties() -> list[DossierDue]:
    """Every dossier the catalogue calls for: one per active purpose, one per foreign recipient of a
    cross-border purpose; with the dossier when it exists, its purpose's facts loaded
    (`purposes_with_facts`), so that neither `dossier_facts_changed` nor a sync asks anything per dossier."""
    dossiers = {
        (d.kind, d.purpose_id, d.recipient_id): d
        for d in _with_latest_fingerprint(Dossier.objects.select_related("recipient"))
    }
    rows = []
    purposes = purposes_with_facts(Purpose.objects.filter(active=True)).prefetch_related("recipients")
    for purpose in purposes.order_by("code"):
        wanted = [(DossierKind.PROCESSING, None)]
        wanted += [(DossierKind.TRANSFER, recipient) for recipient in transfer_recipients(purpose)]
        for kind, recipient in wanted:
            dossier = dossiers.get((kind, purpose.pk, recipient.pk if recipient else None))
            if dossier is not None:
                dossier.purpose = purpose
            rows.append(DossierDue(kind, purpose, recipient, dossier))
    return rows


def dossiers_no_longer_due(duties: list[DossierDue]) -> list[Dossier]:
    """The dossiers the catalogue no longer calls for (their purpose retired, their foreign recipient no
    longer named): kept and shown, since the processing and the transfers abroad they assessed happened
    and the authority may ask for their assessment later."""
    listed = [due.dossier.pk for due in duties if due.dossier is not None]
    return list(dossier_list().exclude(pk__in=listed).order_by("-started_at", "pk"))


def transfer_recipients(purpose: Purpose) -> list:
    """The recipients that receive this purpose's data abroad (a transfer impact assessment each)."""
    return [r for r in purpose.recipients.all() if r.active and (purpose.cross_border or r.country != "VN")]


def processing_activity_for(purpose: Purpose) -> ProcessingActivity | None:
    return ProcessingActivity.objects.filter(purpose=purpose).first()


def processing_activity_codes(activity: ProcessingActivity) -> dict[str, list[str]]:
    """The codes of the systems and data categories an activity uses, sorted."""
    return {
        "systems": sorted(activity.systems.values_list("code", flat=True)),
        "categories": sorted(activity.categories.values_list("code", flat=True)),
    }


def notices_to_announce(*, now: datetime) -> QuerySet[NoticeVersion]:
    """Notice versions taking effect later that no announcement covers yet, the soonest first."""
    return (
        NoticeVersion.objects.filter(announcement__isnull=True, effective_at__gt=now)
        .select_related("purpose")
        .order_by("effective_at")
    )


def announcement_list() -> QuerySet[NoticeAnnouncement]:
    return NoticeAnnouncement.objects.select_related("notice__purpose").order_by("-send_at", "-pk")


# The reviews of the record a page lists, the latest first.
RECORD_REVIEWS_LISTED = 10


def record_reviews() -> QuerySet[RecordReview]:
    """The reviews of the record of processing activities, the latest first, with who did each."""
    return RecordReview.objects.select_related("reviewed_by").order_by("-reviewed_at", "-pk")


def record_reviewed_this_year(*, now: datetime | None = None) -> bool:
    """Whether the record was reviewed in the local calendar year of `now` (Vietnam time): the year's
    review the page asks the DPO for until it is on file."""
    since, until = local_year(timezone.localtime(now or timezone.now(), LOCAL_TZ).year)
    return RecordReview.objects.filter(reviewed_at__gte=since, reviewed_at__lt=until).exists()
