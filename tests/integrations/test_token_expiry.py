"""API tokens with a last day: issued with one (`issue_token --expires`), refused after its end (also
when the worker still keeps the token), shown and flagged on the DPO's page; tokens without one stay."""
from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from io import StringIO
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from audit.models import AuditEntry
from core.actors import Actor
from core.errors import InvalidInput
from integrations.models import ApiToken
from integrations.services import token_issue

pytestmark = pytest.mark.django_db

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def _api(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def _at(moment: datetime):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def test_issue_token_expires_is_valid_through_the_end_of_that_vietnam_day(officer):
    last_day = timezone.localdate() + timedelta(days=30)
    out, err = StringIO(), StringIO()
    call_command("issue_token", "officer_t", "--expires", last_day.isoformat(), stdout=out, stderr=err)
    token = ApiToken.objects.get(user=officer)
    assert token.expires_at == datetime.combine(last_day + timedelta(days=1), datetime.min.time(), VIETNAM)
    assert token.last_day == last_day
    assert last_day.isoformat() in err.getvalue()
    entry = AuditEntry.objects.get(action="core.token.issued")
    assert entry.data["last_day"] == last_day.isoformat()
    assert entry.data["expires_at"] == token.expires_at.isoformat()


@pytest.mark.parametrize("given", ["2020-01-01", "31/12/2026", "tomorrow", "9999-12-31"])
def test_issue_token_refuses_a_past_or_unreadable_last_day(officer, given):
    with pytest.raises(CommandError):
        call_command("issue_token", "officer_t", "--expires", given, stdout=StringIO(), stderr=StringIO())
    assert not ApiToken.objects.exists()


def test_a_token_without_a_last_day_stays_valid(officer):
    token, key = token_issue(actor=Actor.system("tests"), user=officer)
    assert token.expires_at is None and token.last_day is None
    with _at(timezone.now() + timedelta(days=3650)):
        assert _api(key).get("/api/v1/subjects/").status_code == 200
    entry = AuditEntry.objects.get(action="core.token.issued")
    assert entry.data["last_day"] is None


def test_the_api_accepts_a_token_on_its_last_day_and_refuses_it_after_with_a_clear_401(officer, settings):
    settings.API_TOKEN_CACHE_SECONDS = math.inf  # the worker keeps the token: its expiry must still bite
    last_day = timezone.localdate() + timedelta(days=2)
    token, key = token_issue(actor=Actor.system("tests"), user=officer, last_day=last_day)
    api = _api(key)
    assert api.get("/api/v1/subjects/").status_code == 200
    with _at(token.expires_at - timedelta(seconds=1)):
        assert api.get("/api/v1/subjects/").status_code == 200
    with _at(token.expires_at):
        answer = api.get("/api/v1/subjects/", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 401
    assert "expired" in answer.json()["detail"] and last_day.strftime("%d/%m/%Y") in answer.json()["detail"]


def test_the_service_refuses_a_last_day_already_past(officer):
    with pytest.raises(InvalidInput):
        token_issue(actor=Actor.system("tests"), user=officer, last_day=date(2020, 1, 1))


def test_the_service_refuses_a_last_day_past_the_calendar_it_reads_with_a_message(officer):
    # The end of 31/12/9999 is past the last date Python can hold: refused as out of range, not a traceback.
    with pytest.raises(InvalidInput) as refusal:
        token_issue(actor=Actor.system("tests"), user=officer, last_day=date(9999, 12, 31))
    assert refusal.value.field == "last_day"
    assert "2999-12-31" in refusal.value.text
    assert not ApiToken.objects.exists()


def test_the_tokens_page_shows_the_last_day_and_flags_tokens_ending_within_14_days(client, dpo, officer):
    today = timezone.localdate()
    soon, _key = token_issue(actor=Actor.system("tests"), user=officer, last_day=today + timedelta(days=10))
    later, _key = token_issue(actor=Actor.system("tests"), user=officer, last_day=today + timedelta(days=60))
    forever, _key = token_issue(actor=Actor.system("tests"), user=officer)
    client.force_login(dpo)
    html = client.get(reverse("integrations:tokens")).content.decode()
    row = {t.prefix: html.split(f'data-testid="token-{t.prefix}"')[1].split("</tr>")[0]
           for t in (soon, later, forever)}
    assert (today + timedelta(days=10)).strftime("%d/%m/%Y") in row[soon.prefix]
    assert "ends-soon" in row[soon.prefix]
    assert (today + timedelta(days=60)).strftime("%d/%m/%Y") in row[later.prefix]
    assert "ends-soon" not in row[later.prefix]
    assert "no-end" in row[forever.prefix] and "ends-soon" not in row[forever.prefix]


def test_the_tokens_page_shows_an_expired_token_as_expired(client, dpo, officer):
    token, _key = token_issue(actor=Actor.system("tests"), user=officer, last_day=timezone.localdate())
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(hours=1))
    client.force_login(dpo)
    html = client.get(reverse("integrations:tokens")).content.decode()
    row = html.split(f'data-testid="token-{token.prefix}"')[1].split("</tr>")[0]
    assert 'data-testid="expired"' in row and "badge--ok" not in row
