"""What only a browser shows: where the focus goes, what the eye can make out, what moves on its own.
Debian's Chromium through the project's browser set-up (tests/browser/conftest.py)."""
from __future__ import annotations

import pytest
from django.utils import timezone

from core.access import subject_for_user
from tests.consents.factories import make_purpose
from tests.dsr.factories import awaiting_customer, make_request
from tests.factories import make_subject
from tests.runs import BROWSER_FLOWS_ON_SQLITE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), BROWSER_FLOWS_ON_SQLITE]

# The contrast ratio (WCAG 2.x) of two colours, and the colour behind an element (its nearest ancestor
# with a background, else the page's white).
CONTRAST = """
  const rgb = c => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = c => { const [r, g, b] = rgb(c).slice(0, 3).map(v => v / 255)
      .map(v => v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const ratio = (one, other) => { const [hi, lo] = [lum(one), lum(other)].sort((a, b) => b - a);
    return Math.round((hi + 0.05) / (lo + 0.05) * 100) / 100; };
  const behind = el => { for (let n = el.parentElement; n; n = n.parentElement) {
      const c = getComputedStyle(n).backgroundColor; const a = rgb(c)[3];
      if (c !== 'transparent' && a !== 0) return c; } return 'rgb(255, 255, 255)'; };
"""

# Each text field's border against what is behind the field.
FIELD_BORDERS = """() => {""" + CONTRAST + """
  const fields = "main input:not([type=hidden]):not([type=checkbox]):not([type=radio]),"
    + " main textarea, main select";
  return [...document.querySelectorAll(fields)]
    .filter(e => e.getClientRects().length)
    .map(e => { const border = getComputedStyle(e).borderTopColor, back = behind(e);
      return [e.name, border, back, ratio(border, back)]; });
}"""

# Each track of a switch that is off against what is behind it.
SWITCH_TRACKS = """() => {""" + CONTRAST + """
  return [...document.querySelectorAll('.switch input:not(:checked) + .switch__track')]
    .map(t => ratio(getComputedStyle(t).backgroundColor, behind(t)));
}"""


def test_a_text_fields_edge_and_an_off_switch_can_be_seen(page, login, live_url, customer_a):
    """WCAG 1.4.11: a white field on a white card is found by its border alone, and a switch that is
    off by its grey track alone; each needs 3:1 against the card."""
    make_purpose("marketing", category="marketing")
    login(page, customer_a.username, path="/en/accounts/login/")
    page.goto(live_url("/en/me/requests/new/"))
    fields = page.evaluate(FIELD_BORDERS)
    assert fields, "no text field found"
    faint = [f for f in fields if f[3] < 3]
    page.goto(live_url("/en/me/consents/"))
    tracks = page.evaluate(SWITCH_TRACKS)
    assert tracks, "no switch that is off"
    assert faint == [] and min(tracks) >= 3, (faint, tracks)


def test_a_refused_answer_takes_the_focus_to_what_was_wrong(page, login, live_url, customer_a):
    """WCAG 3.3.1: a screen-reader customer sends a blank answer; the page comes back with an error
    near the bottom. The focus must go to the error (or to the field, which then says it), not stay at
    the top of a page that sounds unchanged."""
    request = awaiting_customer(subject_for_user(customer_a))
    login(page, customer_a.username, path="/en/accounts/login/")
    page.goto(live_url(f"/en/me/requests/{request.pk}/"))
    page.fill("textarea[name=text]", "   ")
    with page.expect_navigation():
        page.get_by_test_id("reply-submit").click()
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)  # the page's deferred script runs
    said = page.evaluate("""() => {
        const el = document.activeElement;
        const described = (el.getAttribute('aria-describedby') || '').split(/\\s+/)
            .map(id => document.getElementById(id)).filter(Boolean).map(e => e.innerText).join(' ');
        return [el.tagName, (el.innerText || '') + ' ' + described];
    }""")
    assert said[0] not in ("BODY", "HTML"), "the focus stayed at the top of the page"
    assert "Write your answer to the bank's question." in said[1], said


def test_the_queues_countdown_does_not_tick_every_second(page, login, live_url, privacy_officer):
    """WCAG 2.2.2: text that updates itself, beside the rest of the page, for more than five seconds
    needs a way to pause it, or must not change more than now and then. Every row of the queue ticks
    once a second, all day, under the eyes (and the screen reader's cursor) of the privacy officer."""
    make_request(make_subject(), now=timezone.now())
    login(page, privacy_officer.username)
    page.goto(live_url("/en/portal/requests/"))
    countdown = page.get_by_test_id("countdown").first
    seen = []
    for _ in range(5):
        seen.append(countdown.inner_text())
        page.wait_for_timeout(1000)
    pause = page.get_by_role("button", name="Pause").count() + page.get_by_role("button", name="Stop").count()
    assert len(set(seen)) <= 2 or pause, f"the countdown changed {len(set(seen)) - 1} times in 4 s: {seen}"
