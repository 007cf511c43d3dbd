"""Migration dsr 0008: the rectification notices sent before notices recorded their source are given the
request whose answer sent them, where exactly one answered rectification request of the customer closed
at the moment the notice was received; the others keep no source. It runs on the models as they stood
before it (the historical registry, as `migrate` gives it) and on today's."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest

from consents.models import WithdrawalDuty
from dsr import services
from dsr.models import FulfilmentTask
from dsr.sources import request_source
from subjects.services import subject_rectify
from tests.consents.factories import grant, make_purpose, make_recipient
from tests.dsr.factories import MONDAY, STAFF, make_inventory, verified_request
from tests.factories import make_subject
from tests.migrations import imports_of_others, registries_after

pytestmark = pytest.mark.django_db

migration = importlib.import_module("dsr.migrations.0008_rectification_notices_name_their_request")
AT = MONDAY + timedelta(hours=5)


migration_apps = registries_after(migration.Migration.dependencies)


def test_the_migration_imports_nothing_of_the_project():
    assert imports_of_others(migration) == []


def _answer_at(request, now):
    for task in FulfilmentTask.objects.filter(request=request):
        services.task_complete(actor=STAFF, task_id=task.pk, result={}, now=now - timedelta(minutes=1))
    return services.request_complete(actor=STAFF, request_id=request.pk, now=now)


def _sources(subject) -> dict[str, str]:
    """Each notice's source, by the fields it named."""
    notices = WithdrawalDuty.objects.filter(subject=subject, kind=WithdrawalDuty.Kind.RECTIFICATION)
    return {",".join(notice.fields): notice.source for notice in notices}


def _as_before_the_migration():
    """Notices as they were written before they recorded a source."""
    WithdrawalDuty.objects.update(source="")


def test_each_notice_is_given_the_one_request_answered_at_its_moment(migration_apps, client_user):
    insurer = make_recipient("Partner Insurance", client=client_user, url="https://insurer.example/hook")
    purpose = make_purpose("bancassurance", recipients=[insurer])
    alone, twice, staff = make_subject(), make_subject(), make_subject()
    for customer in (alone, twice, staff):
        grant(customer, purpose)
    make_inventory()
    # One request answered at that moment, and a staff correction of the same customer an hour later.
    phone = _answer_at(verified_request(alone, type="rectify", corrections={"phone": "0912345678"}), AT)
    subject_rectify(actor=STAFF, subject_id=alone.pk, changes={"full_name": "Trần Thị Mới"},
                    now=AT + timedelta(hours=1))
    # Two requests answered at the same moment: whose each notice is cannot be told.
    _answer_at(verified_request(twice, type="rectify", corrections={"phone": "0912345679"}), AT)
    _answer_at(verified_request(twice, type="rectify", corrections={"email": "moi@example.vn"}), AT)
    # A request refused at the moment staff corrected the record: refused, it corrected nothing.
    refused = verified_request(staff, type="rectify", corrections={"phone": "0912345670"})
    services.request_reject(actor=STAFF, request_id=refused.pk, reason="other", note="x", now=AT)
    subject_rectify(actor=STAFF, subject_id=staff.pk, changes={"email": "khac@example.vn"}, now=AT)
    _as_before_the_migration()

    migration.notices_name_their_request(migration_apps, None)

    assert _sources(alone) == {"phone": request_source(phone), "full_name": ""}
    assert _sources(twice) == {"phone": "", "email": ""}
    assert _sources(staff) == {"email": ""}
    # Run again (a second deploy), it changes nothing.
    migration.notices_name_their_request(migration_apps, None)
    assert _sources(alone) == {"phone": request_source(phone), "full_name": ""}

