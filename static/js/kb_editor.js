// Article editor: live preview of the Markdown (rendered and sanitised by the portal) and,
// while a title is typed, the most similar existing articles, so duplicates are not written.
(function () {
  "use strict";
  var form = document.getElementById("kb-editor");
  if (!form) { return; }
  var body = form.querySelector("textarea[name=body_markdown]");
  var title = form.querySelector("input[name=title]");
  var preview = document.getElementById("kb-preview");
  var similarBox = document.getElementById("kb-similar");
  var tokenInput = form.querySelector("input[name=csrf_token]");
  var articleId = form.getAttribute("data-article-id");

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      clearTimeout(timer);
      timer = setTimeout(fn, ms);
    };
  }

  function refreshPreview() {
    fetch(form.getAttribute("data-preview-url"), {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        "Accept": "application/json",
        "X-CSRFToken": tokenInput ? tokenInput.value : ""
      },
      body: JSON.stringify({ body_markdown: body.value })
    })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        if (data.html !== undefined) {
          preview.innerHTML = data.html; // sanitised by the portal with an allow-list
        } else {
          preview.textContent = data.error || "The preview could not be made.";
        }
      })
      .catch(function () { preview.textContent = "The preview could not be loaded; your text is not lost."; });
  }

  function refreshSimilar() {
    var text = title.value.trim();
    similarBox.textContent = "";
    if (text.length < 3) { return; }
    var url = form.getAttribute("data-similar-url") + "?title=" + encodeURIComponent(text) +
      (articleId ? "&exclude=" + encodeURIComponent(articleId) : "");
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (data) {
        var articles = (data && data.articles) || [];
        if (!articles.length) { return; }
        var note = document.createElement("p");
        note.className = "small mb-1 text-secondary";
        note.textContent = "Similar articles exist; check them before writing a new one:";
        var list = document.createElement("ul");
        list.className = "small mb-0";
        articles.forEach(function (article) {
          var item = document.createElement("li");
          var link = document.createElement("a");
          link.href = article.url;
          link.textContent = article.title;
          item.appendChild(link);
          item.appendChild(document.createTextNode(" (" + article.status + ")"));
          list.appendChild(item);
        });
        similarBox.appendChild(note);
        similarBox.appendChild(list);
      })
      .catch(function () { similarBox.textContent = ""; });
  }

  if (body && preview) { body.addEventListener("input", debounce(refreshPreview, 400)); }
  if (title && similarBox) { title.addEventListener("input", debounce(refreshSimilar, 300)); }
})();
