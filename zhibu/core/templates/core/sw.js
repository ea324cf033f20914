{% load static %}/* zhibu service worker {{ version|escapejs }}.
   It keeps exactly three things: the offline page, the stylesheet and the icon. Pages are never
   cached — they hold personal data (names, ID numbers, phones) that must not linger on a phone. */
"use strict";

const CACHE = "zhibu-{{ version|escapejs }}";
const OFFLINE_URL = "{% url 'core:offline' as offline_url %}{{ offline_url|escapejs }}";
const ASSETS = ["{{ css|escapejs }}", "{% static 'core/icons/icon.svg' as icon %}{{ icon|escapejs }}"];

const ASSET_HREFS = ASSETS.map((url) => new URL(url, self.location.href).href);

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches.open(CACHE).then((cache) =>
      cache.addAll(
        // credentials "omit": the offline page is fetched as an anonymous visitor, so the cached
        // copy carries no name, organization or session token.
        [OFFLINE_URL, ...ASSETS].map((url) => new Request(url, { cache: "reload", credentials: "omit" }))
      )
    ).then(() => self.skipWaiting())
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(
        keys.filter((key) => key.startsWith("zhibu-") && key !== CACHE).map((key) => caches.delete(key))
      ))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;

  if (request.mode === "navigate") {
    // Network only; when the network is gone show the offline page in place of the one asked for.
    event.respondWith(
      fetch(request).catch(() =>
        caches.match(OFFLINE_URL, { ignoreVary: true }).then((page) => page || Response.error())
      )
    );
    return;
  }

  if (ASSET_HREFS.includes(request.url)) {
    // Network first so a changed stylesheet shows at once; the cached copy only when offline.
    event.respondWith(
      fetch(request).catch(() =>
        caches.match(request, { ignoreVary: true }).then((asset) => asset || Response.error())
      )
    );
  }
  // Everything else: the browser's normal handling, nothing stored.
});
