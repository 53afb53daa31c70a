/* Countdown to each element's data-due (ISO 8601); overdue times turn red. */
(function () {
  "use strict";
  function pad(n) { return n < 10 ? "0" + n : String(n); }
  function render(el) {
    var due = Date.parse(el.getAttribute("data-due"));
    if (isNaN(due)) { return; }
    var seconds = Math.round((due - Date.now()) / 1000);
    var late = seconds < 0;
    var s = Math.abs(seconds);
    var days = Math.floor(s / 86400);
    var text = Math.floor((s % 86400) / 3600) + ":" + pad(Math.floor((s % 3600) / 60)) + ":" + pad(s % 60);
    if (days > 0) {  // a week late reads "7 d 3:05:00", not "171:05:00"
      text = days + " " + (el.getAttribute("data-days-label") || "d") + " " + text;
    }
    el.textContent = late ? (el.getAttribute("data-late-label") || "overdue") + " " + text : text;
    el.classList.toggle("overdue", late);
  }
  function tick() { document.querySelectorAll("[data-due]").forEach(render); }
  tick();
  window.setInterval(tick, 1000);
})();
