// hoctap: progressive sorting and filtering of tables marked data-sortable / data-filter-group.
// Without JavaScript the tables are complete and ordered; group pages filter on the server.
(function () {
  "use strict";
  var collator = new Intl.Collator("vi", { numeric: true, sensitivity: "base" });

  function cellValue(row, index) {
    var cell = row.children[index];
    if (!cell) return "";
    return cell.hasAttribute("data-sort") ? cell.getAttribute("data-sort") : cell.textContent.trim();
  }

  function sortBy(table, index, type, th) {
    var tbody = table.tBodies[0];
    var rows = Array.prototype.slice.call(tbody.rows);
    var asc = th.getAttribute("aria-sort") !== "ascending";
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

  function makeSortable(table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var button = document.createElement("button");
      button.type = "button";
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener("click", function () { sortBy(table, index, th.getAttribute("data-type"), th); });
    });
  }

  function makeFilter(table, number) {
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

    function fold(s) {
      return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
    }
    function apply() {
      var g = select.value, q = fold(input.value.trim()), shown = 0;
      rows.forEach(function (row) {
        var ok = (!g || row.getAttribute("data-group") === g) && (!q || fold(row.textContent).indexOf(q) >= 0);
        row.hidden = !ok;
        if (ok) shown++;
      });
      count.textContent = "Đang hiện " + shown + "/" + rows.length + " đơn vị";
    }
    select.addEventListener("change", apply);
    input.addEventListener("input", apply);
  }

  document.querySelectorAll("table[data-sortable]").forEach(function (t) { if (t.tHead && t.tBodies[0]) makeSortable(t); });
  document.querySelectorAll("table[data-filter-group]").forEach(function (t, i) { if (t.tBodies[0]) makeFilter(t, i); });
})();
