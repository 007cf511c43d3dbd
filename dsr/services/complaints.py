"""A complaint about an answer: the request whose answer it challenges (its page's "Send a complaint")."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.errors import InvalidInput
from deadlines.models import RequestType
from dsr.models import DataSubjectRequest
from subjects.models import DataSubject


def complaint_challenge_check(
    challenges: DataSubjectRequest | None, *, type: str, subject: DataSubject
) -> None:
    """A complaint challenges an answer given to the same customer, never another's; no other request
    type challenges one."""
    if challenges is None:
        return
    if type != RequestType.COMPLAINT or challenges.subject_id != subject.pk:
        raise InvalidInput(
            _("A complaint can challenge only an answer to a request of the same customer."),
            field="challenges",
        )
