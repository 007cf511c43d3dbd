"""Low vision and a hand that shakes: Windows high-contrast (forced colours), a large default font, a
screen reader told what went wrong, a session that warns before it signs out. Debian's Chromium through
the project's browser set-up (tests/browser/conftest.py)."""
from __future__ import annotations

import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from core.access import subject_for_user
from tests.consents.factories import grant, make_purpose
from tests.runs import BROWSER_FLOWS_ON_SQLITE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True), BROWSER_FLOWS_ON_SQLITE]

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}


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


@pytest.fixture
def both_clocks(monkeypatch):
    """Moves the page's clock and the live server's (`time.time`, which the session clocks read) together."""
    offset = [0.0]
    real_time = time.time
    monkeypatch.setattr(time, "time", lambda: real_time() + offset[0])

    def wait(page, **delta) -> None:
        offset[0] += timedelta(**delta).total_seconds()
        page.clock.fast_forward(int(timedelta(**delta).total_seconds() * 1000))

    return wait


def test_staff_are_warned_before_an_idle_sign_out_and_can_stay(page, login, live_url, officer, settings,
                                                              both_clocks):
    """WCAG 2.2.1: an officer with a tremor types a long answer slowly; typing sends nothing, so after
    30 minutes the next click met the sign-in page and the answer was lost, without a word before.
    Before the end the page must warn, and one press must keep the session."""
    settings.STAFF_SESSION_IDLE_MINUTES = 30
    page.clock.install()
    login(page, officer.username, path="/en/accounts/login/")
    page.goto(live_url("/en/portal/requests/"))
    both_clocks(page, minutes=28, seconds=30)
    warning = page.get_by_role("alertdialog")
    warning.wait_for()
    stay = warning.get_by_role("button", name="Stay signed in")
    assert page.evaluate("document.activeElement.innerText") == stay.inner_text()
    with page.expect_response(lambda response: response.request.method == "POST") as kept:
        stay.click()
    assert kept.value.ok
    # The page closes the warning once it has read the answer's body, a moment after the response.
    expect(warning).to_be_hidden()


def test_a_page_does_not_warn_when_another_tab_kept_the_session(page, login, live_url, officer, settings,
                                                               both_clocks):
    """An officer works in a second tab while the first stays open: the first tab counted from its own
    page load and warned, then said "signed out", of a session still going. It asks the server first."""
    settings.STAFF_SESSION_IDLE_MINUTES = 30
    page.clock.install()
    login(page, officer.username, path="/en/accounts/login/")
    page.goto(live_url("/en/portal/requests/"))
    both_clocks(page, minutes=20)
    assert page.request.get(live_url("/en/portal/")).ok  # the other tab
    # The page asks the server before it warns; the warning hidden before the answer has been read
    # proves nothing, so the test waits for the answer, then for the page to read it.
    with page.expect_response(lambda response: response.url.endswith("/accounts/session/")) as asked:
        both_clocks(page, minutes=8, seconds=30)
    asked.value.finished()
    page.wait_for_timeout(300)
    assert page.get_by_test_id("session-warning").is_hidden(), "warned of a session another tab kept"
    both_clocks(page, minutes=20)
    page.get_by_role("alertdialog").wait_for()


def test_near_the_sessions_age_the_warning_says_when_it_ends_and_closes_by_keyboard(
        page, login, live_url, officer, settings, both_clocks):
    """The age ends a session however busy: "Stay signed in" there did nothing. The warning says when it
    ends, offers no such button, and Escape closes it, the focus back where it was."""
    settings.STAFF_SESSION_IDLE_MINUTES = 30
    settings.SESSION_COOKIE_AGE = 20 * 60
    page.clock.install()
    login(page, officer.username, path="/en/accounts/login/")
    page.goto(live_url("/en/portal/requests/"))
    page.locator("#main input").first.focus()
    both_clocks(page, minutes=18, seconds=30)
    warning = page.get_by_role("alertdialog")
    warning.wait_for()
    assert "cannot be extended" in warning.inner_text()
    assert warning.get_by_role("button", name="Stay signed in").count() == 0
    assert page.evaluate("document.activeElement.innerText") == "Close"
    page.keyboard.press("Escape")
    assert warning.is_hidden()
    assert page.evaluate("document.activeElement.tagName") == "INPUT"


def test_typing_in_a_form_counts_as_activity(page, login, live_url, customer_a, settings):
    """A customer writing a request for some minutes is not idle: typing keeps the session going."""
    settings.CUSTOMER_SESSION_IDLE_MINUTES = 15
    page.clock.install()
    login(page, customer_a.username, path="/en/accounts/login/")
    page.goto(live_url("/en/me/requests/new/"))
    page.clock.fast_forward("02:00")
    with page.expect_request(lambda request: request.method == "POST", timeout=3000):
        page.locator("textarea").first.press_sequentially("I would like a copy")


# What a screen reader starts reading from: the focused element and its text.
FOCUSED = """() => { const el = document.activeElement;
  return [el.tagName, (el.innerText || '').trim()]; }"""


def _after_reload(page, button) -> list[str]:
    with page.expect_navigation():
        button.click()
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)  # the page's deferred script runs
    return page.evaluate(FOCUSED)


