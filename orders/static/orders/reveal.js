/* Reveal buttons: POST (audited on the server) and show the value in place. */
(function () {
  "use strict";
  document.querySelectorAll("form[data-reveal]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var target = document.getElementById(form.getAttribute("data-reveal"));
      fetch(form.action, {
        method: "POST",
        headers: {"Accept": "application/json", "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value},
        credentials: "same-origin"
      }).then(function (response) { return response.json(); }).then(function (data) {
        if (data.value !== undefined) { target.textContent = data.value; form.remove(); }
        else if (data.error) { target.textContent = data.error; }
      });
    });
  });
})();
