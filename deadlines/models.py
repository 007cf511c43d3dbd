"""The deadline policy table, the working-day calendar and the clocks' ledger (reminders, breaches).

Both the consents area (the 72-hour withdrawal duty) and the requests area need them, which is why
they sit in a layer below both. Tables keep their original `core_` names.
"""
from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class RequestType(models.TextChoices):
    """The rights a data subject exercises (Law 91/2025/QH15 Art. 4; Decree 13/2023 Art. 9)."""

    ACCESS = "access", _("Access to personal data")
    COPY = "copy", _("Copy of personal data")
    RECTIFY = "rectify", _("Rectification")
    DELETE = "delete", _("Deletion")
    RESTRICT = "restrict", _("Restriction of processing")
    OBJECT = "object", _("Objection to processing")
    WITHDRAW = "withdraw", _("Withdrawal of consent")
    COMPLAINT = "complaint", _("Complaint or protective measures")


class FilingType(models.TextChoices):
    """The bank's own filings with the authority that the deadline policy times."""

    # Law 91/2025/QH15 Art. 23: notify A05 of a personal-data breach within 72 hours.
    BREACH_NOTIFICATION = "breach_notification", _("Breach notification to the authority (A05)")
    # Law 91/2025/QH15 Arts. 20-21: file the impact assessment within 60 days.
    IMPACT_ASSESSMENT = "impact_assessment", _("Impact-assessment filing")


# Every clock the deadline policy times: the data-subject request types (members, values and labels
# of `RequestType`) and the filings (`FilingType`). Only the policy table and the deadline reports use
# it; customers file `RequestType`s alone.
DeadlineType = models.TextChoices(
    "DeadlineType",
    [(member.name, (member.value, member.label)) for member in (*RequestType, *FilingType)],
    module=__name__,
)


class DeadlineRegime(models.TextChoices):
    BANK = "bank", _("Bank policy (committed deadline)")
    VN_LAW_91 = "vn_law91", _("Vietnam: Law 91/2025/QH15 and Decree 356/2025")
    VN_DECREE_13 = "vn_decree13", _("Vietnam: Decree 13/2023/ND-CP")
    EU_GDPR = "eu_gdpr", _("European Union: GDPR")
    CN_PIPL = "cn_pipl", _("China: PIPL and PBOC guidance")


# Vietnam's own laws. Where another regime's deadline falls at the same moment, the statutory deadline
# is credited to them: the bank answers to a Vietnamese inspector first.
VIETNAMESE_LAWS = frozenset({DeadlineRegime.VN_LAW_91, DeadlineRegime.VN_DECREE_13})
# Vietnam's statutory clocks never stand still while the bank waits for the customer: Law 91 / Decree 356
# have a one-time extension and no pause, and Decree 13's periods run from receipt without one.
NO_PAUSE_REGIMES = VIETNAMESE_LAWS
# The regimes the working-day calendar (`CalendarDay`: Vietnam's public holidays) counts working days
# for: the bank's own and Vietnam's laws. Another country's law does not skip Tết.
VIETNAMESE_CALENDAR_REGIMES = frozenset({DeadlineRegime.BANK, *VIETNAMESE_LAWS})


class ClockStart(models.TextChoices):
    """When a policy row's clock starts. Every clock starts when the work is received (a request) or
    its duty arises (a breach detected, a processing started), except where the law counts from an
    earlier event: Decree 13/2023 Art. 23 gives 72 hours from the violation itself ("chậm nhất 72
    giờ sau khi xảy ra hành vi vi phạm"), Law 91/2025 Art. 23 72 hours from its detection."""

    RECEIVED = "received", _("on receipt (a breach: when detected)")
    OCCURRED = "occurred", _("when the breach occurred (the violation)")


# The clocks whose work has an event before it reaches the bank, a row may count from
# (`ClockStart.OCCURRED`): a breach occurs before it is detected. A data-subject request has none.
OCCURRENCE_TYPES = frozenset({FilingType.BREACH_NOTIFICATION.value})


class PeriodUnit(models.TextChoices):
    HOURS = "hours", _("calendar hours")
    DAYS = "days", _("calendar days")
    WORKING_DAYS = "working_days", _("working days")
    MONTHS = "months", _("calendar months")


