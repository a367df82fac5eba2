// A wide table scrolls inside its own region on a phone; the region must be reachable by keyboard and named,
// so every .table-responsive without them gets tabindex="0", role="region" and a label from its table's caption.
(function () {
  "use strict";
  document.querySelectorAll(".table-responsive").forEach(function (region) {
    if (!region.hasAttribute("tabindex")) { region.setAttribute("tabindex", "0"); }
    if (!region.hasAttribute("role")) { region.setAttribute("role", "region"); }
    if (!region.hasAttribute("aria-label") && !region.hasAttribute("aria-labelledby")) {
      var caption = region.querySelector("caption");
      region.setAttribute("aria-label", caption ? caption.textContent.trim() : "Table");
    }
  });
})();
