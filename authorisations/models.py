"""Third parties a customer may authorise, the authorisations with their frozen receipts, and the
access log the bank's API gateway reports."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from encrypted_model_fields.fields import EncryptedCharField, EncryptedEmailField, EncryptedTextField

from authorisations.states import AUTHORISATION_MACHINE, AuthorisationStatus, PauseReason
from core.labels import in_reader_language
from core.states import StatefulModel


class FetchType(models.TextChoices):
    ONE_TIME = "one_time", _("Once")
    PERIODIC = "periodic", _("Periodically")


class ThirdParty(models.Model):
    """A company the bank lets customers authorise to read their data (an OAuth client)."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    legal_name = models.CharField(_("legal name"), max_length=200)
    tax_code = models.CharField(_("tax code"), max_length=20, unique=True)
    licence_ref = models.CharField(_("registration or licence reference"), max_length=100)
    # A named person's work e-mail and phone, often: encrypted like the customers' (nothing looks them up).
    contact_email = EncryptedEmailField(_("contact e-mail"))
    contact_phone = EncryptedCharField(_("contact phone"), max_length=30, blank=True)
    country = models.CharField(_("country (ISO code)"), max_length=2, default="VN")
    redirect_uris = models.JSONField(_("redirect URIs"), default=list)
    scopes = models.JSONField(_("data scopes it may ask for"), default=list)
    purpose = models.TextField(_("purpose"))
    # Optional: customers reading in English see the Vietnamese purpose when it is blank.
    purpose_en = models.TextField(_("purpose in English"), blank=True)
    fetch_type = models.CharField(
        _("fetch type"), max_length=16, choices=FetchType.choices, default=FetchType.PERIODIC
    )
    frequency_per_day = models.PositiveSmallIntegerField(_("reads per day at most"), default=4)
    max_duration_days = models.PositiveSmallIntegerField(
        _("longest authorisation it asks for (days)"), default=365
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    application = models.OneToOneField(
        settings.OAUTH2_PROVIDER_APPLICATION_MODEL, on_delete=models.PROTECT, related_name="third_party"
    )
    webhook = models.ForeignKey(
        "integrations.WebhookEndpoint", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("third party")
        verbose_name_plural = _("third parties")
        ordering = ["legal_name"]
        permissions = [("manage_thirdparty", "Register and suspend third parties")]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_duration_days__gte=1, max_duration_days__lte=365),
                name="third_party_duration_at_most_12_months",
            )
        ]

    def __str__(self) -> str:
        return f"ThirdParty {self.pk}"

    @property
    def confidential(self) -> bool:
        """Does its OAuth client have a secret (a server that keeps one)? A public client has none."""
        return self.application.client_type == self.application.CLIENT_CONFIDENTIAL

    @property
    def cross_border(self) -> bool:
        return self.country.upper() != "VN"

    @property
    def purpose_text(self) -> str:
        return in_reader_language(self.purpose, self.purpose_en)


def _term_ended(now) -> Q:
    """A live authorisation whose term has ended by `now`: it reads EXPIRED (`Authorisation.status_at`)."""
    return Q(status__in=AUTHORISATION_MACHINE.live, expires_at__lte=now)


class AuthorisationQuerySet(models.QuerySet):
    """`Authorisation.status_at` in the query, for the lists that filter or count by status."""

    def in_status_at(self, status: str, now) -> AuthorisationQuerySet:
        """Those that read `status` at `now` (a condition on the stored columns, so indexes serve it)."""
        if status == AuthorisationStatus.EXPIRED:
            return self.filter(Q(status=status) | _term_ended(now))
        return self.filter(status=status).exclude(_term_ended(now))

    def live_at(self, now) -> AuthorisationQuerySet:
        """Those that read ACTIVE or PAUSED at `now`: live, their term not ended."""
        return self.filter(status__in=AUTHORISATION_MACHINE.live).exclude(_term_ended(now))


