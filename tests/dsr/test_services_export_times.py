"""Every date-time the platform writes into a customer's export is in Vietnam time with its offset, as
the third-party section always was: one offset in one file, whichever section a time comes from."""

import json
import re

import pytest
from django.utils import timezone

from consents import services as consent_services
from consents.models import WithdrawalDuty
from dsr import services
from dsr.models import FulfilmentTask
from dsr.services.exports import export_content
from notifications.models import Notification
from notifications.services import notification_mark_read
from tests.authorisations.factories import authorise
from tests.consents.factories import child_of, grant, make_purpose, make_recipient
from tests.dsr.factories import STAFF, make_inventory, verified_request

pytestmark = pytest.mark.django_db

ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def _times(value, path="") -> dict[str, str]:
    """Every ISO date-time among the export's values, by where it is."""
    if isinstance(value, dict):
        return {k: t for key, item in value.items() for k, t in _times(item, f"{path}.{key}").items()}
    if isinstance(value, list):
        return {k: t for i, item in enumerate(value) for k, t in _times(item, f"{path}[{i}]").items()}
    return {path: value} if isinstance(value, str) and ISO_DATETIME.match(value) else {}


def _a_customer_with_a_history(customer):
    subject = customer.customer_account.subject
    make_inventory()
    child_of(subject, age=9)
    insurer = make_recipient("Bảo hiểm Đối tác ABC")
    consent = grant(subject, make_purpose("bancassurance", recipients=[insurer]))
    consent_services.consent_withdraw(actor=STAFF, consent_id=consent.pk, channel="branch")
    duty = WithdrawalDuty.objects.get(consent=consent)
    consent_services.duty_acknowledge(actor=STAFF, duty_id=duty.pk, note="Đã dừng")
    grant(subject, make_purpose("marketing-offers", category="marketing"))
    objection = verified_request(subject, type="object", purposes=["marketing-offers"])
    _complete(objection)
    authorise(customer)
    refused = verified_request(subject, type="delete")
    services.request_reject(actor=STAFF, request_id=refused.pk, reason="legal_prohibition", note="Phong toả")
    message = Notification.objects.filter(subject=subject)[0]
    notification_mark_read(subject=subject, notification_id=message.pk)
    return _complete(verified_request(subject, type="copy"))


def _complete(request):
    for task in FulfilmentTask.objects.filter(request=request):
        services.task_complete(actor=STAFF, task_id=task.pk, result={})
    return services.request_complete(actor=STAFF, request_id=request.pk)


def test_every_time_in_the_export_is_vietnam_time_with_its_offset(customer_a):
    request = _a_customer_with_a_history(customer_a)
    content = export_content(request, now=timezone.now())
    times = _times({key: value for key, value in content.items() if key != "systems"})
    # Each section that holds times is read: consents, their stops, requests, messages, third parties.
    sections = {path.split("[")[0].split(".")[1] for path in times}
    assert sections >= {
        "generated_at", "guardianship", "consent_events", "consents", "restrictions", "requests",
        "messages_sent", "third_party_access",
    }
    assert {path: at for path, at in times.items() if not at.endswith("+07:00")} == {}


def test_the_json_download_gives_the_times_as_built(customer_a):
    request = _a_customer_with_a_history(customer_a)
    body = json.loads(services.export_download(actor=STAFF, request=request, format="json").body)
    times = _times({key: value for key, value in body.items() if key != "systems"})
    assert times and {path: at for path, at in times.items() if not at.endswith("+07:00")} == {}
