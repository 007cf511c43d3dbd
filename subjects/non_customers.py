"""People the bank holds data about without their being its customers (`SubjectRelationship`): the
reference they are known by in place of a customer number (CIF)."""
from __future__ import annotations

import secrets

from django.utils.translation import gettext_lazy as _

from core.errors import InvalidInput
from subjects.models import NON_CUSTOMER_REF_PREFIX, SubjectRelationship
from subjects.validators import validate_external_ref

# The label of a field that finds a person by the number they are known by: a customer's CIF, or the
# reference of someone who is not a customer (`NON_CUSTOMER_REF_PREFIX`).
SUBJECT_REFERENCE_LABEL = _("Customer number (CIF) or reference")


def relationship_known(value: str) -> None:
    """Refuse, naming the field, a relationship the platform does not know."""
    if value not in SubjectRelationship.values:
        raise InvalidInput(_("Choose what the person is to the bank."), field="relationship")

def subject_reference(external_ref: str, relationship: str) -> str:
    """The record's reference: a customer's CIF as core banking writes it; for someone who is not a
    customer, the number the bank gave them if any, else a new platform reference. The platform's
    prefix is never taken from outside, so a number typed or sent cannot pass for one it issued."""
    relationship_known(relationship)
    if not (external_ref or "").strip() and relationship != SubjectRelationship.CUSTOMER:
        return f"{NON_CUSTOMER_REF_PREFIX}{secrets.token_hex(5).upper()}"
    ref = validate_external_ref(external_ref)
    if ref.startswith(NON_CUSTOMER_REF_PREFIX):
        raise InvalidInput(
            _("Numbers starting with %(prefix)s are given by the platform to people who are not customers; "
              "leave the customer number empty for them.") % {"prefix": NON_CUSTOMER_REF_PREFIX},
            field="external_ref",
        )
    return ref


def relationship_corrected(value: str) -> str:
    """The relationship a record registered by mistake is corrected to (a guarantor recorded as a payee).
    Becoming a customer is no correction: the record moves to the customer number core banking gave
    (`customer_number_change`, kind became_customer), which the CIF-keyed systems follow."""
    relationship_known(value)
    if value == SubjectRelationship.CUSTOMER:
        raise InvalidInput(
            _("A person becomes a customer when their record moves to the customer number (CIF) core banking "
              "gave them (number change of kind became_customer), not by a correction."),
            field="relationship",
        )
    return value
