"""The audit trail's Target column showed the model's internal label (`consents.consent` and an id): an
inspector reading the Vietnamese page could not tell what kind of record an entry acted on. It now names
it in the reader's language, the code kept as the cell's title for whoever searches by it."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import transaction
from django.utils import translation

from audit.selectors import audit_target_label
from audit.services import audit_record
from core.actors import Actor
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
OFFICER = Actor(kind="staff", user_id=None, label="officer-in-branch")
# The models entries name as their target through the shared movers (`audit.transitions`) and services.
TARGET_MODELS = (
    "consents.consent", "consents.withdrawalduty", "dsr.datasubjectrequest", "dsr.fulfilmenttask",
    "regulator.breach", "authorisations.authorisation", "subjects.datasubject",
)


def test_the_target_is_named_in_the_readers_language(logged_in, auditor):
    subject = make_subject()
    with transaction.atomic():
        audit_record(action="core.subject.viewed", actor=OFFICER, subject=subject, target=subject,
                     data={"reason": "R-1"})

    page = logged_in(auditor).get("/portal/audit/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()

    cells = [cell for cell in page.split("<td") if str(subject.pk)[:8] in cell and "<small" in cell]
    assert cells
    for cell in cells:
        assert "chủ thể dữ liệu" in cell.lower()
        assert "subjects.datasubject</" not in cell and 'title="subjects.datasubject"' in cell


@pytest.mark.parametrize("label", TARGET_MODELS)
def test_each_target_model_has_a_vietnamese_name(label):
    with translation.override("vi"):
        named = audit_target_label(label)
    assert named != label
    with translation.override("en"):
        english = str(apps.get_model(label)._meta.verbose_name)
    assert named.lower() != english.lower(), f"{label} has no Vietnamese verbose_name"


def test_a_label_no_model_has_is_shown_as_it_is():
    assert audit_target_label("gone.model") == "gone.model"
    assert audit_target_label("") == ""
