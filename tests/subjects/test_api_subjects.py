"""The `/api/v1/subjects/` endpoints: creation, validation, exact look-ups, rectification, access."""
import pytest
from django.db import connection

from audit.models import AuditEntry
from subjects.models import DataSubject
from subjects.services import subject_fingerprint
from tests.factories import make_subject

pytestmark = pytest.mark.django_db

VALID = {
    "external_ref": "CIF9000001",
    "full_name": "Võ Thị Sáu",
    "national_id": "001199000123",
    "date_of_birth": "1999-04-30",
    "phone": "+84 912 000 111",
    "email": "Sau.Vo@Example.vn",
}


def test_officer_creates_subject_and_the_column_holds_no_plaintext(as_user, officer):
    # The officer gives a reason to see the values in the answer (need to know).
    response = as_user(officer).post("/api/v1/subjects/", VALID, format="json",
                                     HTTP_X_ACCESS_REASON="registering the customer at the counter")

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["phone"] == "0912000111"
    assert body["email"] == "sau.vo@example.vn"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT national_id, full_name, phone FROM core_datasubject WHERE id = %s",
            [
                DataSubject.objects.get().pk.hex
                if connection.vendor == "sqlite"
                else DataSubject.objects.get().pk
            ],
        )
        stored = " ".join(cursor.fetchone())
    assert "001199000123" not in stored
    assert "Võ Thị Sáu" not in stored
    assert "0912000111" not in stored


def test_lookup_by_national_id_uses_the_blind_index(as_user, officer):
    client = as_user(officer)
    client.post("/api/v1/subjects/", VALID, format="json")
    client.post(
        "/api/v1/subjects/",
        {**VALID, "external_ref": "CIF9000002", "national_id": "001199000999"},
        format="json",
    )

    found = client.post("/api/v1/subjects/search/", {"national_id": "0011 9900 0123"}, format="json")

    assert found.status_code == 200, found.content
    assert [s["external_ref"] for s in found.json()["results"]] == ["CIF9000001"]
    assert AuditEntry.objects.filter(action="core.subject.viewed", data__context="api.search").count() == 1


@pytest.mark.parametrize(("field", "value"), [
    ("phone", "+84 912 000 111"),
    ("email", "SAU.VO@example.vn"),
])
def test_search_by_phone_or_email_is_a_post(as_user, officer, field, value):
    client = as_user(officer)
    client.post("/api/v1/subjects/", VALID, format="json")

    found = client.post("/api/v1/subjects/search/", {field: value}, format="json").json()["results"]

    assert [s["external_ref"] for s in found] == ["CIF9000001"]


@pytest.mark.parametrize("body", [{}, {"national_id": "001199000123", "phone": "0912000111"}])
def test_search_takes_exactly_one_identifier(as_user, officer, body):
    response = as_user(officer).post("/api/v1/subjects/search/", body, format="json")
    assert response.status_code == 400 and response.json()["detail"]


def test_search_needs_the_subjects_read_scope_and_is_closed_to_customers(as_user, client_user, customer_a):
    body = {"phone": "0912000111"}
    assert as_user(client_user, scopes=["consents:read"]).post(
        "/api/v1/subjects/search/", body, format="json").status_code == 403
    assert as_user(client_user, scopes=["subjects:read"]).post(
        "/api/v1/subjects/search/", body, format="json").status_code == 200
    assert as_user(customer_a).post("/api/v1/subjects/search/", body, format="json").status_code == 403


@pytest.mark.parametrize("field", ["national_id", "phone", "email"])
def test_personal_data_is_refused_in_the_url(as_user, officer, field):
    """Filters on personal data would put it in access logs: the list refuses them (pen test, finding 4)."""
    as_user(officer).post("/api/v1/subjects/", VALID, format="json")

    response = as_user(officer).get("/api/v1/subjects/", {field: VALID[field]})

    assert response.status_code == 400
    assert "search" in response.json()[field][0]


