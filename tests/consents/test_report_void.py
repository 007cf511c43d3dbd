"""The consent report leaves a record voided as made in error out of every figure, whenever the void
came: it was never the customer's grant, refusal, or a consent they kept in force (`consent_void`)."""

from __future__ import annotations

import html
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from consents import services
from consents.selectors.report import consent_report_month
from core.actors import actor_for_user
from tests.consents.factories import STAFF, grant, make_purpose, make_recipient
from tests.factories import make_subject

pytestmark = pytest.mark.django_db
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def local(*parts):
    return datetime(*parts, tzinfo=VN)


def _void(consent, dpo, at):
    services.consent_void(actor=actor_for_user(dpo), consent_id=consent.pk, reason="wrong_customer",
                          note="Recorded on the wrong customer at the branch.", now=at)


def test_march_counts_no_voided_grant_refusal_or_consent_kept(dpo):
    marketing = make_purpose("marketing", category="marketing", effective_at=local(2026, 1, 1))
    analytics = make_purpose("analytics", category="analytics", effective_at=local(2026, 1, 1))
    a, b = make_subject(), make_subject()
    kept = grant(a, marketing, now=local(2026, 3, 2, 9, 0))
    mistaken = grant(a, analytics, now=local(2026, 3, 3, 9, 0))
    # While the mistaken record stood, the customer withdrew the one consent they really gave: every one.
    services.consent_withdraw(actor=STAFF, consent_id=kept.pk, channel="branch", now=local(2026, 3, 10, 9, 0))
    refusal = services.consent_refuse(
        actor=STAFF,
        request=services.GrantRequest(subject=b, purpose=analytics, notice_version="v1", channel="paper_form",
                                      evidence="PF-7"),
        now=local(2026, 3, 5, 9, 0),
    )
    # Corrected in April: March's figures are corrected too.
    _void(mistaken, dpo, local(2026, 4, 2, 9, 0))
    _void(refusal, dpo, local(2026, 4, 3, 9, 0))

    report = consent_report_month(date(2026, 3, 1), now=local(2026, 4, 20, 9, 0))

    rows = {row["purpose"]: row for row in report["by_purpose"]}
    figures = ("granted", "withdrawn", "withdrawn_whole", "withdrawn_partial")
    assert {k: rows["marketing"][k] for k in figures} == {
        "granted": 1, "withdrawn": 1, "withdrawn_whole": 1, "withdrawn_partial": 0,
    }
    assert {k: rows["analytics"][k] for k in ("granted", "refused", "in_force_at_end")} == {
        "granted": 0, "refused": 0, "in_force_at_end": 0,
    }
    assert (report["totals"]["granted"], report["totals"]["in_force_at_end"]) == (1, 0)


def test_the_stops_a_void_sent_are_counted_with_the_withdrawals_and_told_apart(dpo, logged_in):
    """A consent in force voided as recorded in error tells its recipients to stop, as a withdrawal does:
    those stops are due all the same, so the month of the void counts them beside the withdrawals' stops,
    on a row of their own saying they followed a void, in the figures, on the page and in the CSV."""
    partner = make_recipient("Bảo hiểm Đối tác")
    marketing = make_purpose("marketing", category="marketing", recipients=[partner],
                             effective_at=local(2026, 1, 1))
    withdrawn = grant(make_subject(), marketing, now=local(2026, 3, 2, 9, 0))
    mistaken = grant(make_subject(), marketing, now=local(2026, 2, 20, 9, 0))
    services.consent_withdraw(actor=STAFF, consent_id=withdrawn.pk, channel="branch",
                              now=local(2026, 3, 10, 9, 0))
    _void(mistaken, dpo, local(2026, 3, 12, 9, 0))

    report = consent_report_month(date(2026, 3, 1), now=local(2026, 4, 20, 9, 0))

    rows = {(row["label"], row["cause"]): (row["sent"], row["open_overdue"]) for row in report["recipients"]}
    assert rows == {("Bảo hiểm Đối tác", "withdrawn"): (1, 1), ("Bảo hiểm Đối tác", "voided"): (1, 1)}
    assert (report["recipient_totals"]["sent"], report["recipient_totals"]["open_overdue"]) == (2, 2)
    assert consent_report_month(date(2026, 2, 1), now=local(2026, 4, 20, 9, 0))["recipients"] == []

    client = logged_in(dpo)
    for language, words in (("en", "Recorded in error (voided)"), ("vi", "Ghi nhận nhầm (đã hủy)")):
        with translation.override(language):
            url = reverse("consents:report")
        page = client.get(url, {"month": "2026-03"}).content.decode()
        download = client.get(url, {"month": "2026-03", "format": "csv"}).content.decode("utf-8-sig")
        assert words in page
        assert any(line.startswith("Bảo hiểm Đối tác") and words in line for line in download.splitlines())


def test_the_stops_an_expiry_and_a_replacement_sent_are_counted_under_their_own_cause():
    """An expiry and a replacement by a consent to a newer notice tell recipients to stop too: the month
    they ended in counts those stops on rows of their own, not as a customer's withdrawal."""
    alpha, beta = make_recipient("Alpha Partner"), make_recipient("Beta Partner")
    sharing = make_purpose("sharing", category="sharing", recipients=[alpha, beta],
                           effective_at=local(2026, 1, 1))
    grant(make_subject(), sharing, now=local(2026, 2, 2, 9, 0), expires_at=local(2026, 3, 5, 0, 0))
    services.consents_expire_due(now=local(2026, 3, 5, 1, 0))
    replaced = grant(make_subject(), sharing, now=local(2026, 2, 2, 9, 0))
    services.purpose_update(actor=STAFF, code="sharing", changes={}, recipients=[alpha],
                            now=local(2026, 3, 1, 9, 0))
    version = sharing.notices.order_by("-effective_at").first().version
    grant(replaced.subject, sharing, notice_version=version, now=local(2026, 3, 20, 9, 0))

    report = consent_report_month(date(2026, 3, 1), now=local(2026, 4, 20, 9, 0))

    rows = {(row["label"], row["cause"]): row["sent"] for row in report["recipients"]}
    assert rows == {("Alpha Partner", "expired"): 1, ("Beta Partner", "expired"): 1,
                    ("Beta Partner", "superseded"): 1}
    assert report["recipient_totals"]["sent"] == 3


def test_the_report_page_says_which_ends_send_stops(dpo, logged_in):
    """The page explains the recipients' rows by every cause that sends a stop, expiries and replacements
    too, not only withdrawals and voids."""
    page = html.unescape(
        logged_in(dpo).get("/en" + reverse("consents:report").removeprefix("/en"), {"month": "2026-03"})
        .content.decode()
    )
    assert "when the consent expires, when a new consent no longer names it" in page
    assert "withdrawals, expiries, replacements and voids of 03/2026" in page
