"""Excel on a Windows whose regional format is Vietnamese saves a date cell as dd/mm/yyyy (18/03/2024),
and a date-time cell as dd/mm/yyyy hh:mm. The import took only ISO 8601 and refused every such row. It
now reads them, the day first as Vietnamese dates are always written (04/03/2024 is the 4th of March,
never the 3rd of April), and refuses a date that is not on the calendar read that way (31/02/2026, a
month-first 03/18/2024) with a message saying so, on the row's line."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from django.utils import timezone, translation

from consents import services
from consents.models import Consent, Purpose
from consents.selectors import consent_check
from consents.services import consents_import_csv
from core.actors import Actor
from core.moments import day_first_iso
from tests.consents.factories import grant, make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
ACTOR = Actor.system("tests.import-dates")
HEADER = "subject;purpose;notice_version;channel;evidence;granted_at"


@pytest.fixture(autouse=True)
def marketing():
    since = timezone.make_aware(datetime(2020, 1, 1))
    return make_purpose("marketing", category="marketing", effective_at=since)


def _import(*rows: str):
    lines = io.StringIO("\r\n".join([HEADER, *rows]) + "\r\n").readlines()
    with translation.override("en"):
        return consents_import_csv(actor=ACTOR, lines=lines, filename="excel-vi.csv")


def _local(consent: Consent) -> datetime:
    return timezone.localtime(consent.granted_at).replace(tzinfo=None)


def test_dates_written_day_first_are_imported_on_that_day():
    a, b, c, d = (make_subject() for _ in range(4))

    run = _import(
        f"{a.external_ref};marketing;v1;paper_form;scan-1;04/03/2024",
        f"{b.external_ref};marketing;v1;paper_form;scan-2;4/3/2024",
        f"{c.external_ref};marketing;v1;paper_form;scan-3;18/03/2024 10:15",
        f"{d.external_ref};marketing;v1;paper_form;scan-4;9/12/2023 8:05:30",
    )

    assert (run.imported, run.errors) == (4, [])
    consents = {x.subject_id: _local(x) for x in Consent.objects.all()}
    # A date without a time is taken at noon, local time, as an ISO date is.
    assert consents[a.pk] == consents[b.pk] == datetime(2024, 3, 4, 12, 0)
    assert consents[c.pk] == datetime(2024, 3, 18, 10, 15)
    assert consents[d.pk] == datetime(2023, 12, 9, 8, 5, 30)


@pytest.mark.parametrize(
    "written",
    ["31/02/2026", "03/18/2024", "29/02/2023", "00/01/2024", "18/03/2024 25:00", "1/1/0001"],
)
def test_a_date_not_on_the_calendar_read_day_first_is_refused_on_its_line(written):
    good, bad = make_subject(), make_subject()

    run = _import(
        f"{good.external_ref};marketing;v1;paper_form;scan-1;2024-03-18",
        f"{bad.external_ref};marketing;v1;paper_form;scan-2;{written}",
    )

    assert (run.imported, run.refused) == (1, 1)
    [error] = run.errors
    assert error["line"] == 3
    assert f"granted_at “{written}” is not a real date" in error["reason"], error["reason"]
    assert "day first" in error["reason"]


@pytest.mark.parametrize(
    "written", ["18/03/24", "2024/03/18", "18-03-2024", "18.03.2024", "18/03/2024 10h15"]
)
def test_other_shapes_are_refused_with_the_shapes_that_are_read(written):
    subject = make_subject()

    run = _import(f"{subject.external_ref};marketing;v1;paper_form;scan-1;{written}")

    assert run.imported == 0
    assert "dd/mm/yyyy" in run.errors[0]["reason"] and "YYYY-MM-DD" in run.errors[0]["reason"]


def test_the_reasons_are_in_vietnamese_too():
    subject = make_subject()
    lines = io.StringIO(f"{HEADER}\r\n{subject.external_ref};marketing;v1;paper_form;scan;31/02/2026\r\n")

    with translation.override("vi"):
        run = consents_import_csv(actor=ACTOR, lines=lines.readlines(), filename="excel-vi.csv")

    assert run.errors[0]["reason"].startswith("granted_at “31/02/2026” không phải ngày có thật")


def test_a_day_first_date_of_a_withdrawal_day_does_not_undo_it():
    """A date without a time cannot be placed within its day: written d/m/yyyy (8 characters), it is
    still a date without a time, and a withdrawal that day is the later answer."""
    customer = make_subject()
    morning = timezone.make_aware(datetime(2024, 3, 4, 8, 0))
    consent = grant(customer, Purpose.objects.get(code="marketing"), now=morning - timedelta(days=7))
    services.consent_withdraw(actor=ACTOR, consent_id=consent.pk, channel="branch", now=morning)

    run = _import(f"{customer.external_ref};marketing;v1;paper_form;scan-same-day;4/3/2024")

    assert (run.imported, run.refused) == (0, 1)
    assert consent_check(subject_ref=customer.external_ref, purpose_code="marketing").reason == "withdrawn"


def test_the_same_file_saved_again_by_excel_imports_nothing_twice():
    """Opened in Excel and saved again, a file's ISO dates become dd/mm/yyyy: its rows are the same rows."""
    subject = make_subject()
    first = _import(f"{subject.external_ref};marketing;v1;paper_form;scan-1;2024-03-04")

    again = _import(f"{subject.external_ref};marketing;v1;paper_form;scan-1;04/03/2024")

    assert (first.imported, again.imported, again.already_imported, again.refused) == (1, 0, 1, 0)


def test_day_first_iso_reads_only_the_day_first_shapes():
    assert day_first_iso("4/3/2024") == "2024-03-04"
    assert day_first_iso("18/03/2024 9:05") == "2024-03-18T09:05"
    assert day_first_iso("18/03/2024 09:05:07") == "2024-03-18T09:05:07"
    assert [day_first_iso(v) for v in ("2024-03-18", "18/03/24", "", "18/03/2024T10:15")] == [None] * 4
    assert date.fromisoformat(day_first_iso("29/02/2024")) == date(2024, 2, 29)
