"""The customer page's request panel: both clocks, as on the request page, and a list cut short says
so and leads to the customer's requests in the queue."""
from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime

from dsr import navigation
from dsr.selectors import requests_of_customer
from subjects.models import DataSubject
from tests.consents.factories import child_of
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


def _more_link(panel: str) -> str:
    more = panel[panel.index('data-testid="more-requests"'):]
    return html.unescape(re.search(r'href="([^"]+)"', more)[1])


def test_the_panels_count_and_its_link_show_the_same_requests_with_those_filed_as_guardian(
    logged_in, dpo, subject, monkeypatch
):
    """The panel counts the requests the customer filed as guardian for a ward beside their own; the
    queue its link opens lists the same requests and says it includes those filed as guardian."""
    ward = child_of(subject, age=10)
    for _ in range(2):
        make_request(subject, type="access")
    make_request(ward, type="copy", guardian=subject)
    # The ward's own (a child of 10 objects alone), filed by nobody as guardian: not the guardian's.
    make_request(ward, type="object")
    monkeypatch.setattr(navigation, "PANEL_REQUESTS", 2)
    client = logged_in(dpo)
    panel = _panel(client, subject)
    assert in_either_language("%(shown)s of %(total)s requests shown.", panel, shown=2, total=3)
    queue = client.get(_more_link(panel)).content.decode()
    assert queue.count('data-testid="queue-row"') == 3
    assert 'data-testid="queue-as-guardian"' in queue
    assert queue.count('data-testid="filed-as-guardian"') == 1  # the ward's row says who filed it
    assert in_either_language(
        "Requests of customer %(cif)s, and those they filed as guardian for a ward.", queue,
        cif=subject.external_ref,
    )
    # Without the parameter the filter stays the customer's own requests.
    own = client.get(reverse("dsr:queue"), {"subject": subject.external_ref}).content.decode()
    assert own.count('data-testid="queue-row"') == 2
    assert 'data-testid="queue-as-guardian"' not in own


def _where(queryset) -> str:
    sql = str(queryset.query)
    return sql[sql.index(" WHERE "):]


def test_the_customers_requests_filter_on_the_foreign_keys_not_a_join(subject):
    """Staff read a customer's requests (the customer page, the queue's customer filter) on the two
    foreign-key indexes: the CIF is looked up once, not matched across joined tables in an OR."""
    subject_table = DataSubject._meta.db_table
    for queryset in (
        requests_of_customer(subject.external_ref, as_guardian=True),
        requests_of_customer(subject_id=subject.pk, as_guardian=True),
    ):
        where = _where(queryset)
        assert "external_ref" not in where and f'"{subject_table}"' not in where, where
        assert "guardian_id" in where and "subject_id" in where, where


def test_an_unknown_customer_number_has_no_requests(subject):
    make_request(subject, type="access")
    assert not requests_of_customer("NO-SUCH-CIF", as_guardian=True).exists()
    assert requests_of_customer(subject.external_ref).count() == 1


def test_the_panel_shows_the_date_the_customer_was_told_and_the_reference_they_quote(
    logged_in, officer, subject
):
    """A caller asks "when will you answer my complaint YC-...?". The panel gave the bank's deadline and
    the statutory one, not which of them the customer was told (`answer_by`, the earlier): for a
    complaint the bank's 15 working days end after the law's 15 days, so the agent read out a later date
    than the bank's own e-mail had promised; and the reference the customer quotes was hidden text."""
    req = make_request(subject, type="complaint", details="Still getting SMS after withdrawing")
    assert req.answer_by == req.statutory_due_at < req.due_at
    with translation.override("en"):
        panel = html.unescape(_panel(logged_in(officer), subject))
    row = re.search(r"<tr><th scope=\"row\">.*?</tr>", panel, re.S).group(0)
    told = re.search(r'data-testid="panel-answer-by">([^<]*)<', row)
    assert told, "the panel does not say the date the customer was told"
    with translation.override("en"):
        assert told.group(1).strip() == date_format(localtime(req.answer_by), "SHORT_DATETIME_FORMAT")
    assert re.search(rf'<span class="mono"[^>]*>{req.reference}</span>', row)
