// The Segment debugger's live list: fetch the page again every few seconds and swap in its rows.
// A button pauses and resumes the updates (moving content must be pausable).
(function () {
  "use strict";
  var region = document.getElementById("debugger-live");
  var toggle = document.getElementById("debugger-toggle");
  if (!region || !toggle) {
    return;
  }
  var seconds = parseInt(region.getAttribute("data-refresh-seconds"), 10) || 5;
  var timer = null;

  function refresh() {
    fetch(window.location.href, { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) { return; }
        var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("debugger-live");
        if (fresh) { region.innerHTML = fresh.innerHTML; }
      })
      .catch(function () { /* the next tick tries again */ });
  }

  function start() {
    timer = window.setInterval(refresh, seconds * 1000);
    toggle.textContent = "Pause live updates";
    toggle.setAttribute("aria-pressed", "false");
  }

  function stop() {
    window.clearInterval(timer);
    timer = null;
    toggle.textContent = "Resume live updates";
    toggle.setAttribute("aria-pressed", "true");
  }

  toggle.hidden = false;
  toggle.addEventListener("click", function () { if (timer) { stop(); } else { start(); } });
  start();
}());
