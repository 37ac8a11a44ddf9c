// The offline visit app: households cached in IndexedDB, visits and risk events queued on
// the phone with their own UUID and time, synced when the connection returns. The server
// records each UUID at most once; refused items and conflicts stay here with the reason
// until the helper fixes, confirms or discards them.
(function () {
  "use strict";
  var app = document.getElementById("offline-app");
  if (!app) return;
  var DB = "fupin-field-" + app.dataset.user, db;
  var households = [], current = null, editing = null, syncing = false;

  function uuid4() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function openDb() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open(DB, 1);
      req.onupgradeneeded = function () {
        req.result.createObjectStore("queue", {keyPath: "uuid"});
        req.result.createObjectStore("cache", {keyPath: "key"});
      };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function tx(store, mode, fn) {
    return new Promise(function (resolve, reject) {
      var t = db.transaction(store, mode), s = t.objectStore(store), out;
      var r = fn(s);
      if (r) r.onsuccess = function () { out = r.result; };
      t.oncomplete = function () { resolve(out); };
      t.onerror = function () { reject(t.error); };
    });
  }
  var queueAll = function () { return tx("queue", "readonly", function (s) { return s.getAll(); }); };
  var queuePut = function (item) { return tx("queue", "readwrite", function (s) { return s.put(item); }); };
  var queueDel = function (id) { return tx("queue", "readwrite", function (s) { return s.delete(id); }); };

  function esc(s) { var d = document.createElement("div"); d.textContent = s == null ? "" : String(s); return d.innerHTML; }
  function el(id) { return document.getElementById(id); }

  function netState() {
    var b = el("net-state");
    b.textContent = navigator.onLine ? "在线" : "离线";
    b.className = "badge " + (navigator.onLine ? "text-bg-success" : "text-bg-secondary");
  }

  function loadHouseholds() {
    return fetch(app.dataset.householdsUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
      .then(function (d) {
        households = d.households;
        return tx("cache", "readwrite", function (s) { return s.put({key: "households", value: d}); }).then(function () {
          el("cache-state").textContent = "已缓存 " + households.length + " 户（" + d.fetched_at.slice(0, 16).replace("T", " ") + "），无信号时也能记录。";
        });
      })
      .catch(function () {
        return tx("cache", "readonly", function (s) { return s.get("households"); }).then(function (c) {
          households = c ? c.value.households : [];
          el("cache-state").textContent = c ? "离线：使用手机上缓存的 " + households.length + " 户（" + c.value.fetched_at.slice(0, 16).replace("T", " ") + "）。"
                                            : "尚无离线数据：请在有信号时打开一次本页。";
        });
      })
      .then(renderHouseholds);
  }

  function renderHouseholds() {
    var html = households.map(function (h) {
      var badge = h.visit_state === "overdue" ? "text-bg-danger" : h.visit_state === "due" ? "text-bg-warning" : "text-bg-success";
      return '<div class="card work-card mb-2" data-hh="' + h.id + '"><div class="card-body p-2">' +
        '<div class="d-flex gap-2"><div class="me-auto min-w-0"><span class="fw-semibold">' + esc(h.head_name) + '</span> <span class="small text-muted">' + esc(h.household_no) + '</span>' +
        '<div class="small text-muted">' + esc(h.village) + " · " + esc(h.type) + (h.monitoring ? " · " + esc(h.monitoring) : "") + '</div></div>' +
        '<span class="badge align-self-start ' + badge + '">' + esc(h.visit_state_label) + '</span></div>' +
        '<div class="d-flex gap-2 mt-2"><button type="button" class="btn btn-danger btn-sm flex-grow-1" data-visit="' + h.id + '">记走访</button>' +
        '<button type="button" class="btn btn-outline-secondary btn-sm" data-event="' + h.id + '">报风险</button></div></div></div>';
    }).join("");
    el("households").innerHTML = html || '<p class="small text-muted">没有帮扶户</p>';
  }

  function show(section) {
    ["list", "visit-form", "event-form"].forEach(function (id) { el(id).classList.toggle("d-none", id !== section); });
    window.scrollTo(0, 0);
  }
  function find(id) { return households.filter(function (h) { return String(h.id) === String(id); })[0]; }

  function openForm(kind, hh, item) {
    current = hh; editing = item || null;
    var sec = el(kind === "visit" ? "visit-form" : "event-form"), form = sec.querySelector("form");
    sec.querySelector("[data-hh-name]").textContent = hh.head_name + " " + hh.household_no;
    sec.querySelector("[data-form-error]").classList.add("d-none");
    if (kind === "visit") {
      var sel = el("v-confirmed");
      sel.innerHTML = '<option value="">（不选）</option>' + hh.members.map(function (m) { return "<option>" + esc(m) + "</option>"; }).join("");
      ["findings", "policies_explained", "measures_agreed", "latitude", "longitude", "accuracy", "signature"].forEach(function (n) { form.elements[n].value = ""; });
    } else {
      form.elements.amount.value = ""; form.elements.note.value = "";
    }
    if (item) Object.keys(item.data).forEach(function (k) {
      if (form.elements[k] && typeof item.data[k] !== "object") form.elements[k].value = item.data[k];
    });
    show(kind === "visit" ? "visit-form" : "event-form");
    if (kind === "visit" && window.fupinEvidence) window.fupinEvidence(form);
  }

  function collect(form, kind) {
    var data = {}, err = [];
    if (kind === "visit") {
      ["visited_on", "channel", "findings", "policies_explained", "measures_agreed", "confirmed_by", "signature"].forEach(function (n) { data[n] = form.elements[n].value.trim(); });
      if (form.elements.latitude.value) data.location = {latitude: form.elements.latitude.value, longitude: form.elements.longitude.value, accuracy: form.elements.accuracy.value};
      if (!data.visited_on) err.push("请填写走访日期");
      if (!data.findings) err.push("请填写走访情况");
    } else {
      ["kind", "date", "amount", "note"].forEach(function (n) { data[n] = form.elements[n].value.trim(); });
      if (!data.date) err.push("请填写发生日期");
    }
    return {data: data, errors: err};
  }

  function save(kind, ev) {
    ev.preventDefault();
    var form = ev.target, got = collect(form, kind), box = form.querySelector("[data-form-error]");
    if (got.errors.length) { box.textContent = got.errors.join("；"); box.classList.remove("d-none"); return; }
    var item = editing || {uuid: uuid4(), kind: kind, household: current.id, version: current.version,
                           recorded_at: new Date().toISOString()};
    item.data = got.data; item.status = "pending"; item.reason = ""; item.label = current.head_name + " " + current.household_no;
    queuePut(item).then(function () { editing = null; show("list"); return renderQueue(); }).then(function () { if (navigator.onLine) sync(); });
  }

  function renderQueue() {
    return queueAll().then(function (items) {
      el("queue-count").textContent = items.length;
      var names = {pending: "待同步", conflict: "有冲突", refused: "被退回"};
      el("queue").innerHTML = items.length ? '<h2 class="h6">手机上待同步（' + items.length + '）</h2>' + items.map(function (it) {
        var cls = it.status === "pending" ? "border-secondary" : "border-danger";
        return '<div class="card queue-item mb-2 ' + cls + '" data-uuid="' + it.uuid + '" data-status="' + it.status + '"><div class="card-body p-2 small">' +
          '<div class="d-flex gap-2"><span class="me-auto fw-semibold">' + (it.kind === "visit" ? "走访" : "风险事件") + " · " + esc(it.label) + '</span><span class="badge text-bg-' + (it.status === "pending" ? "secondary" : "danger") + '">' + names[it.status] + '</span></div>' +
          '<div class="text-muted">记录于 ' + esc(it.recorded_at.slice(0, 16).replace("T", " ")) + '</div>' +
          (it.reason ? '<div class="reason text-danger">' + esc(it.reason) + '</div>' : "") +
          '<div class="d-flex flex-wrap gap-2 mt-1">' +
          (it.status === "conflict" ? '<button type="button" class="btn btn-sm btn-warning" data-confirm="' + it.uuid + '">核对无误，仍然提交</button>' : "") +
          (it.status !== "pending" ? '<button type="button" class="btn btn-sm btn-outline-primary" data-edit="' + it.uuid + '">修改</button>' : "") +
          '<button type="button" class="btn btn-sm btn-outline-secondary" data-discard="' + it.uuid + '">删除</button></div></div></div>';
      }).join("") : "";
    });
  }

  function addSynced(item, res) {
    var box = el("synced");
    if (!box.innerHTML) box.innerHTML = '<h2 class="h6">本次已同步</h2>';
    box.insertAdjacentHTML("beforeend", '<div class="small synced-item" data-uuid="' + item.uuid + '">✓ ' + (item.kind === "visit" ? "走访" : "风险事件") + " · " + esc(item.label) +
      (res.status === "duplicate" ? "（此前已同步）" : "") + (res.url ? ' <a href="' + esc(res.url) + '">查看</a>' : "") + "</div>");
  }

  function sync() {
    if (syncing || !navigator.onLine) return Promise.resolve();
    syncing = true;
    return queueAll().then(function (items) {
      var todo = items.filter(function (i) { return i.status === "pending"; });
      if (!todo.length) return null;
      return fetch(app.dataset.syncUrl, {
        method: "POST", credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": app.dataset.csrf},
        body: JSON.stringify({items: todo.map(function (i) {
          return {uuid: i.uuid, kind: i.kind, household: i.household, version: i.version, recorded_at: i.recorded_at, data: i.data, confirm: !!i.confirm};
        })})
      }).then(function (r) {
        if (r.status === 403 || r.redirected) throw new Error("请重新登录后再同步（记录仍保存在手机上）");
        if (!r.ok) throw new Error("服务器暂时不可用（" + r.status + "），记录仍保存在手机上");
        return r.json();
      }).then(function (d) {
        var byId = {}; todo.forEach(function (i) { byId[i.uuid] = i; });
        var refresh = d.results.some(function (r) { return r.status === "accepted"; });
        return Promise.all(d.results.map(function (res) {
          var it = byId[res.uuid]; if (!it) return null;
          if (res.status === "accepted" || res.status === "duplicate") { addSynced(it, res); return queueDel(it.uuid); }
          it.status = res.status; it.reason = res.reason || ""; it.server = res.server || null;
          if (res.server && res.server.version) it.server_version = res.server.version;
          return queuePut(it);
        })).then(function () { if (refresh) return loadHouseholds(); });
      });
    }).catch(function (e) {
      el("cache-state").textContent = "同步失败：" + e.message;
    }).then(function () { syncing = false; return renderQueue(); });
  }

  app.addEventListener("click", function (e) {
    var t = e.target.closest("button"); if (!t) return;
    if (t.dataset.visit) openForm("visit", find(t.dataset.visit));
    else if (t.dataset.event) openForm("risk_event", find(t.dataset.event));
    else if (t.hasAttribute("data-cancel")) { editing = null; show("list"); }
    else if (t.id === "sync-now") sync();
    else if (t.dataset.discard) { if (window.confirm("删除后这条记录将不会上传，确定删除？")) queueDel(t.dataset.discard).then(renderQueue); }
    else if (t.dataset.confirm || t.dataset.edit) {
      var id = t.dataset.confirm || t.dataset.edit;
      tx("queue", "readonly", function (s) { return s.get(id); }).then(function (it) {
        if (t.dataset.confirm) { it.status = "pending"; it.confirm = true; it.version = it.server_version || it.version; return queuePut(it).then(renderQueue).then(sync); }
        var hh = find(it.household) || {id: it.household, head_name: it.label, household_no: "", members: [], version: it.version};
        openForm(it.kind === "visit" ? "visit" : "risk_event", hh, it);
      });
    }
  });
  el("visit-form").querySelector("form").addEventListener("submit", function (e) { save("visit", e); });
  el("event-form").querySelector("form").addEventListener("submit", function (e) { save("risk_event", e); });
  window.addEventListener("online", function () { netState(); sync(); });
  window.addEventListener("offline", netState);

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(app.dataset.swUrl, {scope: "/"}).catch(function () { /* offline app still works online */ });
  }
  netState();
  openDb().then(function (d) { db = d; return loadHouseholds(); }).then(renderQueue).then(function () {
    app.dataset.ready = "1";
    if (navigator.onLine) return sync();
  });
})();
