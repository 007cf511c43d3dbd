"""Checking an identity document against the customer record, and where its original was seen
(`dsr.services.identity`): a CCCD or 12-digit CMND through the national-id blind index, a passport against
the number on file, both in the one form the record stores. A citizen ID number is no secret, so for a request
not received at a branch the officer confirms the customer came to one with the original (`visit_checked`)."""

from __future__ import annotations

import hmac

from django.utils.translation import gettext_lazy as _

from core.errors import InvalidInput
from dsr.models import DataSubjectRequest, IdentityDocument
from dsr.selectors import identity_document_needs_visit, request_requester
from subjects.crypto import blind_index_candidates
from subjects.models import DataSubject
from subjects.validators import normalize_national_id, normalize_passport_number

SEEN_AT_MAX_LENGTH = 100


def mask_document_number(number: str) -> str:
    return "•" * max(len(number) - 3, 0) + number[-3:]


def visit_checked(request: DataSubjectRequest, customer_present: bool, seen_at_branch: str) -> str:
    """Where the original document was seen (and by whom), for a request not received at a branch; blank for
    one that was. Checked before the number is compared, so a caller learns nothing from a refusal."""
    if not identity_document_needs_visit(request):
        return ""
    if not customer_present:
        raise InvalidInput(
            _(
                "This request did not come in at a branch: an identity document is checked only with the "
                "customer in person at a branch, showing the original. Confirm that they came and the "
                "original was seen, or verify by a code sent to the registered phone or by eKYC."
            ),
            field="customer_present",
        )
    seen_at_branch = (seen_at_branch or "").strip()
    if not seen_at_branch:
        raise InvalidInput(
            _("Name the branch where the original document was seen, and who saw it."),
            field="seen_at_branch",
        )
    if len(seen_at_branch) > SEEN_AT_MAX_LENGTH:
        raise InvalidInput(
            _("The branch and who saw the document take at most 100 characters."), field="seen_at_branch"
        )
    return seen_at_branch


def document_checked(request: DataSubjectRequest, document_type: str, number: str) -> str:
    if document_type not in IdentityDocument.values:
        raise InvalidInput(_("Choose the type of identity document checked."), field="document_type")
    if not number.strip():
        raise InvalidInput(_("Type the number printed on the document."), field="document_number")
    requester = request_requester(request)
    if document_type == IdentityDocument.PASSPORT:
        normalised, matches = _passport_matches(requester, number)
    else:
        normalised, matches = _national_id_matches(requester, number)
    if not matches:
        raise InvalidInput(
            _(
                "This document number does not match the customer record: the identity is not verified. "
                "Check the document again, or verify by a code sent to the registered phone."
            ),
            field="document_number",
        )
    return mask_document_number(normalised)


def _national_id_matches(requester: DataSubject, number: str) -> tuple[str, bool]:
    try:
        normalised = normalize_national_id(number)
    except InvalidInput:
        raise InvalidInput(
            _("A citizen ID (CCCD) or 12-digit identity card number has exactly 12 digits."),
            field="document_number",
        ) from None
    on_record = requester.national_id_index
    return normalised, bool(on_record) and on_record in blind_index_candidates(normalised)


def _passport_matches(requester: DataSubject, number: str) -> tuple[str, bool]:
    """The number shown and the one on file, each in the one form (`normalize_passport_number`; a record
    kept before it may still hold spaces). The record has no blind index of it (no look-up by
    passport): the number on file is compared in constant time."""
    normalised = normalize_passport_number(number)
    on_record = normalize_passport_number(requester.passport_number)
    return normalised, bool(on_record) and hmac.compare_digest(normalised.encode(), on_record.encode())
