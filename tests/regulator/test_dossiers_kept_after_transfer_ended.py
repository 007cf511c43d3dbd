"""The inspector's "where is the impact assessment for the transfers abroad you made last year?": a
transfer dossier stays on the dossiers page after its transfer ended (the purpose retired, or the foreign
recipient no longer named), under its own heading; before, the page listed only the dossiers the current
catalogue calls for, so last year's transfer assessment could be reached by no link of the portal."""

from __future__ import annotations

import pytest
from django.urls import reverse

from consents.models import Purpose
from regulator import services
from regulator.models import Dossier, DossierKind
from tests.factories import signed_in
from tests.regulator.factories import DPO, MONDAY, make_catalogue, make_inventory

pytestmark = pytest.mark.django_db


def test_a_transfer_dossier_stays_listed_once_the_transfer_has_ended(dpo):
    make_inventory()
    make_catalogue()
    services.dossiers_sync(actor=DPO, now=MONDAY)
    transfer = Dossier.objects.get(kind=DossierKind.TRANSFER)
    Purpose.objects.filter(pk=transfer.purpose_id).update(active=False)  # the transfer abroad retired

    page = signed_in(dpo).get(reverse("regulator:dossier_list")).content.decode()

    kept = page.split('data-testid="dossiers-ended"', 1)[1].split("</table>", 1)[0]
    assert reverse("regulator:dossier_detail", args=[transfer.pk]) in kept
    assert "Head office Tokyo" in kept and "(JP)" in kept
