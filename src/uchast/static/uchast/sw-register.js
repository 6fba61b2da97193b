/* Registers the service worker (/sw.js): pages read here stay readable offline; see core/sw.js. */
if ("serviceWorker" in navigator) {
  window.addEventListener("load", function () { navigator.serviceWorker.register("/sw.js").catch(function () {}); });
}
