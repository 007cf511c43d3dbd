"""A bank receiving a customer's JSON copy must tell which layout the file follows as sections are added:
the export names its format version, kept as stored (a later download of an export built under an older
layout does not claim the new one)."""

from __future__ import annotations

import json

import pytest

from core.actors import actor_for_user
from dsr import services
from dsr.models import FulfilmentTask, RequestExport
from dsr.services.exports import EXPORT_FORMAT_VERSION
from tests.dsr.factories import make_inventory, verified_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def copy_answered(subject, privacy_officer):
    make_inventory()
    worker = actor_for_user(privacy_officer)
    request = verified_request(subject, type="copy", actor=worker)
    for task in FulfilmentTask.objects.filter(request=request, status="open"):
        services.task_complete(actor=worker, task_id=task.pk, result={"done": True})
    return services.request_complete(actor=worker, request_id=request.pk), worker


def _json(request, worker) -> dict:
    download = services.export_download(actor=worker, request=request, format="json", language="en")
    return json.loads(download.body.decode("utf-8-sig"))


def test_the_json_copy_names_its_format_version(copy_answered):
    request, worker = copy_answered
    content = _json(request, worker)
    assert isinstance(EXPORT_FORMAT_VERSION, int) and EXPORT_FORMAT_VERSION >= 1
    assert content["format_version"] == EXPORT_FORMAT_VERSION
    # The contract's fields are unchanged beside it.
    assert {"generated_at", "request", "subject", "legal_holds", "left_out"} <= set(content)


def test_an_export_built_before_versions_does_not_claim_the_current_one(copy_answered):
    request, worker = copy_answered
    export = RequestExport.objects.get(request=request)
    stored = json.loads(export.content)
    del stored["format_version"]
    RequestExport.objects.filter(pk=export.pk).update(content=json.dumps(stored))
    assert "format_version" not in _json(request, worker)
