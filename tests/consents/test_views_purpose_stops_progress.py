"""The DPO follows, on the purpose's page, each job telling recipients to stop after a narrowing or a
retirement: what it stops, how many consents it has done of how many, and when it started and finished."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from consents import services
from consents.selectors import purpose_stops_progress
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.factories import signed_in
from tests.html_tree import parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def narrowed():
    insurer, broker = make_recipient("Bảo hiểm A", name_en="Insurer A"), make_recipient("Môi giới B")
    purpose = make_purpose(
        "partner-sharing", category="sharing", recipients=[insurer, broker],
        effective_at=timezone.now() - timedelta(days=30),
    )
    for _ in range(2):
        grant(purpose=purpose, now=timezone.now() - timedelta(days=20))
    services.purpose_update(actor=STAFF, code=purpose.code, changes={}, recipients=[insurer])
    return purpose


def _stops(dpo, prefix: str, code: str) -> str:
    page = parse(signed_in(dpo).get(f"{prefix}/portal/purposes/{code}/edit/").content)
    section = page.find(**{"data-testid": "purpose-stops"})
    assert section is not None
    return " ".join(section.text().split())


@pytest.mark.parametrize(
    ("prefix", "queued", "finished"),
    [("/en", "Queued", "2 of 2 consents done"), ("", "Đang chờ", "Đã xử lý 2/2 sự đồng ý")],
)
def test_the_purpose_page_shows_what_each_stops_job_stops_and_how_far_it_got(
    dpo, narrowed, prefix, queued, finished
):
    before = _stops(dpo, prefix, narrowed.code)
    services.scope_stops_run_queued()
    after = _stops(dpo, prefix, narrowed.code)

    assert "Môi giới B" in before and queued in before
    assert "Môi giới B" in after and finished in after


def test_the_stops_of_a_purpose_are_read_in_one_query(narrowed, django_assert_num_queries):
    services.purpose_update(actor=STAFF, code=narrowed.code, changes={"active": False})
    services.scope_stops_run_queued()

    with django_assert_num_queries(1):
        runs = purpose_stops_progress(narrowed)

    assert [(r.done, r.total, len(r.recipients)) for r in runs] == [(2, 2, 1), (2, 2, 1)]
