// Assessment pages: save the draft as soon as an answer changes, so closing the browser loses nothing.
// The same form and CSRF token as the Save button; the server answers 204 and the page stays.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  var status = document.getElementById("autosave-status");
  if (!form || !status) { return; }
  // Each save sends the whole form, so only the answer to the latest one tells whether the draft is kept:
  // an earlier save that finishes later must not say "Draft saved." while the latest is still on its way.
  var latest = 0;
  var failed = "The draft could not be saved now; press Save and continue to keep your answers.";
  form.addEventListener("change", function () {
    var mine = ++latest;
    status.textContent = "Saving your draft…";
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST", body: new FormData(form), credentials: "same-origin", headers: {"X-Autosave": "1"}
    }).then(function (response) {
      if (mine === latest) { status.textContent = response.status === 204 ? "Draft saved." : failed; }
    }).catch(function () {
      if (mine === latest) { status.textContent = failed; }
    });
  });
})();
