""""Prove this audit trail was not altered", at a bank's size: walking the whole chain takes minutes
(docs/deployment.md: 10,000,000 entries in 73 to 269 s), past the web server's 60-second request
timeout, so the page's "Verify the whole chain" button would end in a gateway error with nothing
recorded. The button now hands the whole chain to a background worker and the page shows, in words,
the latest recorded verification of the whole chain (who, when, which entries, intact or broken) and
that one asked for is still running; the check since the last checkpoint, bounded, stays in the request."""
from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit import tasks, views
from audit.selectors import audit_chain_last_full_check, full_check
from audit.services import audit_record
from core.actors import Actor
from tests.audit.test_views_trail_verify import chain_checks_counted
from tests.pages import in_either_language

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")


@pytest.fixture
def queued(monkeypatch):
    """The background checks the page asked a worker for, instead of sending them to the broker."""
    calls = []
    monkeypatch.setattr(tasks.verify_chain, "delay", lambda **kwargs: calls.append(kwargs))
    return calls


@pytest.fixture
def walked_in_request(monkeypatch):
    """The chain checks run inside the web request."""
    return chain_checks_counted(monkeypatch, views)


def _write(n: int) -> None:
    with transaction.atomic():
        for i in range(n):
            audit_record(action="core.token.issued", actor=SYSTEM, data={"i": i})


def _box(page: str, testid: str) -> str:
    found = page[page.index(f'data-testid="{testid}"'):]
    return found[:found.index("</p>")]


def test_the_whole_chain_is_verified_in_the_background_and_its_result_shown_in_words(
    logged_in, auditor, queued, walked_in_request
):
    _write(3)
    client = logged_in(auditor)

    answer = client.post(reverse("audit:trail"), {"verify": "full"}, follow=True)

    assert answer.status_code == 200
    assert walked_in_request == []  # nothing walked the chain inside the web request
    assert queued == [{"full": True, "user_id": auditor.pk}]
    page = answer.content.decode()
    assert 'data-testid="full-check-running"' in page
    assert 'data-testid="last-full-check-none"' in page

    tasks.verify_chain(**queued[0])  # what the worker runs

    recorded = audit_chain_last_full_check()
    assert recorded.actor_user_id == auditor.pk  # who asked for it, as on the page before
    page = client.get(reverse("audit:trail")).content.decode()
    shown = _box(page, "last-full-check")
    assert auditor.username in shown and "#1 " in shown and f"#{recorded.data['head_sequence']}," in shown
    assert 'data-testid="last-full-check-intact"' in page
    assert 'data-testid="full-check-running"' not in page


def test_verifying_since_the_last_checkpoint_stays_in_the_request(
    logged_in, auditor, queued, walked_in_request
):
    _write(2)
    logged_in(auditor).post(reverse("audit:trail"), {"verify": "checkpoint"})
    assert [call["since_checkpoint"] for call in walked_in_request] == [True]
    assert queued == []


def test_a_second_whole_chain_check_is_refused_while_one_runs_and_the_page_says_so(
    logged_in, auditor, dpo, queued
):
    """Each whole-chain check walks the bank's whole trail for minutes in a worker: a second click, the
    same person's or a colleague's, while one runs would only start another walk."""
    _write(2)
    logged_in(auditor).post(reverse("audit:trail"), {"verify": "full"})

    answer = logged_in(dpo).post(reverse("audit:trail"), {"verify": "full"}, follow=True)

    assert len(queued) == 1
    page = answer.content.decode()
    assert 'data-testid="full-check-running"' in page
    assert in_either_language(
        "A verification of the whole chain is already running: its result shows on this page once it is "
        "recorded. Ask again only after that.", html.unescape(page),
    )


def test_a_check_whose_worker_recorded_nothing_stops_reading_as_running(
    logged_in, auditor, queued, monkeypatch
):
    """A worker killed (out of memory, a deploy) records no outcome: once the check's time is over, the
    page says it ended without a result instead of "running" for ever, and a new one may be asked for."""
    _write(2)
    client = logged_in(auditor)
    client.post(reverse("audit:trail"), {"verify": "full"})
    later = timezone.now() + timedelta(hours=2)
    monkeypatch.setattr(full_check, "timezone", type("Later", (), {"now": staticmethod(lambda: later)}))

    page = client.get(reverse("audit:trail")).content.decode()

    assert 'data-testid="full-check-running"' not in page
    assert 'data-testid="full-check-lost"' in page
    client.post(reverse("audit:trail"), {"verify": "full"})
    assert len(queued) == 2
