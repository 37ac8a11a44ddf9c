// Fupin field service worker, served from /sw.js (scope: the whole site). It caches the
// offline visit app (page, styles, scripts) and the helper's households; everything else
// goes to the network untouched. Queued visits live in IndexedDB, not here.
"use strict";
var CACHE = "fupin-field-v1";
var SHELL = __SHELL__;
var DATA = __DATA__;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (c) { return c.addAll(SHELL); }).then(function () { return self.skipWaiting(); }));
});
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

function networkFirst(request) {
  return fetch(request).then(function (resp) {
    if (resp.ok && !resp.redirected) {
      var copy = resp.clone();
      caches.open(CACHE).then(function (c) { c.put(request, copy); });
    }
    return resp;
  }).catch(function () {
    return caches.match(request, {ignoreSearch: true, ignoreVary: true}).then(function (hit) {
      return hit || new Response("离线：尚未缓存此页面", {status: 503, headers: {"Content-Type": "text/plain; charset=utf-8"}});
    });
  });
}

self.addEventListener("fetch", function (event) {
  var req = event.request;
  if (req.method !== "GET") return;
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === SHELL[0] || url.pathname === DATA) { event.respondWith(networkFirst(req)); return; }
  if (SHELL.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.match(req, {ignoreVary: true}).then(function (hit) { return hit || networkFirst(req); }));
  }
});
