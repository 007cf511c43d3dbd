"""The catalogue the bank publishes: recipients, purposes, their notice versions and the announcement
of a new version to the customers who consented to an older one."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Language
from core.labels import in_reader_language, text_in_reader_language
from core.states import StatefulModel, StatusChange


class LegalBasis(models.TextChoices):
    CONSENT = "consent", _("Consent")
    CONTRACT = "contract", _("Contract")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation")
    VITAL_INTEREST = "vital_interest", _("Vital interest or emergency")
    PUBLIC_AUTHORITY = "public_authority", _("Public authority")
    PUBLIC_INTEREST = "public_interest", _("Public interest")


class DataCategory(models.TextChoices):
    """Kinds of personal data a purpose processes. The sensitive ones are those of Law 91/2025/QH15
    and Decree 356/2025 (carried over from Decree 13/2023 Art. 2.4), including the customer
    information a credit institution holds."""

    IDENTITY = "identity", _("Identity (name, date of birth, identity document)")
    CONTACT = "contact", _("Contact details")
    APP_USAGE = "app_usage", _("Use of the bank's app and website")
    PREFERENCES = "preferences", _("Preferences and interests")
    POLITICAL_RELIGIOUS = "political_religious", _("Political or religious views")
    HEALTH = "health", _("Health")
    ETHNICITY = "ethnicity", _("Race or ethnic origin")
    GENETIC = "genetic", _("Genetic data")
    BIOMETRIC = "biometric", _("Biometric data and physical traits")
    SEX_LIFE = "sex_life", _("Sex life or sexual orientation")
    CRIMINAL = "criminal", _("Criminal records")
    LOCATION = "location", _("Location")
    CREDIT_CUSTOMER = "credit_customer", _(
        "Customer information held by a credit institution (identification, accounts, deposits, "
        "transactions)"
    )


# Identity is here because every customer of this platform is a credit institution's: Decree 13/2023
# Art. 2.4 counts a credit institution's customer identification among the customer information that is
# sensitive (carried into Law 91/2025).
SENSITIVE_DATA_CATEGORIES = frozenset(
    {
        DataCategory.IDENTITY,
        DataCategory.POLITICAL_RELIGIOUS,
        DataCategory.HEALTH,
        DataCategory.ETHNICITY,
        DataCategory.GENETIC,
        DataCategory.BIOMETRIC,
        DataCategory.SEX_LIFE,
        DataCategory.CRIMINAL,
        DataCategory.LOCATION,
        DataCategory.CREDIT_CUSTOMER,
    }
)


class TransferExemption(models.TextChoices):
    """The cases where data may go abroad or to a third party without the customer's consent
    (Decree 13/2023 Art. 17, processing without consent, carried into Law 91/2025; Decree 117/2018
    Art. 11 for a credit institution's disclosures the law requires)."""

    LEGAL_DISCLOSURE = "legal_disclosure", _(
        "Disclosure the law requires (Decree 117/2018 Art. 11; Decree 13/2023 Art. 17)"
    )
    VITAL_INTEREST = "vital_interest", _(
        "Emergency to protect the life or health of the customer or others (Decree 13/2023 Art. 17)"
    )
    PUBLIC_AUTHORITY = "public_authority", _(
        "Processing by a competent state authority under the law (Decree 13/2023 Art. 17)"
    )
    CONTRACT = "contract", _(
        "Performing the customer's contract with the recipient as the law provides (Decree 13/2023 Art. 17)"
    )


class PurposeCategory(models.TextChoices):
    SERVICE = "service", _("Banking services")
    COMPLIANCE = "compliance", _("Compliance")
    SUPPORT = "support", _("Customer support")
    MARKETING = "marketing", _("Marketing")
    SHARING = "sharing", _("Sharing with third parties")
    CROSS_BORDER = "cross_border", _("Cross-border transfer")
    SECURITY = "security", _("Security and authentication")
    ANALYTICS = "analytics", _("Analytics")


class AutomatedProcessing(models.TextChoices):
    """Whether a purpose evaluates or decides about the customer by automated means, which the notices must
    say (Law 91/2025/QH15 Art. 4, the right to object; Decree 356/2025). Blank: neither. The choices run
    from the least to the most reaching: a move down the list is a widening (`consents.scope`)."""

    PROFILING = "profiling", _(
        "Profiling: automated evaluation of the customer's behaviour, interests or situation"
    )
    AUTOMATED_DECISION = "automated_decision", _(
        "Decisions about the customer made by automated means (such as credit scoring or fraud rules)"
    )


# How far each kind reaches, blank (none) lowest: starting or deepening automated processing widens a scope.
AUTOMATED_PROCESSING_REACH = {
    "": 0,
    AutomatedProcessing.PROFILING: 1,
    AutomatedProcessing.AUTOMATED_DECISION: 2,
}


class Recipient(models.Model):
    """Someone the bank shares personal data with, who must stop when a consent is withdrawn."""

    class Kind(models.TextChoices):
        GROUP_COMPANY = "group_company", _("Group company")
        PARTNER = "partner", _("Partner")
        CREDIT_BUREAU = "credit_bureau", _("Credit bureau")
        PROCESSOR = "processor", _("Processor")
        FOREIGN_HEAD_OFFICE = "foreign_head_office", _("Foreign head office")

    # The Vietnamese name: the one the scopes of purpose versions and consents' receipts quote.
    name = models.CharField(_("name"), max_length=200, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True, default="")
    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    country = models.CharField(_("country (ISO code)"), max_length=2, default="VN")
    # The integration client that acknowledges withdrawal notices for this recipient, if it has one.
    client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("integration client"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consent_recipients",
    )
    endpoint = models.ForeignKey(
        "integrations.WebhookEndpoint",
        verbose_name=_("webhook endpoint"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consent_recipients",
    )
    # Where the recipient's privacy contact is reminded of a duty it has not confirmed as its deadline nears
    # (`consents.services.duty_reminders`): a company's desk, in the language it reads.
    contact_email = models.EmailField(_("contact e-mail for reminders"), blank=True, default="")
    language = models.CharField(
        _("language of its reminders"), max_length=8, choices=Language.choices, default=Language.VI
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def name_in_reader_language(self) -> str:
        """The English name for a reader of English when the bank gave one, else the Vietnamese `name`."""
        return in_reader_language(self.name, self.name_en)


class Purpose(models.Model):
    """One entry of the bank's published catalogue of processing purposes."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_vi = models.TextField(_("description (Vietnamese)"))
    description_en = models.TextField(_("description (English)"))
    category = models.CharField(_("category"), max_length=32, choices=PurposeCategory.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=32, choices=LegalBasis.choices)
    sensitive = models.BooleanField(_("sensitive data"), default=False)
    cross_border = models.BooleanField(_("cross-border transfer"), default=False)
    destination_country = models.CharField(_("destination country (ISO code)"), max_length=2, blank=True)
    recipients = models.ManyToManyField(
        Recipient, verbose_name=_("recipients"), blank=True, related_name="purposes"
    )
    data_categories = models.JSONField(_("data categories"), default=list, blank=True)
    # None: kept only as long as the purpose needs it, as the notice explains.
    retention_months = models.PositiveSmallIntegerField(_("retention (months)"), null=True, blank=True)
    transfer_exemption = models.CharField(
        _("exemption from consent for transfers"),
        max_length=32,
        choices=TransferExemption.choices,
        blank=True,
    )
    automated_processing = models.CharField(
        _("automated processing"), max_length=32, choices=AutomatedProcessing.choices, blank=True, default=""
    )
    consequences_vi = models.TextField(_("consequences of withdrawing (Vietnamese)"), blank=True)
    consequences_en = models.TextField(_("consequences of withdrawing (English)"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("purpose")
        verbose_name_plural = _("purposes")
        ordering = ["code"]
        permissions = [("manage_catalogue", _("Can manage purposes, notices and recipients"))]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(cross_border=False) | ~models.Q(destination_country=""),
                name="purpose_cross_border_names_country",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    name = text_in_reader_language("name")
    description = text_in_reader_language("description")
    consequences = text_in_reader_language("consequences")

    @property
    def consent_based(self) -> bool:
        return self.legal_basis == LegalBasis.CONSENT


class NoticeVersion(models.Model):
    """A version of a purpose: its notice text and the scope it describes (`scope`: recipients,
    destinations, sensitivity, data categories, legal basis, retention). A customer consents to one
    specific version; a version published ahead carries its scope until it takes effect."""

    purpose = models.ForeignKey(Purpose, on_delete=models.PROTECT, related_name="notices")
    version = models.CharField(_("version"), max_length=32)
    text_vi = models.TextField(_("notice text (Vietnamese)"))
    text_en = models.TextField(_("notice text (English)"))
    effective_at = models.DateTimeField(_("effective from"))
    # A material change widens the scope: consents to earlier versions no longer count from
    # `effective_at`, and those customers must be asked again.
    material = models.BooleanField(_("material change"), default=False)
    # A material version whose announcement has not reached the customers yet is in force on no date:
    # they are owed their notice period first, and a late announcement moves `effective_at`
    # (`consents.services.announcements`).
    awaiting_announcement = models.BooleanField(default=False)
    scope = models.JSONField(default=dict)
    # When `scope` was copied onto the purpose; null while a scheduled version waits for its date.
    applied_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("notice version")
        ordering = ["purpose_id", "effective_at"]
        constraints = [
            models.UniqueConstraint(fields=["purpose", "version"], name="notice_version_once_per_purpose"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose_id}:{self.version}"

    def in_force_by(self, now: datetime) -> bool:
        """Whether this version had taken effect by `now` (`notices_in_force_by` in a query)."""
        return self.effective_at <= now and not self.awaiting_announcement

    text = text_in_reader_language("text")


def notices_in_force_by(now: datetime) -> models.Q:
    """The versions that had taken effect by `now`: their date has come and, for a material one, its
    announcement reached the customers."""
    return models.Q(effective_at__lte=now, awaiting_announcement=False)


class NoticeAnnouncement(StatefulModel):
    """The announcement of a new notice version to the customers who consented to an older one.

    Domain notes: a change is announced 7 days before it takes effect, 30 when it significantly
    affects customers; where the scope grew (a material version) those customers are asked for
    fresh consent from the effective date. Moves forward: scheduled → sent → fresh consent asked; a step
    the job keeps failing waits for the DPO ("needs attention", `consents.states.ANNOUNCEMENT_PARKED`).
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        SENT = "sent", _("Sent to customers")
        ASKED = "asked", _("Fresh consent asked")
        DONE = "done", _("Complete")
        SEND_FAILED = "send_failed", _("Not sent: needs attention")
        ASK_FAILED = "ask_failed", _("Fresh consent not asked: needs attention")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    notice = models.OneToOneField(NoticeVersion, on_delete=models.PROTECT, related_name="announcement")
    significant = models.BooleanField(_("significantly affects customers"), default=False)
    lead_days = models.PositiveSmallIntegerField()
    send_at = models.DateTimeField(_("announce on"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The notice's date as first published, kept when the announcement went out late and the date was
    # moved to `lead_days` after it; null when it went out in time.
    planned_effective_at = models.DateTimeField(_("effective date first planned"), null=True, blank=True)
    customers_told = models.PositiveIntegerField(default=0)
    asked_at = models.DateTimeField(null=True, blank=True)
    customers_asked = models.PositiveIntegerField(default=0)
    scheduled_by_label = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    # The job's failures of the step due now, in a row (`consents.services.announcement_runs`): the last
    # one's kind and place, never its message (a driver's message may quote a customer's data), and when
    # the job may try again. A step that succeeds, or the DPO's retry, clears them.
    attempts = models.PositiveSmallIntegerField(_("failed attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=200, blank=True)
    last_failed_at = models.DateTimeField(_("last failed"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice announcement")
        ordering = ["send_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=["scheduled", "send_failed"]) | models.Q(sent_at__isnull=False),
                name="announcement_sent_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["send_failed", "ask_failed"])
                | models.Q(last_failed_at__isnull=False),
                name="announcement_parked_has_failed",
            ),
        ]
        indexes = [
            models.Index(fields=["send_at"], condition=models.Q(status="scheduled"), name="announcement_due"),
        ]


class AnnouncementStatusChange(StatusChange):
    """One move of an announcement along `consents.states.ANNOUNCEMENT_MACHINE`, written by
    `announcement_transition`."""

    announcement = models.ForeignKey(
        NoticeAnnouncement, on_delete=models.PROTECT, related_name="status_changes"
    )

    class Meta(StatusChange.Meta):
        verbose_name = _("announcement status change")
