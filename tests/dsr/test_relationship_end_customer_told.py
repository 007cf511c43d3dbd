"""When the branch records the end of a customer's relationship, the platform stops her consents and the
bank keeps what a law makes it keep; she must be told both, and until when, once, in her language and on
her channels through the notifier's outbox, with an audit entry as for the other notices."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from audit.models import AuditEntry
from notifications.models import Notification
from notifications.selectors import notification_text
from subjects.models import DataSubject
from tests.consents.factories import grant, life_event_recorded, make_purpose, make_recipient
from tests.dsr.factories import make_inventory

pytestmark = pytest.mark.django_db
TOPIC = "dsr.customer.relationship_ended"


@pytest.fixture
def sharing_customer(subject):
    make_inventory()
    purpose = make_purpose(
        "sharing", category="sharing", recipients=[make_recipient("Partner Y")],
        name_vi="Chia sẻ với đối tác", name_en="Sharing with partners",
    )
    grant(subject, purpose, now=timezone.now() - timedelta(days=3))
    return subject


def test_the_customer_is_told_which_consents_stopped_and_what_is_kept_until_when(sharing_customer):
    DataSubject.objects.filter(pk=sharing_customer.pk).update(preferred_language="en")
    sharing_customer.refresh_from_db()
    life_event_recorded(sharing_customer, "relationship_ended_on")
    notification = Notification.objects.get(subject=sharing_customer, topic=TOPIC)
    body = notification_text(notification).body
    assert "Sharing with partners" in body
    kept_until = timezone.localdate().replace(year=timezone.localdate().year + 5)
    assert f"{kept_until:%d/%m/%Y}" in body
    assert "Law 14/2022/QH15 Art. 40" in body
    entry = AuditEntry.objects.get(action="dsr.relationship_end.told")
    assert entry.data == {"consents_stopped": 1, "retention_rules": 1}


def test_the_message_is_in_vietnamese_for_a_vietnamese_reader(sharing_customer):
    life_event_recorded(sharing_customer, "relationship_ended_on")
    body = notification_text(Notification.objects.get(subject=sharing_customer, topic=TOPIC)).body
    assert "Chia sẻ với đối tác" in body
    assert "Sharing with partners" not in body


def test_a_corrected_end_tells_nothing_more_and_a_death_tells_nobody(sharing_customer, subject):
    life_event_recorded(sharing_customer, "relationship_ended_on")
    life_event_recorded(sharing_customer, "relationship_ended_on", days_ago=2)
    assert Notification.objects.filter(subject=sharing_customer, topic=TOPIC).count() == 1
    other = DataSubject.objects.create(external_ref="CIF-DEAD-1", full_name="Người đã mất")
    life_event_recorded(other, "deceased_on")
    assert not Notification.objects.filter(subject=other, topic=TOPIC).exists()
