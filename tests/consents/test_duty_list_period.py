"""The inspector's "every withdrawal last quarter, when each recipient confirmed": the recipient notices
page and the API list narrow to the notices received in a period (`since`, `until` not included), and
the page pages through all of them instead of stopping silently at its first rows."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from consents import services
from consents.models import WithdrawalDuty
from consents.views import duties
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.factories import make_subject, signed_in

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def _withdrawn_in(*moments):
    """One withdrawal per moment, its recipient's notice received then; the CIFs in that order."""
    purpose = make_purpose("sharing", category="sharing", recipients=[make_recipient("Bảo hiểm Nhóm")])
    cifs = []
    for moment in moments:
        subject = make_subject()
        services.consent_withdraw(actor=STAFF, consent_id=grant(subject, purpose).pk, channel="branch")
        WithdrawalDuty.objects.filter(subject=subject).update(received_at=moment)
        cifs.append(subject.external_ref)
    return cifs


def test_the_api_lists_the_notices_received_in_a_period(as_user, dpo):
    march, _april = _withdrawn_in(
        datetime(2026, 3, 31, 23, 0, tzinfo=VN), datetime(2026, 4, 1, 0, 30, tzinfo=VN)
    )
    api = as_user(dpo)

    rows = api.get(
        "/api/v1/withdrawal-duties/", {"status": "", "since": "2026-01-01", "until": "2026-04-01"}
    ).json()["results"]

    assert [row["subject"] for row in rows] == [march]
    refused = api.get("/api/v1/withdrawal-duties/", {"since": "2026-02-30"})
    assert refused.status_code == 400
    assert "since" in refused.json()


def test_the_notices_page_narrows_to_a_period_and_pages_through_it(dpo, monkeypatch):
    monkeypatch.setattr(duties, "DUTY_PAGE_SIZE", 1)
    first, second, _april = _withdrawn_in(
        datetime(2026, 1, 5, 9, 0, tzinfo=VN), datetime(2026, 2, 5, 9, 0, tzinfo=VN),
        datetime(2026, 4, 2, 9, 0, tzinfo=VN),
    )
    client = signed_in(dpo)
    period = {"status": "all", "since": "2026-01-01", "until": "2026-04-01"}

    page = client.get(reverse("consents:duty_list"), period).content.decode()
    table = page.split('data-testid="duty-table"', 1)[1].split("</table>", 1)[0]
    assert table.count('data-testid="duty-kind"') == 1
    assert 'value="2026-01-01"' in page and 'value="2026-04-01"' in page
    following = client.get(reverse("consents:duty_list"), {**period, "page": 2}).content.decode()
    table = following.split('data-testid="duty-table"', 1)[1].split("</table>", 1)[0]
    assert table.count('data-testid="duty-kind"') == 1
    shown = {cif for cif in (first, second) if cif in page or cif in following}
    assert shown == {first, second}
