"""`GET /api/v1/purposes/` and the DPO's purpose list judge a purpose by its version in force, as the
consent check does, not by the purpose row, which the job (`purpose_versions_apply_due`) updates only
minutes after a new version takes effect: the API gives that version's legal basis and category, and the
list sorts by the basis it shows. Neither reads a query per purpose."""

from __future__ import annotations

import pytest

from tests.consents.factories import changed_a_minute_ago, make_purpose
from tests.factories import signed_in
from tests.query_counts import queries_of

pytestmark = pytest.mark.django_db


def _listed(api) -> dict[str, dict]:
    return {p["code"]: p for p in api.get("/api/v1/purposes/").json()["results"]}


def test_the_api_gives_the_basis_and_category_of_the_version_in_force(as_user, officer):
    changed_a_minute_ago(
        "profiling", {"legal_basis": "contract", "category": "service"}, category="analytics"
    )
    api = as_user(officer)

    listed = _listed(api)["profiling"]
    detail = api.get("/api/v1/purposes/profiling/").json()

    assert (listed["legal_basis"], listed["category"]) == ("contract", "service")
    assert (detail["legal_basis"], detail["category"]) == ("contract", "service")


def test_the_api_reads_the_versions_in_force_without_a_query_per_purpose(as_user, officer):
    api = as_user(officer)
    for i in range(2):
        changed_a_minute_ago(f"first-{i}", {"legal_basis": "contract"}, category="analytics")
    with_2 = queries_of(lambda: api.get("/api/v1/purposes/"))
    for i in range(8):
        changed_a_minute_ago(f"more-{i}", {"legal_basis": "contract"}, category="analytics")
    with_10 = queries_of(lambda: api.get("/api/v1/purposes/"))
    assert with_10 == with_2
    assert {p["legal_basis"] for p in _listed(api).values()} == {"contract"}


def test_the_dpos_list_sorts_by_the_basis_in_force(dpo):
    """By basis then code: "alpha" rests on a contract since a minute ago, so it comes after "beta",
    which still rests on consent, though its row still says consent too."""
    changed_a_minute_ago("alpha", {"legal_basis": "contract"}, category="analytics")
    make_purpose("beta", category="analytics")
    make_purpose("gamma", legal_basis="contract", category="service")

    page = signed_in(dpo).get("/en/portal/purposes/").content.decode()

    rows = [page.index(f'<td class="mono">{code}</td>') for code in ("beta", "alpha", "gamma")]
    assert rows == sorted(rows)
