"""The customer page's request panel: both clocks, as on the request page, and a list cut short says
so and leads to the customer's requests in the queue."""
from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from dsr import navigation
from tests.dsr.factories import make_request
from tests.pages import LANGUAGES, in_either_language

pytestmark = pytest.mark.django_db


def _panel(client, subject) -> str:
    page = client.get(reverse("subjects:customer_detail", args=[subject.pk])).content.decode()
    section = page[page.index('data-testid="subject-requests"'):]
    return section[:section.index("</section>")]


def test_the_request_panel_shows_both_clocks_with_the_regime(logged_in, dpo, subject):
    req = make_request(subject, type="access")
    assert req.statutory_due_at and req.statutory_due_at != req.due_at
    panel = _panel(logged_in(dpo), subject)
    assert in_either_language("Statutory deadline", panel)
    regimes = set()
    for lang in LANGUAGES:
        with translation.override(lang):
            regimes.add(f"({req.get_statutory_regime_display()})")
    assert any(regime in panel for regime in regimes), regimes
    assert 'data-testid="more-requests"' not in panel


def test_a_cut_request_panel_says_so_and_leads_to_the_customers_requests(
    logged_in, dpo, subject, monkeypatch
):
    for _ in range(3):
        make_request(subject, type="access")
    monkeypatch.setattr(navigation, "PANEL_REQUESTS", 2)
    client = logged_in(dpo)
    panel = _panel(client, subject)
    assert in_either_language("%(shown)s of %(total)s requests shown.", panel, shown=2, total=3)
    link = f"{reverse('dsr:queue')}?subject={subject.external_ref}"
    assert link in panel
    queue = client.get(link).content.decode()
    assert queue.count('data-testid="queue-row"') == 3


def test_the_queue_filtered_by_customer_lists_only_theirs(logged_in, dpo, subject, customer_a):
    make_request(subject, type="access")
    make_request(customer_a.customer_account.subject, type="access")
    queue = logged_in(dpo).get(reverse("dsr:queue"), {"subject": subject.external_ref}).content.decode()
    assert queue.count('data-testid="queue-row"') == 1
    assert subject.external_ref in queue
