"""A row of a consent import is judged "by the same rules as a grant, on the day it was given"
(docs/consents.md): the guardian it names must have been the child's guardian that day. A paper form
dated before the guardianship passed to the new guardian cannot carry the new guardian's consent."""

from __future__ import annotations

import pytest

from consents.models import Consent
from subjects import services as subject_services
from tests.consents.factories import IMPORTED_ON, STAFF, SYSTEM, child_of, import_csv, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db

HEADER = (
    "subject,purpose,notice_version,channel,evidence,granted_at,guardian,child_agreed,child_evidence,outcome\n"
)


def _guardianship_passed(*, former_verified: bool = True):
    """A child of 10 whose guardianship passes today from `former` to `new`, whose authority the bank
    verifies (the court's decision)."""
    former, new = make_subject(), make_subject()
    child = child_of(former, age=10, verified=former_verified)
    make_purpose("group-sharing", category="sharing")
    subject_services.subject_rectify(actor=STAFF, subject_id=child.pk, changes={"guardian": new})
    subject_services.subject_guardian_verify(actor=SYSTEM, subject_id=child.pk, evidence="court-order-9")
    return former, new, child


def _form(child, guardian, *, purpose: str = "group-sharing", outcome: str = "granted") -> str:
    """A paper form signed before today's change by the guardian and the child."""
    return (f"{child.external_ref},{purpose},v1,paper_form,scan-1,{IMPORTED_ON},{guardian.external_ref},"
            f"yes,signed by the child,{outcome}\n")


def test_a_row_naming_the_new_guardian_for_a_day_before_the_guardianship_passed_is_refused():
    _former, new, child = _guardianship_passed()

    run = import_csv(HEADER + _form(child, new))

    assert (run.imported, run.refused) == (0, 1)
    assert not Consent.objects.filter(subject=child, guardian=new).exists()


def test_the_former_guardians_form_dated_while_they_were_the_guardian_is_imported_and_a_no_too():
    former, _new, child = _guardianship_passed()
    make_purpose("savings-support", category="support")

    run = import_csv(HEADER + _form(child, former) + _form(child, former, purpose="savings-support",
                                                            outcome="refused"))

    assert (run.imported, run.refusals_recorded, run.refused) == (1, 1, 0), run.errors
    assert Consent.objects.filter(subject=child, guardian=former).count() == 2


def test_a_row_naming_a_former_guardian_the_bank_never_verified_is_refused():
    former, _new, child = _guardianship_passed(former_verified=False)

    run = import_csv(HEADER + _form(child, former))

    assert (run.imported, run.refused) == (0, 1)
    assert "verified" in run.errors[0]["reason"]