def test_what_an_action_did_is_read_out_after_the_page_comes_back(page, login, live_url, customer_a):
    """A screen-reader customer saves the language of the bank's e-mails: the page comes back with
    "We will write to you..." in a polite live region that was already there when the page loaded, which
    screen readers do not read, and the focus at the top: nothing said it worked. The focus goes to it."""
    login(page, customer_a.username, path="/en/accounts/login/")
    page.goto(live_url("/en/me/"))
    said = _after_reload(page, page.get_by_test_id("me-language-form").get_by_role("button", name="Save"))
    assert said[0] not in ("BODY", "HTML") and "We will write to you" in said[1], said


def test_a_consent_given_is_read_out_at_its_card(page, login, live_url, customer_a):
    """The same for the message a consent switch leaves on its purpose's card."""
    make_purpose("marketing", category="marketing")
    login(page, customer_a.username, path="/en/accounts/login/")
    page.goto(live_url("/en/me/consents/"))
    with page.expect_navigation():
        page.get_by_test_id("purpose-marketing").locator(".switch").click()
    said = _after_reload(page, page.get_by_test_id("confirm-consent"))
    assert said[0] not in ("BODY", "HTML") and "recorded" in said[1], said


def test_the_text_grows_with_the_font_size_chosen_in_the_browser(browser, live_server, login, live_url,
                                                                  customer_a):
    """WCAG 1.4.4: a customer with low vision sets the browser's font size to "very large" (24 px). The
    stylesheet fixed the page's text at 15 px whatever the setting, so nothing grew; it must follow it."""
    context = browser.new_context(locale="en-GB", viewport=PHONE)
    page = context.new_page()
    context.new_cdp_session(page).send("Page.setFontSizes", {"fontSizes": {"standard": 24}})
    login(page, customer_a.username, path="/en/accounts/login/")
    page.goto(live_url("/en/me/"))
    text_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    context.close()
    assert text_size >= 22, f"the page's text stays at {text_size}px"


def test_the_dashboards_chart_text_grows_with_the_browsers_font_size(browser, live_server, login, live_url,
                                                                     privacy_officer):
    """The same for a privacy officer reading the on-time trend: its dates and figures were fixed at
    12 px, the smallest text of the portal."""
    context = browser.new_context(locale="en-GB", viewport=DESKTOP)
    page = context.new_page()
    context.new_cdp_session(page).send("Page.setFontSizes", {"fontSizes": {"standard": 24}})
    login(page, privacy_officer.username, path="/en/accounts/login/")
    page.goto(live_url("/en/portal/"))
    chart_text = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.trend')).fontSize)")
    context.close()
    assert chart_text >= 17, f"the chart's text stays at {chart_text}px"


# How the current item of a set (language, tab, menu entry) and another of the same set are drawn: the
# colours of its background (a transparent one shows the page's), text and underline.
CURRENT_AND_OTHER = """([current, other]) => [current, other].map(selector => {
  const style = getComputedStyle(document.querySelector(selector));
  const seen = colour => /, 0[)]$/.test(colour) ? getComputedStyle(document.body).backgroundColor : colour;
  return [seen(style.backgroundColor), style.color, seen(style.borderBottomColor)].join(' ');
})"""


def test_the_current_language_tab_and_menu_entry_show_in_high_contrast(browser, live_server, login, live_url,
                                                                        customer_a, officer):
    """The current language, the customer's current tab and the officer's current menu entry were told
    apart by their colours and background alone, which high-contrast mode replaces: all looked alike."""
    context = browser.new_context(locale="en-GB", viewport=DESKTOP, forced_colors="active")
    page = context.new_page()
    login(page, customer_a.username, path="/en/accounts/login/")
    page.goto(live_url("/en/me/consents/"))
    language = page.evaluate(CURRENT_AND_OTHER, [".lang-switch__option.is-current",
                                                 ".lang-switch__option:not(.is-current)"])
    tab = page.evaluate(CURRENT_AND_OTHER, [".tabs a.is-active", ".tabs a:not(.is-active)"])
    context.clear_cookies()
    login(page, officer.username, path="/en/accounts/login/")
    page.goto(live_url("/en/portal/requests/"))
    menu = page.evaluate(CURRENT_AND_OTHER, [".sidebar a.is-active", ".sidebar a:not(.is-active)"])
    context.close()
    alike = {name: drawn for name, drawn in {"language": language, "tab": tab, "menu": menu}.items()
             if drawn[0] == drawn[1]}
    assert alike == {}, alike


def test_a_failed_sign_in_is_read_out(page, live_url, customer_a):
    """The sign-in page did not load the page's script: "Your username and password didn't match" was
    in an alert there when the page loaded, not read out, the focus on the username field."""
    page.goto(live_url("/accounts/login/"))
    page.fill("input[name=username]", customer_a.username)
    page.fill("input[name=password]", "not-the-password")
    said = _after_reload(page, page.get_by_test_id("login-submit"))
    assert said[0] == "DIV" and "không đúng" in said[1], said


def test_being_signed_out_for_idleness_is_read_out_at_the_sign_in(page, login, live_url, customer_a, settings,
                                                                   both_clocks):
    """A customer away for a while comes back to the sign-in page: the note why is what is read first."""
    settings.CUSTOMER_SESSION_IDLE_MINUTES = 15
    page.clock.install()
    login(page, customer_a.username, path="/en/accounts/login/")
    page.goto(live_url("/en/me/"))
    both_clocks(page, minutes=16)
    page.goto(live_url("/en/me/requests/"))
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    said = page.evaluate(FOCUSED)
    assert "signed out after 15 minutes" in said[1], said
