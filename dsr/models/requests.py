"""A data-subject request, its two clocks, its status history and its clock events."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, When
from django.db.models.functions import Coalesce, Least
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from encrypted_model_fields.fields import EncryptedCharField, EncryptedTextField

# Requests come in through the same channels as consents (dsr may import consents, never the reverse).
from consents.models import Channel
from core.actors import ActorKind
from deadlines.models import DeadlineRegime, RequestType
from deadlines.policy import LOCAL_TZ, binding_deadline
from dsr.states import OPEN, OutcomeReason, RequestStatus, customer_reason_label, customer_status_label
from subjects.models import DataSubject, Representative


class IdentityMethod(models.TextChoices):
    BRANCH_DOCUMENTS = "branch_documents", _("Identity document checked against the customer record")
    OTP_PHONE = "otp_phone", _("One-time code sent to the registered phone")
    EKYC = "ekyc", _("eKYC reference")
    SELF_SERVICE = "self_service", _("Signed in to self-service (new contact confirmed by a code)")


# What staff and integration clients may record: a signed-in customer's own code is the platform's to record.
STAFF_IDENTITY_METHODS = [c for c in IdentityMethod.choices if c[0] != IdentityMethod.SELF_SERVICE]
# What a signed-in customer's own check may be: the code sent to the phone on record, typed on their request's
# page, or their own confirmed code (self-service); never an eKYC reference or a document they vouch for.
CUSTOMER_IDENTITY_METHODS = (IdentityMethod.OTP_PHONE, IdentityMethod.SELF_SERVICE)


# Which request types carry which details: the intake service refuses the others, the forms show only these.
PURPOSE_TYPES = (RequestType.RESTRICT, RequestType.OBJECT, RequestType.WITHDRAW)
CORRECTION_TYPES = (RequestType.RECTIFY,)


class IdentityDocument(models.TextChoices):
    """Documents whose number the customer record holds, so the check compares the two."""

    CCCD = "cccd", _("Citizen ID card (CCCD)")
    CMND_12 = "cmnd12", _("Old identity card (CMND, 12 digits)")
    PASSPORT = "passport", _("Passport")


# The binding deadline in SQL, as `DataSubjectRequest.answer_by`: the earlier of the bank's and the law's.
ANSWER_BY = Least(F("due_at"), Coalesce(F("statutory_due_at"), F("due_at")))
# Closed after the binding deadline, in SQL as `DataSubjectRequest.closed_late` reads it: the queue's late
# filter, its CSV and the reports. No pause enters it: closing ends any pause first (`request_transition`).
CLOSED_LATE_Q = Q(closed_at__gt=ANSWER_BY)
# The closed requests the on-time figures count, as `DataSubjectRequest.closed_late` reads them: every answer,
# and a cancellation that came after the binding deadline had passed (the breach happened; cancelling does not
# undo it). A request cancelled in time was not answered and counts for no rate.
COUNTED_FOR_RATES = ~Q(status=RequestStatus.CANCELLED) | CLOSED_LATE_Q


# The bank's clock standing still, in SQL as `DataSubjectRequest.bank_clock_stopped()` reads it at no given
# moment: awaiting the customer since before the bank's deadline (a null pause compares as not stopped).
BANK_CLOCK_STOPPED_Q = Q(paused_at__lt=F("due_at"))


def binding_due_at() -> Case:
    """The date that binds an open request and its row shows, as a database expression: what
    `DataSubjectRequest.answer_by` reads, the earlier of the bank's deadline and the statutory one, the
    statutory one alone while the bank's clock stands still (`BANK_CLOCK_STOPPED_Q`); null once the
    request is closed, as no deadline is left to meet. The staff queue's first key, and its index's
    (`dsr_queue_by_answer`)."""
    is_open = Q(status__in=sorted(OPEN))
    return Case(
        When(is_open & BANK_CLOCK_STOPPED_Q, then=F("statutory_due_at")),
        When(is_open, then=ANSWER_BY),
        default=None,
    )


class DataSubjectRequest(models.Model):
    """A customer's rights request from intake to a provable answer.

    Status moves only through `dsr.services.requests.request_transition`. `due_at` is the bank's
    committed deadline and `statutory_due_at` the applicable law's; both come from `deadlines.policy`
    as in force at receipt (`deadline_policy`) and move only when the clock resumes, is extended, a
    processor must act or the working-day calendar changes (each a `RequestClockEvent`), never earlier.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject = models.ForeignKey(
        DataSubject, verbose_name=_("customer"), on_delete=models.PROTECT, related_name="requests"
    )
    type = models.CharField(_("type"), max_length=20, choices=RequestType.choices)
    status = models.CharField(
        _("status"), max_length=24, choices=RequestStatus.choices, default=RequestStatus.RECEIVED
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    # Free text written by or for the customer: may hold personal data, so encrypted.
    details = EncryptedTextField(_("details"), blank=True)
    # Rectification only: the corrected values, as JSON, encrypted.
    corrections = EncryptedTextField(_("corrected values"), blank=True)
    # A guardian exercising a child's rights (Law 91 Art. 4; their authority is checked on the subject).
    guardian = models.ForeignKey(
        DataSubject,
        verbose_name=_("acting guardian"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests_as_guardian",
    )
    # An adult acting for an adult customer on a recorded authority covering requests.
    representative = models.ForeignKey(
        Representative, verbose_name=_("acting representative"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="requests",
    )
    # Restriction, objection and withdrawal: the purpose codes the customer names (empty: all of them).
    purposes = models.JSONField(_("purposes"), default=list, blank=True)
    processor_involved = models.BooleanField(_("a processor or third party must act"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_requests",
    )

    received_at = models.DateTimeField(_("received at"))
    # A request a transferred portfolio brought over: the bank that received it (blank: this bank).
    received_by = models.CharField(_("received by"), max_length=150, blank=True, default="")
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    due_at = models.DateTimeField(_("bank deadline"))
    acknowledge_by = models.DateTimeField(_("acknowledge by"), null=True, blank=True)
    statutory_due_at = models.DateTimeField(_("statutory deadline"), null=True, blank=True)
    statutory_regime = models.CharField(
        _("statutory regime"), max_length=20, choices=DeadlineRegime.choices, blank=True
    )
    pausable = models.BooleanField(default=True)
    # The deadline policy rows in force when the request was received, as they then stood
    # (`deadlines.policy.policy_snapshot`): a pause, the extension or a processor recompute the clocks
    # from these, so a later edit of the table applies to later requests only.
    deadline_policy = models.JSONField(default=list, blank=True, editable=False)
    paused_at = models.DateTimeField(null=True, blank=True)
    # The whole time spent awaiting the customer, and what of it moves each clock: the pauses begun before
    # that clock's deadline (one run out stood still for none; `dsr.services.base.clocks_resume`).
    paused_seconds = models.PositiveIntegerField(default=0)
    bank_paused_seconds = models.PositiveIntegerField(default=0)
    statutory_paused_seconds = models.PositiveIntegerField(default=0)
    extended_at = models.DateTimeField(null=True, blank=True)
    # A request a transferred portfolio brought over whose one extension the other bank already used: the
    # day it extended it to (`received_by`), its reason in `extension_note`. Law 91 allows one extension.
    extended_elsewhere_until = models.DateField(_("extended by the other bank until"), null=True, blank=True)
    # Why the deadline was extended; the customer is told (Decree 356). May quote the customer: encrypted.
    extension_note = EncryptedTextField(_("reason for the extension"), blank=True)

    identity_method = models.CharField(
        _("identity verified by"), max_length=20, choices=IdentityMethod.choices, blank=True
    )
    identity_reference = EncryptedCharField(_("verification reference"), max_length=100, blank=True)
    identity_verified_at = models.DateTimeField(_("identity verified at"), null=True, blank=True)
    # A withdrawal takes effect once the requester is verified, not when the request is closed.
    withdrawal_applied_at = models.DateTimeField(_("withdrawal in force since"), null=True, blank=True)
    # What was checked, shown on the request page: the document type and its number masked (last 3).
    identity_document_type = models.CharField(
        _("document checked"), max_length=10, choices=IdentityDocument.choices, blank=True
    )
    identity_document_masked = models.CharField(_("document number (masked)"), max_length=20, blank=True)
    # Verified by a document though not received at a branch: where the original was seen, and by whom.
    identity_seen_at_branch = models.CharField(
        _("original document seen at (branch, staff)"), max_length=100, blank=True
    )
    # The one-time code sent to the registered phone: only its keyed hash, with expiry. The wrong codes
    # count for the request, across resends; the codes sent in the last hour are read from the audit trail.
    identity_otp_hash = models.CharField(max_length=64, blank=True, editable=False)
    identity_otp_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    identity_otp_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    # When the check the requester started by a code and left unfinished lapsed, the latest lapse
    # (`dsr.services.identity_lapse`); a code sent after it starts a new check.
    identity_check_lapsed_at = models.DateTimeField(null=True, blank=True, editable=False)
    identity_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # Deletion (four eyes): the second responsible person who approved it; another one completes it.
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("deletion approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("deletion approved at"), null=True, blank=True)

    outcome_reason = models.CharField(
        _("legal reason"), max_length=24, choices=OutcomeReason.choices, blank=True
    )
    # The answer the customer reads (a complaint's answer, what was refused and why).
    outcome_note = EncryptedTextField(_("answer to the customer"), blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    # The customer's deletion whose erasure of the platform's copies spared this request because it was
    # still open (an open request must stay answerable): its copies go when it closes
    # (`dsr.services.erasure.spared_request_copies_erase`).
    copies_spared_by = models.ForeignKey(
        "self",
        verbose_name=_("copies kept until closed for the deletion"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The customer's open request this one asks again for (same type, same ask), taken in beside it: the API
    # records every repeat, staff one they confirm (`dsr.services.repeats`); reports and staff see the two.
    repeat_of = models.ForeignKey(
        "self", verbose_name=_("repeats"), null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="repeats",
    )
    # The answered request a complaint challenges (its page's "Send a complaint"), shown beside it to staff.
    challenges = models.ForeignKey(
        "self", verbose_name=_("challenges"), null=True, blank=True, editable=False,
        on_delete=models.SET_NULL, related_name="challenged_by",
    )
    # Why the request went past its binding deadline (staff's words, which may name the customer's data;
    # required to close it late).
    overdue_reason = EncryptedTextField(_("reason for the delay"), blank=True)
    overdue_reason_at = models.DateTimeField(null=True, blank=True)
    # Set once every deadline the closing missed is in the breach register; until then the sweep records them.
    missed_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("data-subject request")
        verbose_name_plural = _("data-subject requests")
        ordering = ["-received_at"]
        permissions = [
            ("work_request", _("Can work on data-subject requests")),
            ("approve_deletion", _("Can approve the deletion of personal data")),
        ]
        indexes = [
            # The staff queue and the deadline sweeps read only open requests, ordered by deadline: a
            # partial index keeps that read small while closed requests pile up by the million.
            models.Index(
                fields=["due_at"], condition=models.Q(status__in=sorted(OPEN)), name="dsr_open_by_due"
            ),
            # The deadline sweeper reads the statutory clock of open requests the same way.
            models.Index(
                fields=["statutory_due_at"],
                condition=models.Q(status__in=sorted(OPEN)),
                name="dsr_open_by_statutory_due",
            ),
            # The acknowledgement clock reads only requests not yet acknowledged.
            models.Index(
                fields=["acknowledge_by"],
                condition=models.Q(status__in=sorted(OPEN), acknowledged_at__isnull=True),
                name="dsr_open_by_acknowledge",
            ),
            models.Index(fields=["subject", "-received_at"], name="dsr_by_subject"),
            models.Index(
                fields=["assignee", "due_at"],
                condition=models.Q(status__in=sorted(OPEN)),
                name="dsr_open_by_assignee",
            ),
            # The staff queue and the API list in their order (`dsr.selectors.request_queue`): open requests
            # by binding date, then closed ones newest first. The planner uses it only for the very same
            # expression, so both read `binding_due_at`. Ascending puts its nulls (the closed requests)
            # last on PostgreSQL, as the queue asks; SQLite refuses NULLS LAST in an index.
            models.Index(binding_due_at(), F("received_at").desc(), F("id"), name="dsr_queue_by_answer"),
            # Requests closed in a period, the latest first: the queue's closed filters, the dashboard's
            # on-time trend and the reports, which would otherwise read every request ever closed.
            models.Index(
                fields=["-closed_at", "id"], condition=models.Q(closed_at__isnull=False), name="dsr_closed"
            ),
            # The deadline report's requests acknowledged in its period: one branch of the OR (open now,
            # closed or acknowledged in the period) its grouped queries read; a branch with no index makes
            # PostgreSQL read every request instead of combining the three indexes (a BitmapOr).
            models.Index(
                fields=["acknowledged_at"],
                condition=models.Q(acknowledged_at__isnull=False),
                name="dsr_acknowledged",
            ),
            # Closings whose missed deadlines a sweep may still have to record (`dsr.clock_sources`).
            models.Index(fields=["closed_at"], condition=models.Q(closed_at__isnull=False,
                         missed_recorded_at__isnull=True), name="dsr_closed_unrecorded"),
            # The requests still keeping an identity code's hash, which the nightly purge empties once the
            # code expired (`dsr.services.identity_codes`): a few among every request ever received.
            models.Index(
                fields=["identity_otp_expires_at"], condition=~models.Q(identity_otp_hash=""),
                name="dsr_identity_code_kept",
            ),
            # The open requests still awaiting an identity a code was sent for, which the hourly lapse reads
            # by the code's expiry (`dsr.services.identity_lapse`) once the purge above emptied their hash.
            models.Index(
                fields=["identity_otp_expires_at"],
                condition=models.Q(status__in=sorted(OPEN), identity_verified_at__isnull=True,
                                   identity_otp_expires_at__isnull=False),
                name="dsr_identity_check_awaited",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status__in=["rejected", "partially_completed"])
                | ~models.Q(outcome_reason=""),
                name="dsr_refusal_has_reason",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["in_progress", "completed", "partially_completed"])
                | models.Q(identity_verified_at__isnull=False),
                name="dsr_fulfilment_needs_identity",
            ),
        ]

    def __str__(self) -> str:
        return f"DataSubjectRequest {self.pk} {self.type} {self.status}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    @property
    def outcome_reason_for_customer(self) -> str:
        return customer_reason_label(self.outcome_reason)

    @property
    def status_for_customer(self) -> str:
        if self.status != RequestStatus.CANCELLED:
            return customer_status_label(self.status)
        # Read from the status history, so a page that prefetched it (`requests_listed_for_customer`, the
        # customer's request page) asks the database nothing more per cancelled request.
        cancelled_by = next(
            (c.actor_kind for c in self.status_changes.all() if c.new_status == RequestStatus.CANCELLED), None
        )
        return customer_status_label(self.status, by_customer=cancelled_by == ActorKind.CUSTOMER)

    @property
    def reference(self) -> str:
        """The one reference of the request, on the receipt, in every message and on every page."""
        return request_reference(self.pk, self.received_at)

    @property
    def closed_late(self) -> bool:
        """Closed after the binding deadline, the date the customer was told: answered late, or cancelled
        once it had passed (`COUNTED_FOR_RATES`, as in the reports). `CLOSED_LATE_Q` in SQL: the earlier of
        both deadlines as stored, no pause (closing ended it), not `answer_by`'s reading of a paused clock."""
        if self.closed_at is None:
            return False
        return self.closed_at > binding_deadline(self.due_at, self.statutory_due_at)

    def is_overdue(self, now) -> bool:
        """Past the binding deadline: open after it (as `dsr.selectors.overdue_q`), or closed after it."""
        if self.closed_at is not None:
            return self.closed_late
        binding = self._binding_deadline(at=now)
        return binding is not None and now > binding

    def extension_used(self) -> bool:
        """The law's one extension is used: by this bank, or by the other bank before a transfer."""
        return self.extended_at is not None or self.extended_elsewhere_until is not None

    def bank_clock_stopped(self, at=None) -> bool:
        """The bank's clock stood still at `at` (now when omitted): awaiting the customer since before its
        deadline (one paused later stays passed), as `dsr.selectors.clock_running_q("due", at)`, and with
        no `at` as `BANK_CLOCK_STOPPED_Q` (the queue's order, `binding_due_at`)."""
        paused = self.paused_at
        return paused is not None and paused < self.due_at and (at is None or paused <= at)

    @property
    def answer_by(self):
        """The date that binds and customers are told: the earlier of the bank's and the law's deadlines; the
        law's alone while the bank's clock stands still (Law 91 has no pause); None while every clock does."""
        return self._binding_deadline()

    def _binding_deadline(self, at=None):
        if self.bank_clock_stopped(at):
            return self.statutory_due_at
        return binding_deadline(self.due_at, self.statutory_due_at)


# The request reference: prefix, receipt day in Hà Nội time, first hex digits of the id.
REFERENCE_PREFIX = "YC"
REFERENCE_HEX_DIGITS = 6


def request_reference(pk: uuid.UUID, received_at) -> str:
    """The number the customer is given to quote, and staff find the request by: the local receipt
    date and the first six hex digits of the id (no personal data), e.g. YC-260315-3F9A1C. The
    same whatever the reader's time zone or language. `dsr.selectors.requests_by_reference` reads it."""
    if received_at is None or pk is None:
        return ""
    local = timezone.localtime(received_at, LOCAL_TZ)
    return f"{REFERENCE_PREFIX}-{local:%y%m%d}-{pk.hex[:REFERENCE_HEX_DIGITS].upper()}"
