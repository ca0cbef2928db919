// Kindred enhancements. Everything works without this file.
(function () {
  "use strict";
  // Quick exit: replace this page in history so "back" does not return to Kindred.
  function quickExit(url) { window.location.replace(url); }
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-quick-exit]");
    if (link) { event.preventDefault(); quickExit(link.href); }
  });
  // Pressing Escape twice within a second also leaves the site.
  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") { return; }
    var now = Date.now();
    if (now - lastEscape < 1000) {
      var link = document.querySelector("[data-quick-exit]");
      if (link) { quickExit(link.href); }
    }
    lastEscape = now;
  });
  // Ask before a form marked data-confirm is sent; without JavaScript it is simply sent.
  document.addEventListener("submit", function (event) {
    var message = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) { event.preventDefault(); }
  });
  // Character counters for fields with a length limit.
  document.querySelectorAll("textarea[data-maxlength], input[data-maxlength]").forEach(function (area) {
    var max = parseInt(area.getAttribute("data-maxlength"), 10);
    var counter = document.createElement("p");
    counter.className = "char-count";
    counter.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", counter);
    function update() {
      var left = max - area.value.length;
      counter.textContent = left >= 0 ? left.toLocaleString() + " characters left" : (-left).toLocaleString() + " characters over the limit";
    }
    area.addEventListener("input", update);
    update();
  });
})();
// Empathy reactions without a page reload. Without JavaScript each button posts its form
// and the server sends the reader back to the post.
(function () {
  "use strict";
  if (!window.fetch || !window.URLSearchParams) { return; }
  function plainSubmit(form, button) {
    // Let the server answer the ordinary way: it explains a refusal on the page.
    var kind = document.createElement("input");
    kind.type = "hidden";
    kind.name = button.name;
    kind.value = button.value;
    form.appendChild(kind);
    form.submit();
  }
  function show(form, result) {
    form.querySelectorAll("button[name=kind]").forEach(function (button) {
      var count = result.counts[button.value] || 0;
      button.querySelector(".reaction-count").textContent = count ? String(count) : "";
      if (button.value === result.kind) {
        button.setAttribute("aria-pressed", result.reacted ? "true" : "false");
      }
    });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    if (!form.matches("form[data-reactions]") || !button || button.name !== "kind") { return; }
    event.preventDefault();
    if (form.hasAttribute("data-busy")) { return; }
    form.setAttribute("data-busy", "");
    // URL-encoded like the form itself: Kindred refuses multipart bodies.
    var data = new URLSearchParams(new FormData(form));
    data.append("kind", button.value);
    fetch(form.action, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": data.get("csrf_token") }
    }).then(function (response) {
      if (!response.ok) { throw new Error("HTTP " + response.status); }
      return response.json();
    }).then(function (result) {
      show(form, result);
      form.removeAttribute("data-busy");
    }).catch(function () { plainSubmit(form, button); });
  });
})();
