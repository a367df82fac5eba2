// Assessment pages: save the draft as soon as an answer changes, so closing the browser loses nothing.
// The same form and CSRF token as the Save button; the server answers 204 and the page stays.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  var status = document.getElementById("autosave-status");
  if (!form || !status) { return; }
  form.addEventListener("change", function () {
    status.textContent = "Saving your draft…";
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST", body: new FormData(form), credentials: "same-origin", headers: {"X-Autosave": "1"}
    }).then(function (response) {
      var saved = response.status === 204;
      status.textContent = saved ? "Draft saved." : "The draft could not be saved now; press Save and continue to keep your answers.";
    }).catch(function () {
      status.textContent = "The draft could not be saved now; press Save and continue to keep your answers.";
    });
  });
})();
