"""A copy the customer takes to her new bank must say what it leaves out, or a reader takes it for all the
bank holds: the bank's internal notes, staff names, the wording of messages, other people's data and what
the law forbids disclosing are left out by design, and a system of the inventory that holds her kind of
data but does not answer access or copy requests was not asked at all. The JSON, the page and the CSV say
so."""

from __future__ import annotations

import csv
import io
import json

import pytest

from core.actors import actor_for_user
from dsr import services
from dsr.models import DataCategory, FulfilmentTask, System
from tests.dsr.factories import make_inventory, verified_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def copy_answered(subject, privacy_officer):
    make_inventory()
    archive = System.objects.create(
        code="archive", name_vi="Kho lưu trữ chứng từ", name_en="Document archive", request_types=["delete"]
    )
    archive.categories.set([DataCategory.objects.get(code="transactions")])
    worker = actor_for_user(privacy_officer)
    request = verified_request(subject, type="copy", actor=worker)
    for task in FulfilmentTask.objects.filter(request=request, status="open"):
        services.task_complete(actor=worker, task_id=task.pk, result={"done": True})
    return services.request_complete(actor=worker, request_id=request.pk), worker


def _download(request, worker, fmt: str) -> str:
    download = services.export_download(actor=worker, request=request, format=fmt, language="en")
    return download.body.decode("utf-8-sig")


def test_the_json_lists_what_the_copy_leaves_out(copy_answered):
    request, worker = copy_answered
    left_out = json.loads(_download(request, worker, "json"))["left_out"]
    codes = [entry["code"] for entry in left_out]
    assert {"internal_notes", "staff_names", "message_texts", "other_people", "withheld_by_law"} <= set(codes)
    not_asked = [entry for entry in left_out if entry["code"] == "systems_not_asked"]
    assert [entry["systems"] for entry in not_asked] == [["archive"]]
    assert "Document archive" in not_asked[0]["label"]
    assert all(entry["label"] for entry in left_out)


def test_the_page_and_the_csv_say_what_the_copy_leaves_out(copy_answered):
    request, worker = copy_answered
    page = _download(request, worker, "html")
    assert "What this copy leaves out" in page
    assert "Document archive" in page
    rows = [row for row in csv.reader(io.StringIO(_download(request, worker, "csv")))]
    left_out = [row for row in rows if row[0] == "What this copy leaves out"]
    assert len(left_out) == 6
    assert any("Document archive" in " ".join(row) for row in left_out)