def test_full_width_digits_are_stored_and_found_as_ascii(as_user, officer):
    """A phone keyboard in a CJK or Vietnamese IME may send full-width digits (pen test, finding 7)."""
    client = as_user(officer)
    created = client.post(
        "/api/v1/subjects/",
        {**VALID, "national_id": "００１１９９０００１２３", "phone": "０９１２ ０００ １１１"},
        format="json", HTTP_X_ACCESS_REASON="registering the customer at the counter",
    )
    assert created.status_code == 201, created.content
    assert created.json()["national_id"] == "001199000123"
    assert created.json()["phone"] == "0912000111"
    for body in ({"national_id": "001199000123"}, {"national_id": "００１１９９０００１２３"},
                 {"phone": "0912000111"}, {"phone": "０９１２０００１１１"}):
        found = client.post("/api/v1/subjects/search/", body, format="json").json()["results"]
        assert [s["external_ref"] for s in found] == ["CIF9000001"], body


def test_digits_of_other_scripts_are_refused(as_user, officer):
    response = as_user(officer).post(
        "/api/v1/subjects/", {**VALID, "national_id": "٠٠١١٩٩٠٠٠١٢٣"}, format="json"
    )
    assert response.status_code == 400 and "national_id" in response.json()


def test_a_second_cif_with_the_same_national_id_is_409_naming_the_first(as_user, officer, privacy_officer):
    """One CIF per citizen ID (pen test, finding 13); full-width digits do not slip past it."""
    client = as_user(officer)
    client.post("/api/v1/subjects/", VALID, format="json")

    again = client.post(
        "/api/v1/subjects/",
        {**VALID, "external_ref": "CIF9000002", "national_id": "００１１９９０００１２３"},
        format="json",
    )

    assert again.status_code == 409
    assert again.json()["code"] == "duplicate_national_id"
    assert "CIF9000001" in again.json()["detail"]
    assert not DataSubject.objects.filter(external_ref="CIF9000002").exists()
    other = client.post(
        "/api/v1/subjects/", {**VALID, "external_ref": "CIF9000002", "national_id": "001199000999"},
        format="json",
    ).json()
    rectified = as_user(privacy_officer).patch(
        f"/api/v1/subjects/{other['id']}/", {"national_id": "001199000123"}, format="json"
    )
    assert rectified.status_code == 409 and "CIF9000001" in rectified.json()["detail"]
    unchanged = as_user(privacy_officer).patch(
        f"/api/v1/subjects/{other['id']}/", {"national_id": "001199000999", "full_name": "Võ Sáu"},
        format="json",
    )
    assert unchanged.status_code == 200


