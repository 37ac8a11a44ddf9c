// Phone layout: under 576px every data table reads as cards (CSS in fupin.css); each cell
// gets its column's header as a label. Tables marked data-no-cards are left alone.
(function () {
  "use strict";
  document.querySelectorAll("main table.table:not([data-no-cards])").forEach(function (table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
    if (!heads.length) return;
    table.classList.add("table-cards");
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      var col = 0;
      Array.prototype.forEach.call(tr.children, function (td) {
        if (heads[col] && !td.hasAttribute("data-label")) td.setAttribute("data-label", heads[col]);
        col += td.colSpan || 1;
      });
    });
  });
})();