class Authorisation(StatefulModel):
    """A customer's authorisation of one third party to read named data for a set time.

    What was agreed is frozen in the receipts of its events; only the lifecycle fields move, through
    `authorisation_transition`.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject = models.ForeignKey(
        "subjects.DataSubject", on_delete=models.PROTECT, related_name="authorisations"
    )
    # The customer's login: OAuth tokens name the user, and this is how a token finds its authorisation.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    third_party = models.ForeignKey(ThirdParty, on_delete=models.PROTECT, related_name="authorisations")
    scopes = models.JSONField(default=list)
    purpose = models.TextField()
    purpose_en = models.TextField(blank=True)
    fetch_type = models.CharField(max_length=16, choices=FetchType.choices)
    frequency_per_day = models.PositiveSmallIntegerField()
    cross_border = models.BooleanField(default=False)
    destination_country = models.CharField(max_length=2, blank=True)
    channel = models.CharField(max_length=32)
    status = models.CharField(
        max_length=16, choices=AuthorisationStatus.choices, default=AuthorisationStatus.ACTIVE
    )
    pause_reason = models.CharField(max_length=32, choices=PauseReason.choices, blank=True)
    # The DSR request (or other source) whose pause this is, so only that source resumes it.
    pause_source = models.CharField(max_length=80, blank=True)
    starts_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    expiry_notice_sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The keyed fingerprint (`subjects.crypto.blind_index`) of the OAuth code the consent screen issued
    # with this authorisation, never the code: its tokens are the ones that code obtained, ended when
    # the spent code comes back (`authorisation_code_replayed`). None when no code was issued.
    code_fingerprint = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001
    # When that code was exchanged for tokens (`authorisation_code_spent`): a code whose grant is gone is
    # a spent code presented again only if it was exchanged; an unexchanged one's grant went with the
    # nightly purge of expired codes (`oauth_tokens_clear_expired`), and it is merely expired.
    code_spent_at = models.DateTimeField(null=True, blank=True)
    # The language the consent screen showed the terms in ("vi", "en"): part of the proof of what the
    # customer read, as a consent's `notice.shown_in`. None when no screen showed them, or before it was
    # recorded (migration 0012).
    screen_language = models.CharField(max_length=8, null=True, blank=True)  # noqa: DJ001

    objects = AuthorisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("authorisation")
        ordering = ["-starts_at"]
        permissions = [
            ("revoke_authorisation", "Revoke a customer's authorisation on their behalf"),
            ("report_access", "Report third-party accesses and introspect tokens (API gateway)"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "third_party"],
                condition=Q(status__in=["active", "paused"]),
                name="one_live_authorisation_per_subject_and_third_party",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("starts_at")), name="authorisation_ends_after_start"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="authorisation_due_idx"),
            # The authorisation list (API), the newest first (`authorisations.selectors.authorisation_list`).
            models.Index(fields=["-starts_at", "-id"], name="authorisation_started"),
            # A code refused at the token endpoint is looked up by it (the caller chooses the code).
            models.Index(fields=["code_fingerprint"], name="authorisation_code_idx"),
        ]

    @property
    def purpose_text(self) -> str:
        """The purpose as agreed, in the reader's language."""
        return in_reader_language(self.purpose, self.purpose_en)

    @property
    def reads_per_day(self) -> int | None:
        """The reads a day the customer agreed to, as the consent screen showed them: a periodic
        authorisation's `frequency_per_day`; None for a one-time one ("Once"), whose stored count is
        only its third party's registration default and allows nothing."""
        return self.frequency_per_day if self.fetch_type == FetchType.PERIODIC else None

    def status_at(self, now) -> str:
        """The status as read at `now`: a live one whose term has ended reads EXPIRED from that instant,
        as the gateway already refuses it, though the hourly sweep has not recorded the expiry yet (it
        still does, with its event and receipt: reading writes nothing). The one rule of the pages, the
        API and `authorisation_allowed_actions`; in a query, `AuthorisationQuerySet` (`_term_ended`)."""
        if self.status in AUTHORISATION_MACHINE.live and now >= self.expires_at:
            return AuthorisationStatus.EXPIRED
        return self.status

    @property
    def status_now(self) -> str:
        return self.status_at(timezone.now())

    @property
    def status_now_display(self) -> str:
        return AuthorisationStatus(self.status_now).label

    def usable_at(self, now) -> bool:
        """Whether the third party may read now: active, within its term."""
        return self.status == AuthorisationStatus.ACTIVE and self.within_term(now)

    def within_term(self, now) -> bool:
        return self.starts_at <= now < self.expires_at


class AuthorisationEvent(models.Model):
    """One change of an authorisation, with the receipt the customer was given for it, frozen."""

    class Kind(models.TextChoices):
        GRANTED = "granted", _("Granted")
        PAUSED = "paused", _("Paused")
        RESUMED = "resumed", _("Resumed")
        REVOKED = "revoked", _("Revoked")
        EXPIRED = "expired", _("Expired")
        USED = "used", _("Used")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    authorisation = models.ForeignKey(Authorisation, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    old_status = models.CharField(max_length=16, blank=True)
    new_status = models.CharField(max_length=16)
    at = models.DateTimeField()
    actor_kind = models.CharField(max_length=16)
    actor_label = models.CharField(max_length=150)
    channel = models.CharField(max_length=32, blank=True)
    # The evidence of a customer's instruction given at a branch (a form's number, an ID seen) and the
    # reason they gave for the change, their own words: personal data, encrypted.
    evidence = EncryptedCharField(max_length=500, blank=True)
    reason = EncryptedCharField(max_length=500, blank=True)
    # The JSON receipt as issued (the same words whatever changes later), quoting the customer's number and
    # the reason: encrypted too.
    receipt = EncryptedTextField()

    class Meta:
        ordering = ["at"]

    def __str__(self) -> str:
        return f"AuthorisationEvent {self.pk} {self.kind}"


class AccessRecord(models.Model):
    """One read of the customer's data by the third party, as the bank's API gateway claimed it before
    serving, reported it after, or both (a claim, then its report naming it)."""

    id = models.BigAutoField(primary_key=True)
    authorisation = models.ForeignKey(Authorisation, on_delete=models.PROTECT, related_name="accesses")
    scope = models.CharField(max_length=40)
    accessed_at = models.DateTimeField()
    record_count = models.PositiveIntegerField(default=0)
    reported_by = models.CharField(max_length=150)
    # Made by a read claim before serving (`access_claim`), rather than reported after serving only.
    claimed = models.BooleanField(default=False)
    # When the gateway's report after serving reached the bank: a reported read's own creation; for a
    # claimed read, the report naming it (`access_record(claim=...)`), null until then. One read, one row.
    reported_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-accessed_at"]
        indexes = [models.Index(fields=["authorisation", "-accessed_at"], name="access_by_authorisation_idx")]

    def __str__(self) -> str:
        return f"AccessRecord {self.pk}"

    @property
    def awaiting_report(self) -> bool:
        """A read claimed before serving whose report (with how many records it served) has not come."""
        return self.claimed and self.reported_at is None

    @property
    def records_reported(self) -> int | None:
        """The records the read served, or None while they are not reported (a claim's count is not)."""
        return None if self.awaiting_report else self.record_count


class SummaryNotice(models.Model):
    """When a customer was last sent the summary of their active authorisations (every 90 days)."""

    subject = models.OneToOneField("subjects.DataSubject", on_delete=models.CASCADE, related_name="+")
    last_sent_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"SummaryNotice {self.subject_id}"
