"""The audit list as a "what changed since" feed (the bank's reporting or SIEM copies the trail with it).

`?since=` filters by `recorded_at`, the time of the change, which a slow writer (a consent import keeps
one start time for a whole slice, up to 120 s) commits well after: polling from the newest `recorded_at`
seen loses such an entry. `?after_sequence=` filters by the entry's number instead; numbers are handed
out under the chain head's lock, held to the commit, so they commit in order with no gap, and an entry
that commits after a poll is numbered after everything that poll saw."""
from __future__ import annotations

import pytest

from audit.models import AuditEntry
from consents import services
from core.actors import Actor
from tests.consents.factories import IMPORTED_ON, grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db

HEADER = "subject,purpose,notice_version,channel,evidence,granted_at\n"


def test_polling_the_audit_trail_by_sequence_misses_nothing(as_user, auditor):
    purpose = make_purpose("feed-marketing", category="marketing")
    first, second, other = make_subject(), make_subject(), make_subject()
    reader = as_user(auditor)
    polled: dict = {}

    def lines():
        yield HEADER
        yield f"{first.external_ref},{purpose.code},v1,paper_form,scan-1,{IMPORTED_ON}\n"
        # The first batch has committed. Meanwhile other work goes on, and the reporting system polls.
        grant(other, purpose)
        answer = reader.get("/api/v1/audit/", {"limit": 500})
        assert answer.status_code == 200
        polled["last"] = max(entry["sequence"] for entry in answer.json()["results"])
        yield f"{second.external_ref},{purpose.code},v1,paper_form,scan-2,{IMPORTED_ON}\n"

    run = services.consents_import_csv(
        actor=Actor.system("tests"), lines=lines(), filename="forms.csv", batch_size=1
    )
    assert run.imported == 2

    # The next poll asks for what was numbered after the last entry it saw.
    answer = reader.get("/api/v1/audit/", {"after_sequence": polled["last"], "limit": 500})
    assert answer.status_code == 200
    assert all(entry["sequence"] > polled["last"] for entry in answer.json()["results"])
    later = [e for e in answer.json()["results"] if e["action"] == "consents.import.batch_imported"]
    assert later, "the second batch's entry committed after the poll but is not in the next one"


def test_after_sequence_lists_the_later_entries_oldest_first(as_user, auditor):
    purpose = make_purpose("feed-order", category="marketing")
    reader = as_user(auditor)  # issuing its token is audited too
    for _ in range(3):
        grant(make_subject(), purpose)
    numbers = list(AuditEntry.objects.order_by("sequence").values_list("sequence", flat=True))
    start = numbers[len(numbers) // 2]

    answer = reader.get("/api/v1/audit/", {"after_sequence": start, "limit": 500})

    assert answer.status_code == 200
    assert [entry["sequence"] for entry in answer.json()["results"]] == [n for n in numbers if n > start]


@pytest.mark.parametrize("value", ["-1", "abc", "1.5", "99999999999999999999"])
def test_a_bad_after_sequence_is_a_400_naming_it(as_user, auditor, value):
    answer = as_user(auditor).get("/api/v1/audit/", {"after_sequence": value})
    assert answer.status_code == 400
    assert list(answer.json()) == ["after_sequence"]


def test_the_schema_tells_pollers_to_use_after_sequence(api):
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    parameters = {p["name"]: p for p in schema["paths"]["/api/v1/audit/"]["get"]["parameters"]}
    assert parameters["after_sequence"]["schema"]["type"] == "integer"
    assert "after_sequence" in parameters["since"]["description"]
