"""Breach notifications and impact assessments are clocks of the deadline policy with proper labels,
but never request types a customer can file."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from core.actors import actor_for_user
from core.errors import InvalidInput
from deadlines.models import DeadlineBreach, DeadlinePolicy, DeadlineType, RequestType
from dsr.forms import CUSTOMER_TYPES
from dsr.reports import deadline_report
from dsr.services.policy import deadline_policy_update
from regulator.policy import REQUEST_TYPES as REGULATOR_TYPES

pytestmark = pytest.mark.django_db

NEW_TYPES = ("breach_notification", "impact_assessment")


def test_every_policy_row_has_a_labelled_type():
    assert set(REGULATOR_TYPES) == set(NEW_TYPES) <= set(DeadlineType.values)
    assert set(DeadlineType.values) == set(RequestType.values) | set(NEW_TYPES)
    assert set(DeadlinePolicy.objects.values_list("request_type", flat=True)) <= set(DeadlineType.values)


@pytest.mark.parametrize(
    ("prefix", "breach_label", "assessment_label"),
    [
        ("/en", "Breach notification to the authority (A05)", "Impact-assessment filing"),
        ("", "Thông báo vi phạm cho cơ quan chức năng (A05)", "Nộp hồ sơ đánh giá tác động"),
    ],
)
def test_the_policy_editor_shows_the_clock_types_translated(
    logged_in, dpo, prefix, breach_label, assessment_label
):
    client = logged_in(dpo)
    page = client.get(prefix + reverse("dsr:policy").removeprefix("/en")).content.decode()
    assert breach_label in page and assessment_label in page
    assert "<td>breach_notification</td>" not in page and "<td>impact_assessment</td>" not in page
    row = DeadlinePolicy.objects.get(regime="bank", request_type="breach_notification")
    edit = client.get(prefix + reverse("dsr:policy_edit", args=[row.pk]).removeprefix("/en")).content.decode()
    assert breach_label in edit


def test_customers_still_file_only_data_subject_requests(logged_in, customer_a, officer, as_user):
    assert not set(NEW_TYPES) & {value for value, _label in CUSTOMER_TYPES}
    assert not set(NEW_TYPES) & set(RequestType.values)
    page = logged_in(customer_a).get(reverse("dsr:me_new")).content.decode()
    assert "breach_notification" not in page and "impact_assessment" not in page
    subject = customer_a.customer_account.subject
    response = as_user(officer).post(
        "/api/v1/requests/",
        {"subject": subject.external_ref, "type": "breach_notification", "channel": "branch"},
        format="json",
    )
    assert response.status_code == 400 and "type" in response.json()


def test_the_deadline_report_names_the_breached_clocks():
    now = timezone.now()
    for source, clock in (("regulator.breach", "notify"), ("regulator.dossier", "file")):
        DeadlineBreach.objects.create(
            source=source,
            item_id=str(uuid.uuid4()),
            clock=clock,
            # Found by the sweep a minute after the deadline passed (the report counts it by its deadline).
            due_at=now - timedelta(minutes=2),
            breached_at=now - timedelta(minutes=1),
            label="x",
            sweep_run=uuid.uuid4(),
        )
    with translation.override("en"):
        rows = {row["source"]: row for row in deadline_report(now=now)["breaches"]}
    assert rows["regulator.breach"]["source_label"] == "Breach notification to the authority (A05)"
    assert rows["regulator.breach"]["clock_label"] == "72 hours to notify the authority (A05)"
    assert rows["regulator.dossier"]["source_label"] == "Impact-assessment filing"


def test_the_dpo_sets_where_a_breach_clock_starts_and_only_there(logged_in, dpo):
    row = DeadlinePolicy.objects.get(regime="vn_decree13", request_type="breach_notification")
    client = logged_in(dpo)
    edit = client.get(reverse("dsr:policy_edit", args=[row.pk]))
    assert edit.context["form"].initial["clock_start"] == "occurred"
    data = {
        "period": 72,
        "unit": "hours",
        "acknowledge_unit": "working_days",
        "clock_start": "received",
        "active": "on",
        "effective_to": "2025-12-31",
        "legal_reference": row.legal_reference,
    }
    assert client.post(reverse("dsr:policy_edit", args=[row.pk]), data).status_code == 302
    row.refresh_from_db()
    assert row.clock_start == "received"
    # A data-subject request has no violation before it: its clock starts when it is received.
    access = DeadlinePolicy.objects.get(regime="vn_law91", request_type="access")
    access_form = client.get(reverse("dsr:policy_edit", args=[access.pk])).context["form"]
    assert "clock_start" not in access_form.fields
    with pytest.raises(InvalidInput) as refused:
        deadline_policy_update(
            actor=actor_for_user(dpo), policy_id=access.pk, changes={"clock_start": "occurred"}
        )
    assert refused.value.field == "clock_start"
