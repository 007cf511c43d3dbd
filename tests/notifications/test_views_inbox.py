"""The in-app inbox on /me/notifications/ (#17): a customer sees and marks read their own messages only,
the menu shows the unread count, and the channels are chosen there. Staff see on the customer page
what was sent to that customer."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from core.access import subject_for_user
from integrations.delivery import outbox_deliver
from notifications.models import Notification, NotificationPreference
from notifications.services import notify
from tests.pages import translated

pytestmark = pytest.mark.django_db

SENT_LANGUAGE_NOTE = (
    "Each message is shown in the language it was sent in: the one you had chosen for our messages at the "
    "time."
)

CONTEXT = {
    "event": "completed",
    "type_label": "Access",
    "reference": "FEED0001",
    "due_at": "2026-03-20T09:00:00+07:00",
    "reason_label": "",
    "note": "",
    "link": "https://bank.example/me/requests/1/",
}


def _message(subject, reference, key):
    return notify(
        subject=subject, template="dsr/email/customer_update", context={**CONTEXT, "reference": reference},
        topic="dsr.customer.completed", dedupe_key=key,
    )


def test_the_inbox_lists_only_my_messages_and_marks_them_read(client, customer_a, customer_b):
    mine = _message(subject_for_user(customer_a), "MINE0001", "a1")
    _message(subject_for_user(customer_a), "MINE0002", "a2")
    theirs = _message(subject_for_user(customer_b), "THEIRS01", "b1")
    client.force_login(customer_a)
    page = client.get(reverse("notifications:me_inbox")).content.decode()
    assert page.count('data-testid="notification"') == 2
    assert "MINE0001" in page and "MINE0002" in page and "THEIRS01" not in page
    assert page.count('data-testid="unread"') == 2
    # The self-service menu links the inbox with the unread count.
    assert reverse("notifications:me_inbox") in page
    assert '<span class="badge badge--warn" data-testid="nav-count">2</span>' in page

    # Someone else's message cannot be marked read through my session.
    assert client.post(reverse("notifications:me_read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None

    client.post(reverse("notifications:me_read", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.read_at is not None
    page = client.get(reverse("notifications:me_inbox")).content.decode()
    assert page.count('data-testid="unread"') == 1
    assert 'data-testid="nav-count">1</span>' in page
    client.post(reverse("notifications:me_read_all"))
    assert Notification.objects.filter(subject=subject_for_user(customer_a), read_at=None).count() == 0
    assert Notification.objects.filter(subject=subject_for_user(customer_b), read_at=None).count() == 1


def test_the_inbox_is_for_customers_only(client, privacy_officer, customer_a):
    client.force_login(privacy_officer)
    assert client.get(reverse("notifications:me_inbox")).status_code == 403


def test_the_customer_chooses_the_channels(client, customer_a):
    client.force_login(customer_a)
    response = client.post(reverse("notifications:me_channels"), {"channels": "sms,email,inbox"})
    assert response.status_code == 302
    subject = subject_for_user(customer_a)
    assert NotificationPreference.objects.get(subject=subject).channels == ["sms", "email", "inbox"]
    assert AuditEntry.objects.filter(action="notifications.preference.changed").count() == 1
    page = client.get(reverse("notifications:me_inbox")).content.decode()
    assert 'value="sms,email,inbox" required id="id_channels_1" checked>' in page
    bad = client.post(reverse("notifications:me_channels"), {"channels": "pigeon"})
    assert bad.status_code == 200 and 'class="error"' in bad.content.decode()


def test_the_same_choice_sent_again_changes_nothing_and_is_not_audited(client, customer_a):
    client.force_login(customer_a)
    choice = {"channels": "sms,email,inbox"}
    assert client.post(reverse("notifications:me_channels"), choice).status_code == 302
    preference = NotificationPreference.objects.get(subject=subject_for_user(customer_a))
    again = client.post(reverse("notifications:me_channels"), choice)
    assert again.status_code == 302
    assert AuditEntry.objects.filter(action="notifications.preference.changed").count() == 1
    assert NotificationPreference.objects.get(pk=preference.pk).updated_at == preference.updated_at
    client.post(reverse("notifications:me_channels"), {"channels": "email,sms,inbox"})
    assert AuditEntry.objects.filter(action="notifications.preference.changed").count() == 2


def test_english_inbox(client, customer_a):
    _message(subject_for_user(customer_a), "ENGL0001", "e1")
    client.force_login(customer_a)
    page = client.get("/en/me/notifications/").content.decode()
    assert "Notifications" in page and "ENGL0001" in page


def test_vietnamese_inbox(client, customer_a):
    client.force_login(customer_a)
    page = client.get("/me/notifications/").content.decode()
    assert "Cách ngân hàng liên hệ với bạn" in page and "Chưa có thông báo nào." in page


def test_staff_see_what_was_sent_to_the_customer_on_which_channel_and_whether_it_arrived(
    client, officer, customer_a, customer_b
):
    subject = subject_for_user(customer_a)
    delivered = _message(subject, "MINE0001", "a1")
    _message(subject, "MINE0002", "a2")
    _message(subject_for_user(customer_b), "THEIRS01", "b1")
    outbox_deliver(delivered.attempts.get().outbox_message_id)

    client.force_login(officer)
    page = client.get(reverse("subjects:customer_detail", args=[subject.pk])).content.decode()
    panel = page[page.index('data-testid="sent-panel"'):]
    assert panel.count('data-testid="sent-message"') == 2
    assert "MINE0001" in panel and "MINE0002" in panel and "THEIRS01" not in panel
    # The title the customer read, never the body (it may quote them).
    assert "https://bank.example/me/requests/1/" not in panel
    newest, oldest = panel.split('data-testid="sent-message"')[1:]
    assert "MINE0002" in newest and "E-mail: Đang gửi" in newest
    assert "MINE0001" in oldest and "E-mail: Đã gửi thành công" in oldest and "badge--ok" in oldest


def test_the_inbox_says_messages_stay_in_the_language_they_were_sent_in(client, customer_a):
    """Read in English, a message sent in Vietnamese is shown in Vietnamese: the page says why, in its
    own language, and marks the message's language for screen readers."""
    subject = subject_for_user(customer_a)
    subject.preferred_language = "vi"
    subject.save(update_fields=["preferred_language"])
    _message(subject, "LANG0001", "lang1")
    client.force_login(customer_a)
    english = client.get("/en/me/notifications/").content.decode()
    message = english[english.index('data-testid="notification"'):]
    assert 'lang="vi"' in message[:message.index("</section>")]
    vietnamese = client.get("/me/notifications/").content.decode()
    for lang, page in (("en", english), ("vi", vietnamese)):
        note = page[page.index('data-testid="sent-language-note"'):]
        assert html.escape(translated(SENT_LANGUAGE_NOTE, lang)) in note[:note.index("</p>")], lang
    assert translated(SENT_LANGUAGE_NOTE, "vi") != SENT_LANGUAGE_NOTE


def test_the_staff_panel_marks_the_language_a_message_title_was_sent_in(client, officer, customer_a):
    """On an English staff page, a title the customer was sent in Vietnamese carries lang="vi" (WCAG
    3.1.2), as in the customer's own inbox: an English screen reader would mispronounce it otherwise."""
    subject = subject_for_user(customer_a)
    subject.preferred_language = "vi"
    subject.save(update_fields=["preferred_language"])
    _message(subject, "LANG0002", "lang2")
    client.force_login(officer)
    english = client.get("/en" + reverse("subjects:customer_detail", args=[subject.pk])).content.decode()
    row = english[english.index('data-testid="sent-message"'):]
    row = row[:row.index("</tr>")]
    assert '<span lang="vi">' in row and "LANG0002" in row.split('<span lang="vi">')[1].split("</span>")[0]
