// Knowledge-base search box: while a person types, the titles of matching articles are offered
// (prefix matching on the last word), so a full search is often not needed.
(function () {
  "use strict";

  function attach(form) {
    var input = form.querySelector("input[name=q]");
    var list = form.querySelector(".kb-suggest");
    var url = form.getAttribute("data-suggest-url");
    if (!input || !list || !url) { return; }
    var timer = null;
    var latest = 0;

    function show(articles) {
      list.textContent = "";
      articles.forEach(function (article) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = article.url;
        link.textContent = article.title;
        item.appendChild(link);
        list.appendChild(item);
      });
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () {
        var text = input.value.trim();
        var ticket = ++latest;
        if (text.length < 2) { show([]); return; }
        fetch(url + "?q=" + encodeURIComponent(text), { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (response) { return response.ok ? response.json() : { articles: [] }; })
          .then(function (data) { if (ticket === latest) { show((data && data.articles) || []); } })
          .catch(function () { show([]); });
      }, 250);
    });
  }

  document.querySelectorAll("form.kb-search").forEach(attach);
})();
