// hoctap: search with Pagefind. Loaded only on /tim-kiem/; the A–Z list below works without it.
(function () {
  "use strict";
  var form = document.querySelector("form[data-pagefind-bundle]");
  var out = document.getElementById("ket-qua-tim-kiem");
  if (!form || !out) return;
  var input = form.querySelector("input");
  var bundle = new URL(form.getAttribute("data-pagefind-bundle"), document.baseURI);
  var root = new URL(form.getAttribute("data-pagefind-root"), document.baseURI);
  var pagefind = null;
  var latest = 0;

  // Excerpts come from our own pages but are rebuilt node by node: only text and <mark>.
  function excerptNode(html) {
    var p = document.createElement("p");
    html.split(/(<mark>|<\/mark>)/).reduce(function (inMark, part) {
      if (part === "<mark>") return true;
      if (part === "</mark>") return false;
      var decoder = document.createElement("textarea");  // RCDATA: decodes entities, never builds elements
      decoder.innerHTML = part;
      var text = decoder.value;
      if (inMark) { var m = document.createElement("mark"); m.textContent = text; p.appendChild(m); }
      else p.appendChild(document.createTextNode(text));
      return inMark;
    }, false);
    return p;
  }

  function show(results, query) {
    out.textContent = "";
    var head = document.createElement("p");
    head.textContent = results.length ? "Kết quả cho «" + query + "»:" : "Không tìm thấy kết quả cho «" + query + "».";
    out.appendChild(head);
    var list = document.createElement("ol");
    list.className = "ket-qua-tk";
    results.forEach(function (r) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = r.url;
      a.textContent = (r.meta && r.meta.title) || r.url;
      li.appendChild(a);
      li.appendChild(excerptNode(r.excerpt || ""));
      list.appendChild(li);
    });
    out.appendChild(list);
  }

  async function search(query) {
    var ticket = ++latest;
    query = query.trim();
    if (!query) { out.textContent = ""; return; }
    if (!pagefind) {
      pagefind = await import(new URL("pagefind.js", bundle).href);
      await pagefind.options({ baseUrl: root.pathname });
      pagefind.init();
    }
    // Pagefind matches Vietnamese with or without tone marks: "so giao duc" finds "Sở Giáo dục".
    var found = await pagefind.search(query);
    if (ticket !== latest || !found) return;
    var data = await Promise.all(found.results.slice(0, 20).map(function (r) { return r.data(); }));
    if (ticket === latest) show(data, query);
  }

  form.hidden = false;
  form.addEventListener("submit", function (e) { e.preventDefault(); search(input.value); });
  var timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { search(input.value); }, 200);
  });
  var q = new URLSearchParams(location.search).get("q");
  if (q) { input.value = q; search(q); }
})();
