// Add-metric form: show only the fields that matter for the chosen source
// (a measured metric needs its usage measure; a reported one its unit and baseline).
// Without this script every field stays visible and the labels say which applies.
(function () {
  "use strict";

  function update(form) {
    var source = form.querySelector("select[name='source']");
    if (!source) { return; }
    var usage = source.value === "usage";
    form.querySelectorAll(".plan-usage-only").forEach(function (el) { el.classList.toggle("d-none", !usage); });
    form.querySelectorAll(".plan-reported-only").forEach(function (el) { el.classList.toggle("d-none", usage); });
  }

  function init() {
    document.querySelectorAll("form.plan-metric-form").forEach(function (form) {
      var source = form.querySelector("select[name='source']");
      if (source) { source.addEventListener("change", function () { update(form); }); }
      update(form);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
