"""Staff see on the customer page which third party read what and when: the third-party panel gives each
authorisation's count of reads and its last read, links to a staff page of its reads (newest first, page
by page, the look recorded as a staff view of the customer's personal data), and says when the customer
has more authorisations than it lists."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from audit.models import AuditEntry
from authorisations import services, staff_pages
from authorisations.models import AccessRecord
from core.actors import Actor
from tests.authorisations.factories import authorise

pytestmark = pytest.mark.django_db
GATEWAY = Actor(kind="client", user_id=None, label="gateway")


def _read(authorisation, at):
    services.access_claim(actor=GATEWAY, authorisation_id=authorisation.pk, scope="accounts:read", now=at)


def _staff(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_panel_counts_the_reads_links_to_them_and_the_page_lists_them_audited(customer1, officer):
    now = timezone.now()
    authorisation = authorise(customer1, now=now - timedelta(hours=2))
    for minutes in (30, 20, 10):
        _read(authorisation, now - timedelta(minutes=minutes))
    subject = customer1.customer_account.subject
    page = _staff(officer).get(f"/en/portal/customers/{subject.pk}/").content.decode()
    assert 'data-testid="tpa-reads-count">3<' in page
    reads_url = f"/en/portal/authorisations/{authorisation.pk}/reads/"
    assert reads_url in page
    before = AuditEntry.objects.filter(action="core.subject.viewed", subject_id=subject.pk).count()
    listing = _staff(officer).get(reads_url)
    assert listing.status_code == 200
    times = [r.accessed_at for r in listing.context["page"].rows]
    assert times == sorted(AccessRecord.objects.values_list("accessed_at", flat=True), reverse=True)
    viewed = AuditEntry.objects.filter(action="core.subject.viewed", subject_id=subject.pk)
    assert viewed.count() == before + 1
    assert viewed.order_by("-pk").first().data["context"] == "portal.authorisation_reads"


def test_the_panel_says_when_more_authorisations_exist_than_it_lists(customer1, officer, rf, monkeypatch):
    monkeypatch.setattr(staff_pages, "PANEL_AUTHORISATIONS", 1)
    authorise(customer1)
    authorise(customer1)
    request = rf.get("/")
    request.user = officer
    panel = staff_pages.subject_panel_context(request, customer1.customer_account.subject)
    assert len(panel["tpa_authorisations"]) == 1
    assert panel["tpa_more"] is True
