"""Silence is not consent: in a file with an `outcome` column, a blank cell is a form on which the
customer ticked nothing, never a "yes". A file without the column declares every row a grant."""

from __future__ import annotations

import pytest
from django.utils import translation

from consents.models import Consent
from consents.services import consents_import_csv
from core.actors import Actor
from tests.consents.factories import import_lines, local_day_ago, make_purpose
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tests.import")
BLANK_EN = "outcome is blank: write granted or refused (đồng ý or từ chối); a blank is not consent."
BLANK_VI = ("outcome để trống: hãy ghi granted hoặc refused (đồng ý hoặc từ chối); để trống không phải là "
            "đồng ý.")


@pytest.fixture
def catalogue():
    make_purpose("marketing", category="marketing")
    make_purpose("sharing", category="sharing")


def test_a_blank_outcome_is_a_bad_row_not_a_consent(catalogue):
    ticked, blank, short = make_subject(), make_subject(), make_subject()
    day = local_day_ago(3)

    run = consents_import_csv(actor=ACTOR, filename="forms.csv", lines=import_lines(
        f"{ticked.external_ref},marketing,v1,paper_form,scan-1,{day},,granted",
        f"{blank.external_ref},marketing,v1,paper_form,scan-2,{day},,",
        f"{blank.external_ref},sharing,v1,paper_form,scan-2,{day},,   ",
        f"{short.external_ref},marketing,v1,paper_form,scan-3,{day},",  # the cell left off the line
    ))

    assert (run.rows, run.imported, run.refusals_recorded, run.refused) == (4, 1, 0, 3)
    assert run.errors == [{"line": 3, "reason": BLANK_EN}, {"line": 4, "reason": BLANK_EN},
                          {"line": 5, "reason": BLANK_EN}]
    assert list(Consent.objects.values_list("subject", flat=True)) == [ticked.pk]


def test_the_blank_outcome_is_explained_in_vietnamese(catalogue):
    customer = make_subject()

    with translation.override("vi"):
        run = consents_import_csv(actor=ACTOR, filename="forms.csv", lines=import_lines(
            f"{customer.external_ref},marketing,v1,paper_form,scan-1,{local_day_ago(3)},,",
        ))

    assert run.errors == [{"line": 2, "reason": BLANK_VI}]
    assert not Consent.objects.exists()


def test_a_file_without_the_outcome_column_declares_every_row_a_grant(catalogue):
    customer = make_subject()
    header = "subject,purpose,notice_version,channel,evidence,granted_at,sensitive_acknowledged"

    run = consents_import_csv(actor=ACTOR, filename="legacy.csv", lines=import_lines(
        f"{customer.external_ref},marketing,v1,paper_form,scan-1,{local_day_ago(3)},", header=header,
    ))

    assert (run.imported, run.refused) == (1, 0), run.errors
    assert Consent.objects.get(subject=customer).status == "granted"


def test_the_import_page_says_what_a_blank_outcome_means(dpo):
    page = signed_in(dpo).get("/en/portal/consents/import/").content.decode()

    assert "A blank outcome is not consent" in page
    assert "A file without an outcome column declares every row a consent" in page
