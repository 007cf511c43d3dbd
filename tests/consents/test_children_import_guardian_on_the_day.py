"""A row of a consent import is judged "by the same rules as a grant, on the day it was given"
(docs/consents.md): the guardian it names must have been the child's guardian that day. A paper form
dated before the guardianship passed to the new guardian cannot carry the new guardian's consent."""

from __future__ import annotations

import io

import pytest

from consents.models import Consent
from consents.services import consents_import_csv
from core.actors import Actor
from subjects import services as subject_services
from tests.consents.factories import IMPORTED_ON, STAFF, SYSTEM, child_of, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def test_a_row_naming_the_new_guardian_for_a_day_before_the_guardianship_passed_is_refused():
    former, new = make_subject(), make_subject()
    child = child_of(former, age=10)
    make_purpose("group-sharing", category="sharing")
    # Today the court gives the child to the new guardian, whose authority the bank verifies.
    subject_services.subject_rectify(actor=STAFF, subject_id=child.pk, changes={"guardian": new})
    subject_services.subject_guardian_verify(actor=SYSTEM, subject_id=child.pk, evidence="court-order-9")
    header = "subject,purpose,notice_version,channel,evidence,granted_at,guardian,child_agreed,child_evidence"
    lines = io.StringIO(
        f"{header}\n{child.external_ref},group-sharing,v1,paper_form,scan-1,{IMPORTED_ON},"
        f"{new.external_ref},yes,signed by the child\n"
    ).readlines()

    run = consents_import_csv(actor=Actor.system("tests.import"), lines=lines, filename="forms.csv")

    assert (run.imported, run.refused) == (0, 1)
    assert not Consent.objects.filter(subject=child, guardian=new).exists()


def test_the_former_guardians_form_dated_while_they_were_the_guardian_is_imported_and_a_no_too():
    former, new = make_subject(), make_subject()
    child = child_of(former, age=10)
    make_purpose("group-sharing", category="sharing")
    make_purpose("savings-support", category="support")
    subject_services.subject_rectify(actor=STAFF, subject_id=child.pk, changes={"guardian": new})
    subject_services.subject_guardian_verify(actor=SYSTEM, subject_id=child.pk, evidence="court-order-9")
    header = (
        "subject,purpose,notice_version,channel,evidence,granted_at,guardian,child_agreed,child_evidence,outcome"
    )
    lines = io.StringIO(
        f"{header}\n{child.external_ref},group-sharing,v1,paper_form,scan-1,{IMPORTED_ON},"
        f"{former.external_ref},yes,signed by the child,\n"
        f"{child.external_ref},savings-support,v1,paper_form,scan-1,{IMPORTED_ON},"
        f"{former.external_ref},,,refused\n"
    ).readlines()

    run = consents_import_csv(actor=Actor.system("tests.import"), lines=lines, filename="forms.csv")

    assert (run.imported, run.refusals_recorded, run.refused) == (1, 1, 0), run.errors
    assert Consent.objects.filter(subject=child, guardian=former).count() == 2


def test_a_row_naming_a_former_guardian_the_bank_never_verified_is_refused():
    former, new = make_subject(), make_subject()
    child = child_of(former, age=10, verified=False)
    make_purpose("group-sharing", category="sharing")
    subject_services.subject_rectify(actor=STAFF, subject_id=child.pk, changes={"guardian": new})
    header = "subject,purpose,notice_version,channel,evidence,granted_at,guardian,child_agreed,child_evidence"
    lines = io.StringIO(
        f"{header}\n{child.external_ref},group-sharing,v1,paper_form,scan-1,{IMPORTED_ON},"
        f"{former.external_ref},yes,signed by the child\n"
    ).readlines()

    run = consents_import_csv(actor=Actor.system("tests.import"), lines=lines, filename="forms.csv")

    assert (run.imported, run.refused) == (0, 1)
    assert "verified" in run.errors[0]["reason"]