# The most a foreign law gives, per (regime, request type: None for every type) and per unit a row of
# it may count in: (its own period, with the extension).
# GDPR Art. 12(3): one month, extended by at most two further months; in days the shortest month (28)
# and the shortest three (89: February to April). PIPL itself sets no day count (Art. 50: "timely"), so
# only PBOC's complaint row has a ceiling: a complaint answered in 15 days, 60 at most.
# A row longer than its law would time requests by a date that law's inspector holds late.
LEGAL_CEILINGS = {
    (DeadlineRegime.EU_GDPR, None): {
        PeriodUnit.MONTHS: (1, 3), PeriodUnit.DAYS: (28, 89), PeriodUnit.HOURS: (28 * 24, 89 * 24)
    },
    (DeadlineRegime.CN_PIPL, RequestType.COMPLAINT): {
        PeriodUnit.DAYS: (15, 60), PeriodUnit.HOURS: (15 * 24, 60 * 24)
    },
}

# Why a ceiling in this unit is shorter than the law's words: told to the DPO who typed a month as 30 days.
_GDPR_MONTH_IN_DAYS = _("Counted in days or hours, one month is the shortest month (28 days; three months, "
                        "89 days): to give a whole month, count this period in months.")
CEILING_EXPLANATIONS = {
    (DeadlineRegime.EU_GDPR, PeriodUnit.DAYS): _GDPR_MONTH_IN_DAYS,
    (DeadlineRegime.EU_GDPR, PeriodUnit.HOURS): _GDPR_MONTH_IN_DAYS,
}


def legal_ceilings_for(regime: str, request_type: str) -> dict[str, tuple[int, int]] | None:
    """The ceilings of `LEGAL_CEILINGS` a row of this regime and request type is held to, if any."""
    return LEGAL_CEILINGS.get((regime, request_type)) or LEGAL_CEILINGS.get((regime, None))

# The longest period a policy row takes, in each unit: a year. A longer one is a typing mistake, and
# one of billions of hours overflowed every deadline computed from the row.
# The shortest: a period of 0 puts the deadline at the moment of receipt.
PERIOD_MIN = 1
PERIOD_MAX = {
    PeriodUnit.HOURS: 24 * 366,
    PeriodUnit.DAYS: 366,
    PeriodUnit.WORKING_DAYS: 260,
    PeriodUnit.MONTHS: 12,
}


