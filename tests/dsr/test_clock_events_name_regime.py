"""Every clock change names the regime whose deadline it set: when an extension hands the statutory
deadline from the GDPR's clock to Law 91's, the audit trail and the request's clock history say so,
so an inspector of either regime sees which law the date came from."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import translation

from audit.models import AuditEntry
from deadlines.models import DeadlinePolicy
from dsr import services
from tests.dsr.factories import MONDAY, STAFF, make_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def gdpr_binds_until_extended():
    """GDPR's month ends before this bank's (edited) Law 91 period of 40 days; extended, Law 91's 40+10
    days end before GDPR's three months."""
    DeadlinePolicy.objects.filter(regime="eu_gdpr", request_type="access").update(active=True)
    law91 = DeadlinePolicy.objects.filter(regime="vn_law91", request_type="access")
    law91.update(period=40, extension_period=10)


def _audited_regime(request, action: str) -> str | None:
    entry = AuditEntry.objects.filter(action=action, target_id=str(request.pk)).latest("sequence")
    return entry.data.get("statutory_regime")


def test_the_start_and_the_extension_each_record_their_regime(subject, gdpr_binds_until_extended):
    request = make_request(subject, type="access")
    assert request.statutory_regime == "eu_gdpr"
    extended = services.request_extend(
        actor=STAFF, request_id=request.pk, note="Cần thêm thời gian", now=MONDAY + timedelta(days=1)
    )
    assert extended.statutory_regime == "vn_law91"
    assert _audited_regime(request, "dsr.clock.started") == "eu_gdpr"
    assert _audited_regime(request, "dsr.clock.extended") == "vn_law91"
    events = {event.kind: event.statutory_regime for event in extended.clock_events.all()}
    assert events == {"started": "eu_gdpr", "extended": "vn_law91"}


def test_the_request_page_timeline_names_the_regime_of_the_extension(
    subject, gdpr_binds_until_extended, logged_in, dpo
):
    request = make_request(subject, type="access")
    services.request_extend(
        actor=STAFF, request_id=request.pk, note="Cần thêm thời gian", now=MONDAY + timedelta(days=1)
    )

    with translation.override("en"):
        page = logged_in(dpo).get(reverse("dsr:detail", args=[request.pk]))
    timeline = page.content.decode().split('data-testid="timeline"')[1].split("</ol>")[0]

    [started] = [li for li in timeline.split("</li>") if "Clock started" in li]
    [extended] = [li for li in timeline.split("</li>") if "Deadline extended" in li]
    assert "European Union: GDPR" in started
    assert "Vietnam: Law 91/2025/QH15 and Decree 356/2025" in extended
