"""Texts about the on-time figures and the overdue filter say which deadline they judge by: the earlier of
the bank's and the law's (`answer_by`), not the bank's alone."""

import html

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "prefix, earlier, banks_alone",
    [
        ("/en", "earlier of the bank's and the law's", "the bank's deadline"),
        ("", "sớm hơn giữa hạn của ngân hàng và hạn luật định", "trước hạn cam kết của ngân hàng"),
    ],
)
def test_the_on_time_trend_says_it_judges_by_the_earlier_deadline(
    logged_in, dpo, prefix, earlier, banks_alone
):
    url = prefix + reverse("dsr:report_deadlines").removeprefix("/en")
    page = html.unescape(logged_in(dpo).get(url).content.decode())
    title = page.split('id="trend-title">', 1)[1].split("</title>", 1)[0]
    assert banks_alone not in title
    assert earlier in title


def test_the_api_describes_overdue_and_on_time_by_the_deadlines_they_use():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    overdue = next(
        parameter for parameter in schema["paths"]["/api/v1/requests/"]["get"]["parameters"]
        if parameter["name"] == "overdue"
    )
    assert "bank's deadline" not in overdue["description"]
    assert "the law's" in overdue["description"]
    report = next(
        operation["get"]["description"] for path, operation in schema["paths"].items()
        if path.startswith("/api/v1/reports/consents") and "get" in operation
    )
    assert "72 hours" not in report
