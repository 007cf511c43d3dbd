"""A new phone or e-mail typed for confirmation is deleted a week after the change was settled
(confirmed, replaced by a newer code, refused, expired), as docs/operations.md says, not a week after
it was created: a code left waiting days and then replaced was deleted at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from core.actors import Actor
from core.errors import Conflict
from dsr.models import ContactChange, ContactChangeStatus
from dsr.services.profile import (
    CODE_VALID_MINUTES,
    CONTACT_CHANGES_KEPT_FOR,
    contact_change_confirm,
    contact_change_start,
    contact_changes_purge,
)

pytestmark = pytest.mark.django_db
CUSTOMER = Actor(kind="customer", user_id=None, label="customer#1")


def _start(subject, value, *, at):
    return contact_change_start(actor=CUSTOMER, subject=subject, field="email", value=value, now=at)


def test_a_change_created_ten_days_ago_and_settled_two_days_ago_is_kept(subject):
    now = timezone.now()
    replaced = _start(subject, "a@example.vn", at=now - timedelta(days=10))
    _start(subject, "b@example.vn", at=now - timedelta(days=2))  # replaces the first one, 2 days ago

    assert contact_changes_purge(now=now) == 0

    replaced.refresh_from_db()
    assert replaced.status == ContactChangeStatus.SUPERSEDED
    assert replaced.settled_at == now - timedelta(days=2)


def test_a_change_found_expired_two_days_ago_is_kept_and_deleted_a_week_later(subject):
    now = timezone.now()
    change = _start(subject, "a@example.vn", at=now - timedelta(days=10))
    with pytest.raises(Conflict):
        contact_change_confirm(
            actor=CUSTOMER, subject=subject, change_id=change.pk, code="000000", now=now - timedelta(days=2)
        )
    assert contact_changes_purge(now=now) == 0
    a_week_after = now - timedelta(days=2) + CONTACT_CHANGES_KEPT_FOR + timedelta(seconds=1)
    assert contact_changes_purge(now=a_week_after) == 1
    assert not ContactChange.objects.filter(pk=change.pk).exists()


def test_a_code_never_used_is_settled_when_it_expires(subject):
    now = timezone.now()
    change = _start(subject, "a@example.vn", at=now - CONTACT_CHANGES_KEPT_FOR)
    expired_at = change.created_at + timedelta(minutes=CODE_VALID_MINUTES)
    assert contact_changes_purge(now=expired_at + CONTACT_CHANGES_KEPT_FOR - timedelta(seconds=1)) == 0
    assert contact_changes_purge(now=expired_at + CONTACT_CHANGES_KEPT_FOR + timedelta(seconds=1)) == 1
