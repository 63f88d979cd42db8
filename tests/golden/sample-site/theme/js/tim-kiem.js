// hoctap: search with Pagefind. Loaded only on /tim-kiem/; the A–Z list below works without it, and the
// search box in every page's header sends its words here (?q=…).
//
// The index is built from pages where đ/Đ is written d/D + U+0335 (site/plugins/hoctap_pages/search.py), a mark
// Pagefind strips like a tone mark: so the query is folded the same way (no marks, đ as d, lower case), and
// titles and excerpts get their đ back before they are shown.
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
  var SHOWN = 20, READ = 40;

  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f\u0335]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  }
  function words(s) {
    return fold(s).split(/[^a-z0-9]+/).filter(Boolean);
  }
  function restore(s) {
    return s.replace(/D\u0335/g, "Đ").replace(/d\u0335/g, "đ").normalize("NFC");
  }

  // Excerpts come from our own pages but are rebuilt node by node: only text and <mark>.
  function excerptNode(html) {
    var p = document.createElement("p");
    html.split(/(<mark>|<\/mark>)/).reduce(function (inMark, part) {
      if (part === "<mark>") return true;
      if (part === "</mark>") return false;
      var decoder = document.createElement("textarea");  // RCDATA: decodes entities, never builds elements
      decoder.innerHTML = part;
      var text = restore(decoder.value);
      if (inMark) { var m = document.createElement("mark"); m.textContent = text; p.appendChild(m); }
      else p.appendChild(document.createTextNode(text));
      return inMark;
    }, false);
    return p;
  }

  // Every word of the query in the title (the last one may be the start of a word): the page is about it.
  function titleMatches(title, query) {
    var have = words(title), want = words(query);
    if (!want.length) return false;
    return want.every(function (w, i) {
      return have.some(function (h) { return i === want.length - 1 ? h.indexOf(w) === 0 : h === w; });
    });
  }

  // Units whose name holds the query first, then other pages named so, then the rest in Pagefind's order
  // (a unit's name weighs most there too); each page once.
  function rank(data, query) {
    var seen = {};
    var tiers = [[], [], []];
    data.forEach(function (d) {
      if (seen[d.url]) return;
      seen[d.url] = true;
      var named = titleMatches(restore((d.meta && d.meta.title) || ""), query);
      tiers[named ? (d.meta && d.meta.loai === "don-vi" ? 0 : 1) : 2].push(d);
    });
    return tiers[0].concat(tiers[1], tiers[2]).slice(0, SHOWN);
  }

  // A title or a unit's own one-line summary, with the query's words marked (compared folded, letter by letter).
  function summaryNode(text, query) {
    var p = document.createElement("p");
    var folded = Array.prototype.map.call(text, function (ch) { var f = fold(ch); return f.length === 1 ? f : ch; }).join("");
    var want = words(query), marks = [];
    want.forEach(function (w) {
      var re = new RegExp("(^|[^a-z0-9])(" + w + ")", "g"), m;
      while ((m = re.exec(folded))) marks.push([m.index + m[1].length, m.index + m[1].length + w.length]);
    });
    marks.sort(function (a, b) { return a[0] - b[0]; });
    var at = 0;
    marks.forEach(function (r) {
      if (r[0] < at) return;
      p.appendChild(document.createTextNode(text.slice(at, r[0])));
      var mk = document.createElement("mark");
      mk.textContent = text.slice(r[0], r[1]);
      p.appendChild(mk);
      at = r[1];
    });
    p.appendChild(document.createTextNode(text.slice(at)));
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
      var title = summaryNode(restore((r.meta && r.meta.title) || r.url), query);
      while (title.firstChild) a.appendChild(title.firstChild);
      li.appendChild(a);
      if (r.meta && r.meta.tom_tat) li.appendChild(summaryNode(restore(r.meta.tom_tat), query));
      else li.appendChild(excerptNode(r.excerpt || ""));
      list.appendChild(li);
    });
    out.appendChild(list);
  }

  function remember(query) {
    var url = location.pathname + (query ? "?q=" + encodeURIComponent(query) : "");
    history.replaceState(null, "", url);
  }

  async function search(query) {
    var ticket = ++latest;
    query = query.trim();
    remember(query);
    if (!query) { out.textContent = ""; return; }
    if (!pagefind) {
      pagefind = await import(new URL("pagefind.js", bundle).href);
      await pagefind.options({ baseUrl: root.pathname });
      pagefind.init();
    }
    var found = await pagefind.search(fold(query));
    if (ticket !== latest || !found) return;
    var data = await Promise.all(found.results.slice(0, READ).map(function (r) { return r.data(); }));
    if (ticket === latest) show(rank(data, query), query);
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
