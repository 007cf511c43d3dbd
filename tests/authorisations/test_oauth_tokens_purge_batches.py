"""The nightly OAuth token cleanup at a bank's size: third parties refreshing 15-minute access tokens leave
millions of expired rows. The toolkit's `clear_expired` counted every matching row before and after each
batch and the platform ran it whole in one transaction, counting each token table twice besides: one
run held its locks over every expired row and read the tables again and again. Now a run deletes at most
a batch of each kind in its own transaction, counts nothing, and the task queues itself again while a
batch was full."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from oauth2_provider.models import AccessToken, Grant

from audit.models import AuditEntry
from authorisations import tasks
from authorisations.services import oauth_tokens_clear_expired
from tests.authorisations.test_oauth_tokens_purge import _access, _code, pair  # noqa: F401

pytestmark = pytest.mark.django_db
PURGED = "authorisations.oauth_tokens.purged"


def test_a_run_counts_no_table(pair):  # noqa: F811
    user, application = pair
    for _ in range(3):
        _code(user, application, expires=timezone.now() - timedelta(minutes=5))

    with CaptureQueriesContext(connection) as queries:
        oauth_tokens_clear_expired()

    assert not Grant.objects.exists()
    assert [q["sql"] for q in queries if "COUNT(" in q["sql"].upper()] == []


def test_a_run_deletes_a_bounded_batch_of_each_kind_and_the_task_comes_back(pair):  # noqa: F811
    user, application = pair
    past = timezone.now() - timedelta(hours=1)
    for _ in range(5):
        _code(user, application, expires=past)
        _access(user, application, expires=past)

    gone = oauth_tokens_clear_expired(limit=2)

    assert (gone["codes"], gone["access_tokens"]) == (2, 2)
    assert (Grant.objects.count(), AccessToken.objects.filter(expires__lt=timezone.now()).count()) == (3, 3)
    assert AuditEntry.objects.get(action=PURGED).data == gone

    with mock.patch.object(tasks, "OAUTH_TOKENS_BATCH", 2), mock.patch.object(
        tasks.clear_expired_tokens, "delay"
    ) as again:
        tasks.clear_expired_tokens()
    again.assert_called_once_with()
    with mock.patch.object(tasks, "OAUTH_TOKENS_BATCH", 2), mock.patch.object(
        tasks.clear_expired_tokens, "delay"
    ) as again:
        tasks.clear_expired_tokens()
    again.assert_not_called()
    assert not Grant.objects.exists()
    assert not AccessToken.objects.filter(expires__lt=timezone.now()).exists()
