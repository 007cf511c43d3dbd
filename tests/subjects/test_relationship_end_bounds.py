"""relationship_ended_on starts the AML and accounting retention clocks (docs/requests.md "legal hold"):
besides a day still to come, a day before 1900 or before the customer was born is refused, with a message
saying which (subjects/changes.py). It may be before the customer was registered here: a former customer
is registered late, with the day the relationship ended at the bank."""

from __future__ import annotations

from datetime import date

import pytest

from subjects.models import DataSubject
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "day,words", [("0001-01-01", "1900"), ("1899-12-31", "1900"), ("1985-03-13", "born")]
)
def test_an_impossible_relationship_end_is_refused_on_change(dpo, as_user, day, words):
    subject = make_subject(date_of_birth=date(1985, 3, 14))
    answer = as_user(dpo).patch(
        f"/api/v1/subjects/{subject.pk}/",
        {"relationship_ended_on": day},
        format="json",
        HTTP_X_ACCESS_REASON="probe",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 400, answer.content
    [message] = answer.json()["relationship_ended_on"]
    assert words in message
    assert DataSubject.objects.get(pk=subject.pk).relationship_ended_on is None


def test_the_date_of_birth_changed_with_it_is_the_one_compared(dpo, as_user):
    subject = make_subject(date_of_birth=date(1985, 3, 14))
    answer = as_user(dpo).patch(
        f"/api/v1/subjects/{subject.pk}/",
        {"relationship_ended_on": "1980-05-01", "date_of_birth": "1960-01-01"},
        format="json",
        HTTP_X_ACCESS_REASON="probe",
    )
    assert answer.status_code == 200, answer.content
    assert DataSubject.objects.get(pk=subject.pk).relationship_ended_on == date(1980, 5, 1)


@pytest.mark.parametrize("day", ["0001-01-01", "1985-03-13"])
def test_an_impossible_relationship_end_is_refused_at_registration(client_user, as_user, day):
    answer = as_user(client_user).post(
        "/api/v1/subjects/",
        {
            "external_ref": "CIFOLD1",
            "full_name": "Nguyễn Văn Cũ",
            "date_of_birth": "1985-03-14",
            "relationship_ended_on": day,
        },
        format="json",
    )
    assert answer.status_code == 400, answer.json()
    assert list(answer.json()) == ["relationship_ended_on"]
    assert not DataSubject.objects.exists()


def test_a_day_before_registration_is_taken(client_user, as_user):
    answer = as_user(client_user).post(
        "/api/v1/subjects/",
        {
            "external_ref": "CIFOLD2",
            "full_name": "Nguyễn Văn Cũ",
            "date_of_birth": "1985-03-14",
            "relationship_ended_on": "1985-03-14",
        },
        format="json",
    )
    assert answer.status_code == 201, answer.json()
