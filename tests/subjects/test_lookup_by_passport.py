"""A foreign national has no citizen ID: a Korean working in Hà Nội is known to the bank by his passport.
Before, the passport number was kept with no blind index, so neither the counter's look-up box nor
`POST /api/v1/subjects/search/` could find him by it ("Give exactly one of national_id, phone or email"):
the officer had to know his CIF. The passport number now has its blind index, in its one form
(`normalize_passport_number`), kept in step with every rectification. Customer-abroad review."""

from __future__ import annotations

import importlib

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from core.actors import Actor
from subjects import services
from subjects.models import DataSubject
from subjects.selectors import subject_search
from tests.factories import make_subject
from tests.migrations import imports_of_others, registries_after

pytestmark = pytest.mark.django_db


def test_the_api_finds_a_foreign_customer_by_the_passport_as_typed(as_user, officer):
    client = as_user(officer)
    created = client.post("/api/v1/subjects/", {
        "external_ref": "CIFKR0001", "full_name": "KIM Min-jun", "passport_number": "M12345678",
        "email": "minjun.kim@example.kr",
    }, format="json")
    assert created.status_code == 201, created.content

    found = client.post("/api/v1/subjects/search/", {"passport_number": "m1234 5678"}, format="json")
    assert found.status_code == 200, found.content
    assert [row["external_ref"] for row in found.json()["results"]] == ["CIFKR0001"]


def test_the_counters_look_up_box_finds_a_customer_by_passport():
    make_subject(external_ref="CIFKR0002", national_id="", passport_number="M7654321")
    make_subject(external_ref="CIFVN0001")
    assert [s.external_ref for s in subject_search("m 7654321")] == ["CIFKR0002"]


def test_a_rectified_passport_is_found_by_the_new_number_only():
    subject = make_subject(national_id="", passport_number="M1111111")
    services.subject_rectify(
        actor=Actor.system("tests"), subject_id=subject.pk, changes={"passport_number": "M2222222"},
        reason="passport renewed",
    )
    assert list(subject_search("M2222222")) == [subject]
    assert not subject_search("M1111111").exists()
    assert DataSubject.objects.get(pk=subject.pk).passport_number_index


backfill = importlib.import_module("subjects.migrations.0009_subject_passport_number_index")
migration_apps = registries_after([("subjects", "0009_subject_passport_number_index")])


def test_the_backfill_imports_nothing_of_the_project():
    assert imports_of_others(backfill) == []


def test_the_passports_already_on_record_are_found_after_the_migration(migration_apps):
    foreign = make_subject(national_id="", passport_number="M3333333")
    citizen = make_subject()
    # As the records stood before the migration: no index, and a number kept before its one form.
    kept = DataSubject.objects.get(pk=foreign.pk)
    kept.passport_number, kept.passport_number_index = "m 3333333", ""
    kept.save(update_fields=["passport_number", "passport_number_index"])

    backfill.passport_indexes_fill(migration_apps, None)

    assert list(subject_search("M3333333")) == [foreign]
    assert DataSubject.objects.get(pk=foreign.pk).passport_number == "M3333333"
    assert DataSubject.objects.get(pk=citizen.pk).passport_number_index == ""


def test_the_backfill_holds_no_lock_on_the_customers_through_the_pass():
    """In one transaction, the column's ACCESS EXCLUSIVE lock (PostgreSQL) would be held while every
    customer's passport is decrypted: the counter, the API and self-service would wait through the pass."""
    assert backfill.Migration.atomic is False


def test_a_backfill_stopped_half_way_keeps_the_batches_it_committed(migration_apps, monkeypatch):
    monkeypatch.setattr(backfill, "BATCH", 1)  # one customer a batch, each in its own transaction
    first = make_subject(national_id="", passport_number="M4444444")
    second = make_subject(national_id="", passport_number="M5555555")
    DataSubject.objects.filter(pk__in=[first.pk, second.pk]).update(passport_number_index="")
    hashed = backfill.passport_index
    calls = []

    def stopped_at_the_second(one_form):
        calls.append(one_form)
        if len(calls) == 2:
            raise RuntimeError("connection lost")
        return hashed(one_form)

    monkeypatch.setattr(backfill, "passport_index", stopped_at_the_second)
    with pytest.raises(RuntimeError):
        backfill.passport_indexes_fill(migration_apps, None)
    monkeypatch.setattr(backfill, "passport_index", hashed)
    indexed = dict(DataSubject.objects.values_list("pk", "passport_number_index"))
    assert bool(indexed[first.pk]) != bool(indexed[second.pk])  # the first batch stays, the second is to do

    backfill.passport_indexes_fill(migration_apps, None)

    assert set(subject_search("M4444444")) | set(subject_search("M5555555")) == {first, second}


@pytest.mark.django_db(transaction=True)
def test_the_migrations_run_both_ways():
    make_subject(national_id="", passport_number="M6666666")
    call_command("migrate", "subjects", "0008", verbosity=0)
    call_command("migrate", "subjects", verbosity=0)
    assert [s.external_ref for s in subject_search("M6666666")]


@pytest.mark.parametrize(("language", "passport"), [("vi", "hộ chiếu"), ("en", "passport")])
@pytest.mark.parametrize("page", ["subjects:customer_lookup", "portal:dashboard"])
def test_both_look_up_boxes_say_a_passport_is_found_too_in_the_readers_language(
    client, officer, page, language, passport
):
    """The counter's box named the passport in its label only, its example gave a CIF and a phone, and the
    dashboard's box (a second copy of the label) did not name it at all."""
    client.force_login(officer)
    with translation.override(language):
        url = reverse(page)
    html = client.get(url).content.decode()
    box = html[html.index('role="search"'):]
    box = box[:box.index("</form>")]
    label = box[box.index("<label"):box.index("</label>")]
    placeholder = box[box.index('placeholder="'):].split('"')[1]
    assert passport in label.lower() and passport in placeholder.lower()


@pytest.mark.parametrize(("language", "words"), [("vi", "hộ chiếu"), ("en", "passport")])
def test_a_search_by_a_passport_no_passport_could_carry_is_a_400_naming_it(as_user, officer, language, words):
    """As a malformed citizen ID or phone is: an empty answer would read as "no such customer"."""
    response = as_user(officer).post(
        "/api/v1/subjects/search/", {"passport_number": "M-12/34"}, format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400, response.content
    assert "passport_number" in response.json() and words in str(response.json()).lower()
