/* Uchast's service worker (issue 14). Rendered by core.offline_views.service_worker.
   - Pages a person reads (petitions, consultations, budget projects, the home page) are kept after
     each visit and shown, marked as a saved copy, when the network is gone.
   - Never kept: account, staff, verification and API pages, and any page sent with
     "Cache-Control: no-store" or "private" (the ballot receipt page is no-store: a receipt in a
     cache on a shared phone could tie a person to a ballot).
   - Signing out empties the kept pages (and the server's Clear-Site-Data does the same).
   - A form sent without a network is never queued: the person gets a page saying nothing was sent. */
"use strict";
var VERSION = "{{ version }}";
var PAGES = "uchast-pages-v" + VERSION;
var FILES = "uchast-files-v" + VERSION;
var PRECACHE = {{ precache|safe }};
var NOTICES = {{ notices|safe }};
var PRIVATE = ["/accounts/", "/me/", "/admin/", "/api/", "/verification/", "/moderation/", "/sw.js"];
var LOGOUT = "/accounts/logout/";
var FINGERPRINTED = /\.[0-9a-f]{12}\.[a-z0-9]+$/;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(FILES).then(function (cache) { return cache.addAll(PRECACHE); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (key) { return key !== PAGES && key !== FILES; })
      .map(function (key) { return caches.delete(key); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method !== "GET") { event.respondWith(send(request, url)); return; }
  if (url.pathname.indexOf("/static/") === 0) { event.respondWith(file(event, request, url)); return; }
  if (request.mode === "navigate") { event.respondWith(page(event, request, url)); }
});

function send(request, url) {
  return fetch(request).then(function (response) {
    if (url.pathname === LOGOUT) { return caches.delete(PAGES).then(function () { return response; }); }
    return response;
  }).catch(function () {
    return caches.match("/offline/?sent=1", { cacheName: FILES }).then(function (saved) {
      if (!saved) { return new Response("Offline: nothing was sent.", { status: 503 }); }
      return new Response(saved.body, { status: 503, headers: saved.headers });
    });
  });
}

function keepable(url, response) {
  var control = response.headers.get("Cache-Control") || "";
  return response.ok && response.type === "basic" && control.indexOf("no-store") === -1 &&
    control.indexOf("private") === -1 &&
    PRIVATE.every(function (prefix) { return url.pathname.indexOf(prefix) !== 0; });
}

function page(event, request, url) {
  return fetch(request).then(function (response) {
    if (keepable(url, response)) {
      var copy = response.clone();
      event.waitUntil(caches.open(PAGES).then(function (cache) { return cache.put(request, copy); }));
    }
    return response;
  }).catch(function () {
    return caches.match(request, { cacheName: PAGES }).then(function (saved) {
      if (saved) { return marked(saved); }
      return caches.match("/offline/", { cacheName: FILES }).then(function (offline) {
        return offline || Response.error();
      });
    });
  });
}

function marked(saved) {
  return saved.text().then(function (html) {
    var notice = NOTICES[/<html lang="en"/.test(html) ? "en" : "uk"].stale;
    var banner = '<p class="notice offline-notice" role="status">' + notice + "</p>";
    return new Response(html.replace(/(<main[^>]*>)/, "$1" + banner),
      { status: 200, headers: { "Content-Type": "text/html; charset=utf-8" } });
  });
}

function file(event, request, url) {
  // Fingerprinted files never change: from the cache first. Others (development): network first.
  if (FINGERPRINTED.test(url.pathname)) {
    return caches.match(request).then(function (hit) { return hit || fetchAndKeep(event, request); });
  }
  return fetchAndKeep(event, request).catch(function () { return caches.match(request); });
}

function fetchAndKeep(event, request) {
  return fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      event.waitUntil(caches.open(FILES).then(function (cache) { return cache.put(request, copy); }));
    }
    return response;
  });
}
