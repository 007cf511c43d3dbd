"""A customer's access or copy request filed after a breach day lists the breaches their data was in once
the bank told them (the reference, when it was detected, the data concerned, what the bank did, when they
were told), in the reader's language; a breach they were not told of (yet, or by a recorded decision) is
not listed: the export says what the notice said, and a decision not to tell stands where it was taken."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from dsr.services.export_csv import export_csv
from dsr.services.export_formats import export_readable
from dsr.services.exports import export_content
from regulator import services
from tests.dsr.factories import verified_request
from tests.regulator.factories import DPO, MONDAY, make_breach, make_catalogue, make_customer, make_inventory

pytestmark = pytest.mark.django_db

TOLD_AT = MONDAY + timedelta(hours=2)


def test_the_export_lists_the_breaches_the_customer_was_told_of(django_capture_on_commit_callbacks):
    make_inventory()
    make_catalogue()
    customer = make_customer()
    told = make_breach(
        systems=["core_banking"], categories=["accounts"], measures_taken="Đã khoá thư mục.",
        measures_taken_en="Folder closed.",
    )
    with django_capture_on_commit_callbacks():
        services.breach_customers_notify(actor=DPO, breach_id=told.pk, now=TOLD_AT)
    not_told = make_breach(
        systems=["core_banking"], categories=["accounts"], detected_at=MONDAY + timedelta(days=1)
    )
    request = verified_request(customer, type="access", now=MONDAY + timedelta(days=2))

    content = export_content(request, now=MONDAY + timedelta(days=2))

    assert [entry["reference"] for entry in content["breaches_told"]] == [told.reference]
    assert not_told.reference not in str(content)
    with translation.override("en"):
        readable = export_readable(content)["breaches_told"]
        sheet = export_csv(content)
    assert readable == [
        {
            "reference": told.reference,
            "detected_at": "09/03/2026 09:00",
            "data_concerned": "Accounts",
            "measures_taken": "Folder closed.",
            "told_at": "09/03/2026 11:00",
        }
    ]
    assert told.reference in sheet and "Folder closed." in sheet
    with translation.override("vi"):
        page = render_to_string("dsr/export.html", {"data": export_readable(content)})
    section = page.split('data-testid="export-breaches-told"', 1)[1].split("</table>", 1)[0]
    assert told.reference in section and "Đã khoá thư mục." in section
    with translation.override("vi"):
        assert export_readable(content)["breaches_told"][0]["measures_taken"] == "Đã khoá thư mục."
