/* Live "time left" for request deadlines: <span class="countdown" data-due="ISO-8601">…</span>.
   The server renders the same text first, so the page reads correctly without JavaScript. */
(function () {
  "use strict";
  var DUE_SOON_MS = 24 * 3600 * 1000;
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function format(ms, el) {
    var late = ms < 0, s = Math.floor(Math.abs(ms) / 1000);
    var d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600), m = Math.floor(s % 3600 / 60), sec = s % 60;
    var text = (d ? d + " " + (el.dataset.dayLabel || "d") + " " : "") + pad(h) + ":" + pad(m) + ":" + pad(sec);
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
  setInterval(tick, 1000);
})();
