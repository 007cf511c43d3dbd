"""Consent records, their history and current state, processing restrictions and import runs.

A consent is proven by records that are never overwritten: `Consent` holds the proof of one grant
(who, which notice version, channel, evidence, guardian) and moves only forward through its
lifecycle; every move is an append-only `ConsentEvent`. `ConsentState` keeps the current answer per
subject and purpose so the consent check reads one indexed row and decrypts nothing.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from encrypted_model_fields.fields import EncryptedCharField, EncryptedTextField

from consents.models.catalogue import NoticeVersion, Purpose
from core.erased import REASON_ERASED, erased_words_shown
from core.states import StatefulModel, status_has_time


class Channel(models.TextChoices):
    BRANCH = "branch", _("Branch")
    CALL_CENTRE = "call_centre", _("Call centre")
    INTERNET_BANKING = "internet_banking", _("Internet banking")
    MOBILE_APP = "mobile_app", _("Mobile app")
    PAPER_FORM = "paper_form", _("Paper form")
    API = "api", _("API")


# Domain notes ("People and roles"): a front-line officer records what a customer does in front of them,
# at a branch, on the phone or on a paper form. Internet banking, the mobile app and the API record the
# customer's own acts themselves: staff recording an answer "through" them would prove a channel no one
# at the bank saw (`consents.services.rules.channel_validate`).
WITNESSED_CHANNELS = (Channel.BRANCH, Channel.CALL_CENTRE, Channel.PAPER_FORM)
# What a customer's own login goes through: none of them claims a person at the bank saw it.
SELF_SERVICE_CHANNELS = (Channel.INTERNET_BANKING, Channel.MOBILE_APP, Channel.API)


class ConsentStatus(models.TextChoices):
    GRANTED = "granted", _("Granted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")
    SUPERSEDED = "superseded", _("Superseded")
    # An explicit "no" (a paper form's unticked box, a refusal said aloud): proof as much as a yes.
    REFUSED = "refused", _("Refused")
    # A record the bank made in error (the wrong customer, the wrong purpose, twice), corrected by the DPO
    # or a privacy officer: never the customer's answer, so never a grant, a refusal or a withdrawal.
    VOIDED = "voided", _("Recorded in error (voided)")


# A refusal is a record, never in force; a record voided as made in error never was.
NEVER_IN_FORCE = (ConsentStatus.REFUSED, ConsentStatus.VOIDED)
# A consent that ran its course without the customer's act or the bank's correction: its term ended, or a
# consent to a newer notice replaced it. Its recipients are told to stop all the same.
LAPSED = (ConsentStatus.EXPIRED, ConsentStatus.SUPERSEDED)
# What `ends_at` reads for a live consent: later than any moment a report asks about.
NOT_ENDED = datetime(9999, 12, 31, tzinfo=UTC)


def ends_at() -> Coalesce:
    """When a consent ended, or `NOT_ENDED` while it is live, as a database expression: "not ended by
    then" is then one range (`ends_at() >= at`) that the index `consent_in_force` serves, where
    `ended_at IS NULL OR ended_at >= at` could be read through no single index range."""
    return Coalesce(models.F("ended_at"), models.Value(NOT_ENDED, output_field=models.DateTimeField()))


class VoidReason(models.TextChoices):
    """Why a consent record was wrong (`consents.services.voids.consent_void`); a note explains it."""

    WRONG_CUSTOMER = "wrong_customer", _("Recorded on the wrong customer")
    WRONG_PURPOSE = "wrong_purpose", _("Recorded for the wrong purpose")
    DUPLICATE_ENTRY = "duplicate_entry", _("Recorded twice")
    OTHER = "other", _("Another error (explained in the note)")


class Consent(StatefulModel):
    """The proof of one grant of consent to one purpose, and where that grant stands now.

    Proof fields are written once; only the lifecycle fields (status, ended_at, withdrawal) move,
    through `consents.services.records.consent_transition`.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject = models.ForeignKey("subjects.DataSubject", on_delete=models.PROTECT, related_name="consents")
    purpose = models.ForeignKey(Purpose, on_delete=models.PROTECT, related_name="consents")
    notice = models.ForeignKey(NoticeVersion, on_delete=models.PROTECT, related_name="consents")
    guardian = models.ForeignKey(
        "subjects.DataSubject",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consents_as_guardian",
    )
    status = models.CharField(max_length=16, choices=ConsentStatus.choices, default=ConsentStatus.GRANTED)
    channel = models.CharField(max_length=32, choices=Channel.choices)
    evidence = models.CharField(_("evidence reference"), max_length=300, blank=True)
    # Self-service and app channels: the session and device the customer used.
    session_ref = models.CharField(max_length=64, blank=True)
    device = models.CharField(max_length=300, blank=True)
    # From 7 to under 16 the child agrees beside the guardian (Law 91/2025; Decree 13/2023 Art. 20).
    child_agreed = models.BooleanField(default=False)
    child_evidence = models.CharField(max_length=300, blank=True)
    sensitive_acknowledged = models.BooleanField(default=False)
    recorded_by_kind = models.CharField(max_length=16)
    recorded_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=150)
    granted_at = models.DateTimeField()
    expires_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawal_channel = models.CharField(max_length=32, choices=Channel.choices, blank=True)
    # Stable per CSV row, so importing the same file twice writes nothing the second time.
    import_key = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    # What the customer agreed to, frozen at the grant: the receipt reads this, never the catalogue.
    snapshot = models.JSONField(default=dict, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-granted_at"]
        permissions = [
            ("view_consent_report", _("Can see the consent report")),
            ("void_consent", _("Can void a consent recorded in error")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "purpose"],
                condition=models.Q(status="granted"),
                name="one_live_consent_per_subject_purpose",
            ),
            models.CheckConstraint(
                condition=models.Q(status="granted", ended_at__isnull=True)
                | (~models.Q(status="granted") & models.Q(ended_at__isnull=False)),
                name="consent_ended_iff_not_granted",
            ),
            status_has_time("withdrawn", "withdrawn_at", name="consent_withdrawn_has_time"),
        ]
        indexes = [
            models.Index(fields=["subject", "purpose", "-granted_at"], name="consent_subject_purpose"),
            # The consent list (API and pages), the latest granted first (`consents.selectors.consent_list`),
            # filtered or not by status or purpose: read in index order, not every consent sorted per page.
            models.Index(fields=["-granted_at", "-id"], name="consent_granted"),
            # Who to ask again after a widening (`consents_on_notice_older_than_counts`, the DPO's purpose
            # list at each view): the live consents of a purpose counted by the version they were given
            # to, from the index alone however many millions a change at a big bank leaves on older ones.
            models.Index(
                fields=["purpose", "notice"],
                condition=models.Q(status="granted"),
                name="consent_live_on_notice",
            ),
            # The hourly expiry sweep (`consents_expire_due`): the live consents past their expiry, soonest
            # first. Most consents never expire and most that do are ended: the index holds the rest.
            models.Index(
                fields=["expires_at"],
                condition=models.Q(status="granted", expires_at__isnull=False),
                name="consent_expiry_due",
            ),
            # The consent report's consents in force at a period's end (consents.selectors.report): those
            # not ended by then, a range of `ends_at`, whatever number ended before. The columns the count
            # reads come along as keys (SQLite has no INCLUDE), so the index alone is read, not the table.
            models.Index(
                ends_at(),
                models.F("granted_at"),
                models.F("expires_at"),
                models.F("ended_at"),
                models.F("purpose"),
                models.F("channel"),
                condition=~models.Q(status__in=NEVER_IN_FORCE),
                name="consent_in_force",
            ),
            # The consent report's stops: the consents withdrawn in a month (consents.selectors.report).
            models.Index(
                fields=["withdrawn_at"],
                condition=models.Q(withdrawn_at__isnull=False),
                name="consent_withdrawn_at",
            ),
            # The consent report's stops after voids: the consents voided in a month, a void ending the
            # record when it is made (consents.selectors.report). Voids are rare: the index is small.
            models.Index(
                fields=["ended_at"],
                condition=models.Q(status="voided"),
                name="consent_voided_at",
            ),
            # The consent report's stops of the month's expiries and replacements (`report._stops`).
            models.Index(
                fields=["ended_at"],
                condition=models.Q(status__in=LAPSED),
                name="consent_lapsed_at",
            ),
        ]


