// Assessment pages: save the draft as soon as an answer changes, so closing the browser loses nothing.
// The same form and CSRF token as the Save button; the server's redirect is not followed.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  var status = document.getElementById("autosave-status");
  if (!form || !status) { return; }
  form.addEventListener("change", function () {
    status.textContent = "Saving your draft…";
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST", body: new FormData(form), credentials: "same-origin", redirect: "manual"
    }).then(function (response) {
      var saved = response.type === "opaqueredirect" || response.ok;
      status.textContent = saved ? "Draft saved." : "The draft could not be saved now; press Save and continue to keep your answers.";
    }).catch(function () {
      status.textContent = "The draft could not be saved now; press Save and continue to keep your answers.";
    });
  });
})();