@pytest.mark.parametrize(("field", "value"), [
    ("national_id", "12345"),
    ("phone", "12345"),
    ("email", "not-an-email"),
    ("date_of_birth", "2999-01-01"),
    ("external_ref", "has spaces"),
    ("relationship_ended_on", "2999-01-01"),
])
def test_bad_input_is_400_with_a_message_and_writes_nothing(as_user, officer, field, value):
    client = as_user(officer)
    audit_before = AuditEntry.objects.count()

    response = client.post("/api/v1/subjects/", {**VALID, field: value}, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert response.json()[field][0]
    assert DataSubject.objects.count() == 0
    assert AuditEntry.objects.count() == audit_before


def test_relationship_ended_on_is_kept_on_create_and_audited(as_user, officer):
    response = as_user(officer).post(
        "/api/v1/subjects/", {**VALID, "relationship_ended_on": "2024-06-30"}, format="json"
    )

    assert response.status_code == 201, response.content
    assert response.json()["relationship_ended_on"] == "2024-06-30"
    assert DataSubject.objects.get().relationship_ended_on.isoformat() == "2024-06-30"
    created = AuditEntry.objects.get(action="core.subject.created")
    assert "relationship_ended_on" in created.data["fields"]


def test_duplicate_cif_is_409(as_user, officer):
    client = as_user(officer)
    client.post("/api/v1/subjects/", VALID, format="json")
    response = client.post("/api/v1/subjects/", VALID, format="json")
    assert response.status_code == 409
    assert "CIF" in response.json()["detail"]


def test_rectification_is_audited_with_fingerprints_not_values(as_user, privacy_officer, subject):
    response = as_user(privacy_officer).patch(
        f"/api/v1/subjects/{subject.pk}/", {"phone": "0988777666"}, format="json"
    )

    assert response.status_code == 200, response.content
    entry = AuditEntry.objects.filter(action="core.subject.rectified").get()
    assert set(entry.data["changed"]) == {"phone"}
    assert "0988777666" not in str(entry.data)
    assert entry.data["changed"]["phone"]["before"] != entry.data["changed"]["phone"]["after"]


def test_staff_viewing_a_subject_is_logged(as_user, officer, subject):
    as_user(officer).get(f"/api/v1/subjects/{subject.pk}/")
    viewed = AuditEntry.objects.filter(action="core.subject.viewed", subject_id=subject.pk)
    assert viewed.count() == 1
    assert viewed.get().actor_label == officer.username


def test_customer_sees_only_their_own_subject(api, customer_a, customer_b):
    api.force_authenticate(customer_a)
    own = customer_a.customer_account.subject
    other = customer_b.customer_account.subject

    listed = api.get("/api/v1/subjects/").json()["results"]
    assert [s["id"] for s in listed] == [str(own.pk)]
    assert api.get(f"/api/v1/subjects/{other.pk}/").status_code == 404
    assert api.get(f"/api/v1/subjects/?external_ref={other.external_ref}").json()["results"] == []
    assert api.patch(f"/api/v1/subjects/{own.pk}/", {"phone": "0988777666"}, format="json").status_code == 403


def test_the_dpo_lets_a_second_cif_share_the_citizen_id(as_user, officer, dpo):
    """One CIF per citizen ID unless the DPO links them (pen test, finding 13): the share names one
    customer number, is audited, and only the DPO may make it."""
    first = as_user(officer).post("/api/v1/subjects/", VALID, format="json").json()
    share_url = f"/api/v1/subjects/{first['id']}/national-id-shares/"
    twin = {**VALID, "external_ref": "CIF9000002"}

    assert as_user(officer).post(share_url, {"external_ref": "CIF9000002", "reason": "twin"},
                                 format="json").status_code == 403
    assert as_user(dpo).post(share_url, {"external_ref": "CIF9000002", "reason": " "},
                             format="json").status_code == 400
    reason = "core banking keeps two CIFs"
    shared = as_user(dpo).post(share_url, {"external_ref": "CIF9000002", "reason": reason}, format="json")

    assert shared.status_code == 201 and shared.json()["external_ref"] == "CIF9000002"
    audited = AuditEntry.objects.filter(action="core.subject.national_id_shared", subject_id=first["id"])
    assert audited.count() == 1
    assert as_user(officer).post("/api/v1/subjects/", {**VALID, "external_ref": "CIF9000003"},
                                 format="json").status_code == 409
    assert as_user(officer).post("/api/v1/subjects/", twin, format="json").status_code == 201


def test_an_unknown_guardian_is_a_400_on_the_guardian_field(as_user, officer):
    body = {**VALID, "guardian": "00000000-0000-0000-0000-000000000001"}
    response = as_user(officer).post("/api/v1/subjects/", body, format="json")
    assert response.status_code == 400, response.content
    assert list(response.json()) == ["guardian"]


def test_rectification_reason_is_kept_out_of_the_trail_as_a_fingerprint(as_user, privacy_officer, subject):
    reason = "KH báo số cũ 0911222333 mất, số mới 0988777666"
    response = as_user(privacy_officer).patch(
        f"/api/v1/subjects/{subject.pk}/", {"phone": "0988777666", "reason": reason}, format="json"
    )

    assert response.status_code == 200, response.content
    entry = AuditEntry.objects.filter(action="core.subject.rectified").get()
    assert "0911222333" not in str(entry.data) and "0988777666" not in str(entry.data)
    assert "reason" not in entry.data
    # The fingerprint says which text was given, salted with the customer's own secret (erased with them).
    fingerprint = entry.data["reason_fingerprint"]
    assert fingerprint and fingerprint != subject_fingerprint(subject_id=make_subject().pk, value=reason)
    assert fingerprint == subject_fingerprint(subject_id=subject.pk, value=reason)