class ConsentEvent(models.Model):
    """Append-only history: one row per grant, refusal, withdrawal, expiry, supersession or void. Receipts
    hang here. A void's `reason` is its `VoidReason` code."""

    # An event is named by the status its move led to (`consent_transition` writes `kind=to`).
    Kind = ConsentStatus

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="events")
    subject = models.ForeignKey(
        "subjects.DataSubject", on_delete=models.PROTECT, related_name="consent_events"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    at = models.DateTimeField()
    channel = models.CharField(max_length=32, choices=Channel.choices, blank=True)
    actor_kind = models.CharField(max_length=16)
    actor_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(max_length=150)
    # A customer's own words on why they withdraw (often about health, money or family): personal data.
    reason = EncryptedCharField(max_length=500, blank=True)
    # A void's note, staff's account of the error: it may name another customer, so personal data too.
    note = EncryptedTextField(blank=True)
    # The event's own proof, when it has one beside the grant's (`Consent.evidence`): a withdrawal
    # recorded by staff names its call recording or signed form. A reference, not the customer's words:
    # it stays on erasure, as the grant's does. Empty in the database too: the import's COPY and any
    # writer that names no evidence store "", not NULL.
    evidence = models.CharField(
        _("evidence reference"), max_length=300, blank=True, default="", db_default=""
    )
    source = models.CharField(
        max_length=100, blank=True, help_text=_("e.g. dsr.request:<uuid> or import:<id>")
    )
    # A withdrawal row of a consent import (its `Consent.import_key` is the grant's): the same file
    # run again finds it here and records it once. Not a unique constraint: PostgreSQL's partitioned
    # events table takes none without `at`; a consent is withdrawn once, under its customer's lock.
    import_key = models.CharField(max_length=64, null=True, blank=True, editable=False)  # noqa: DJ001
    # The customer's representative (power of attorney, court-appointed guardian) who gave or asked it.
    representative = models.ForeignKey(
        "subjects.Representative", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A withdrawal imported from another controller's records: the bank it was given to and the version of
    # its notice (`consents.services.who_answered.collected_by_data`); null: given to this bank.
    collected_by = models.JSONField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("consent event")
        ordering = ["at"]
        indexes = [
            models.Index(fields=["subject", "at"], name="consent_event_subject_at"),
            # The consent report reads a month of events (consents.selectors.report).
            models.Index(fields=["at"], name="consent_event_at"),
            models.Index(
                fields=["import_key"],
                condition=models.Q(import_key__isnull=False),
                name="consent_event_import_key",
            ),
        ]

    def __str__(self) -> str:
        return f"ConsentEvent {self.pk} {self.kind}"

    @property
    def is_answer(self) -> bool:
        """The customer's answer itself (a grant or a refusal, the record's first event): the consent's
        channel, evidence and guardian are its own. Any later event has its own."""
        return self.kind in (ConsentStatus.GRANTED, ConsentStatus.REFUSED)

    @property
    def evidence_shown(self) -> str:
        """The proof this event carries: the answer's is the consent's; a later event's only its own,
        never the grant's, which proves another act (a phone withdrawal is no paper form)."""
        return self.evidence or (self.consent.evidence if self.is_answer else "")

    @property
    def reason_erased(self) -> bool:
        """The reason was the customer's words, erased by their deletion request: the one change an event
        ever takes (docs/consents.md, "Receipts"), shown as erased on its receipt."""
        return self.reason == REASON_ERASED

    @property
    def reason_shown(self) -> str:
        """The reason as a person reads it: a void's code by its label, an erased one as the sentence
        (`core.erased`), any other as it was written."""
        if self.kind == ConsentStatus.VOIDED and self.reason in VoidReason.values:
            return str(VoidReason(self.reason).label)
        return erased_words_shown(self.reason)


class ConsentState(StatefulModel):
    """The current answer per subject and purpose: what the consent check reads, one row, no joins."""

    subject = models.ForeignKey("subjects.DataSubject", on_delete=models.CASCADE, related_name="+")
    purpose = models.ForeignKey(Purpose, on_delete=models.CASCADE, related_name="+")
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=ConsentStatus.choices)
    notice = models.ForeignKey(NoticeVersion, on_delete=models.PROTECT, related_name="+")
    expires_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subject", "purpose"], name="consent_state_per_subject_purpose"),
        ]
        # A campaign's changes since it checked its list (`consent_check_changes`): the rows of one
        # purpose rewritten since, and those whose term ran out since.
        indexes = [
            models.Index(fields=["purpose", "updated_at"], name="consent_state_changed"),
            models.Index(fields=["purpose", "expires_at"], name="consent_state_expiry"),
        ]


