"""The bank's register of systems that hold personal data, the data categories and their retention rules."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.labels import NamedInBothLanguages, choice_label, in_reader_language, text_in_reader_language
from deadlines.models import RequestType

PLATFORM_SYSTEM = "platform"


class RetentionLaw(models.TextChoices):
    """Which body of law keeps the data: it decides the legal reason a partial deletion gives."""

    AML = "aml", _("Anti-money laundering (Law 14/2022/QH15)")
    ACCOUNTING = "accounting", _("Accounting")
    TAX = "tax", _("Tax")
    CREDIT = "credit", _("Credit institutions and credit information")
    OTHER = "other", _("Other law")


class RetentionStart(models.TextChoices):
    """The event a retention period runs from; the deletion request itself is not one of them unless
    the law says so."""

    RELATIONSHIP_END = "relationship_end", _("End of the customer relationship")
    # Accounting records are kept from the end of the accounting year (Law 88/2015/QH13 Art. 41), the
    # calendar year for a bank: the last ones are those of the year the relationship ended.
    ACCOUNTING_YEAR_END = "accounting_year_end", _("End of the accounting year the relationship ended in")
    REQUEST = "request", _("The deletion request")


def retention_start_in_reader_language(starts: str, start_event: str) -> str:
    """When a retention period starts, to follow "N months from": a rule's own words (`starts`, which
    the bank writes in Vietnamese) for a Vietnamese reader, its start event's translated label for any
    other; the own words too when the event is not known (a document's facts from before it was)."""
    label = choice_label(RetentionStart.choices, start_event) if start_event else ""
    return in_reader_language(starts, label[:1].lower() + label[1:])


class RetentionRule(NamedInBothLanguages):
    """How long a law makes the bank keep a category of data, e.g. transaction records: 5 years after
    the relationship ends (Law 14/2022/QH15 on Anti-Money Laundering, Art. 40)."""

    # Both languages, as a purpose has them: the customer reads the rule's name and its law as the
    # reason part of their data is kept. The Vietnamese ones keep the columns of the single name and
    # reference they replace; an empty English one reads in Vietnamese.
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=120, db_column="name")
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True, default="")
    period_months = models.PositiveIntegerField(_("kept for (months)"))
    starts = models.CharField(
        _("counted from"),
        max_length=120,
        help_text=_("The event the period runs from, e.g. the end of the relationship."),
    )
    # The event the hold's end is computed from (`starts` describes it in the rule's own words).
    start_event = models.CharField(
        _("start event"),
        max_length=20,
        choices=RetentionStart.choices,
        default=RetentionStart.RELATIONSHIP_END,
    )
    legal_reference_vi = models.CharField(
        _("legal reference (Vietnamese)"), max_length=200, db_column="legal_reference"
    )
    legal_reference_en = models.CharField(
        _("legal reference (English)"), max_length=200, blank=True, default=""
    )
    law = models.CharField(
        _("kept under"), max_length=16, choices=RetentionLaw.choices, default=RetentionLaw.OTHER
    )

    class Meta:
        verbose_name = _("retention rule")
        ordering = ["name_vi"]

    legal_reference = text_in_reader_language("legal_reference")

    @property
    def start_in_reader_language(self) -> str:
        return retention_start_in_reader_language(self.starts, self.start_event)


class PlatformData(models.TextChoices):
    """What a category held by the platform itself is, in the platform's own fields: a deletion erases
    those fields, and nothing is recorded as erased on the platform for a category without one
    (`dsr.services.erasure.PLATFORM_FIELDS`)."""

    IDENTITY = "identity", _("Identity: full name, ID and passport numbers, date of birth")
    CONTACT = "contact", _("Contact details: phone, e-mail, address")


class DataCategory(NamedInBothLanguages):
    """A kind of personal data (identity, contact details, transactions, call recordings...)."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=120, db_column="name")
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True, default="")
    sensitive = models.BooleanField(_("sensitive (Decree 13 Art. 2.4)"), default=False)
    # Empty when no law keeps it: a deletion request erases it.
    retention = models.ForeignKey(
        RetentionRule,
        verbose_name=_("retention rule"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="categories",
    )
    # Required for a category the platform holds; empty for the other systems' categories.
    platform_data = models.CharField(
        _("on this platform"), max_length=16, choices=PlatformData.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = _("data category")
        verbose_name_plural = _("data categories")
        ordering = ["code"]


def _all_request_types() -> list[str]:
    return [t for t in RequestType.values if t != RequestType.COMPLAINT]


class System(NamedInBothLanguages):
    """A system holding customers' personal data; a request fans out into one task per relevant system."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    # Customers read it beside what is kept or deleted, and in their data export.
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=120, db_column="name")
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True, default="")
    categories = models.ManyToManyField(
        DataCategory, verbose_name=_("data categories"), related_name="systems"
    )
    # Which request types need this system to act (e.g. the marketing platform for an objection).
    request_types = models.JSONField(_("request types it acts on"), default=_all_request_types)
    # The integration client that may report its tasks done through the API.
    integration_client = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("integration client"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_processor = models.BooleanField(_("run by a processor or third party"), default=False)
    active = models.BooleanField(_("active"), default=True)
    # What the system's own fields (the keys of what its tasks return, "card_count") are called, in
    # both languages: {"card_count": {"vi": "Số thẻ", "en": "Number of cards"}}. The customer's export
    # reads them in its language (`dsr.services.inventory.field_labels_clean` keeps them valid).
    field_labels = models.JSONField(_("labels of its fields"), default=dict, blank=True)

    class Meta:
        verbose_name = _("system")
        ordering = ["code"]

    def get_request_types_display(self) -> list[str]:
        """The request types' labels in the active language, as `get_<field>_display` reads a choice."""
        return [choice_label(RequestType.choices, code) for code in self.request_types]

    def acts_on(self, request_type: str) -> bool:
        return self.active and request_type in (self.request_types or [])
