/* Live "time left" for request deadlines: <span class="countdown" data-due="ISO-8601">…</span>.
   The server renders the same text first, so the page reads correctly without JavaScript.
   Days, hours and minutes, updated once a minute: text that changes every second beside the rest of
   the page distracts and keeps a screen reader's cursor busy, and cannot be paused (WCAG 2.2.2). */
(function () {
  "use strict";
  var DUE_SOON_MS = 24 * 3600 * 1000, MINUTE_MS = 60 * 1000;
  function format(ms, el) {
    var late = ms < 0, minutes = Math.floor(Math.abs(ms) / MINUTE_MS);
    var d = Math.floor(minutes / 1440), h = Math.floor(minutes % 1440 / 60), m = minutes % 60;
    var text = (d ? d + " " + (el.dataset.dayLabel || "d") + " " : "") + h + " " + (el.dataset.hourLabel || "h") +
      " " + m + " " + (el.dataset.minuteLabel || "min");
    return late ? (el.dataset.overdueLabel || "overdue") + " " + text : text;
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll(".countdown[data-due]").forEach(function (el) {
      var left = new Date(el.dataset.due).getTime() - now;
      el.textContent = format(left, el);
      var row = el.closest("[data-deadline-row]");
      var tone = left < 0 ? "danger" : (left <= DUE_SOON_MS ? "warn" : "ok");
      el.dataset.tone = tone;
      if (row) { row.dataset.tone = tone; }
    });
  }
  tick();
  setInterval(tick, MINUTE_MS);
})();
