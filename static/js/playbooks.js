// Live preview of a segment's members while its rules are edited: the rules are posted
// (with the CSRF token in the X-CSRFToken header) and the count and first members shown.
(function () {
  "use strict";

  var form = document.getElementById("segment-form");
  if (!form) { return; }
  var rules = form.querySelector("textarea[name='rules']");
  var token = form.querySelector("input[name='csrf_token']");
  var status = document.getElementById("preview-status");
  var list = document.getElementById("preview-members");
  var segmentId = parseInt(form.getAttribute("data-segment-id") || "", 10) || null;
  var timer = null;
  var sequence = 0;

  function show(text, members) {
    status.textContent = text;
    list.textContent = "";
    (members || []).forEach(function (member) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = member.url;
      link.textContent = member.name + " (" + member.external_id + ")";
      item.appendChild(link);
      list.appendChild(item);
    });
  }

  function preview() {
    var mine = ++sequence;
    fetch(form.getAttribute("data-preview-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json",
                 "X-CSRFToken": token ? token.value : "" },
      body: JSON.stringify(segmentId ? { rules: rules.value, segment_id: segmentId } : { rules: rules.value })
    })
      .then(function (response) {
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (answer) {
        if (mine !== sequence) { return; }
        if (!answer.valid) { show(answer.error || "These rules cannot be used yet.", []); return; }
        var text = answer.count + " of " + answer.total + " active accounts match";
        if (answer.count > answer.members.length) { text += " (the first " + answer.members.length + " are listed)"; }
        show(text + ".", answer.members);
      })
      .catch(function () {
        if (mine === sequence) { show("The preview could not be loaded; the rules are checked again when you save.", []); }
      });
  }

  var adder = document.getElementById("rule-adder");
  if (adder) {
    var examples = JSON.parse(adder.getAttribute("data-examples"));
    document.getElementById("rule-add").addEventListener("click", function () {
      var current;
      try {
        current = rules.value.trim() ? JSON.parse(rules.value) : { rules: [] };
      } catch (error) {
        show("Fix the rules' JSON first, then add a rule.", []);
        return;
      }
      if (Array.isArray(current)) { current = { rules: current }; }
      if (!current || !Array.isArray(current.rules)) { current = { rules: [] }; }
      current.rules.push(examples[document.getElementById("rule-kind").value]);
      rules.value = JSON.stringify(current, null, 2);
      rules.focus();
      preview();
    });
  }

  rules.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(preview, 400);
  });
  preview();
})();
