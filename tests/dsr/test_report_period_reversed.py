"""A deadline report asked for a period that ends before it starts: the page and its CSV say so, as the
API does, instead of answering with the default 30 days as if they were the period asked for."""

import pytest

pytestmark = pytest.mark.django_db
REVERSED = {"since": "2026-06-01", "until": "2026-01-01"}


def test_the_page_refuses_a_period_ending_before_it_starts(client, dpo):
    client.force_login(dpo)

    page = client.get("/en/portal/reports/deadlines/", REVERSED)

    # Said above the figures, as an unreadable date is (tests/security/test_input_dates.py).
    assert page.context["period_error"] == "The period must start before it ends."
    assert "The period must start before it ends." in page.content.decode()


def test_the_csv_refuses_it_too(client, dpo):
    client.force_login(dpo)

    asked = {**REVERSED, "format": "csv"}
    download = client.get("/en/portal/reports/deadlines/", asked)

    assert download.status_code == 400
    assert download.content.decode() == "The period must start before it ends."