class DeadlinePolicy(models.Model):
    """One regime's clock for one request type, editable by the DPO.

    The `bank` regime gives the committed deadline (`due_at`); every other active regime in force on
    the day its clock starts is a statutory clock, and the earliest of them is the statutory deadline.
    A clock starts on receipt (or detection) unless `clock_start` says the law counts from the event
    itself (Decree 13: a breach's 72 hours from the violation); the row is in force by that day.
    An empty `period` means the regime sets no period for this type (e.g. Decree 13 for complaints).
    """

    regime = models.CharField(_("regime"), max_length=20, choices=DeadlineRegime.choices)
    request_type = models.CharField(_("request type"), max_length=20, choices=DeadlineType.choices)
    period = models.PositiveIntegerField(_("period"), null=True, blank=True)
    unit = models.CharField(_("unit"), max_length=16, choices=PeriodUnit.choices, default=PeriodUnit.DAYS)
    processor_period = models.PositiveIntegerField(
        _("period when a processor or third party is involved"), null=True, blank=True)
    acknowledge_period = models.PositiveIntegerField(_("acknowledgement period"), null=True, blank=True)
    acknowledge_unit = models.CharField(_("acknowledgement unit"), max_length=16, choices=PeriodUnit.choices,
                                        default=PeriodUnit.WORKING_DAYS)
    extension_period = models.PositiveIntegerField(
        _("extension (once, with a reason)"), null=True, blank=True
    )
    pausable = models.BooleanField(_("clock may pause while awaiting the customer"), default=True)
    clock_start = models.CharField(
        _("clock starts"), max_length=10, choices=ClockStart.choices, default=ClockStart.RECEIVED
    )
    effective_from = models.DateField(_("in force from"), null=True, blank=True)
    effective_to = models.DateField(_("in force until"), null=True, blank=True)
    active = models.BooleanField(_("applies to the bank's customers"), default=True)
    legal_reference = models.CharField(_("legal reference"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "core_deadlinepolicy"
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        ordering = ["regime", "request_type", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["regime", "request_type", "effective_from"],
                                    name="deadline_policy_once_per_regime_type_start"),
            models.CheckConstraint(
                condition=models.Q(effective_to__isnull=True) | models.Q(effective_from__isnull=True)
                | models.Q(effective_to__gte=models.F("effective_from")),
                name="deadline_policy_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return f"DeadlinePolicy {self.regime}/{self.request_type}"


class CalendarDay(models.Model):
    """An exception to the Monday–Friday working week: a public holiday (Tết, compensatory days off)
    or a weekend day officially made a working day (make-up Saturdays)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday or day off")
        WORKING = "working", _("Make-up working day")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.HOLIDAY)
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        db_table = "core_calendarday"
        verbose_name = _("calendar day")
        verbose_name_plural = _("working-day calendar")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"CalendarDay {self.date.isoformat()} {self.kind}"


# ---------------------------------------------------------------------------- deadline machinery
# Generic over every kind of clock (requests, withdrawal duties, and later breaches and impact
# assessments): an item is named by its source ("dsr.request"), its id as text and the clock
# ("due", "statutory"). See `core.clocks`.


class ReminderThreshold(models.Model):
    """How long before a deadline its owner is reminded; the DPO edits these rows.

    When no row is active the defaults of `deadlines.clocks.sweep.DEFAULT_THRESHOLD_HOURS` apply, so an empty
    table (a fresh install, a flushed test database) still reminds.
    """

    hours_before = models.PositiveIntegerField(_("hours before the deadline"), unique=True)
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "core_reminderthreshold"
        verbose_name = _("reminder threshold")
        verbose_name_plural = _("reminder thresholds")
        ordering = ["-hours_before"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours_before__gt=0), name="reminder_threshold_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"ReminderThreshold {self.hours_before}h"


class DeadlineReminder(models.Model):
    """The reminder ledger: one row per item, clock, threshold and deadline, written before the
    reminder is queued, so a second sweep (or a second worker) finds the row and sends nothing.

    The deadline is part of the key because a deadline that moves (pause, extension) is a new
    deadline its owner must be reminded of again.
    """

    source = models.CharField(max_length=40)
    item_id = models.CharField(max_length=64)
    clock = models.CharField(max_length=20)
    hours_before = models.PositiveIntegerField()
    due_at = models.DateTimeField()
    sent_at = models.DateTimeField()
    # The sweep that inserted the row (which sweep sent which reminder).
    sweep_run = models.UUIDField()

    class Meta:
        db_table = "core_deadlinereminder"
        verbose_name = _("deadline reminder")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "item_id", "clock", "hours_before", "due_at"], name="deadline_reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"DeadlineReminder {self.source}:{self.item_id} {self.clock} -{self.hours_before}h"


class DeadlineBreach(models.Model):
    """A deadline that passed while its item was still open: recorded once per item and clock,
    audited, and escalated to the DPO."""

    source = models.CharField(max_length=40)
    item_id = models.CharField(max_length=64)
    clock = models.CharField(max_length=20)
    due_at = models.DateTimeField()
    breached_at = models.DateTimeField(db_index=True)
    subject_id = models.UUIDField(null=True, blank=True)
    # A label without personal data ("Access request 1a2b3c4d"), for the DPO's e-mail and reports.
    label = models.CharField(max_length=150)
    sweep_run = models.UUIDField()

    class Meta:
        db_table = "core_deadlinebreach"
        verbose_name = _("deadline breach")
        verbose_name_plural = _("deadline breaches")
        ordering = ["-breached_at"]
        permissions = [
            ("view_deadline_report", _("Can see the deadline reports")),
            ("manage_schedules", _("Can change reminder thresholds and report schedules")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["source", "item_id", "clock"], name="deadline_breach_once"),
        ]

    def __str__(self) -> str:
        return f"DeadlineBreach {self.source}:{self.item_id} {self.clock}"
