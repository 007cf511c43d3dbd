"""What the customer agreed on the consent screen about how often the third party reads ("Once", "At most
N times a day") is what the gateway is told: introspection answers inactive once the agreed reads are
used up. A one-time authorisation ends (used) with its single read; a daily limit resets at midnight in
the bank's time zone (Asia/Ho_Chi_Minh). Security review, round 2."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.utils import timezone

from audit.models import AuditEntry
from authorisations import selectors, services
from authorisations.models import Authorisation
from core.actors import actor_for_user
from deadlines.policy import LOCAL_TZ
from tests.authorisations.factories import approve, credentials, exchange, pkce_pair, refresh, register
from tests.factories import signed_in


def _authorise_through_the_pages(browser1, api, customer1, registration):
    verifier, challenge = pkce_pair()
    client_id, secret = credentials(registration)
    code = approve(browser1, client_id, challenge)
    tokens = exchange(api, client_id, secret, code, verifier).json()
    authorisation = Authorisation.objects.get(subject=customer1.customer_account.subject, status="active")
    return authorisation, tokens


def _report_read(gateway, authorisation, *, at=None):
    url = f"/api/v1/authorisations/{authorisation.pk}/accesses/"
    response = gateway.post(
        url,
        {
            "scope": "accounts:read",
            "accessed_at": (at or timezone.now()).isoformat(),
            "record_count": 1,
        },
        format="json",
    )
    assert response.status_code == 201, response.content


def _introspect(gateway, token) -> dict:
    return gateway.post("/oauth/introspect/", {"token": token}).json()


def test_one_time_authorisation_stops_after_its_single_read(browser1, api, customer1, gateway):
    """The consent screen tells the customer this third party reads "Once" (fetch type one_time,
    AA consent artefact); after the gateway has reported that read, the token must no longer
    introspect active (and the gateway has no other way to know: the answer carried no fetch type)."""
    registration = register(fetch_type="one_time")
    authorisation, tokens = _authorise_through_the_pages(browser1, api, customer1, registration)
    assert authorisation.fetch_type == "one_time"
    before = _introspect(gateway, tokens["access_token"])
    assert (before["active"], before["fetch_type"], before["reads_remaining"]) == (True, "one_time", 1)

    _report_read(gateway, authorisation)

    answer = _introspect(gateway, tokens["access_token"])
    assert answer["active"] is False, answer
    # The authorisation has ended as the state table says: used, with its event, receipt and audit entry.
    authorisation.refresh_from_db()
    assert authorisation.status == "used"
    assert authorisation.ended_at is not None
    event = authorisation.events.get(kind="used")
    assert (event.old_status, event.new_status) == ("active", "used")
    assert AuditEntry.objects.filter(action="authorisations.authorisation.used").count() == 1
    # Its refresh token is spent with it: no new access token for a read already made.
    client_id, secret = credentials(registration)
    assert refresh(api, client_id, secret, tokens["refresh_token"]).status_code == 400


def test_reads_beyond_the_daily_frequency_are_not_authorised(browser1, api, customer1, gateway):
    """"At most N times a day" is what the customer agreed to: after N reads today the token must not
    introspect active."""
    registration = register(frequency_per_day=2)
    authorisation, tokens = _authorise_through_the_pages(browser1, api, customer1, registration)
    answers = []
    for _ in range(authorisation.frequency_per_day):
        answers.append(_introspect(gateway, tokens["access_token"]))
        _report_read(gateway, authorisation)
    assert [(a["active"], a["reads_remaining"]) for a in answers] == [(True, 2), (True, 1)]
    assert answers[0]["fetch_type"] == "periodic"
    assert answers[0]["frequency_per_day"] == 2
    answer = _introspect(gateway, tokens["access_token"])
    assert answer["active"] is False, answer
    # A daily limit pauses nothing: the authorisation stays active for tomorrow's reads.
    authorisation.refresh_from_db()
    assert authorisation.status == "active"


def test_the_daily_limit_resets_at_midnight_in_the_banks_time_zone(authorised, gateway):
    authorisation, tokens = authorised
    now = timezone.now()
    for _ in range(authorisation.frequency_per_day):
        _report_read(gateway, authorisation, at=now)
    today = timezone.localtime(now, LOCAL_TZ).date()
    midnight = datetime.combine(today + timedelta(days=1), time.min, tzinfo=LOCAL_TZ)

    def active_at(moment):
        return selectors.token_introspect(token=tokens["access_token"], now=moment)["active"]

    assert active_at(midnight - timedelta(seconds=1)) is False
    after = selectors.token_introspect(token=tokens["access_token"], now=midnight + timedelta(seconds=1))
    assert (after["active"], after["reads_remaining"]) == (True, authorisation.frequency_per_day)


def test_a_read_reported_after_a_one_time_authorisation_ended_is_still_recorded(
    browser1, api, customer1, gateway
):
    """The access log keeps every read the gateway reports, even one after the end (that is exactly
    what the customer must be able to see); the authorisation ends once."""
    registration = register(fetch_type="one_time")
    authorisation, _tokens = _authorise_through_the_pages(browser1, api, customer1, registration)
    _report_read(gateway, authorisation)
    _report_read(gateway, authorisation)
    authorisation.refresh_from_db()
    assert authorisation.accesses.count() == 2
    assert list(authorisation.events.values_list("kind", flat=True)) == ["granted", "used"]


def test_introspection_reads_the_token_and_the_authorisation_with_its_reads_today_in_two_queries(
    browser1, api, customer1, customer2, gateway, django_assert_num_queries
):
    """Introspection is on the gateway's hot path: one query for the token, one for the authorisation
    with today's reads of a daily one folded in; a one-time one counts nothing (an ACTIVE one has had
    no read: the read ends it)."""
    daily_party, once_party = register(frequency_per_day=3), register(fetch_type="one_time")
    daily, daily_tokens = _authorise_through_the_pages(browser1, api, customer1, daily_party)
    _report_read(gateway, daily)
    _once, once_tokens = _authorise_through_the_pages(signed_in(customer2), api, customer2, once_party)
    now = timezone.now()

    with django_assert_num_queries(2):
        answer = selectors.token_introspect(token=daily_tokens["access_token"], now=now)
    assert (answer["active"], answer["reads_remaining"]) == (True, 2)
    with django_assert_num_queries(2):
        answer = selectors.token_introspect(token=once_tokens["access_token"], now=now)
    assert (answer["active"], answer["reads_remaining"]) == (True, 1)
    services.authorisation_pause(
        actor=actor_for_user(customer1), authorisation_id=daily.pk, subject=daily.subject
    )
    with django_assert_num_queries(2):
        assert selectors.token_introspect(token=daily_tokens["access_token"], now=now) == {"active": False}
    with django_assert_num_queries(1):
        assert selectors.token_introspect(token="not-a-token", now=now) == {"active": False}
