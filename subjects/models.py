"""Data subjects (the bank's customers) and their self-service logins.

Personal data is encrypted at rest (Fernet: AES-128-CBC with HMAC-SHA256) by
django-encrypted-model-fields. Searchable values carry a blind index beside the ciphertext
(`subjects.crypto`). The tables keep their original `core_` names: the models moved here from `core`
without touching a row.
"""
from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from encrypted_model_fields.fields import (
    EncryptedCharField,
    EncryptedDateField,
    EncryptedEmailField,
    EncryptedTextField,
)

from accounts.models import Language


class GuardianDocument(models.TextChoices):
    """The kinds of document that prove a guardian's authority over a child (Civil Code 2015 Art. 47-54):
    a parent's by the birth certificate, an appointed guardian's by the court's decision or the
    guardianship registered with the commune."""

    BIRTH_CERTIFICATE = "birth_certificate", _("Birth certificate")
    COURT_DECISION = "court_decision", _("Court decision")
    GUARDIANSHIP_REGISTRATION = "guardianship_registration", _("Guardianship registration")


class SubjectRelationship(models.TextChoices):
    """What the person is to the bank. Law 91/2025 gives the same rights to everyone whose data the bank
    holds, customer or not: a loan's guarantor, a corporate client's director or signatory, a prospect
    from a web form. Such a person has no customer number (CIF) of their own until they open an account;
    the platform gives them a reference (`NON_CUSTOMER_REF_PREFIX`)."""

    CUSTOMER = "customer", _("Customer")
    PROSPECT = "prospect", _("Prospect (not yet a customer)")
    GUARANTOR = "guarantor", _("Guarantor or co-borrower")
    CORPORATE_PERSON = "corporate_person", _("Director, signatory or beneficial owner of a corporate client")
    PAYEE = "payee", _("Payee or other party to a customer's transaction")
    JOB_APPLICANT = "job_applicant", _("Job applicant")
    OTHER = "other", _("Other person who is not a customer")


# The reference of a person who is not a customer, where a customer's CIF would be: never a core-banking
# number, so it cannot collide with the CIF they get when they open an account.
NON_CUSTOMER_REF_PREFIX = "NC-"


