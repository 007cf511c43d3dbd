"""Migration dsr 0027: a clock's start recorded before clock events had a regime field (dsr 0026) wrote
its regime as its note; the migration gives such an event its regime, so the request's timeline, the API
and the proof bundle name the law of every start alike. The note stays as it was written. It runs on the
models as they stood before it (the historical registry, as `migrate` gives it) and on today's."""

from __future__ import annotations

import importlib

import pytest

from dsr.models import RequestClockEvent
from tests.dsr.factories import make_request
from tests.factories import make_subject
from tests.migrations import imports_of_others, registries_after

pytestmark = pytest.mark.django_db

migration = importlib.import_module("dsr.migrations.0027_start_events_name_their_regime")
migration_apps = registries_after(migration.Migration.dependencies)


def test_the_migration_imports_nothing_of_the_project():
    assert imports_of_others(migration) == []


def test_a_start_written_with_its_regime_as_note_is_given_it(migration_apps):
    request = make_request(make_subject())
    events = RequestClockEvent.objects.filter(request=request)
    start = events.get(kind="started")
    # As dsr 0026 found it: the regime in the note, the field blank.
    events.filter(pk=start.pk).update(note="eu_gdpr", statutory_regime="")
    other = events.exclude(pk=start.pk).first()

    migration.start_events_name_their_regime(migration_apps, None)

    start.refresh_from_db()
    assert (start.statutory_regime, start.note) == ("eu_gdpr", "eu_gdpr")
    if other is not None:
        assert RequestClockEvent.objects.get(pk=other.pk).statutory_regime == other.statutory_regime


def test_a_note_that_names_no_regime_gives_none(migration_apps):
    request = make_request(make_subject())
    RequestClockEvent.objects.filter(request=request).update(note="2026-04-30", statutory_regime="")

    migration.start_events_name_their_regime(migration_apps, None)

    regimes = RequestClockEvent.objects.filter(request=request).values_list("statutory_regime", flat=True)
    assert set(regimes) == {""}
