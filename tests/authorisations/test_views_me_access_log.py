"""The customer's own view of third-party access (/me/authorisations/ and the receipt e-mail): an ended
authorisation says when it ended, not an end that never came; the page shows the newest reads with a link
to the whole log, paged, and loads no more than it shows; a read claimed but not yet reported says so."""

from __future__ import annotations

import re
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import dateformat, formats, timezone, translation

from authorisations import services
from authorisations.models import AccessRecord
from authorisations.selectors import RECENT_ACCESSES
from core.actors import Actor, actor_for_user
from integrations.delivery import outbox_deliver
from integrations.models import OutboxMessage
from tests.authorisations.factories import authorise, sign_in

pytestmark = pytest.mark.django_db
GATEWAY = Actor(kind="client", user_id=None, label="gateway")
LOG_PAGE = 50


def _shown(at) -> str:
    with translation.override("en"):
        return formats.date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT")


def _section(html: str, authorisation) -> str:
    return html.split(f'data-testid="authorisation-{authorisation.pk}"', 1)[1].split("</section>", 1)[0]


def _log_rows(html: str) -> list[list[str]]:
    log = html.split('data-testid="access-log"', 1)[1].split("</table>", 1)[0]
    return [re.findall(r"<td>(.*?)</td>", row) for row in re.findall(r"<tr><td>.*?</tr>", log)]


def _reads(authorisation, count: int) -> None:
    now = timezone.now()
    AccessRecord.objects.bulk_create(
        AccessRecord(authorisation=authorisation, scope="accounts:read", record_count=i + 1,
                     accessed_at=now - timedelta(hours=i + 1), reported_by="gw", reported_at=now)
        for i in range(count)
    )


def _revoke(customer, authorisation) -> None:
    services.authorisation_revoke(actor=actor_for_user(customer), authorisation_id=authorisation.pk,
                                  subject=customer.customer_account.subject, channel="internet_banking")
    authorisation.refresh_from_db()


def test_an_ended_authorisation_says_when_it_ended_not_the_end_it_never_reached(customer1, browser1):
    ended, live = authorise(customer1, days=365), authorise(customer1, days=90)
    _revoke(customer1, ended)

    html = browser1.get("/en/me/authorisations/").content.decode()

    assert _shown(ended.ended_at) in _section(html, ended)
    assert _shown(ended.expires_at) not in _section(html, ended)
    assert _shown(live.expires_at) in _section(html, live)


def test_the_receipt_of_a_revocation_says_when_access_ended(customer1, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    authorisation = authorise(customer1, days=365)
    _revoke(customer1, authorisation)

    outbox_deliver(OutboxMessage.objects.get(topic="authorisations.customer.revoked").pk)

    [sent] = mail.outbox
    assert dateformat.format(timezone.localtime(authorisation.ended_at), "d/m/Y H:i") in sent.body
    assert dateformat.format(timezone.localtime(authorisation.expires_at), "d/m/Y H:i") not in sent.body


def test_the_page_shows_the_newest_reads_and_links_to_the_whole_log_paged(customer1, browser1, customer2):
    authorisation = authorise(customer1)
    _reads(authorisation, LOG_PAGE + 10)

    html = browser1.get("/en/me/authorisations/").content.decode()

    rows = _log_rows(_section(html, authorisation))
    assert [row[2] for row in rows] == [str(n) for n in range(1, RECENT_ACCESSES + 1)]
    log_url = f"/en/me/authorisations/{authorisation.pk}/reads/"
    assert f'href="{log_url}"' in _section(html, authorisation)
    first = browser1.get(log_url).content.decode()
    assert [row[2] for row in _log_rows(first)] == [str(n) for n in range(1, LOG_PAGE + 1)]
    assert 'rel="next"' in first
    second = browser1.get(log_url, {"page": 2}).content.decode()
    assert [row[2] for row in _log_rows(second)] == [str(n) for n in range(LOG_PAGE + 1, LOG_PAGE + 11)]
    assert 'rel="next"' not in second
    # Someone else's log is as missing as one that does not exist.
    other = Client()
    sign_in(other, "customer2")
    assert other.get(log_url).status_code == 404


def test_a_short_log_has_no_link_to_more(customer1, browser1):
    authorisation = authorise(customer1)
    _reads(authorisation, RECENT_ACCESSES)

    section = _section(browser1.get("/en/me/authorisations/").content.decode(), authorisation)

    assert len(_log_rows(section)) == RECENT_ACCESSES
    assert f"/me/authorisations/{authorisation.pk}/reads/" not in section


def _page_cost(browser) -> tuple[int, int]:
    """The queries the page makes and the reads it loads."""
    loaded = []
    original = AccessRecord.from_db.__func__

    def counting(cls, db, field_names, values):
        loaded.append(values)
        return original(cls, db, field_names, values)

    with mock.patch.object(AccessRecord, "from_db", classmethod(counting)), \
            CaptureQueriesContext(connection) as queries:
        assert browser.get("/en/me/authorisations/").status_code == 200
    return len(queries), len(loaded)


def test_the_page_loads_only_the_reads_it_shows_in_queries_that_do_not_grow(customer1, browser1):
    first = authorise(customer1)
    _reads(first, 1)
    few_queries, _ = _page_cost(browser1)

    for authorisation in [first, authorise(customer1), authorise(customer1)]:
        _reads(authorisation, 3 * LOG_PAGE)
    many_queries, loaded = _page_cost(browser1)

    assert many_queries == few_queries
    assert loaded <= 3 * (RECENT_ACCESSES + 1)


def test_a_read_claimed_but_not_yet_reported_says_not_reported(customer1, browser1):
    authorisation = authorise(customer1)
    services.access_claim(actor=GATEWAY, authorisation_id=authorisation.pk, scope="accounts:read")

    rows = _log_rows(_section(browser1.get("/en/me/authorisations/").content.decode(), authorisation))

    assert [row[2] for row in rows] == ["not reported"]