class DataSubject(models.Model):
    """A person whose personal data the platform protects: a customer of the bank, or someone it holds
    data about without their being one (`relationship`)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    external_ref = models.CharField(_("customer number (CIF)"), max_length=64, unique=True)
    relationship = models.CharField(
        _("relationship with the bank"), max_length=20, choices=SubjectRelationship.choices,
        default=SubjectRelationship.CUSTOMER,
    )
    full_name = EncryptedCharField(_("full name"), max_length=200)
    national_id = EncryptedCharField(_("citizen ID (CCCD)"), max_length=12, blank=True)
    national_id_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    passport_number = EncryptedCharField(_("passport number"), max_length=20, blank=True)
    # A foreign national has no citizen ID: the counter and the API find them by their passport.
    passport_number_index = models.CharField(max_length=64, blank=True, default="", editable=False)
    date_of_birth = EncryptedDateField(_("date of birth"), null=True, blank=True)
    phone = EncryptedCharField(_("phone"), max_length=16, blank=True)  # "+" and 15 digits (E.164)
    phone_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    email = EncryptedEmailField(_("e-mail"), blank=True)
    email_index = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    address = EncryptedTextField(_("address"), blank=True)
    guardian = models.ForeignKey(
        "self", verbose_name=_("guardian"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="wards",
    )
    # A guardian acts for a child only after their authority (birth certificate, court order) is checked.
    guardian_verified_at = models.DateTimeField(_("guardian authority verified at"), null=True, blank=True)
    # The document staff saw for that check; its reference (a certificate's number, often with the
    # child's name) is the child's personal data: here, encrypted, for the erasure to reach, and never in
    # the audit trail, which keeps the kind and a salted fingerprint (`subject_guardian_verify`). Empty
    # kind: a verification through the API that did not name it.
    guardian_document = models.CharField(
        _("document proving the guardian's authority"), max_length=32, choices=GuardianDocument.choices,
        blank=True, default="",
    )
    guardian_evidence = EncryptedCharField(
        _("reference of the guardian's document"), max_length=300, blank=True
    )
    # Not personal data: the language the bank writes to the customer in (see core.languages).
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=Language.choices, default=Language.VI
    )
    # Retention periods that run from the end of the relationship (AML: 5 years) start on this date;
    # while it is empty the relationship is open and such a hold has no end date yet.
    relationship_ended_on = models.DateField(_("relationship ended on"), null=True, blank=True)
    # When the platform erased the former customer's data because the bank's retention had ended
    # (`dsr.services.former_customers`): the mark that keeps the nightly job from erasing them twice.
    retention_erased_at = models.DateTimeField(_("erased after retention"), null=True, blank=True)
    # The last day a relationship's end just brought forward (`dsr.services.deletion.corrected_last_day`)
    # keeps the former customer from the retention's erasure: a mistyped year is put right first.
    retention_kept_through = models.DateField(_("kept after a corrected end through"), null=True, blank=True)
    # Law 91/2025: a deceased person's data is processed only with the consent of their spouse or adult
    # children (or parents); the consents they gave stop on the day staff record the death.
    deceased_on = models.DateField(_("deceased on"), null=True, blank=True)
    # With no date of birth a customer is not assumed adult for purposes barred to children; an eKYC
    # check that established adulthood stands in for the missing date.
    adult_verified = models.BooleanField(_("adult status verified by eKYC"), default=False)
    # The customer's own secret in the fingerprints of their rectified values in the audit trail
    # (`subjects.crypto.fingerprint`); destroyed with their data, so an erased value can no longer be
    # matched against the append-only trail by trying candidates. Made at the first rectification.
    fingerprint_salt = models.CharField(max_length=32, blank=True, default="", editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "core_datasubject"
        verbose_name = _("data subject")
        verbose_name_plural = _("data subjects")
        ordering = ["external_ref"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(guardian=models.F("id")), name="subject_not_own_guardian"
            ),
        ]
        indexes = [
            models.Index(fields=["passport_number_index"], name="subject_passport_lookup"),
            # The former customers the nightly erasure after retention still has to look at
            # (`dsr.selectors.former_customers`), in its order: a few among every customer.
            models.Index(
                fields=["relationship_ended_on", "id"],
                condition=models.Q(relationship_ended_on__isnull=False, retention_erased_at__isnull=True),
                name="subject_former_unerased",
            ),
        ]

    def __str__(self) -> str:
        return f"DataSubject {self.external_ref}"


class CustomerAccount(models.Model):
    """Links a self-service login to the one data subject it may see and act for."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="customer_account"
    )
    subject = models.OneToOneField(DataSubject, on_delete=models.CASCADE, related_name="customer_account")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "core_customeraccount"
        verbose_name = _("customer account")

    def __str__(self) -> str:
        return f"CustomerAccount user={self.user_id}"


class NationalIdShare(models.Model):
    """The DPO's decision that another customer number may carry a customer's citizen ID (one person
    that the core banking system knows under two CIFs). Without one, a second CIF with the same
    citizen ID is refused, since it would split the person's consents and requests in two."""

    subject = models.ForeignKey(DataSubject, on_delete=models.CASCADE, related_name="national_id_shares")
    external_ref = models.CharField(_("customer number (CIF) that may share the citizen ID"), max_length=64)
    reason = models.CharField(_("reason"), max_length=500)
    linked_by_label = models.CharField(max_length=150)
    linked_at = models.DateTimeField()

    class Meta:
        verbose_name = _("shared citizen ID")
        permissions = [("share_national_id", _("Can let a second customer number carry a citizen ID"))]
        constraints = [
            models.UniqueConstraint(fields=["subject", "external_ref"], name="national_id_share_once"),
        ]

    def __str__(self) -> str:
        return f"NationalIdShare {self.subject_id} -> {self.external_ref}"


class CustomerNumberKind(models.TextChoices):
    RENUMBERED = "renumbered", _("Core banking renumbered the customer")
    MISTYPED = "mistyped", _("Mistyped when the customer was first recorded")
    # A person who was not a customer (a prospect, a guarantor) opened an account: their platform reference
    # gives way to their CIF, and the record, with its consents and withdrawals, becomes the customer's.
    BECAME_CUSTOMER = "became_customer", _("The person opened an account and became a customer")


# The kinds whose former number still means the same person: a caller sending it is told the new number.
SAME_PERSON_NUMBER_KINDS = (CustomerNumberKind.RENUMBERED, CustomerNumberKind.BECAME_CUSTOMER)


