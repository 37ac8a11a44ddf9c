// Pick a village from the hierarchy: county -> township -> village (public area names).
(function () {
  "use strict";
  var root = document.querySelector("[data-area-picker]");
  if (!root) return;
  var url = root.dataset.url, hidden = root.querySelector("input[type=hidden]");
  var sel = {county: root.querySelector("[data-level=county]"), township: root.querySelector("[data-level=township]"),
             village: root.querySelector("[data-level=village]")};
  var order = ["county", "township", "village"];
  function fill(level, parent, selected) {
    var s = sel[level];
    return fetch(url + (parent ? "?parent=" + encodeURIComponent(parent) : ""), {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (d) {
        s.length = 1;
        d.areas.forEach(function (a) { var o = new Option(a.name, a.code); s.add(o); });
        s.disabled = false;
        if (selected) s.value = selected;
      });
  }
  function reset(from) {
    for (var i = order.indexOf(from) + 1; i < order.length; i++) { sel[order[i]].length = 1; sel[order[i]].disabled = true; }
  }
  sel.county.addEventListener("change", function () { reset("county"); hidden.value = ""; if (this.value) fill("township", this.value); });
  sel.township.addEventListener("change", function () { reset("township"); hidden.value = ""; if (this.value) fill("village", this.value); });
  sel.village.addEventListener("change", function () { hidden.value = this.value; });
  var initial = root.dataset.initial;
  if (initial && initial.length === 12) {
    fill("county", "", initial.slice(0, 6)).then(function () { return fill("township", initial.slice(0, 6), initial.slice(0, 9)); })
      .then(function () { return fill("village", initial.slice(0, 9), initial); }).then(function () { hidden.value = initial; });
  } else { fill("county", ""); }
})();
