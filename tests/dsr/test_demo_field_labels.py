"""The demo's systems name the fields they return in both languages: the demo customer's copy reads in
Vietnamese, and each label is one the inventory's page would accept."""

import re

import pytest
from django.core.management import call_command

from dsr import services
from dsr.demo import COPY_RESULTS
from dsr.models import DataSubjectRequest, System
from dsr.services.inventory import field_labels_clean
from tests.dsr.factories import STAFF

pytestmark = pytest.mark.django_db


def test_the_demo_copy_names_every_systems_field_in_vietnamese(demo):
    call_command("seed_demo", verbosity=0)
    systems = {s.code: s for s in System.objects.filter(code__in=list(COPY_RESULTS))}
    for code, result in COPY_RESULTS.items():
        assert set(systems[code].field_labels) == set(result), code
        assert field_labels_clean(systems[code].field_labels) == systems[code].field_labels
    copy = DataSubjectRequest.objects.get(subject__external_ref="CIF0000001", type="copy")
    html = services.export_download(actor=STAFF, request=copy, format="html", language="vi").body.decode()
    text = re.sub(r"<[^>]+>", " ", html)
    for words in ("Số thẻ", "Dư nợ vay", "Phân khúc khách hàng", "Số cuộc gọi được ghi âm"):
        assert words in text, words
    assert "Card count" not in text and "Loan balance" not in text
