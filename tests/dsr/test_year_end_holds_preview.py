"""Before the year-end nights the DPO sees what the nightly release will erase and when: every hold not
yet released whose last day comes by the day asked (31 days ahead by default), the night it goes, and
the holds an open complaint holds back. Before, nothing showed what the job would erase until it had."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from core.actors import actor_for_user
from deadlines.policy import LOCAL_TZ, add_months
from dsr import services
from dsr.models import LegalHold
from dsr.selectors.deletions import holds_due
from subjects.models import DataSubject
from tests.dsr.factories import make_inventory, make_request, verified_request
from tests.dsr.test_services_deletion_law import answer
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
URL = "/portal/requests/legal-holds/"


@pytest.fixture
def held(subject, privacy_officer, dpo):
    make_inventory()
    worker, approver = actor_for_user(privacy_officer), actor_for_user(dpo)
    deletion = verified_request(subject, type="delete", actor=worker)
    answer(deletion, worker, approver)
    today = timezone.localdate(timezone.now(), LOCAL_TZ)
    # The AML period ends in ten days.
    DataSubject.objects.filter(pk=subject.pk).update(
        relationship_ended_on=add_months(today, -60) + timedelta(days=10)
    )
    assert services.legal_holds_release_due(now=timezone.now()) == 0  # the nightly job dates them
    return deletion


def test_the_page_lists_what_the_release_will_erase_and_when(held, client, dpo):
    client.force_login(dpo)
    page = client.get(URL)
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count('data-testid="hold-coming-due"') == 3
    assert held.reference in text and "Law 14/2022/QH15 Art. 40" in text
    assert 'data-testid="hold-held-back"' not in text
    # Not within the next 5 days.
    later = (timezone.localdate(timezone.now(), LOCAL_TZ) + timedelta(days=5)).isoformat()
    assert 'data-testid="hold-coming-due"' not in client.get(URL, {"until": later}).content.decode()


def test_an_open_complaint_shows_as_holding_the_release_back(held, subject, client, auditor):
    make_request(subject, type="complaint", details="Khiếu nại")
    client.force_login(auditor)
    text = client.get(URL).content.decode()
    assert text.count('data-testid="hold-held-back"') == 3


def test_a_day_that_does_not_parse_is_said_on_the_page(held, client, dpo):
    client.force_login(dpo)
    page = client.get(URL, {"until": "31/13/2026"})
    assert page.status_code == 200
    assert 'data-testid="hold-coming-due"' in page.content.decode()


def test_what_the_page_says_goes_tonight_is_what_the_job_releases(subject, privacy_officer, dpo, client):
    make_inventory()
    worker, approver = actor_for_user(privacy_officer), actor_for_user(dpo)
    answer(verified_request(subject, type="delete", actor=worker), worker, approver)
    other = make_subject()
    answer(verified_request(other, type="delete", actor=worker), worker, approver)
    make_request(other, type="complaint", details="Khiếu nại")  # holds `other`'s back
    today = timezone.localdate(timezone.now(), LOCAL_TZ)
    holds = list(LegalHold.objects.order_by("pk"))
    # Last days: yesterday (goes tonight), today (goes tomorrow night), and the held-back customer's.
    for hold, last_day in zip(holds, [today - timedelta(days=1), today, today - timedelta(days=1)] * 2,
                              strict=False):
        LegalHold.objects.filter(pk=hold.pk).update(ends_on=last_day)
    client.force_login(dpo)
    listed = client.get(URL, {"until": today.isoformat()}).context["holds"]
    tonight = {row["hold"].pk for row in listed
               if row["released_from"] <= today and not row["hold"].complaint_open}
    assert tonight == set(holds_due(today=today).values_list("pk", flat=True)) != set()

    services.legal_holds_release_due(now=timezone.now())
    assert set(LegalHold.objects.filter(released_at__isnull=False).values_list("pk", flat=True)) == tonight


def test_the_page_names_the_morning_the_hold_is_erased_not_the_night_after_it(held, client, dpo):
    """"The night of 01/01" reads as the night from 1 to 2 January, a day late: the release runs at 01:30
    on the day after the last day, and the page says so."""
    last_day = LegalHold.objects.values_list("ends_on", flat=True).first()
    erased_on = (last_day + timedelta(days=1)).strftime("%d/%m/%Y")
    client.force_login(dpo)
    assert f"At 01:30 on {erased_on}" in client.get(f"/en{URL}").content.decode()
    assert f"Lúc 01:30 ngày {erased_on}" in client.get(URL).content.decode()


def test_holds_the_job_dates_tonight_are_listed_with_their_end_not_as_undated(
    subject, privacy_officer, dpo, client
):
    """A hold still undated while the customer's relationship has ended (recorded before holds were dated
    at once) is dated by the job before it releases: ended in 2020, it goes at the next run. The page
    counted it among the holds whose customer's relationship is still open and listed nothing."""
    make_inventory()
    worker, approver = actor_for_user(privacy_officer), actor_for_user(dpo)
    deletion = verified_request(subject, type="delete", actor=worker)
    answer(deletion, worker, approver)
    DataSubject.objects.filter(pk=subject.pk).update(relationship_ended_on=date(2020, 1, 1))
    client.force_login(dpo)

    page = client.get(f"/en{URL}")
    assert (page.context["total"], page.context["undated"]) == (3, 0)
    assert page.content.decode().count("At the next run (01:30)") == 3
    assert services.legal_holds_release_due(now=timezone.now()) == 3
