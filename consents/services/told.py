"""What a processor is told (a client serving some purposes only, e.g. a marketing agency:
`integrations.audience.is_processor`): that it may not process or record a customer, not the fact about
the customer behind it. That a customer died, is a child, left the bank or has data under a legal hold (an
erasure, a dispute) is more than the purpose needs (Law 91/2025, data minimisation); the bank's staff and
its own systems read the reason, which they act on."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from consents.selectors import Reason
from core.errors import Conflict, DomainError

# The check's reason a processor reads in place of one of `REASONS_WITHHELD_FROM_PROCESSORS`.
NOT_ALLOWED = "not_allowed"
REASONS_WITHHELD_FROM_PROCESSORS = frozenset(
    {Reason.DECEASED, Reason.CHILD, Reason.RELATIONSHIP_ENDED, Reason.LEGAL_HOLD}
)
# The refusals of a consent's recording that name such a fact (`consents.services.rules`).
REFUSALS_WITHHELD_FROM_PROCESSORS = frozenset(
    {"subject_deceased", "relationship_ended", "child_marketing", "child_barred"}
)


def reason_told(reason: str, *, processor: bool) -> str:
    """The check's reason as the caller reads it: `not_allowed` for a processor when it tells a fact
    about the customer; the reasons about the consent itself (withdrawn, objected...) it acts on."""
    return NOT_ALLOWED if processor and reason in REASONS_WITHHELD_FROM_PROCESSORS else reason


def refusal_told(error: DomainError, *, processor: bool) -> DomainError:
    """A refused recording as the caller reads it: for a processor, one neutral 409 in place of a refusal
    that tells a fact about the customer (and its day)."""
    if not processor or error.code not in REFUSALS_WITHHELD_FROM_PROCESSORS:
        return error
    return Conflict(
        _("No consent can be recorded for this customer for this purpose. The bank can tell the customer "
          "why."),
        code="consent_not_recordable",
    )
