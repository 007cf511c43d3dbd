"""The staff queue by urgency: ordered by the binding date (the earlier of the bank's and the statutory
deadline, overdue first), and every countdown counts to that date (#17)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dsr.models import DataSubjectRequest
from dsr.selectors import request_counts, request_queue
from tests.dsr.factories import make_request

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def _set(request, *, received, due, statutory, status=None):
    fields = {"received_at": received, "due_at": due, "statutory_due_at": statutory}
    if status:
        fields["status"] = status
        fields["closed_at"] = received
    DataSubjectRequest.objects.filter(pk=request.pk).update(**fields)
    return request.pk


@pytest.fixture
def crossing(subject):
    """Requests whose bank and statutory dates cross; received in the reverse order of urgency, so the
    old "newest first" order would put the overdue one last."""
    now = timezone.now()
    make = lambda kind: make_request(subject, type=kind)  # noqa: E731
    ids = {
        # 18 days on the bank clock, the legal date 4 days earlier: binds at 14 days.
        "complaint": _set(
            make("complaint"), received=now - 5 * DAY, due=now + 18 * DAY, statutory=now + 14 * DAY
        ),
        # The bank promised sooner than the law asks: binds at 6 days.
        "bank_first": _set(
            make("access"), received=now - 4 * DAY, due=now + 6 * DAY, statutory=now + 30 * DAY
        ),
        # No statutory date at all: binds at 10 days.
        "bank_only": _set(make("copy"), received=now - 3 * DAY, due=now + 10 * DAY, statutory=None),
        # The bank's date is weeks away but the legal date has passed: overdue.
        "overdue": _set(make("object"), received=now - 20 * DAY, due=now + 20 * DAY, statutory=now - DAY),
        "closed": _set(
            make("access"), received=now - DAY, due=now - 2 * DAY, statutory=now - 3 * DAY, status="cancelled"
        ),
    }
    return now, ids


def test_queue_orders_by_the_binding_date_overdue_first(crossing):
    now, ids = crossing
    order = list(request_queue(now=now).values_list("pk", flat=True))
    assert order == [ids["overdue"], ids["bank_first"], ids["bank_only"], ids["complaint"], ids["closed"]]
    binding = {r.pk: r.binding_due_at for r in request_queue(now=now)}
    complaint = DataSubjectRequest.objects.get(pk=ids["complaint"])
    assert binding[ids["complaint"]] == complaint.statutory_due_at == complaint.answer_by
    assert binding[ids["closed"]] is None


def test_overdue_and_due_soon_follow_the_binding_date(crossing):
    now, ids = crossing
    assert list(request_queue(now=now, overdue=True).values_list("pk", flat=True)) == [ids["overdue"]]
    soon = set(request_queue(now=now, due_within=7 * DAY).values_list("pk", flat=True))
    assert soon == {ids["bank_first"]}
    both = set(request_queue(now=now, overdue=True, due_within=11 * DAY).values_list("pk", flat=True))
    assert both == {ids["overdue"], ids["bank_first"], ids["bank_only"]}
    counts = request_counts(now=now)
    assert counts.open == 4
    assert counts.overdue == 1


def test_queue_page_and_countdowns_count_to_the_binding_date(client, privacy_officer, crossing):
    now, ids = crossing
    client.force_login(privacy_officer)
    page = client.get(reverse("dsr:queue")).content.decode()
    rows = page.split('data-testid="queue-row"')[1:]
    assert str(ids["overdue"]) in rows[0]
    assert 'data-tone="danger"' in rows[0] or "badge--danger" in rows[0]
    complaint = DataSubjectRequest.objects.get(pk=ids["complaint"])
    legal = timezone.localtime(complaint.statutory_due_at).isoformat()
    assert f'data-due="{legal}"' in page
    detail = client.get(reverse("dsr:detail", args=[complaint.pk])).content.decode()
    assert f'data-due="{legal}"' in detail
    assert f'data-due="{timezone.localtime(complaint.due_at).isoformat()}"' not in detail


def test_api_lists_by_urgency_and_flags_a_passed_legal_date(as_user, privacy_officer, crossing):
    now, ids = crossing
    body = as_user(privacy_officer).get("/api/v1/requests/").json()
    results = body["results"] if isinstance(body, dict) else body
    assert [r["id"] for r in results][:4] == [
        str(ids["overdue"]), str(ids["bank_first"]), str(ids["bank_only"]), str(ids["complaint"])
    ]
    assert results[0]["overdue"] is True
