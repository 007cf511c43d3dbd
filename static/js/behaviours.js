// Small page behaviours, kept in a static file because the Content Security Policy forbids inline
// handlers: a switch that submits its form when flipped (and shows the saved state again on Back), a
// button that prints the page, a table too wide for the screen that the keyboard can scroll.
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-autosubmit]");
  if (field && field.form) field.form.requestSubmit ? field.form.requestSubmit() : field.form.submit();
});
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
// On Back the browser restores a switch as the customer flipped it, although flipping only led to a
// confirmation page and nothing was saved: the switch goes back to the state the page was served with.
window.addEventListener("pageshow", () => {
  for (const field of document.querySelectorAll("input[data-autosubmit]")) field.checked = field.defaultChecked;
});

// A table wider than its frame scrolls sideways; a keyboard user reaches and scrolls it with Tab and
// the arrow keys once the frame can take the focus (WCAG 2.1.1).
function tableFramesFocusable() {
  for (const frame of document.querySelectorAll(".table-wrap")) {
    if (frame.scrollWidth > frame.clientWidth) frame.tabIndex = 0;
    else frame.removeAttribute("tabindex");
  }
}
document.addEventListener("DOMContentLoaded", tableFramesFocusable);
window.addEventListener("resize", tableFramesFocusable);

// A form that failed shows its error summary at the top; the focus goes there, so the page does not
// reload looking unchanged and a screen reader reads the errors (WCAG 3.3.1). Its links move the focus
// to the field they name.
// A page shown again by a refused action (posted to the action's own address) puts the page's
// address back, so a reload or a bookmark reaches the page, not the action. A confirmation step
// asked of the person takes the focus the same way.
document.addEventListener("DOMContentLoaded", () => {
  const own = document.querySelector("[data-page-url]");
  if (own && window.history.replaceState) window.history.replaceState(null, "", own.dataset.pageUrl);
  const summary = document.querySelector("[data-error-summary], [data-focus-on-load]");
  if (summary) {
    summary.scrollIntoView({ block: "start" });
    summary.focus({ preventScroll: true });
  }
});
// Else the messages left by the action just sent (what it did, or why not) take the focus: a live region
// present when the page loads is not read out. Once loaded: a page opened at a #fragment (a consent's
// card) has the browser clear the focus when it scrolls there. A field focused by default (autofocus, as
// the sign-in's) gives way: the message is what the person needs to hear first.
window.addEventListener("load", () => {
  const focused = document.activeElement;
  if (focused && focused !== document.body && !focused.autofocus) return;
  const said = [...document.querySelectorAll("[data-announce-on-load]")].find((messages) => messages.innerText.trim());
  if (said) said.focus();
});
document.addEventListener("click", (event) => {
  const link = event.target.closest("[data-error-summary] a[href^='#']");
  if (!link) return;
  const target = document.getElementById(link.getAttribute("href").slice(1));
  if (!target) return;
  event.preventDefault();
  const field = target.matches("input, select, textarea") ? target : target.querySelector("input, select, textarea");
  target.scrollIntoView({ block: "center" });
  (field || target).focus({ preventScroll: true });
});

// On a phone the tab bar is one row that scrolls sideways: the current tab is brought into view, in the
// middle of the row where it fits, so the customer sees where they are.
document.addEventListener("DOMContentLoaded", () => {
  const current = document.querySelector(".tabs .is-active");
  const bar = current && current.parentElement;
  if (!bar || bar.scrollWidth <= bar.clientWidth) return;
  const offset = current.getBoundingClientRect().left - bar.getBoundingClientRect().left;
  bar.scrollLeft += offset - (bar.clientWidth - current.offsetWidth) / 2;
});

// A signed-in session ends after a while without a request (accounts/sessions.py). Typing sends none, so
// typing in a form tells the server now and then; before the end a warning takes the focus with one
// button to stay signed in (near the session's age, which nothing puts off, the time it ends instead), and
// once the session has ended it says so, the typed text left in place to copy (WCAG 2.2.1). Before either,
// the page asks the server (without it counting as activity): a page in another tab may have kept the
// session going, and this one must then not warn. A warning closed is not shown again in the same state.
document.addEventListener("DOMContentLoaded", () => {
  const warning = document.querySelector("[data-session-warning]");
  if (!warning) return;
  const TYPING_NOTED_EVERY_MS = 60_000;
  const warnSecondsBefore = Math.min(120, Number(warning.dataset.secondsLeft) / 2);
  let timer, endsAt, shown = null, closed = null, lastNoted = Date.now(), focusBefore = null;
  const show = (state) => {
    if (shown === state || closed === state) return;
    for (const part of warning.querySelectorAll("[data-session-when]")) {
      part.hidden = !part.dataset.sessionWhen.split(" ").includes(state);
    }
    if (warning.hidden) focusBefore = document.activeElement;
    warning.hidden = false;
    shown = state;
    (warning.querySelector("button:not([hidden])") || warning).focus();
  };
  const hide = () => {
    if (warning.hidden) return;
    warning.hidden = true;
    shown = null;
    if (focusBefore && focusBefore.isConnected) focusBefore.focus();
  };
  // What the page shows for the time left, and when it looks again.
  const plan = ({ seconds_left: secondsLeft, final }) => {
    clearTimeout(timer);
    endsAt = Date.now() + secondsLeft * 1000;
    if (secondsLeft <= 0) return show("ended");
    if (secondsLeft <= warnSecondsBefore) show(final ? "final" : "ending");
    else hide();
    timer = setTimeout(lookAgain, (secondsLeft > warnSecondsBefore ? secondsLeft - warnSecondsBefore : secondsLeft) * 1000);
  };
  // The server's count; a session over answers with the sign-in (a redirect); unreachable, the page's own.
  const timeLeftFrom = async (asked) => {
    const response = await asked.catch(() => null);
    if (!response) return { seconds_left: Math.round((endsAt - Date.now()) / 1000), final: shown === "final" };
    if (!response.ok) return { seconds_left: 0 };
    return response.json();
  };
  const lookAgain = async () => {
    plan(await timeLeftFrom(fetch(warning.dataset.statusUrl, { credentials: "same-origin", redirect: "manual" })));
  };
  const keepAlive = async () => {
    lastNoted = Date.now();
    const token = document.querySelector("input[name=csrfmiddlewaretoken]");
    plan(await timeLeftFrom(fetch(warning.dataset.keepAliveUrl, {
      method: "POST", credentials: "same-origin", redirect: "manual",
      headers: { "X-CSRFToken": token ? token.value : "" },
    })));
  };
  warning.tabIndex = -1;
  warning.querySelector("[data-keep-alive]").addEventListener("click", keepAlive);
  const close = () => {
    closed = shown;
    hide();
  };
  warning.querySelector("[data-session-close]").addEventListener("click", close);
  warning.addEventListener("keydown", (event) => {
    if (event.key === "Escape") shown === "ending" ? keepAlive() : close();
  });
  document.addEventListener("input", () => {
    if (shown !== "ended" && Date.now() - lastNoted >= TYPING_NOTED_EVERY_MS) keepAlive();
  });
  plan({ seconds_left: Number(warning.dataset.secondsLeft), final: warning.dataset.final === "true" });
});
