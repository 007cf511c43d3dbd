"""Low vision and a hand that shakes: Windows high-contrast (forced colours), a large default font, a
screen reader told what went wrong, a session that warns before it signs out. Debian's Chromium through
the project's browser set-up (tests/browser/conftest.py)."""
from __future__ import annotations

import pytest

from core.access import subject_for_user
from tests.consents.factories import grant, make_purpose
from tests.runs import BROWSER_FLOWS_ON_SQLITE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), BROWSER_FLOWS_ON_SQLITE]

PHONE = {"width": 360, "height": 740}


def _drawn(locator) -> bytes:
    """What the screen shows in the element's box (the box stays when the element is hidden)."""
    return locator.page.screenshot(clip=locator.bounding_box(), animations="disabled")


def test_a_consent_switch_and_its_state_show_in_high_contrast(browser, live_server, login, live_url,
                                                              customer_a):
    """Windows high-contrast mode replaces every background with the system's: a switch drawn only with
    backgrounds (its track, its knob) vanished, leaving "On"/"Off" beside nothing to press, and on and
    off looked the same. The track must be drawn, and differently for on and off."""
    subject = subject_for_user(customer_a)
    grant(subject, make_purpose("marketing", category="marketing"), channel="branch")
    make_purpose("analytics", category="analytics")
    context = browser.new_context(locale="en-GB", viewport=PHONE, forced_colors="active")
    page = context.new_page()
    login(page, customer_a.username, path="/en/accounts/login/")
    page.goto(live_url("/en/me/consents/"))
    on = page.locator(".switch:has(input:checked) .switch__track").first
    off = page.locator(".switch:has(input:not(:checked)) .switch__track").first
    drawn_on, drawn_off = _drawn(on), _drawn(off)
    off.evaluate("track => { track.style.visibility = 'hidden'; }")
    nothing = _drawn(off)
    context.close()
    assert drawn_off != nothing, "the switch that is off is not drawn at all in high contrast"
    assert drawn_on != drawn_off, "on and off look the same in high contrast"
