"""A former customer erased after the bank's retention who comes back (the bank clears the relationship's
end, or records a later one) starts a new relationship: its end counts again, and once its retention has
run out they are erased again. A correction of the erased relationship's own end leaves the mark."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from core.actors import Actor
from dsr.selectors.former_customers import former_customers_past_retention
from dsr.services.deletion import HOLD_CORRECTION_GRACE
from dsr.services.former_customers import former_customers_erase_due
from subjects.models import DataSubject
from subjects.services import subject_rectify
from tests.dsr.factories import VN, make_inventory
from tests.factories import make_subject

pytestmark = pytest.mark.django_db

ERASED_AT = datetime(2026, 3, 10, 1, 40, tzinfo=VN)
BANK = Actor.system("core-banking")


def _erased_former_customer():
    make_inventory()
    subject = make_subject()
    DataSubject.objects.filter(pk=subject.pk).update(relationship_ended_on=date(2015, 6, 30))
    assert former_customers_erase_due(now=ERASED_AT) == 1
    return subject


@pytest.mark.parametrize("came_back", ["cleared then ended", "a later end at once"])
def test_a_customer_who_came_back_is_erased_again_after_the_new_retention(came_back):
    subject = _erased_former_customer()
    if came_back == "cleared then ended":
        subject_rectify(actor=BANK, subject_id=subject.pk, changes={"relationship_ended_on": None},
                        now=ERASED_AT + timedelta(days=30))
    subject_rectify(actor=BANK, subject_id=subject.pk, changes={"full_name": "Nguyễn Văn Quay Lại"},
                    now=ERASED_AT + timedelta(days=31))
    subject_rectify(actor=BANK, subject_id=subject.pk, changes={"relationship_ended_on": date(2027, 1, 31)},
                    now=ERASED_AT + timedelta(days=400))

    subject.refresh_from_db()
    assert subject.retention_erased_at is None
    assert not former_customers_past_retention(today=date(2032, 1, 31)).filter(pk=subject.pk).exists()
    assert former_customers_past_retention(today=date(2032, 2, 1)).filter(pk=subject.pk).exists()


def test_a_correction_of_the_erased_relationships_end_keeps_the_mark():
    subject = _erased_former_customer()
    subject_rectify(actor=BANK, subject_id=subject.pk, changes={"relationship_ended_on": date(2015, 3, 31)},
                    now=ERASED_AT + timedelta(days=1))

    subject.refresh_from_db()
    assert subject.retention_erased_at == ERASED_AT
    assert not former_customers_past_retention(today=date(2026, 3, 12)).exists()


CORRECTED_AT = datetime(2026, 3, 10, 14, 0, tzinfo=VN)


def test_an_end_corrected_backwards_waits_the_holds_grace_before_the_erasure():
    """A relationship's end brought forward past the retention (a typo corrected the wrong way) is not
    erased that night, irreversibly: as a legal hold's end so corrected, it waits the correction's grace."""
    make_inventory()
    subject = make_subject()
    DataSubject.objects.filter(pk=subject.pk).update(relationship_ended_on=date(2025, 6, 30))
    subject_rectify(actor=BANK, subject_id=subject.pk, changes={"relationship_ended_on": date(2015, 6, 30)},
                    now=CORRECTED_AT)
    grace_ends = CORRECTED_AT.date() + HOLD_CORRECTION_GRACE

    assert former_customers_erase_due(now=CORRECTED_AT + timedelta(hours=12)) == 0
    assert not former_customers_past_retention(today=grace_ends).filter(pk=subject.pk).exists()
    after_grace = grace_ends + timedelta(days=1)
    assert former_customers_past_retention(today=after_grace).filter(pk=subject.pk).exists()


def test_an_end_put_back_later_needs_no_grace():
    make_inventory()
    subject = make_subject()
    DataSubject.objects.filter(pk=subject.pk).update(relationship_ended_on=date(2014, 6, 30))
    subject_rectify(actor=BANK, subject_id=subject.pk, changes={"relationship_ended_on": date(2015, 6, 30)},
                    now=CORRECTED_AT)

    assert former_customers_past_retention(today=CORRECTED_AT.date()).filter(pk=subject.pk).exists()