class CustomerNumberChange(models.Model):
    """A customer number (CIF) a record no longer carries, kept for good: proof issued under it (a
    consent receipt) keeps naming it, and a caller still sending it is told the number now in use
    instead of "no such customer". Moving a record to a number another record holds is a merge of two
    people's records, which this is not."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject = models.ForeignKey(DataSubject, on_delete=models.PROTECT, related_name="number_changes")
    old_ref = models.CharField(_("former customer number (CIF)"), max_length=64, db_index=True)
    new_ref = models.CharField(_("new customer number (CIF)"), max_length=64)
    kind = models.CharField(_("why it changed"), max_length=16, choices=CustomerNumberKind.choices)
    reason = models.CharField(_("reason"), max_length=500)
    changed_by_label = models.CharField(max_length=150)
    changed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("customer number change")
        ordering = ["changed_at"]
        permissions = [("change_customer_number", _("Can move a customer to another customer number"))]

    def __str__(self) -> str:
        return f"CustomerNumberChange {self.subject_id} at {self.changed_at:%Y-%m-%d}"


class StaffCustomerRecord(models.Model):
    """A member of staff who is also a customer, and their own customer record. As staff they may not
    act on it, nor on the records of their wards or their guardian: a colleague does (conflict of
    interest); as a customer they act through the customer's own channels like anyone else."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="own_customer_record"
    )
    subject = models.ForeignKey(DataSubject, on_delete=models.PROTECT, related_name="staff_members")
    reason = models.CharField(_("reason"), max_length=500)
    linked_by_label = models.CharField(max_length=150)
    linked_at = models.DateTimeField()

    class Meta:
        verbose_name = _("staff member's own customer record")

    def __str__(self) -> str:
        return f"StaffCustomerRecord user={self.user_id}"


class RepresentativeAuthority(models.TextChoices):
    """The documents on which one adult acts for another (Civil Code 2015 Art. 135-143, 46-58): a power of
    attorney ("giấy ủy quyền", notarised or certified), or a court's appointment of a guardian for an adult
    who lost, or has difficulty exercising, legal capacity."""

    POWER_OF_ATTORNEY = "power_of_attorney", _("Power of attorney (notarised or certified)")
    COURT_GUARDIAN = "court_guardian", _("Guardian appointed by a court")


class RepresentativeScope(models.TextChoices):
    """What the authority lets the representative do for the customer at the bank's desks."""

    CONSENTS = "consents", _("Consents: give, refuse and withdraw them")
    REQUESTS = "requests", _("Data-subject requests: file and follow them")
    BOTH = "both", _("Consents and data-subject requests")


class Representative(models.Model):
    """An adult who acts for an adult customer on a documented authority staff checked. Not a child's
    guardian (`DataSubject.guardian`) and not a third party the customer lets read their data
    (`authorisations`). The representative's name, identity number and the document's reference are
    personal data: encrypted, the identity number with a blind index like the customer's own."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    subject = models.ForeignKey(DataSubject, on_delete=models.PROTECT, related_name="representatives")
    full_name = EncryptedCharField(_("representative's full name"), max_length=200)
    id_number = EncryptedCharField(_("representative's identity document number"), max_length=20)
    id_number_index = models.CharField(max_length=64, db_index=True, editable=False)
    relationship = models.CharField(_("relationship to the customer"), max_length=100)
    authority = models.CharField(
        _("kind of authority"), max_length=32, choices=RepresentativeAuthority.choices
    )
    document_reference = EncryptedCharField(_("document's reference"), max_length=300)
    document_date = models.DateField(_("document's date"))
    scope = models.CharField(_("what it covers"), max_length=16, choices=RepresentativeScope.choices)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    recorded_by_label = models.CharField(max_length=150)
    recorded_at = models.DateTimeField()
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by_label = models.CharField(max_length=150, blank=True, default="")
    revoke_reason = models.CharField(_("why it was revoked"), max_length=500, blank=True, default="")

    class Meta:
        verbose_name = _("customer's representative")
        ordering = ["subject", "recorded_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
                name="representative_valid_until_after_from",
            ),
        ]

    def __str__(self) -> str:
        return f"Representative {self.pk} of {self.subject_id}"
