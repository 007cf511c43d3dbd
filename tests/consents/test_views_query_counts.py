"""The consent pages and the consent list cost the same number of queries whatever the size of the
purpose catalogue: one query per purpose would grow with every purpose the DPO adds. The catalogue page
counts the customers to ask again for every purpose at once. The campaign check costs the same whatever
the number of customers it is asked about."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from consents import services
from tests.consents.factories import (
    SYSTEM,
    announce_on_time,
    child_of,
    grant,
    make_purpose,
    make_recipient,
    publish_notice,
)
from tests.factories import make_subject, signed_in
from tests.query_counts import queries_of

pytestmark = pytest.mark.django_db
PAST = timezone.now() - timedelta(days=60)


def _add_purposes(subject, ward, start: int, count: int) -> None:
    """Purposes of every kind the pages show, each answered: a live consent of the customer and one of
    their ward (given by the customer as guardian) to a version since replaced and about to change again,
    a refusal, and a purpose on another legal basis."""
    partner = make_recipient(f"Partner {start}")
    for i in range(start, start + count):
        purpose = make_purpose(f"share-{i}", category="sharing", recipients=[partner], effective_at=PAST)
        grant(subject, purpose, now=PAST + timedelta(days=1))
        grant(ward, purpose, guardian=subject, child_agreed=True, child_evidence="together",
              now=PAST + timedelta(days=1))
        publish_notice(purpose.code, "v2", effective_at=timezone.now() - timedelta(days=1),
                       now=PAST + timedelta(days=2))
        publish_notice(purpose.code, "v3", effective_at=timezone.now() + timedelta(days=10))
        refused = make_purpose(f"ask-{i}", category="support", effective_at=PAST)
        services.consent_refuse(actor=SYSTEM, request=services.GrantRequest(
            subject=subject, purpose=refused, notice_version="v1", channel="branch", evidence="form-1",
        ))
        make_purpose(f"kyc-{i}", legal_basis="legal_obligation", category="compliance")


def _queries(client, url: str) -> int:
    return queries_of(lambda: client.get(url))


def _counts_for_3_and_12_purposes(subject, url_of, client) -> tuple[int, int]:
    ward = child_of(subject, age=10)
    _add_purposes(subject, ward, 0, 3)
    with_3 = _queries(client, url_of(subject))
    _add_purposes(subject, ward, 3, 9)
    return with_3, _queries(client, url_of(subject))


def test_the_staff_customer_page_does_not_query_per_purpose(officer, customer_a):
    subject = customer_a.customer_account.subject
    client = signed_in(officer)
    with_3, with_12 = _counts_for_3_and_12_purposes(
        subject, lambda s: f"/en/portal/customers/{s.pk}/", client
    )
    assert with_12 == with_3
    page = client.get(f"/en/portal/customers/{subject.pk}/").content.decode()
    assert f'by guardian <span class="mono">{subject.external_ref}</span>' in page  # the ward's consents


def test_the_customers_consent_page_does_not_query_per_purpose(customer_a):
    subject = customer_a.customer_account.subject
    with_3, with_12 = _counts_for_3_and_12_purposes(
        subject, lambda s: "/en/me/consents/", signed_in(customer_a)
    )
    assert with_12 == with_3


@pytest.mark.parametrize("caller", ["officer", "customer_a"])
def test_the_api_consent_list_does_not_query_per_purpose(caller, request, as_user, customer_a):
    subject = customer_a.customer_account.subject
    client = as_user(request.getfixturevalue(caller))
    with_3, with_12 = _counts_for_3_and_12_purposes(
        subject, lambda s: f"/api/v1/consents/?subject={s.external_ref}&limit=100", client
    )
    assert with_12 == with_3


def test_the_campaign_check_reads_the_wards_ages_at_once(as_user, client_user):
    """Children's data is never used for marketing: the age of each ward asked about is read in one
    query for all of them, not one per ward."""
    make_purpose("offers", category="marketing")
    guardian = make_subject()
    children = [child_of(guardian, age=10) for _ in range(2)]
    grown = [child_of(guardian, age=17)]
    client = as_user(client_user)

    def checked():
        body = {"purpose": "offers", "subjects": [s.external_ref for s in children + grown]}
        return client.post("/api/v1/consent-check/bulk/", body, format="json")

    with_3 = queries_of(checked)
    children += [child_of(guardian, age=10) for _ in range(9)]
    grown += [child_of(guardian, age=17) for _ in range(9)]
    with_20 = queries_of(checked)

    assert with_20 == with_3
    body = checked().json()
    assert body["not_allowed"] == [{"subject": s.external_ref, "reason": "child"} for s in children] + [
        {"subject": s.external_ref, "reason": "no_consent"} for s in grown
    ]


def _widened_purposes(start: int, count: int) -> dict[str, int]:
    """Purposes whose scope widened a day ago, each with 1 to 3 customers who consented to the version
    before (to be asked again) and one who consented since (not): {code: customers to ask again}."""
    expected = {}
    for i in range(start, start + count):
        purpose = make_purpose(f"widened-{i}", effective_at=PAST)
        expected[purpose.code] = i % 3 + 1
        for _ in range(expected[purpose.code]):
            grant(make_subject(), purpose, now=PAST + timedelta(days=1))
        publish_notice(purpose.code, "v2", effective_at=timezone.now() - timedelta(days=1), material=True,
                       now=PAST + timedelta(days=2))
        announce_on_time(purpose.code)
        grant(make_subject(), purpose, notice_version="v2")
    return expected


def test_the_purpose_catalogue_counts_whom_to_ask_again_in_one_query(dpo):
    client = signed_in(dpo)
    url = "/en/portal/purposes/"
    expected = _widened_purposes(0, 2)
    with_2 = _queries(client, url)
    expected.update(_widened_purposes(2, 18))
    with_20 = _queries(client, url)

    assert with_20 == with_2
    page = client.get(url).content.decode()
    shown = dict(re.findall(r'href="/en/portal/purposes/([\w-]+)/ask-again/">(\d+)</a>', page))
    assert shown == {code: str(count) for code, count in expected.items()}


def test_the_api_consent_list_does_not_query_per_customer(as_user, officer):
    """Consents of many customers, given by them or by a guardian, live or withdrawn."""
    purpose = make_purpose("support-line", category="support")
    client = as_user(officer)

    def consents(count: int) -> None:
        for n in range(count):
            customer = make_subject()
            if n % 2:
                grant(child_of(customer, age=5), purpose, guardian=customer)
            else:
                consent = grant(customer, purpose)
                services.consent_withdraw(actor=SYSTEM, consent_id=consent.pk, channel="branch")

    consents(2)
    with_2 = _queries(client, "/api/v1/consents/?purpose=support-line&limit=100")
    consents(18)
    with_20 = _queries(client, "/api/v1/consents/?purpose=support-line&limit=100")

    assert with_20 == with_2


def test_the_customers_consent_page_does_not_query_per_ward(customer_a):
    """A guardian's page shows a section per ward (child they act for): each ward's answers, restrictions
    and the purposes offered to children are read for all wards at once, not per ward."""
    guardian = customer_a.customer_account.subject
    partner = make_recipient("Partner")
    sharing = make_purpose("share-data", category="sharing", recipients=[partner], effective_at=PAST)
    make_purpose("offers", category="marketing", effective_at=PAST)
    make_purpose("support-line", category="support", effective_at=PAST)
    make_purpose("kyc", legal_basis="legal_obligation", category="compliance")
    client = signed_in(customer_a)

    def ward() -> None:
        child = child_of(guardian, age=10)
        grant(child, sharing, guardian=guardian, child_agreed=True, child_evidence="together",
              now=PAST + timedelta(days=1))

    ward()
    with_1 = _queries(client, "/en/me/consents/")
    ward()
    ward()
    with_3 = _queries(client, "/en/me/consents/")

    assert with_3 == with_1
    page = client.get("/en/me/consents/").content.decode()
    for child in guardian.wards.all():
        assert f'data-testid="consent-list-{child.external_ref}"' in page
    assert page.count('data-testid="ward-switch-share-data" aria-labelledby') == 3
    assert page.count("checked data-testid=\"ward-switch-share-data\"") == 3
    assert 'data-testid="ward-switch-offers"' not in page  # children's data is never used for marketing


def _notice_texts_read(client, url: str) -> list[str]:
    """The table each query of the page that reads a notice version's full text (`text_vi`, `text_en`)
    selects from."""
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [
        re.search(r'FROM "(\w+)"', q["sql"]).group(1)
        for q in queries.captured_queries
        if re.search(r"\btext_(vi|en)\b", q["sql"])
    ]


@pytest.mark.parametrize("reader", ["customer_a", "officer"])
def test_pages_that_show_no_notice_text_do_not_read_the_texts(reader, request, customer_a):
    """The self-service home (its card counts the consents) and the staff customer page (its live
    consents) answer from the notice versions' dates and scopes: the catalogue's every version, and each
    consent's, are read without their full texts in two languages."""
    subject = customer_a.customer_account.subject
    _add_purposes(subject, child_of(subject, age=10), 0, 2)
    url = "/en/me/" if reader == "customer_a" else f"/en/portal/customers/{subject.pk}/"
    client = signed_in(request.getfixturevalue(reader))

    read = _notice_texts_read(client, url)
    assert "consents_noticeversion" not in read and "consents_consentstate" not in read, read
    # The consents page shows the texts beside the switches: there they are read, in one query.
    if reader == "customer_a":
        assert _notice_texts_read(client, "/en/me/consents/").count("consents_noticeversion") == 1
