"""A job's status and cancel endpoints ask the token for the scope of the work the job does: the token
that started a consent import (`consents:admin`) or a breach mailing (`regulator:write`) polls and
cancels it; a token scoped for other work is refused, naming the scope it lacks."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from consents.services.imports import IMPORT_TASK
from core.actors import actor_for_user
from integrations.jobs import job_create
from regulator.services.breach_mailing import CUSTOMERS_TASK
from tests.consents.factories import make_purpose
from tests.factories import make_subject

pytestmark = pytest.mark.django_db


def _job(user, kind: str):
    with transaction.atomic():
        return job_create(actor=actor_for_user(user), kind=kind, user=user)


def test_the_token_that_started_a_consent_import_polls_and_cancels_it(as_user, dpo):
    make_purpose("marketing", category="marketing")
    row = f"{make_subject().external_ref},marketing,v1,paper_form,scan-0001,2026-01-05\n"
    body = ("subject,purpose,notice_version,channel,evidence,granted_at\n" + row).encode()
    api = as_user(dpo, ["consents:admin"])
    upload = {"file": SimpleUploadedFile("a.csv", body, "text/csv")}
    started = api.post("/api/v1/consent-imports/", upload, format="multipart")
    assert started.status_code == 202, started.content
    job = started.json()["job"]
    assert api.get(job).status_code == 200
    cancelled = api.post(job + "cancel/")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"


@pytest.mark.parametrize(
    "kind, scope", [(IMPORT_TASK, "consents:admin"), (CUSTOMERS_TASK, "regulator:write")]
)
def test_a_job_asks_for_the_scope_of_its_kind(as_user, dpo, kind, scope):
    job = _job(dpo, kind)
    url = f"/api/v1/jobs/{job.pk}/"
    other = "regulator:write" if scope == "consents:admin" else "consents:admin"
    assert as_user(dpo, [scope]).get(url).status_code == 200
    refused = as_user(dpo, [other]).get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 403 and scope in refused.json()["detail"]
    assert as_user(dpo, [other]).post(url + "cancel/").status_code == 403
    assert as_user(dpo, [scope]).post(url + "cancel/").status_code == 200


def test_a_job_of_a_kind_with_no_scope_takes_only_a_whole_role_token(as_user, dpo):
    job = _job(dpo, "tests.unregistered_kind")
    url = f"/api/v1/jobs/{job.pk}/"
    assert as_user(dpo, ["consents:admin", "regulator:write"]).get(url).status_code == 403
    assert as_user(dpo).get(url).status_code == 200


def test_someone_elses_job_is_404_before_any_scope_is_judged(as_user, dpo, privacy_officer):
    job = _job(privacy_officer, IMPORT_TASK)
    assert as_user(dpo, ["regulator:write"]).get(f"/api/v1/jobs/{job.pk}/").status_code == 404
