"""The `/api/v1/subjects/` endpoints: creation, validation, exact look-ups, rectification, access."""
import pytest
from django.db import connection

from audit.models import AuditEntry
from core.models import DataSubject

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
    response = as_user(officer).post(
        "/api/v1/subjects/", VALID, format="json", HTTP_X_ACCESS_REASON="opening the account at the branch"
    )

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

    found = client.get("/api/v1/subjects/", {"national_id": "0011 9900 0123"}).json()["results"]

    assert [s["external_ref"] for s in found] == ["CIF9000001"]


@pytest.mark.parametrize(("field", "value"), [
    ("national_id", "12345"),
    ("phone", "12345"),
    ("email", "not-an-email"),
    ("date_of_birth", "2999-01-01"),
    ("external_ref", "has spaces"),
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
