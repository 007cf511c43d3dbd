"""An imported answer reads the same in the customer's export as on their receipt: the bank transcribed
the customer's <channel> consent of <day> (`consents.receipts.reads_as_transcribed`), not "the bank's
system, automatically" (an import the command ran under a system actor before `--operator`) nor "bank
staff (DPO)" (one a member of staff ran). The JSON, the readable page and the CSV say it alike."""

from __future__ import annotations

import csv
import html
import io
import json
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from django.utils.text import capfirst

from consents.models import Consent, ConsentEvent
from consents.receipts import consent_receipt
from consents.services import consents_import_csv
from core.actors import Actor, actor_for_user
from dsr import services
from dsr.models import FulfilmentTask
from tests.consents.factories import make_purpose
from tests.dsr.factories import STAFF, make_inventory, verified_request
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
HEADER = "subject,purpose,notice_version,channel,evidence,granted_at\n"


def _imported(subject, importer: Actor) -> Consent:
    day = timezone.localdate() - timedelta(days=3)
    row = f"{subject.external_ref},marketing,v1,branch,FORM-HN-0042,{day.isoformat()}\n"
    run = consents_import_csv(actor=importer, filename="legacy.csv", lines=io.StringIO(HEADER + row))
    assert run.imported == 1, run.errors
    return Consent.objects.get(subject=subject)


def _answered(subject):
    request = verified_request(subject, type="access", now=timezone.now())
    for task in FulfilmentTask.objects.filter(request=request):
        services.task_complete(actor=STAFF, task_id=task.pk, result={})
    services.request_complete(actor=STAFF, request_id=request.pk)
    return request


def _download(request, format: str, language: str) -> str:
    body = services.export_download(actor=STAFF, request=request, format=format, language=language).body
    return body.decode("utf-8-sig")


@pytest.mark.parametrize("importer", ["command", "dpo"])
@pytest.mark.parametrize("language", ["en", "vi"])
def test_the_export_says_who_recorded_an_imported_consent_as_its_receipt_does(importer, language, dpo):
    make_inventory()
    make_purpose("marketing", category="marketing")
    subject = make_subject()
    actor = Actor.system("import_consents") if importer == "command" else actor_for_user(dpo)
    consent = _imported(subject, actor)
    assert consent.events.get().source.startswith("import:")
    with translation.override(language):
        said = consent_receipt(consent, for_customer=True, reader=subject)["events"][0]["actor"]
    if language == "en":
        day = timezone.localtime(consent.granted_at)
        assert said == f"the bank, transcribing the customer's branch consent of {day:%d/%m/%Y}"
    request = _answered(subject)

    event = json.loads(_download(request, "json", language))["consent_events"][0]
    assert (event["event"], event["recorded_by_kind"], event["recorded_by"]) == (
        ConsentEvent.Kind.GRANTED,
        actor.kind,
        "transcribed",
    )
    assert event["recorded_by_label"] == said
    assert capfirst(said) in html.unescape(_download(request, "html", language))
    rows = list(csv.reader(io.StringIO(_download(request, "csv", language))))
    consent_row = next(row for row in rows if row[1] == str(consent.pk))
    assert consent_row[7] == said
