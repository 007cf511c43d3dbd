"""The notices a rectification request's answer sent to recipients record the request as their source
(`WithdrawalDuty.source`, consents 0006); the request's page finds them by it. Until now it matched them
by time: the answer applies the corrections at the moment the request closes, so its notices were
received at its `closed_at`. Notices sent before are given the request that time names, where exactly
one does: the answered (completed or partially completed) rectification request of the same customer
closed at the moment the notice was received. Only an answer applies corrections, so a request refused
or cancelled at that moment is no candidate. Where two were answered at that moment, which one's
corrections each notice passed on cannot be told, and the notices stay without a source, as do those of
a correction made outside a request (staff's own).

Only the historical models (`apps.get_model`); the source is written out as `dsr.sources.request_source`
wrote it when this migration was made. Going back leaves the sources (no-op): consents 0006 going back
drops the column.
"""

from collections import Counter

from django.db import migrations
from django.db.models import Exists, OuterRef

# `dsr.sources.SOURCE_PREFIX`, and the statuses of `dsr.states.ANSWERS`, when this migration was written.
SOURCE_PREFIX = "dsr.request:"
ANSWERS = ["completed", "partially_completed"]
RECTIFY = "rectify"
RECTIFICATION = "rectification"


def notices_name_their_request(apps, schema_editor):
    Duty = apps.get_model("consents", "WithdrawalDuty")
    Request = apps.get_model("dsr", "DataSubjectRequest")
    unnamed = Duty.objects.filter(kind=RECTIFICATION, source="")
    answered = list(
        Request.objects.filter(type=RECTIFY, status__in=ANSWERS, closed_at__isnull=False)
        .filter(
            Exists(unnamed.filter(subject_id=OuterRef("subject_id"), received_at=OuterRef("closed_at")))
        )
        .values_list("pk", "subject_id", "closed_at")
    )
    answers_at = Counter((subject_id, closed_at) for _pk, subject_id, closed_at in answered)
    for pk, subject_id, closed_at in answered:
        if answers_at[subject_id, closed_at] == 1:
            unnamed.filter(subject_id=subject_id, received_at=closed_at).update(source=f"{SOURCE_PREFIX}{pk}")


class Migration(migrations.Migration):

    dependencies = [
        ("consents", "0006_rectification_notice_source"),
        ("dsr", "0007_request_copies_spared_by"),
    ]

    operations = [migrations.RunPython(notices_name_their_request, migrations.RunPython.noop)]