class ProcessingRestriction(models.Model):
    """A restriction, objection or legal hold (from a data-subject request) that stops processing while
    in force, for the purposes `consents.restrictions.restriction_reaches` says it reaches."""

    class Kind(models.TextChoices):
        RESTRICT = "restrict", _("Restriction of processing")
        OBJECT = "object", _("Objection to processing")
        # Data a deletion request could not erase because a law keeps it (dsr places it).
        LEGAL_HOLD = "legal_hold", _("Legal hold: kept only for the legal obligation")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject = models.ForeignKey("subjects.DataSubject", on_delete=models.PROTECT, related_name="restrictions")
    # Null covers every purpose the kind can reach.
    purpose = models.ForeignKey(Purpose, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # Opaque to consents (e.g. "dsr.request:<uuid>"): consents never imports whoever applied it.
    source = models.CharField(max_length=100, db_index=True)
    reason = models.CharField(max_length=500, blank=True)
    started_at = models.DateTimeField()
    lifted_at = models.DateTimeField(null=True, blank=True)
    applied_by_label = models.CharField(max_length=150)

    class Meta:
        verbose_name = _("processing restriction")
        ordering = ["-started_at"]
        indexes = [
            models.Index(
                fields=["subject"], condition=models.Q(lifted_at__isnull=True), name="restriction_in_force"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(lifted_at__isnull=True) | models.Q(lifted_at__gte=models.F("started_at")),
                name="restriction_lifted_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"ProcessingRestriction {self.pk} {self.kind}"


class ConsentImport(models.Model):
    """One run of the CSV import: its counts and the rows it refused, with line numbers and reasons."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    filename = models.CharField(max_length=255)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    actor_label = models.CharField(max_length=150)
    rows = models.PositiveIntegerField(default=0)
    # Rows recorded: `imported` grants and `refusals_recorded` refusals (a customer's "no" on a form);
    # `refused` counts the rows the import turned down, listed in `errors`.
    imported = models.PositiveIntegerField(default=0)
    refusals_recorded = models.PositiveIntegerField(default=0)
    # Withdrawals from a legacy file: each ends a consent given before it (`outcome` withdrawn / rút).
    withdrawals_recorded = models.PositiveIntegerField(default=0)
    already_imported = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    # [{"line": 12, "reason": "..."}], capped so a wrong file cannot bloat the row.
    errors = models.JSONField(default=list)
    # [{"line": 12, "note": "..."}]: rows imported with something the importer should know (a guardian's
    # consent the child had outgrown by the import, recorded as ended), capped as `errors` is.
    notes = models.JSONField(default=list)
    # The background job that runs it (none for a run made in-process, e.g. `?wait=true`).
    job = models.OneToOneField(
        "integrations.BackgroundJob", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="consent_import",
    )

    class Meta:
        verbose_name = _("consent import")
        ordering = ["-started_at"]
        permissions = [("import_consents", _("Can import consents from CSV"))]

    def __str__(self) -> str:
        return f"ConsentImport {self.pk}"
