"""`GET /api/v1/purposes/` gives every scope field of the version in force (sensitivity, destinations,
data categories, recipients, retention), as grants, receipts and the consent check read it, not the
purpose row, which the versions job updates only minutes after a version takes effect (never while beat
is down): an integrator must not be told a purpose is not sensitive when a grant now needs the
acknowledgement. Still no query per purpose."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.consents.factories import make_purpose, make_recipient, version_in_force_since
from tests.query_counts import queries_of

pytestmark = pytest.mark.django_db


def _listed(api, code: str) -> dict:
    return {p["code"]: p for p in api.get("/api/v1/purposes/").json()["results"]}[code]


def test_the_api_gives_the_sensitivity_and_data_categories_in_force(as_user, officer):
    make_purpose("wid", category="support", data_categories=["contact"], retention_months=12)
    version_in_force_since(
        "wid", {"data_categories": ["contact", "health"], "retention_months": 24}, ago=timedelta(hours=1)
    )
    api = as_user(officer)

    for shown in (_listed(api, "wid"), api.get("/api/v1/purposes/wid/").json()):
        assert shown["sensitive"] is True
        assert shown["data_categories"] == ["contact", "health"]
        assert shown["retention_months"] == 24


def test_the_api_gives_the_destinations_and_recipients_in_force(as_user, officer):
    make_purpose("wid", category="support", data_categories=["contact"])
    head_office = make_recipient(
        "Trụ sở chính Tokyo", name_en="Tokyo head office", kind="foreign_head_office"
    )
    head_office.country = "JP"
    head_office.save()
    version_in_force_since(
        "wid",
        {"cross_border": True, "destination_country": "SG"},
        ago=timedelta(hours=1),
        recipients=[head_office],
    )
    api = as_user(officer)

    for shown in (_listed(api, "wid"), api.get("/api/v1/purposes/wid/").json()):
        assert shown["cross_border"] is True
        assert (shown["destination_country"], shown["destinations"]) == ("SG", ["JP", "SG"])
        assert [(r["id"], r["name_en"], r["country"], r["active"]) for r in shown["recipients"]] == [
            (head_office.pk, "Tokyo head office", "JP", True)
        ]


def test_a_scheduled_version_is_not_shown_before_it_takes_effect(as_user, officer):
    make_purpose("wid", category="support", data_categories=["contact"])
    version_in_force_since("wid", {"data_categories": ["contact", "health"]}, ago=timedelta(days=-3))

    shown = as_user(officer).get("/api/v1/purposes/wid/").json()

    assert (shown["sensitive"], shown["data_categories"]) == (False, ["contact"])


def test_recipients_in_force_cost_no_query_per_purpose(as_user, officer):
    api = as_user(officer)

    def widened(count: int, start: int) -> None:
        for i in range(start, start + count):
            code = f"wid-{i}"
            make_purpose(code, category="support", data_categories=["contact"])
            partner = make_recipient(f"Partner {i}")
            version_in_force_since(code, {"sensitive": True}, ago=timedelta(hours=1), recipients=[partner])

    widened(2, 0)
    with_2 = queries_of(lambda: api.get("/api/v1/purposes/"))
    widened(8, 2)
    with_10 = queries_of(lambda: api.get("/api/v1/purposes/"))

    assert with_10 == with_2
    assert all(
        p["sensitive"] and len(p["recipients"]) == 1 for p in api.get("/api/v1/purposes/").json()["results"]
    )
