// hoctap: progressive sorting and filtering of tables marked data-sortable / data-filter-group.
// Without JavaScript the tables are complete and ordered; group pages filter on the server.
// The state (group, name, sort) is kept in the address (?khoi=…&ten=…&sx=…&chieu=…), so a link shares it;
// every row has an id (#dv-<unit>) to link to one unit.
(function () {
  "use strict";
  var collator = new Intl.Collator("vi", { numeric: true, sensitivity: "base" });
  var params = new URLSearchParams(location.search);

  // Vietnamese folded for matching: no tone marks, đ as d, lower case ("Đức Hòa" → "duc hoa").
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d").toLowerCase();
  }
  function slug(s) {
    return fold(s).replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  }
  function saveState(changes) {
    Object.keys(changes).forEach(function (k) {
      if (changes[k]) params.set(k, changes[k]); else params.delete(k);
    });
    var query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
  }

  function cellValue(row, index) {
    var cell = row.children[index];
    if (!cell) return "";
    return cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
  }

  function sortBy(table, index, type, th, asc) {
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    rows.sort(function (a, b) {
      var x = cellValue(a, index), y = cellValue(b, index);
      var r;
      if (type === "number") {
        var nx = x === "" ? NaN : parseFloat(x), ny = y === "" ? NaN : parseFloat(y);
        if (isNaN(nx) && isNaN(ny)) r = 0;
        else if (isNaN(nx)) return 1; // empty cells last, whichever the direction
        else if (isNaN(ny)) return -1;
        else r = nx - ny;
      } else {
        r = collator.compare(x, y);
      }
      return asc ? r : -r;
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    rows.forEach(function (row) { tbody.appendChild(row); });
  }

  // The first click sorts best first: scores, levels and changes from the highest, ranks and names from the top.
  function firstAscending(th) {
    var first = th.getAttribute("data-first");
    if (first) return first === "asc";
    return th.getAttribute("data-type") !== "number";
  }

  function makeSortable(table, remember) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var key = slug(th.textContent);
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      var type = th.getAttribute("data-type");
      button.addEventListener("click", function () {
        var current = th.getAttribute("aria-sort");
        var asc = current ? current !== "ascending" : firstAscending(th);
        sortBy(table, index, type, th, asc);
        if (remember) saveState({ sx: key, chieu: asc ? "tang" : "giam" });
      });
      if (remember && params.get("sx") === key) {
        var chieu = params.get("chieu");
        sortBy(table, index, type, th, chieu ? chieu === "tang" : firstAscending(th));
      }
    });
  }

  function makeFilter(table, number, remember) {
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var groups = [];
    rows.forEach(function (row) {
      var g = row.getAttribute("data-group");
      if (g && groups.indexOf(g) < 0) groups.push(g);
    });
    var box = document.createElement("div");
    box.className = "bo-loc";
    var label = document.createElement("label");
    label.textContent = "Khối ";
    var select = document.createElement("select");
    select.id = "loc-khoi-" + number;
    select.setAttribute("data-loc", "khoi");
    var all = document.createElement("option");
    all.value = "";
    all.textContent = "Tất cả các khối";
    select.appendChild(all);
    groups.forEach(function (g) {
      var o = document.createElement("option");
      o.value = g;
      o.textContent = g;
      select.appendChild(o);
    });
    label.appendChild(select);
    var label2 = document.createElement("label");
    label2.textContent = "Tên đơn vị ";
    var input = document.createElement("input");
    input.type = "search";
    input.setAttribute("data-loc", "ten");
    label2.appendChild(input);
    var count = document.createElement("p");
    count.setAttribute("aria-live", "polite");
    count.className = "ghi-chu";
    box.appendChild(label);
    box.appendChild(label2);
    box.appendChild(count);
    var wrapper = table.parentNode.classList.contains("cuon-ngang") ? table.parentNode : table;
    wrapper.parentNode.insertBefore(box, wrapper);

    function apply() {
      var g = select.value, q = fold(input.value.trim()), shown = 0;
      rows.forEach(function (row) {
        var ok = (!g || row.getAttribute("data-group") === g) && (!q || fold(row.textContent).indexOf(q) >= 0);
        row.hidden = !ok;
        if (ok) shown++;
      });
      count.textContent = "Đang hiện " + shown + "/" + rows.length + " đơn vị";
      if (remember) saveState({ khoi: g, ten: input.value.trim() });
    }
    if (remember) {
      var g0 = params.get("khoi");
      if (g0 && groups.indexOf(g0) >= 0) select.value = g0;
      input.value = params.get("ten") || "";
      if (select.value || input.value) apply();
    }
    select.addEventListener("change", apply);
    input.addEventListener("input", apply);
  }

  // The "swipe for more columns" hint only where a table is wider than its box.
  function hints() {
    document.querySelectorAll(".goi-y-cuon").forEach(function (p) {
      var box = p.nextElementSibling;
      while (box && !box.classList.contains("cuon-ngang")) box = box.nextElementSibling;
      p.hidden = !!box && box.scrollWidth <= box.clientWidth + 1;
    });
  }

  // A link to a year of a unit page (#nam-2023) unfolds that year's detail.
  function unfold() {
    if (!location.hash) return;
    var target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (!target) return;
    var details = target.tagName === "DETAILS" ? target : target.querySelector("details.chi-tiet-nam");
    if (details) details.open = true;
  }

  document.querySelectorAll("table[data-sortable]").forEach(function (t, i) {
    if (t.tHead && t.tBodies[0]) makeSortable(t, i === 0);
  });
  document.querySelectorAll("table[data-filter-group]").forEach(function (t, i) {
    if (t.tBodies[0]) makeFilter(t, i, i === 0);
  });
  hints();
  unfold();
  window.addEventListener("resize", hints);
  window.addEventListener("hashchange", unfold);
  // Printing shows every year of a unit page, unfolded.
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.chi-tiet-nam").forEach(function (d) { d.open = true; });
  });
})();
