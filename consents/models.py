"""Purposes, notices, recipients, consent records, restrictions and withdrawal duties.

A consent is proven by records that are never overwritten: `Consent` holds the proof of one grant
(who, which notice version, channel, evidence, guardian) and moves only forward through its
lifecycle; every move is an append-only `ConsentEvent`. `ConsentState` keeps the current answer per
subject and purpose so the consent check reads one indexed row and decrypts nothing.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from encrypted_model_fields.fields import EncryptedCharField

from core.states import StatusChange


class LegalBasis(models.TextChoices):
    CONSENT = "consent", _("Consent")
    CONTRACT = "contract", _("Contract")
    LEGAL_OBLIGATION = "legal_obligation", _("Legal obligation")
    VITAL_INTEREST = "vital_interest", _("Vital interest or emergency")
    PUBLIC_AUTHORITY = "public_authority", _("Public authority")
    PUBLIC_INTEREST = "public_interest", _("Public interest")


class Channel(models.TextChoices):
    BRANCH = "branch", _("Branch")
    CALL_CENTRE = "call_centre", _("Call centre")
    INTERNET_BANKING = "internet_banking", _("Internet banking")
    MOBILE_APP = "mobile_app", _("Mobile app")
    PAPER_FORM = "paper_form", _("Paper form")
    API = "api", _("API")


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


SENSITIVE_DATA_CATEGORIES = frozenset(
    {
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


def _localised(obj, field: str) -> str:
    """The Vietnamese or English text, whichever the reader's language is (Vietnamese by default)."""
    lang = (get_language() or "vi")[:2]
    return (
        getattr(obj, f"{field}_en")
        if lang == "en" and getattr(obj, f"{field}_en")
        else getattr(obj, f"{field}_vi")
    )


class Recipient(models.Model):
    """Someone the bank shares personal data with, who must stop when a consent is withdrawn."""

    class Kind(models.TextChoices):
        GROUP_COMPANY = "group_company", _("Group company")
        PARTNER = "partner", _("Partner")
        CREDIT_BUREAU = "credit_bureau", _("Credit bureau")
        PROCESSOR = "processor", _("Processor")
        FOREIGN_HEAD_OFFICE = "foreign_head_office", _("Foreign head office")

    name = models.CharField(_("name"), max_length=200, unique=True)
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
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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

    @property
    def name(self) -> str:
        return _localised(self, "name")

    @property
    def description(self) -> str:
        return _localised(self, "description")

    @property
    def consent_based(self) -> bool:
        return self.legal_basis == LegalBasis.CONSENT

    @property
    def consequences(self) -> str:
        return _localised(self, "consequences")


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

    @property
    def text(self) -> str:
        return _localised(self, "text")


class ConsentStatus(models.TextChoices):
    GRANTED = "granted", _("Granted")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    EXPIRED = "expired", _("Expired")
    SUPERSEDED = "superseded", _("Superseded")
    # An explicit "no" (a paper form's unticked box, a refusal said aloud): proof as much as a yes.
    REFUSED = "refused", _("Refused")


class Consent(models.Model):
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
            models.CheckConstraint(
                condition=~models.Q(status="withdrawn") | models.Q(withdrawn_at__isnull=False),
                name="consent_withdrawn_has_time",
            ),
        ]
        indexes = [models.Index(fields=["subject", "purpose", "-granted_at"], name="consent_subject_purpose")]

    def __str__(self) -> str:
        return f"Consent {self.pk} {self.status}"


class ConsentEvent(models.Model):
    """Append-only history: one row per grant, withdrawal, expiry or supersession. Receipts hang here."""

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
    source = models.CharField(
        max_length=100, blank=True, help_text=_("e.g. dsr.request:<uuid> or import:<id>")
    )

    class Meta:
        verbose_name = _("consent event")
        ordering = ["at"]
        indexes = [models.Index(fields=["subject", "at"], name="consent_event_subject_at")]

    def __str__(self) -> str:
        return f"ConsentEvent {self.pk} {self.kind}"


class ConsentState(models.Model):
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

    def __str__(self) -> str:
        return f"ConsentState {self.pk} {self.status}"


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


