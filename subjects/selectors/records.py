"""Reads on data subjects (look-up, search, masking, guardians) shared by the API, the pages and
the other apps; the customer numbers they carried are read in `subjects.selectors.numbers`."""
from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from datetime import datetime, time

from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import AuditEntry
from core.access import subject_for_user
from core.errors import InvalidInput
from core.text import nfc
from subjects.children import Guardianship, child_until, guardian_not_acting, guardianship_now
from subjects.crypto import blind_index_candidates
from subjects.models import CustomerNumberChange, DataSubject
from subjects.validators import (
    cif_pick,
    cif_spellings,
    compatibility_form,
    normalize_email,
    normalize_national_id,
    normalize_phone,
    passport_number_searched,
)

# Need to know (domain notes "Staff roles"): staff see a customer's personal values only after giving
# a reason; until then each value is cut to what tells two customers apart at the counter.
PERSONAL_FIELDS = (
    "full_name", "national_id", "passport_number", "date_of_birth", "phone", "email", "address",
)
MAX_ACCESS_REASON_LENGTH = 500


def subject_field_label(name: str) -> str:
    """The label of a customer record's field in the reader's language ("date of birth"); the name
    itself for one the record does not have."""
    return str(DataSubject._meta.get_field(name).verbose_name) if hasattr(DataSubject, name) else name


def access_reason_normalised(reason: str | None) -> str:
    """A reason for reading a customer's data as it is recorded: one line, at most the length kept."""
    return _one_line(reason)[:MAX_ACCESS_REASON_LENGTH]


def access_reason_too_long(reason: str | None) -> bool:
    """Whether the reason, on one line, is longer than what is recorded: refused where cutting it
    would record another reason than the one given (the proof bundle's)."""
    return len(_one_line(reason)) > MAX_ACCESS_REASON_LENGTH


def _one_line(reason: str | None) -> str:
    return " ".join((reason or "").split())


def personal_value_masked(field: str, value):
    """The masked form of one personal value: initials, the last four digits, the e-mail's domain."""
    if value in (None, ""):
        return value
    if field == "date_of_birth":
        return None
    text = nfc(str(value))  # a name stored decomposed keeps its accents on the initials
    if field == "full_name":
        return " ".join(f"{part[0]}***" for part in text.split())
    if field == "email":
        local, _at, domain = text.partition("@")
        return f"{local[:1]}***@{domain}"
    if field == "address":
        return "***"
    return "*" * max(len(text) - 4, 0) + text[-4:]


def masked_echoes_dropped(subject: DataSubject, changes: dict) -> dict:
    """A change body without the values revealed, less the personal values sent back as the caller was
    shown them (masked): a client that reads a customer, changes one field and sends the body back
    never saw the others and cannot mean to write their masks (or a masked, null birth date) over
    the customer's data."""
    def echoed(name: str, value) -> bool:
        current = getattr(subject, name)
        return value == personal_value_masked(name, current) and value != current

    return {
        name: value
        for name, value in changes.items()
        if not (name in PERSONAL_FIELDS and echoed(name, value))
    }


def subject_list() -> QuerySet[DataSubject]:
    return DataSubject.objects.all().order_by("external_ref")


def subject_by_id(pk) -> DataSubject | None:
    """One subject with their guardian (the customer page shows both)."""
    return DataSubject.objects.select_related("guardian").filter(pk=pk).first()


def guardian_to_verify(subject: DataSubject | None, *, user) -> DataSubject | None:
    """The child, when a page refused something because their guardian's authority is not verified yet
    and this staff member may verify it (`subjects:guardian_verify`): the page then links to it. None
    when the customer has no guardian, or theirs is verified."""
    if subject is None or subject.guardian_id is None or subject.guardian_verified_at is not None:
        return None
    return subject if user.has_perm("subjects.change_datasubject") else None


def visible_subjects(user, *, external_ref: str | None = None) -> QuerySet[DataSubject]:
    """All subjects for staff and clients; only their own for a customer; narrowed to one CIF if given."""
    own = subject_for_user(user)
    queryset = subject_list()
    if own is not None:
        queryset = queryset.filter(pk=own.pk)
    return queryset.filter(external_ref__in=cif_spellings(external_ref)) if external_ref else queryset


