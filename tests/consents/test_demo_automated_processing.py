"""Follow-up review: the demo catalogue marked no purpose as profiling, so a first look showed the new
field nowhere. Its anti-money-laundering monitoring evaluates how each customer transacts by automated
means (profiling, on a legal obligation): it is marked, its notice says so, and the public privacy page
shows it. No purpose is added for the sake of it, and none that only sends offers or studies the app's
design is marked."""

import pytest
from django.test import Client

from consents.demo import seed_catalogue
from consents.models import Purpose
from core.actors import Actor

pytestmark = pytest.mark.django_db


def test_the_demo_catalogue_marks_its_transaction_monitoring_as_profiling():
    seed_catalogue(Actor.system("demo"))

    marked = Purpose.objects.exclude(automated_processing="").values_list("code", "automated_processing")

    assert dict(marked) == {"kyc-aml": "profiling"}
    aml = Purpose.objects.get(code="kyc-aml")
    assert "automated" in aml.description_en and "tự động" in aml.description_vi
    page = Client().get("/en/privacy/").content.decode()
    assert 'data-testid="automated-kyc-aml-2026-01"' in page
