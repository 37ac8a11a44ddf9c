// Visit evidence on a phone: the location (optional, asked only when the helper taps the
// button) and the household's signature drawn on a canvas, sent as a PNG data URL.
(function () {
  "use strict";
  function setupLocation(root) {
    var btn = root.querySelector("[data-evidence-locate]");
    if (!btn) return;
    var out = root.querySelector("[data-evidence-location]");
    btn.addEventListener("click", function () {
      if (!navigator.geolocation) { out.textContent = "此设备不支持定位"; return; }
      out.textContent = "正在定位…";
      navigator.geolocation.getCurrentPosition(function (pos) {
        root.querySelector("[name=latitude]").value = pos.coords.latitude.toFixed(6);
        root.querySelector("[name=longitude]").value = pos.coords.longitude.toFixed(6);
        root.querySelector("[name=accuracy]").value = Math.round(pos.coords.accuracy || 0);
        out.textContent = "已记录位置（精度约 " + Math.round(pos.coords.accuracy || 0) + " 米）";
      }, function (err) {
        out.textContent = "未能定位：" + (err.code === 1 ? "未允许定位" : "信号弱，可不填");
      }, {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
    });
  }
  function setupSignature(root) {
    var canvas = root.querySelector("canvas[data-signature]");
    if (!canvas) return;
    var input = root.querySelector("[name=signature]");
    var ctx = canvas.getContext("2d");
    var drawing = false, drawn = false;
    function resize() {
      var w = canvas.parentElement.clientWidth;
      if (!w || canvas.width === w) return;
      canvas.width = w; canvas.height = 160;
      ctx.fillStyle = "#fff"; ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.lineWidth = 2.5; ctx.lineCap = "round"; ctx.strokeStyle = "#111";
      drawn = false; input.value = "";
    }
    function point(e) {
      var r = canvas.getBoundingClientRect();
      return [e.clientX - r.left, e.clientY - r.top];
    }
    canvas.addEventListener("pointerdown", function (e) {
      drawing = true; canvas.setPointerCapture(e.pointerId);
      var p = point(e); ctx.beginPath(); ctx.moveTo(p[0], p[1]); e.preventDefault();
    });
    canvas.addEventListener("pointermove", function (e) {
      if (!drawing) return;
      var p = point(e); ctx.lineTo(p[0], p[1]); ctx.stroke(); drawn = true; e.preventDefault();
    });
    function end() { if (drawing) { drawing = false; if (drawn) input.value = canvas.toDataURL("image/png"); } }
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
    var clear = root.querySelector("[data-signature-clear]");
    if (clear) clear.addEventListener("click", function () { canvas.width = 0; resize(); });
    resize();
    window.addEventListener("resize", resize);
  }
  window.fupinEvidence = function (root) { setupLocation(root); setupSignature(root); };
  document.querySelectorAll("[data-evidence]").forEach(window.fupinEvidence);
})();
