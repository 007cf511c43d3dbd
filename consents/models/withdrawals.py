"""A recipient's duty after a change it must act on: to stop processing after a withdrawal or while a
restriction or objection is in force (called off if its request ends before it is confirmed), to
correct the customer's data after a rectification, or to delete it after the customer's erasure; and
the history of its moves."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from consents.models.catalogue import Purpose, Recipient
from consents.models.records import Consent
from core.states import StatefulModel, StatusChange


class WithdrawalDutyQuerySet(models.QuerySet):
    def stops(self) -> WithdrawalDutyQuerySet:
        """The duties to stop processing that withdrawals opened: a rectification's or an erasure's
        notices are no instruction to stop, and a restriction's stop ends no consent, so they count
        toward no withdrawal (`stops_of_any_cause` adds the restrictions' stops)."""
        return self.filter(kind=WithdrawalDuty.Kind.WITHDRAWAL)

    def stops_of_any_cause(self) -> WithdrawalDutyQuerySet:
        """Every duty to stop processing: a consent's end, a restriction or objection in force, and the
        bank's own narrowing or retiring of a consented purpose."""
        return self.filter(
            kind__in=(
                WithdrawalDuty.Kind.WITHDRAWAL,
                WithdrawalDuty.Kind.RESTRICTION,
                WithdrawalDuty.Kind.PURPOSE_CHANGE,
            )
        )


class WithdrawalDuty(StatefulModel):
    """A recipient's duty, due by the bank's committed deadline and closed by its acknowledgement: to stop
    processing after a withdrawal or a restriction, to correct the customer's data after a rectification,
    or to delete it after an erasure (`kind`). The consent is the one under which the recipient received
    the data."""

    class Status(models.TextChoices):
        OPEN = "open", pgettext_lazy("status", "Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        # A restriction's stop whose request ended (refused, cancelled) before the recipient confirmed:
        # nothing is to stop any more, so nothing is due (`request_duties.restriction_stops_call_off`).
        CALLED_OFF = "called_off", _("Called off (the stop no longer applies)")

    class Learnt(models.TextChoices):
        """How the recipient learnt of the duty, recorded when it confirmed (`duty_acknowledge`)."""

        NOTICE = "notice", _("Notice delivered")
        # Its notice was never delivered (none, waiting, parked): its own authenticated client read the
        # duty list and acknowledged, which is itself the proof it knew.
        API = "api", _("Learnt through the API")
        BY_HAND = "by_hand", _("Reached by hand")

    class NoticeWithheld(models.TextChoices):
        """Why a duty was opened without a notice (`duty_opening.duty_open`), recorded then: the
        recipient's set-up when the duty was opened, not as it stands when staff read it."""

        NO_ENDPOINT = "no_endpoint", _("No endpoint")
        RECIPIENT_INACTIVE = "recipient_inactive", _("Not sent: the bank no longer works with the recipient")
        ENDPOINT_OFF = "endpoint_off", _(
            "Not sent: its endpoint is switched off or does not take this notice"
        )
        PURPOSE_NOT_SERVED = "purpose_not_served", _(
            "Withheld: the recipient's integration client does not serve this purpose"
        )

    class ConfirmedThrough(models.TextChoices):
        RECIPIENT_API = "recipient_api", _("The recipient's own API client")
        STAFF = "staff", _("Recorded by staff")

    class Kind(models.TextChoices):
        WITHDRAWAL = "withdrawal", _("Stop processing (withdrawal)")
        RECTIFICATION = "rectification", _("Correct the data (rectification)")
        RESTRICTION = "restriction", _("Stop processing (restriction or objection)")
        ERASURE = "erasure", _("Delete the data (erasure)")
        # The bank removed the recipient from a consented purpose, or retired the purpose: the consent
        # stands, but this recipient may no longer process under it (`consents.services.scope_stops`).
        PURPOSE_CHANGE = "purpose_change", _("Stop processing (purpose narrowed or retired)")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.WITHDRAWAL)
    # A rectification's corrected fields, by name: a notice never carries the values.
    fields = models.JSONField(default=list, blank=True)
    consent = models.ForeignKey(
        Consent, null=True, blank=True, on_delete=models.PROTECT, related_name="duties"
    )
    # A rectification's notice to a recipient of a purpose that rests on no consent (a contract's
    # processor, a legal obligation's credit bureau): no consent, the purpose the data was shared for.
    purpose = models.ForeignKey(Purpose, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    subject = models.ForeignKey("subjects.DataSubject", on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="duties")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    # What a rectification's, a restriction's or an erasure's notice was sent for, opaque here: the
    # request's "dsr.request:<uuid>" (`dsr.sources`), by which the request's page finds its notices;
    # empty for a correction made outside a request, and for a withdrawal's stop (its consent's event
    # records that).
    source = models.CharField(max_length=100, blank=True)
    received_at = models.DateTimeField()
    due_at = models.DateTimeField()
    notice_message_id = models.UUIDField(null=True, blank=True)
    # Blank when a notice was queued, and for the duties opened before the reason was recorded.
    notice_withheld = models.CharField(max_length=24, choices=NoticeWithheld.choices, blank=True)
    # When its notice reached the recipient's endpoint, copied in the delivery's transaction while the
    # duty is open (`consents.services.duty_evidence`): the outbox keeps no audit of deliveries, and a
    # notice delivered after the recipient confirmed did not tell it.
    told_at = models.DateTimeField(null=True, blank=True)
    # When the recipient itself was reminded of the duty still open as its deadline neared, once
    # (`consents.services.duty_reminders`); null while it was not.
    reminded_at = models.DateTimeField(null=True, blank=True)
    # How the reminder went ("email", "webhook"); empty when none of the recipient's ways took it then.
    reminder_channels = models.JSONField(default=list, blank=True)
    learnt_how = models.CharField(max_length=16, choices=Learnt.choices, blank=True)
    confirmed_through = models.CharField(max_length=16, choices=ConfirmedThrough.choices, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    called_off_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by_label = models.CharField(max_length=150, blank=True)
    acknowledgement_note = models.CharField(max_length=500, blank=True)
    # The recipient's own reference for its confirmation (a letter's or ticket's number), checked to hold
    # no personal data (`duty_evidence.duty_reference_checked`): kept after the customer's erasure, which
    # erases the note, as the proof that the recipient confirmed.
    acknowledgement_reference = models.CharField(max_length=64, blank=True)
    # Why the recipient confirmed after `due_at`, recorded by staff (`duty_late_reason_record`): the
    # inspector's "who missed the 72 hours, and why". Blank on a late duty reads "no reason recorded".
    late_reason = models.CharField(max_length=500, blank=True)

    objects = WithdrawalDutyQuerySet.as_manager()

    class Meta:
        verbose_name = _("withdrawal duty")
        verbose_name_plural = _("withdrawal duties")
        ordering = ["due_at"]
        permissions = [("acknowledge_withdrawalduty", _("Can acknowledge a recipient's withdrawal duty"))]
        constraints = [
            # Each rectification tells the recipient anew, so only the withdrawal's duty is one per recipient.
            models.UniqueConstraint(
                fields=["consent", "recipient"],
                condition=models.Q(status="open", kind="withdrawal"),
                name="one_open_duty_per_withdrawal_recipient",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open")
                | models.Q(acknowledged_at__isnull=False)
                | models.Q(status="called_off", called_off_at__isnull=False),
                name="duty_closed_has_time",
            ),
            # A withdrawal's stop ends a consent; a correction, a restriction's stop or an erasure reaches
            # the recipient through a consent, or through a purpose resting on none (a contract's
            # processor).
            models.CheckConstraint(
                condition=models.Q(consent__isnull=False)
                | models.Q(kind__in=["rectification", "restriction", "erasure"], purpose__isnull=False),
                name="duty_consent_or_purpose_shared",
            ),
        ]
        indexes = [
            # A delivered notice finds its duty (`duty_notice_delivered`, on every webhook delivered).
            models.Index(
                fields=["notice_message_id"],
                condition=models.Q(notice_message_id__isnull=False),
                name="duty_notice_message",
            ),
            models.Index(fields=["due_at"], condition=models.Q(status="open"), name="duty_open_due"),
            # The duty list (API and page), the first due first (`consents.selectors.withdrawal_duties`).
            models.Index(fields=["due_at", "id"], name="duty_due"),
            # The page's latest acknowledged duties, under the open ones.
            models.Index(
                fields=["-acknowledged_at", "due_at", "id"],
                condition=models.Q(status="acknowledged"),
                name="duty_acknowledged_latest",
            ),
        ]

    def late(self, now: datetime) -> bool:
        """Acknowledged after its due time, or still open past it at `now`; a stop called off was due no
        more."""
        if self.status == self.Status.CALLED_OFF:
            return False
        return (self.acknowledged_at or now) > self.due_at

    @property
    def notice_withheld_or_none(self) -> str | None:
        return self.notice_withheld or None

    @property
    def late_reason_or_none(self) -> str | None:
        return self.late_reason or None

    @property
    def purpose_shared(self) -> Purpose | None:
        """The purpose the recipient received the data for: its consent's, else the duty's own."""
        return self.consent.purpose if self.consent_id else self.purpose


class WithdrawalDutyStatusChange(StatusChange):
    """One move of a withdrawal duty along `consents.states.DUTY_MACHINE`, written by `duty_transition`."""

    duty = models.ForeignKey(WithdrawalDuty, on_delete=models.PROTECT, related_name="status_changes")

    class Meta(StatusChange.Meta):
        verbose_name = _("withdrawal duty status change")


class PurposeChangeStops(models.Model):
    """A change of a consented purpose that ends what its consents let some recipients do (a version that
    no longer names them, the purpose retired), recorded in the transaction of the change. Its job
    (`consents.services.scope_stops`) opens the recipients' duties under each live consent in bounded
    batches; each duty's clock runs from `effective_at`, when the change took effect, not from the batch."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    purpose = models.ForeignKey(Purpose, on_delete=models.PROTECT, related_name="+")
    # `consents.selectors.withdrawals.CAUSE_RECIPIENT_REMOVED`, `CAUSE_PURPOSE_RETIRED` or
    # `CAUSE_PURPOSE_WIDENED`.
    cause = models.CharField(max_length=30)
    recipients = models.ManyToManyField(Recipient, related_name="+")
    effective_at = models.DateTimeField()
    job = models.OneToOneField(
        "integrations.BackgroundJob", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("purpose change telling recipients to stop")

    def __str__(self) -> str:
        return f"PurposeChangeStops {self.pk} {self.cause}"
