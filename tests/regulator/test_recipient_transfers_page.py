"""The DPO's "whose data went to the head office in Tokyo between January and March, and on which transfer
dossier?": from the recipient's page, the customers whose consent to the transfer was in force during a
period, with the dossier the transfer rests on, paged and audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from consents import services as consent_services
from consents.models import Purpose as ConsentPurpose
from consents.models import Recipient
from consents.selectors import consents_transferring_to
from regulator import services
from regulator.models import Dossier, DossierKind
from tests.consents.factories import STAFF, grant, make_recipient
from tests.factories import signed_in
from tests.query_counts import queries_of
from tests.regulator.factories import DPO, MONDAY, make_catalogue, make_customer, make_inventory

pytestmark = pytest.mark.django_db


def _transfers():
    """Three customers consent to the transfer to Tokyo: one a year ago, withdrawn 200 days ago; one 60
    days ago, still in force; one who consented only to marketing."""
    make_inventory()
    purposes = make_catalogue()
    services.dossiers_sync(actor=DPO, now=MONDAY)
    tokyo = Recipient.objects.get(name="Head office Tokyo")
    early, recent, elsewhere = make_customer(), make_customer(), make_customer()
    old = grant(early, purposes["transfer"], now=MONDAY - timedelta(days=85))
    consent_services.consent_withdraw(
        actor=STAFF, consent_id=old.pk, channel="branch", evidence="F-2", now=MONDAY - timedelta(days=80)
    )
    grant(recent, purposes["transfer"], now=MONDAY - timedelta(days=20))
    grant(elsewhere, purposes["marketing"], now=MONDAY - timedelta(days=20))
    return tokyo, early, recent


def _viewed():
    return AuditEntry.objects.filter(action="core.subject.viewed", data__context="portal.recipient_transfers")


def test_the_customers_in_force_during_the_period_and_no_others():
    tokyo, early, recent = _transfers()
    both = consents_transferring_to(tokyo, since=MONDAY - timedelta(days=84), until=MONDAY)
    assert {c.subject_id for c in both} == {early.pk, recent.pk}
    later = consents_transferring_to(tokyo, since=MONDAY - timedelta(days=30), until=MONDAY)
    assert [c.subject_id for c in later] == [recent.pk]


def test_the_page_lists_them_with_the_dossier_and_audits_the_view(dpo):
    tokyo, early, recent = _transfers()
    dossier = Dossier.objects.get(kind=DossierKind.TRANSFER, recipient=tokyo)
    since = timezone.localtime(MONDAY - timedelta(days=30)).date().isoformat()
    until = timezone.localtime(MONDAY).date().isoformat()
    url = reverse("regulator:recipient_transfers", args=[tokyo.pk])
    response = signed_in(dpo).get(url, {"since": since, "until": until})
    assert response.status_code == 200
    page = response.content.decode()
    assert recent.external_ref in page and early.external_ref not in page
    assert reverse("regulator:dossier_detail", args=[dossier.pk]) in page
    assert list(_viewed().values_list("subject_id", flat=True)) == [recent.pk]


def test_a_reversed_period_is_refused_in_words(dpo):
    tokyo, _early, _recent = _transfers()
    url = reverse("regulator:recipient_transfers", args=[tokyo.pk])
    response = signed_in(dpo).get(url, {"since": "2026-03-09", "until": "2026-03-01"})
    assert response.status_code == 400
    assert not _viewed().exists()


def test_only_dossier_readers_reach_it_and_the_recipient_page_links_to_it(dpo, officer):
    tokyo, _early, _recent = _transfers()
    url = reverse("regulator:recipient_transfers", args=[tokyo.pk])
    assert signed_in(officer).get(url).status_code == 403
    recipients = signed_in(dpo).get(reverse("consents:recipient_list")).content.decode()
    assert url in recipients


def test_a_page_costs_the_same_queries_whatever_the_customers_it_lists(dpo):
    tokyo, _early, _recent = _transfers()
    transfer = tokyo.purposes.get()
    client = signed_in(dpo)
    url = reverse("regulator:recipient_transfers", args=[tokyo.pk])
    period = {"since": timezone.localtime(MONDAY - timedelta(days=30)).date().isoformat(),
              "until": timezone.localtime(MONDAY).date().isoformat()}
    few = queries_of(lambda: client.get(url, period))
    for _ in range(18):
        grant(make_customer(), transfer, now=MONDAY - timedelta(days=10))
    assert queries_of(lambda: client.get(url, period)) == few


def test_the_link_shows_only_where_a_transfer_abroad_can_list_anyone(dpo):
    tokyo, _early, _recent = _transfers()
    # A domestic processor of a purpose that sends nothing abroad: its list could never hold anyone.
    agency = make_recipient("Marketing agency Hanoi")
    ConsentPurpose.objects.get(code="marketing").recipients.add(agency)
    recipients = signed_in(dpo).get(reverse("consents:recipient_list")).content.decode()
    assert reverse("regulator:recipient_transfers", args=[tokyo.pk]) in recipients
    assert reverse("regulator:recipient_transfers", args=[agency.pk]) not in recipients
