"""Consents given before the platform was set up (Decree 13-era paper forms, which stay valid) are imported
against the notice the customer was shown: the DPO records the purpose's past notice versions first,
newest back, with their real text and date (review 30a, D1)."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from consents import services
from consents.models import Consent, NoticeAnnouncement, NoticeVersion
from consents.receipts import consent_receipt
from consents.selectors import consent_check
from consents.services import consents_import_csv
from core.actors import Actor, actor_for_user
from core.errors import Conflict, InvalidInput
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
SYSTEM = Actor.system("tests")
HEADER = "subject,purpose,notice_version,channel,evidence,granted_at,guardian,sensitive_acknowledged,outcome"


def _lines(*rows):
    return io.StringIO("\n".join([HEADER, *rows]) + "\n").readlines()


def _on(year: int, month: int = 1, day: int = 1) -> datetime:
    return timezone.make_aware(datetime(year, month, day))


@pytest.fixture
def marketing():
    # Set up today, the page's way: its first notice in effect at once.
    return services.purpose_create(
        actor=SYSTEM,
        code="marketing",
        notice_version="v1",
        name_vi="Tiếp thị",
        name_en="Marketing",
        description_vi="Mô tả",
        description_en="Description",
        category="marketing",
        legal_basis="consent",
        sensitive=False,
    )


def _record(dpo, version: str, when: datetime, **extra):
    return services.notice_record_historical(
        actor=actor_for_user(dpo),
        code="marketing",
        version=version,
        text_vi=f"Văn bản {version}",
        text_en=f"Text {version}",
        effective_at=when,
        **extra,
    )


def test_decree13_consents_land_on_the_past_versions_the_dpo_recorded(marketing, dpo):
    _record(dpo, "v2024", _on(2024))
    _record(dpo, "v2022", _on(2022))  # newest back: each one before every version the purpose has
    a, b = make_subject(), make_subject()
    run = consents_import_csv(
        actor=actor_for_user(dpo),
        filename="legacy.csv",
        lines=_lines(
            f"{a.external_ref},marketing,v2022,paper_form,SCAN-2022-0001,2022-05-10,,,granted",
            f"{b.external_ref},marketing,v2024,paper_form,SCAN-2024-0001,2024-03-18,,,granted",
        ),
    )
    assert (run.imported, run.errors) == (2, [])
    for subject, version in ((a, "v2022"), (b, "v2024")):
        consent = Consent.objects.get(subject=subject)
        assert consent.notice.version == version
        check = consent_check(subject_ref=subject.external_ref, purpose_code="marketing")
        assert check.allowed and str(check.consent) == str(consent.pk)
        receipt = consent_receipt(consent, for_customer=True, reader=subject)
        assert receipt["notice"]["version"] == version
        assert receipt["notice"]["text"] in (f"Văn bản {version}", f"Text {version}")
    # History is never announced, and the version in force today stays the one set up today.
    assert not NoticeAnnouncement.objects.exists()
    assert [n.version for n in NoticeVersion.objects.order_by("effective_at")] == ["v2022", "v2024", "v1"]


def test_recording_a_past_version_is_audited_with_the_dpo(marketing, dpo):
    notice = _record(dpo, "v2024", _on(2024))
    entry = AuditEntry.objects.get(action="consents.notice.history_recorded", target_id=str(notice.pk))
    assert entry.actor_user_id == dpo.pk
    assert entry.data["version"] == "v2024" and entry.data["effective_at"].startswith("2024-01-01")


def test_a_past_version_dated_after_an_existing_notice_is_refused(marketing, dpo):
    _record(dpo, "v2022", _on(2022))
    with pytest.raises(InvalidInput) as after:
        _record(dpo, "v2024", _on(2024))  # after v2022: it would cut v2022's interval in two
    assert "before the earliest version the purpose has (v2022" in after.value.text
    with pytest.raises(InvalidInput):
        _record(dpo, "v-future", timezone.now() + timezone.timedelta(days=30))
    with pytest.raises(Conflict):
        _record(dpo, "v1", _on(2020))  # the label is the current notice's
    assert NoticeVersion.objects.count() == 2


def test_the_api_records_a_past_version_for_the_dpo_only(marketing, dpo, officer, as_user):
    body = {
        "version": "v2024",
        "text_vi": "a",
        "text_en": "b",
        "effective_at": "2024-01-01T00:00:00+07:00",
        "historical": True,
    }
    url = "/api/v1/purposes/marketing/notices/"
    assert as_user(officer).post(url, body, format="json").status_code == 403
    made = as_user(dpo).post(url, body, format="json")
    assert made.status_code == 201, made.content
    later = {**body, "version": "v2025", "effective_at": "2025-01-01T00:00:00+07:00"}
    refused = as_user(dpo).post(url, later, format="json")
    assert refused.status_code == 400 and "(v2024, " in refused.json()["effective_at"][0]
    assert sorted(NoticeVersion.objects.values_list("version", flat=True)) == ["v1", "v2024"]


def test_the_notice_page_records_a_past_version_for_the_dpo_only(marketing, client, dpo, officer):
    url = reverse("consents:notice_new", args=["marketing"])
    form = {
        "historical": "1",
        "history-version": "v2024",
        "history-text_vi": "a",
        "history-text_en": "b",
        "history-effective_at": "2024-01-01T00:00",
    }
    client.force_login(officer)
    assert client.post(url, form).status_code == 403
    client.force_login(dpo)
    assert 'data-testid="record-historical"' in client.get(url).content.decode()
    assert client.post(url, form).status_code == 302
    later = {**form, "history-version": "v2025", "history-effective_at": "2025-01-01T00:00"}
    refused = client.post(url, later)
    page = refused.content.decode()
    assert refused.status_code == 200 and 'data-testid="error-summary"' in page and "(v2024, " in page
    assert sorted(NoticeVersion.objects.values_list("version", flat=True)) == ["v1", "v2024"]


def test_an_import_row_older_than_every_notice_says_to_record_the_past_version(marketing):
    a = make_subject()
    run = consents_import_csv(
        actor=SYSTEM,
        filename="legacy.csv",
        lines=_lines(f"{a.external_ref},marketing,v1,paper_form,SCAN-2024-0001,2024-03-18,,,granted"),
    )
    assert run.imported == 0
    reason = run.errors[0]["reason"]
    assert "Record the notice version in force on that date first" in reason
    assert "Record a past notice version" in reason  # the page where it is done
