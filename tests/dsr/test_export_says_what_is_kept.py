"""A customer who left, had her data deleted where the law allows, and later asks "what do you still keep
about me, and why?" (an access or copy request) reads the answer in the export: each part a law keeps,
in which system, under which law, and until when (domain notes, "Retention and deletion": the customer
is told which part waits and why), and the legal hold in force names the deletion that put it there."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from django.utils import translation

from core.actors import actor_for_user
from dsr import services
from dsr.models import FulfilmentTask, request_reference
from subjects.models import DataSubject
from tests.dsr.factories import make_inventory, verified_request

pytestmark = pytest.mark.django_db


def _answered(request, worker):
    for task in FulfilmentTask.objects.filter(request=request, status="open"):
        services.task_complete(actor=worker, task_id=task.pk, result={"done": True})
    return request


@pytest.fixture
def left_and_deleted(subject, privacy_officer, dpo):
    """The relationship ended on 31 January 2026; her deletion was answered in part (AML keeps her
    identity and transactions five years); then she asked for a copy of what is still kept."""
    DataSubject.objects.filter(pk=subject.pk).update(relationship_ended_on=date(2026, 1, 31))
    make_inventory()
    worker = actor_for_user(privacy_officer)
    deletion = _answered(verified_request(subject, type="delete", actor=worker), worker)
    services.request_approve(actor=actor_for_user(dpo), request_id=deletion.pk)
    deletion = services.request_complete(actor=worker, request_id=deletion.pk)
    copy = _answered(verified_request(subject, type="copy", actor=worker), worker)
    return deletion, services.request_complete(actor=worker, request_id=copy.pk), worker


def _download(copy, worker, fmt: str, language: str) -> str:
    download = services.export_download(actor=worker, request=copy, format=fmt, language=language)
    return download.body.decode("utf-8-sig")


def test_the_export_lists_each_part_the_law_keeps_and_until_when(left_and_deleted):
    deletion, copy, worker = left_and_deleted
    content = json.loads(_download(copy, worker, "json", "en"))
    kept = sorted((h["system"], h["category"], h["kept_until"], h["law"]) for h in content["legal_holds"])
    assert kept == [
        ("core_banking", "identity", "2031-01-31", "aml"),
        ("core_banking", "transactions", "2031-01-31", "aml"),
        ("platform", "identity", "2031-01-31", "aml"),
    ]
    hold = content["legal_holds"][0]
    assert hold["legal_reference_label"] == "Law 14/2022/QH15 Art. 40"
    assert hold["request"] == str(deletion.pk)
    assert hold["request_reference"] == request_reference(deletion.pk, deletion.received_at)
    # The hold in force on her consents names the deletion that put it there.
    assert [(r["kind"], r["request"]) for r in content["restrictions"]] == [("legal_hold", str(deletion.pk))]


def test_the_readable_copies_say_what_is_kept_why_and_until_when(left_and_deleted):
    _deletion, copy, worker = left_and_deleted
    page = _download(copy, worker, "html", "en")
    assert "What we must keep for now" in page
    assert "Law 14/2022/QH15 Art. 40" in page
    assert "31/01/2031" in page
    rows = list(csv.reader(io.StringIO(_download(copy, worker, "csv", "vi"))))
    with translation.override("vi"):
        kind = str(translation.gettext("What we must keep for now"))
    kept = [row for row in rows if row[0] == kind]
    assert len(kept) == 3
    assert all("31/01/2031" in " ".join(row) and "Law 14/2022/QH15 Art. 40" in " ".join(row) for row in kept)
