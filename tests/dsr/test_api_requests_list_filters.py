"""The request list's filters in the API against the staff queue: `?subject=<CIF>&as_guardian=1` lists
what the queue lists (`requests_of_customer`), and a filter that cannot mean anything (a customer
number nobody has, a request type that does not exist) is a 400 saying so, not an empty list."""

import pytest
from django.urls import reverse

from dsr import services
from dsr.selectors import requests_of_customer
from tests.consents.factories import child_of
from tests.dsr.factories import STAFF, make_request
from tests.pages import in_either_language

pytestmark = pytest.mark.django_db

LIST = "/api/v1/requests/"


def _ids(answer) -> set[str]:
    assert answer.status_code == 200, answer.content
    return {row["id"] for row in answer.json()["results"]}


def _guardian_with_requests(guardian, other):
    """Two of the guardian's own requests, one they filed for their ward, the ward's own, someone else's."""
    ward = child_of(guardian, age=10)
    own = {make_request(guardian, type="access") for _ in range(2)}
    for_ward = make_request(ward, type="copy", guardian=guardian)
    make_request(ward, type="object")  # one a child of 10 files alone (docs/requests.md)
    make_request(other, type="access")
    return own, for_ward


def test_as_guardian_lists_what_the_queue_lists(as_user, logged_in, privacy_officer, subject, customer_a):
    own, for_ward = _guardian_with_requests(subject, customer_a.customer_account.subject)
    api = as_user(privacy_officer)
    cif = subject.external_ref
    with_ward = _ids(api.get(LIST, {"subject": cif, "as_guardian": "1"}))
    assert with_ward == {str(r.pk) for r in own | {for_ward}}
    queue = logged_in(privacy_officer).get(reverse("dsr:queue"), {"subject": cif, "as_guardian": "1"})
    assert queue.content.decode().count('data-testid="queue-row"') == len(with_ward)
    counted = requests_of_customer(cif, as_guardian=True).values_list("pk", flat=True)
    assert with_ward == {str(pk) for pk in counted}
    # Without it, or with a no, the customer's own requests only, as on the page.
    for params in ({"subject": cif}, {"subject": cif, "as_guardian": "false"}):
        assert _ids(api.get(LIST, params)) == {str(r.pk) for r in own}, params


def test_a_guardian_lists_their_own_and_those_they_filed_for_a_ward(as_user, customer_a, subject):
    me = customer_a.customer_account.subject
    own, for_ward = _guardian_with_requests(me, subject)
    api = as_user(customer_a)
    listed = _ids(api.get(LIST, {"subject": me.external_ref, "as_guardian": "yes"}))
    assert listed == {str(r.pk) for r in own | {for_ward}}


@pytest.mark.parametrize(
    "params", [{"as_guardian": "maybe"}, {"as_guardian": "1"}, {"subject": "", "as_guardian": "true"}]
)
def test_a_bad_or_lonely_as_guardian_is_a_400_naming_it(as_user, privacy_officer, subject, params):
    """A word other than yes or no, or `as_guardian` with no customer to add the ward's requests to."""
    params = {"subject": subject.external_ref, **params} if params.get("as_guardian") == "maybe" else params
    answer = as_user(privacy_officer).get(LIST, params)
    assert answer.status_code == 400, params
    assert list(answer.json()) == ["as_guardian"], answer.json()


def test_the_schema_documents_as_guardian(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    parameters = {p["name"]: p for p in schema["paths"][LIST]["get"]["parameters"]}
    assert parameters["as_guardian"]["schema"]["type"] == "boolean"
    assert "guardian" in parameters["as_guardian"]["description"]
    assert "subject" in parameters["as_guardian"]["description"]
    assert set(parameters["type"]["schema"]["enum"]) >= {"access", "copy", "delete", "complaint"}


def test_staff_filtering_by_a_customer_number_nobody_has_are_told(as_user, privacy_officer, subject):
    make_request(subject, type="access")
    answer = as_user(privacy_officer).get(LIST, {"subject": "NO-SUCH-CIF"})
    assert answer.status_code == 400
    assert list(answer.json()) == ["subject"]
    assert in_either_language("No customer with this customer number (CIF).", answer.json()["subject"][0])


def test_a_customer_learns_nothing_of_other_customer_numbers(as_user, customer_a, subject):
    """To a customer, a CIF nobody has reads as someone else's does: an empty list, never whether the
    number exists."""
    make_request(subject, type="access")
    api = as_user(customer_a)
    for cif in ("NO-SUCH-CIF", subject.external_ref):
        answer = api.get(LIST, {"subject": cif})
        assert answer.status_code == 200 and answer.json()["results"] == [], cif


def test_an_unknown_request_type_is_a_400_naming_it(as_user, privacy_officer, subject):
    make_request(subject, type="access")
    api = as_user(privacy_officer)
    answer = api.get(LIST, {"type": "acess"})
    assert answer.status_code == 400
    assert list(answer.json()) == ["type"]
    assert in_either_language("Unknown request type.", answer.json()["type"][0])
    assert len(_ids(api.get(LIST, {"type": "access"}))) == 1


def test_staff_filtering_by_an_assignee_nobody_is_are_told(
    as_user, privacy_officer, officer, customer_a, subject
):
    """An id no staff member has was an empty list, as if nothing were assigned to them."""
    assigned = make_request(subject, type="access")
    services.request_assign(actor=STAFF, request_id=assigned.pk, assignee=privacy_officer)
    api = as_user(privacy_officer)

    answer = api.get(LIST, {"assignee": "987654"})

    assert answer.status_code == 400
    assert list(answer.json()) == ["assignee"]
    assert in_either_language("No staff member has this user id.", answer.json()["assignee"][0])
    # A customer's login is no staff member either.
    assert api.get(LIST, {"assignee": customer_a.pk}).status_code == 400
    assert _ids(api.get(LIST, {"assignee": privacy_officer.pk})) == {str(assigned.pk)}
    assert _ids(api.get(LIST, {"assignee": officer.pk})) == set()


def test_a_customer_learns_nothing_of_staff_ids(as_user, customer_a, privacy_officer):
    """To a customer, an id nobody has reads as a staff member's does: their requests assigned to it."""
    api = as_user(customer_a)
    for user_id in ("987654", privacy_officer.pk):
        answer = api.get(LIST, {"assignee": user_id})
        assert answer.status_code == 200 and answer.json()["results"] == [], user_id
