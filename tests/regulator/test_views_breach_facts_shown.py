"""What the DPO records about a breach is shown on its pages as recorded: the authority's reference
of each phase on the breach page and on Form 08; submitting a phase says to whom and whether late."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from regulator import services
from tests.factories import subjects_in_bulk
from tests.regulator.factories import DPO, make_breach, make_catalogue, make_inventory

pytestmark = pytest.mark.django_db


@pytest.fixture
def breach():
    make_inventory()
    return make_breach(detected_at=timezone.now() - timedelta(hours=3), now=timezone.now())


def test_the_authoritys_reference_is_on_the_breach_page_and_form_08(client, dpo, breach):
    services.breach_notify(actor=DPO, breach_id=breach.pk, authority_reference="A05-2026/771")
    client.force_login(dpo)
    page = client.get(reverse("regulator:breach_detail", args=[breach.pk])).content.decode()
    phases = page.split('data-testid="phases"')[1].split("</table>")[0]
    assert "<th>Authority's reference</th>" in phases
    assert '<td data-testid="phase-authority-reference">A05-2026/771</td>' in phases
    form = client.get(reverse("regulator:breach_phase", args=[breach.pk, 1])).content.decode()
    assert 'data-testid="authority-reference"' in form
    assert "A05-2026/771" in form



def test_submitting_a_phase_says_to_whom_and_whether_on_time(client, dpo, breach):
    client.force_login(dpo)
    sent = client.post(reverse("regulator:breach_notify", args=[breach.pk]), {}, follow=True)
    assert [str(m) for m in sent.context["messages"]] == [
        "Phase 1 submitted to the authority (A05) on time."
    ]


def test_a_late_phase_says_it_was_late(client, dpo):
    make_inventory()
    now = timezone.now()
    late = make_breach(detected_at=now - timedelta(hours=90), now=now - timedelta(hours=89))
    client.force_login(dpo)
    sent = client.post(
        reverse("regulator:breach_notify", args=[late.pk]), {"late_reason": "Holiday staffing"}, follow=True
    )
    assert [str(m) for m in sent.context["messages"]] == [
        "Phase 1 submitted to the authority (A05) late, after its deadline; the reason for lateness is on "
        "its Form 08."
    ]


@pytest.mark.parametrize(
    ("prefix", "subjects", "records"), [("/en", "1,200", "3,400"), ("", "1.200", "3.400")]
)
def test_the_counts_are_written_as_the_pages_language_writes_numbers(client, dpo, prefix, subjects, records):
    make_inventory()
    now = timezone.now()
    breach = make_breach(
        detected_at=now - timedelta(hours=3), now=now, subjects_affected=1200, records_affected=3400
    )
    services.breach_notify(actor=DPO, breach_id=breach.pk)
    client.force_login(dpo)
    for name, args in (("regulator:breach_detail", [breach.pk]), ("regulator:breach_phase", [breach.pk, 1])):
        page = client.get(prefix + reverse(name, args=args).removeprefix("/en")).content.decode()
        assert f'data-testid="subjects-affected">{subjects}<' in page, name
        assert f'data-testid="records-affected">{records}<' in page, name


@pytest.mark.parametrize(
    ("prefix", "sentence"),
    [("/en", "1,200 customers are to be told."), ("", "1.200 khách hàng sẽ được thông báo.")],
)
def test_the_customers_to_be_told_are_counted_as_the_pages_language_writes_numbers(
    client, dpo, prefix, sentence
):
    make_inventory()
    make_catalogue()
    subjects_in_bulk(1200)  # customers of the bank: the contract purpose's data is in core banking
    now = timezone.now()
    breach = make_breach(detected_at=now, now=now)
    client.force_login(dpo)
    page = client.get(prefix + reverse("regulator:breach_detail", args=[breach.pk]).removeprefix("/en"))
    assert page.context["customers"] == 1200
    assert sentence in page.content.decode()