class WithdrawalDuty(models.Model):
    """A recipient's duty to stop processing after a withdrawal, due by the bank's committed deadline."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    consent = models.ForeignKey(Consent, on_delete=models.PROTECT, related_name="duties")
    subject = models.ForeignKey("subjects.DataSubject", on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(Recipient, on_delete=models.PROTECT, related_name="duties")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    received_at = models.DateTimeField()
    due_at = models.DateTimeField()
    notice_message_id = models.UUIDField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by_label = models.CharField(max_length=150, blank=True)
    acknowledgement_note = models.CharField(max_length=500, blank=True)

    class Meta:
        verbose_name = _("withdrawal duty")
        verbose_name_plural = _("withdrawal duties")
        ordering = ["due_at"]
        permissions = [("acknowledge_withdrawalduty", _("Can acknowledge a recipient's withdrawal duty"))]
        constraints = [
            models.UniqueConstraint(
                fields=["consent", "recipient"],
                condition=models.Q(status="open"),
                name="one_open_duty_per_withdrawal_recipient",
            ),
            models.CheckConstraint(
                condition=models.Q(status="open") | models.Q(acknowledged_at__isnull=False),
                name="duty_acknowledged_has_time",
            ),
        ]
        indexes = [models.Index(fields=["due_at"], condition=models.Q(status="open"), name="duty_open_due")]

    def __str__(self) -> str:
        return f"WithdrawalDuty {self.pk} {self.status}"


class ConsentImport(models.Model):
    """One run of the CSV import: its counts and the rows it refused, with line numbers and reasons."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    filename = models.CharField(max_length=255)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    actor_label = models.CharField(max_length=150)
    rows = models.PositiveIntegerField(default=0)
    imported = models.PositiveIntegerField(default=0)
    already_imported = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    # [{"line": 12, "reason": "..."}], capped so a wrong file cannot bloat the row.
    errors = models.JSONField(default=list)
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


class NoticeAnnouncement(models.Model):
    """The announcement of a new notice version to the customers who consented to an older one.

    Domain notes: a change is announced 7 days before it takes effect, 30 when it significantly
    affects customers; where the scope grew (a material version) those customers are asked for
    fresh consent from the effective date. Moves forward only: scheduled → sent → fresh consent asked.
    """

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        SENT = "sent", _("Sent to customers")
        ASKED = "asked", _("Fresh consent asked")
        DONE = "done", _("Complete")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    notice = models.OneToOneField(NoticeVersion, on_delete=models.PROTECT, related_name="announcement")
    significant = models.BooleanField(_("significantly affects customers"), default=False)
    lead_days = models.PositiveSmallIntegerField()
    send_at = models.DateTimeField(_("announce on"))
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.SCHEDULED)
    sent_at = models.DateTimeField(null=True, blank=True)
    customers_told = models.PositiveIntegerField(default=0)
    asked_at = models.DateTimeField(null=True, blank=True)
    customers_asked = models.PositiveIntegerField(default=0)
    scheduled_by_label = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("notice announcement")
        ordering = ["send_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="scheduled") | models.Q(sent_at__isnull=False),
                name="announcement_sent_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["send_at"], condition=models.Q(status="scheduled"), name="announcement_due"),
        ]

    def __str__(self) -> str:
        return f"NoticeAnnouncement {self.pk} {self.status}"


class AnnouncementStatusChange(StatusChange):
    """One move of an announcement along `consents.states.ANNOUNCEMENT_MACHINE`, written by
    `announcement_transition`."""

    announcement = models.ForeignKey(
        NoticeAnnouncement, on_delete=models.PROTECT, related_name="status_changes"
    )

    class Meta(StatusChange.Meta):
        verbose_name = _("announcement status change")


class WithdrawalDutyStatusChange(StatusChange):
    """One move of a withdrawal duty along `consents.states.DUTY_MACHINE`, written by `duty_transition`."""

    duty = models.ForeignKey(WithdrawalDuty, on_delete=models.PROTECT, related_name="status_changes")

    class Meta(StatusChange.Meta):
        verbose_name = _("withdrawal duty status change")
