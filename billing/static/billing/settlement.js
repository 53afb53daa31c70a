/* The settlement page while the Celery task computes: poll the progress endpoint, move
   the bar, and reload the page once the figures are in (or the computation stopped). */
(function () {
  "use strict";
  var bar = document.querySelector("[data-settlement-progress]");
  if (!bar) {
    return;
  }
  var url = bar.getAttribute("data-settlement-progress");
  var label = document.querySelector("[data-settlement-progress-label]");
  var delay = 1000;

  function show(progress) {
    bar.value = progress;
    if (label) {
      label.textContent = progress + " %";
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : null;
      })
      .then(function (data) {
        if (!data) {
          window.setTimeout(poll, 5 * delay);
          return;
        }
        show(data.progress);
        if (data.status !== "computing") {
          window.location.reload();
          return;
        }
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        window.setTimeout(poll, 5 * delay);
      });
  }

  window.setTimeout(poll, delay);
})();
