// Draw every chart placeholder: <div class="chart" data-chart-url="..."> gets the
// Bokeh JSON from the portal and renders it. Failures show a readable message.
(function () {
  "use strict";

  function showMessage(el, text) {
    el.classList.add("chart-empty");
    el.style.minHeight = "0";  // a message needs no chart-sized gap
    el.textContent = text;
  }

  function draw(el) {
    var url = el.getAttribute("data-chart-url");
    if (!url) { return; }
    el.setAttribute("aria-busy", "true");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (item) {
        el.textContent = "";
        if (item && item.empty) {
          showMessage(el, item.message || "No data for this period yet.");
          return;
        }
        return window.Bokeh.embed.embed_item(item, el);
      })
      .catch(function () {
        showMessage(el, "This chart could not be loaded. Reload the page to try again.");
      })
      .finally(function () {
        el.removeAttribute("aria-busy");
        el.setAttribute("data-chart-ready", "true");
      });
  }

  function drawAll(root) {
    (root || document).querySelectorAll(".chart[data-chart-url]").forEach(draw);
  }

  window.PortalCharts = { drawAll: drawAll, draw: draw };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { drawAll(); });
  } else {
    drawAll();
  }
})();
