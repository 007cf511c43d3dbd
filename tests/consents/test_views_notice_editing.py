"""The DPO writes a new notice version (issue #18): it starts from the current text, shows the
earliest start, previews what customers read, and the scheduled version shows once published."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from consents.models import NoticeVersion
from tests.consents.factories import make_purpose

pytestmark = pytest.mark.django_db


@pytest.fixture
def purpose():
    p = make_purpose("marketing-offers")
    NoticeVersion.objects.filter(purpose=p).update(text_vi="Văn bản hiện hành", text_en="Current text")
    return p


def test_new_version_starts_from_the_current_text_and_previews(client, dpo, purpose):
    client.force_login(dpo)
    url = reverse("consents:notice_new", args=[purpose.code])
    page = client.get(url).content.decode()
    assert "Văn bản hiện hành</textarea>" in page and "Current text</textarea>" in page
    assert 'data-testid="earliest"' in page
    assert 'class="switch__track"' in page
    preview = client.post(
        url, {"version": "v2", "text_vi": "Văn bản mới\nDòng hai", "text_en": "New text", "preview": "1"}
    ).content.decode()
    assert 'data-testid="notice-preview"' in preview
    assert "Văn bản mới<br>Dòng hai" in preview
    assert NoticeVersion.objects.filter(purpose=purpose).count() == 1  # nothing published


def _publish_v2(client, purpose, *, effective_at):
    """The DPO's form for a new version v2 of the purpose's notice, sent with its start."""
    start = effective_at.strftime("%Y-%m-%dT%H:%M")
    version = {"version": "v2", "text_vi": "a", "text_en": "b", "effective_at": start}
    return client.post(reverse("consents:notice_new", args=[purpose.code]), version)


def test_too_early_start_names_the_earliest_date(client, dpo, purpose):
    client.force_login(dpo)
    soon = timezone.localtime() + timedelta(days=1)
    page = _publish_v2(client, purpose, effective_at=soon).content.decode()
    earliest = (timezone.localtime() + timedelta(days=7)).strftime("%d/%m/%Y")
    assert re.search(rf"{re.escape(earliest)} \d\d:\d\d", page)
    assert NoticeVersion.objects.filter(purpose=purpose).count() == 1


def test_published_version_shows_as_scheduled(client, dpo, purpose):
    client.force_login(dpo)
    start = timezone.localtime() + timedelta(days=10)
    response = _publish_v2(client, purpose, effective_at=start)
    assert response.status_code == 302
    listing = client.get(reverse("consents:purpose_list")).content.decode()
    assert f'data-testid="scheduled-{purpose.code}"' in listing
    assert start.strftime("%d/%m/%Y") in listing
    form_page = client.get(reverse("consents:notice_new", args=[purpose.code])).content.decode()
    assert 'data-testid="scheduled-version"' in form_page
