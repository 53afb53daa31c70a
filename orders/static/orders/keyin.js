/* Key-in form: show only the buyer fields of the chosen kind, fill the listed product and
   its selling price when a SKU is typed, and bring the error summary into view. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-sku-url]");
  if (!form) { return; }

  function buyerKind() {
    var checked = form.querySelector("input[name=buyer_kind]:checked");
    return checked ? checked.value : "";
  }
  function followKind() {
    var kind = buyerKind();
    form.querySelectorAll("[data-buyer-kind]").forEach(function (input) {
      var box = input.closest(".field") || input.parentElement;
      box.hidden = Boolean(kind) && input.getAttribute("data-buyer-kind") !== kind;
    });
  }
  form.querySelectorAll("input[name=buyer_kind]").forEach(function (radio) {
    radio.addEventListener("change", followKind);
  });
  followKind();

  var notFound = "";
  var template = document.getElementById("sku-messages");
  if (template && template.content.firstElementChild) {
    notFound = template.content.firstElementChild.getAttribute("data-not-found") || "";
  }
  function lookUp(input) {
    var sku = input.value.trim();
    var row = input.closest("tr");
    var shown = row ? row.querySelector(".sku-product") : null;
    var price = form.querySelector("[name='" + input.name.replace(/-sku$/, "-unit_price") + "']");
    if (!sku) { if (shown) { shown.textContent = ""; } return; }
    var url = form.getAttribute("data-sku-url") + "?sku=" + encodeURIComponent(sku);
    fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json().then(function (body) { return [response.ok, body]; }); })
      .then(function (result) {
        var ok = result[0], body = result[1];
        if (!ok) { if (shown) { shown.textContent = notFound; } return; }
        input.value = body.sku;
        if (shown) { shown.textContent = body.name + " · " + body.unit; }
        if (price && (!price.value || price.getAttribute("data-filled") === "1")) {
          price.value = body.unit_price;
          price.setAttribute("data-filled", "1");
        }
      })
      .catch(function () { /* the server checks everything again on submit */ });
  }
  form.querySelectorAll("input[data-sku-lookup]").forEach(function (input) {
    input.addEventListener("change", function () { lookUp(input); });
    if (input.value) { lookUp(input); }
  });
  form.querySelectorAll("input[name$='-unit_price']").forEach(function (input) {
    input.addEventListener("input", function () { input.removeAttribute("data-filled"); });
  });

  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