def _one_by_cif(queryset: QuerySet[DataSubject], external_ref: str | None) -> DataSubject | None:
    """The subject of `queryset` with this customer number, typed in any case: the one stored as typed
    if there is one, else the one in upper case (the core system's)."""
    found = {s.external_ref: s for s in queryset.filter(external_ref__in=cif_spellings(external_ref))}
    return cif_pick(found, external_ref)


def self_or_ward_by_ref(customer: DataSubject, external_ref: str) -> DataSubject | None:
    """The customer themself or one of their wards, by customer number (CIF) typed in any case: what a
    customer's own request may name. Chosen among both by the one rule, so a ward left in lower case
    beside the customer's upper-case twin (subjects 0003) is found as typed."""
    return _one_by_cif(DataSubject.objects.filter(Q(pk=customer.pk) | Q(guardian=customer)), external_ref)


def wards_verified(guardian: DataSubject) -> QuerySet[DataSubject]:
    """The wards the guardian acts for, by customer number (CIF): guardianship verified by the bank,
    and still a child (from 16 a customer acts alone; the date of birth is encrypted, so it is read
    here rather than filtered on)."""
    today = timezone.localdate()
    read = ("id", "guardian_id", "guardian_verified_at", "date_of_birth", "adult_verified")
    acting = [ward.pk for ward in guardian.wards.only(*read)
              if guardian_not_acting(ward, guardian, on=today) is None]
    return guardian.wards.filter(pk__in=acting).order_by("external_ref")


def guardianships_ended(
    guardian: DataSubject, wards: Iterable[DataSubject]
) -> dict[uuid.UUID, datetime | None]:
    """Of `wards` (customers `guardian` is or was the guardian of), those `guardian` no longer acts for
    (`wards_verified`), each with when that guardianship ended: the rectification that named another
    guardian or none (its audit entry, the one record of the change; the latest if it happened twice),
    or the ward's 16th birthday (midnight, local time), whichever came first. None when neither is on
    record (an eKYC check showed the ward adult). Two queries, however many wards."""
    acting = set(wards_verified(guardian).values_list("pk", flat=True))
    former = {ward.pk: ward for ward in wards if ward.pk not in acting}
    if not former:
        return {}
    replaced = dict(
        _guardian_changes(list(former))
        .filter(data__changed__guardian__before=str(guardian.pk))
        .values("subject_id")
        .annotate(at=Max("recorded_at"))
        .values_list("subject_id", "at")
    )
    ended: dict[uuid.UUID, datetime | None] = {}
    for pk, ward in former.items():
        ends = [replaced[pk]] if pk in replaced and ward.guardian_id != guardian.pk else []
        adult_on = child_until(ward)
        if adult_on is not None:
            local = timezone.get_default_timezone()
            ends.append(timezone.make_aware(datetime.combine(adult_on, time.min), local))
        ended[pk] = min(ends) if ends else None
    return ended


def _guardian_changes(ward_ids: list) -> QuerySet[AuditEntry]:
    """The rectifications of these wards that named another guardian or none: the one record of a change
    of guardian (`subject_rectify` writes the guardian's id before and after, "" for no one)."""
    return AuditEntry.objects.filter(
        action="core.subject.rectified", subject_id__in=ward_ids, data__changed__has_key="guardian"
    )


def guardianship_on(ward: DataSubject, *, at: datetime) -> Guardianship:
    """The ward's guardian at the moment `at` and whether the bank verified that person's authority:
    the record as it stands, unless a rectification since named another guardian or none, and then
    the guardian the first of those replaced. Read from the audit trail as `guardianships_ended`
    reads it; a guardian named when the record was registered stands back to before it was (a form
    signed before the bank registered the child), and so does the first guardian named on a record
    that named no one from its registration (a parent added by a later correction). Verified: the
    bank checked that person's authority over this ward, on the record if they are the guardian
    still, else by a verification entry naming them (made while they were the guardian: nothing else
    verifies). At most three queries."""
    changes = _guardian_changes([ward.pk])
    first_change = (
        changes.filter(recorded_at__gt=at).order_by("sequence").values_list("data", flat=True).first()
    )
    if first_change is None:
        return guardianship_now(ward)
    named = first_change["changed"]["guardian"]
    before = named["before"]
    if not before and not changes.filter(recorded_at__lte=at).exists():
        before = named["after"]  # no one on record since registration: the first guardian named
    guardian_id = uuid.UUID(before) if before else None
    if guardian_id is None:
        return Guardianship(None, verified=False)
    if guardian_id == ward.guardian_id and ward.guardian_verified_at is not None:
        return Guardianship(guardian_id, verified=True)
    verified = AuditEntry.objects.filter(
        action="core.subject.guardian_verified", subject_id=ward.pk, data__guardian=str(guardian_id)
    ).exists()
    return Guardianship(guardian_id, verified=verified)


