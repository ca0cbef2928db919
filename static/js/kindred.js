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
  // Character counters for long text fields.
  document.querySelectorAll("textarea[data-maxlength]").forEach(function (area) {
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