def ward_verified_by_id(guardian: DataSubject, pk) -> DataSubject | None:
    return wards_verified(guardian).filter(pk=pk).first()


def visible_subject_by_id(user, pk) -> DataSubject | None:
    return visible_subjects(user).filter(pk=pk).first()


def subject_for_ref(external_ref: str | None) -> DataSubject | None:
    """The subject with this customer number (CIF), typed in any case, or None: the one way a CIF is
    looked up (`subject_search` finds the same customer)."""
    return _one_by_cif(DataSubject.objects.all(), external_ref)


def subjects_for_refs(external_refs: Iterable[str]) -> list[DataSubject]:
    """The customers these CIFs name, each as `subject_for_ref` finds it (unknown ones left out), in
    one query per 1,000 numbers whatever the count (a campaign's list holds 10,000)."""
    refs = list(dict.fromkeys(external_refs))
    named: dict = {}
    for start in range(0, len(refs), 1000):
        chunk = refs[start : start + 1000]
        stored = DataSubject.objects.filter(external_ref__in=set().union(*map(cif_spellings, chunk)))
        found = {subject.external_ref: subject for subject in stored}
        picked = filter(None, (cif_pick(found, ref) for ref in chunk))
        named.update((subject.pk, subject) for subject in picked)
    return list(named.values())



def subject_guardian_by_id(guardian_id) -> DataSubject | None:
    """The customer named as guardian by id (None when none is named); 400 on the `guardian` field
    when no such customer exists."""
    if guardian_id is None:
        return None
    guardian = DataSubject.objects.filter(pk=guardian_id).first()
    if guardian is None:
        raise InvalidInput(_("No customer with this id exists to act as guardian."), field="guardian")
    return guardian


def subject_search(query: str) -> QuerySet[DataSubject]:
    """Exact look-up by CIF, citizen ID, passport, phone or e-mail, through the blind indexes.

    Encrypted values cannot be matched partially; a branch officer types the whole identifier.
    """
    query = compatibility_form(query).strip()
    if not query:
        return DataSubject.objects.none()
    # Customer numbers are upper case in the core system; one typed in lower case is the same customer
    # (and matching both spellings exactly keeps the look-up on the unique index).
    # A former number too: the one on a paper form signed before the customer was renumbered.
    conditions = Q(external_ref__in=cif_spellings(query)) | Q(
        pk__in=CustomerNumberChange.objects.filter(old_ref__in=cif_spellings(query)).values("subject_id")
    )
    digits = re.sub(r"[\s.+()-]", "", query)
    if "@" in query:
        typed = ("email",)
    elif digits.isdigit():
        typed = ("national_id", "phone")
    else:
        typed = ()
    # A passport number may be all letters and digits or all digits: it is tried whatever was typed.
    for field in (*typed, "passport_number"):
        try:
            conditions |= _index_match(field, query)
        except InvalidInput:
            continue
    return DataSubject.objects.filter(conditions).order_by("external_ref")


SEARCHABLE_FIELDS = {
    "national_id": normalize_national_id,
    "passport_number": passport_number_searched,
    "phone": normalize_phone,
    "email": normalize_email,
}


def subject_filter_by_index(
    queryset: QuerySet[DataSubject], *, field: str, value: str
) -> QuerySet[DataSubject]:
    """Exact match on one encrypted identifier through its blind index; a malformed value is an
    InvalidInput naming the field (it could match nothing)."""
    return queryset.filter(_index_match(field, value))


def _index_match(field: str, value: str) -> Q:
    """`value` matched whole on `field`'s blind index, in the field's one form (`SEARCHABLE_FIELDS`);
    InvalidInput naming the field when it is malformed."""
    return Q(**{f"{field}_index__in": blind_index_candidates(SEARCHABLE_FIELDS[field](value))})
