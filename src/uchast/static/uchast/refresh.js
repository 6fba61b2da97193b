/* Keeps a live part of a page fresh without a library (issue 14: htmx's 52 KB for one refresh was
   most of a page's weight). Every element with data-refresh-url gets the fragment at that URL every
   data-refresh-seconds while the tab is visible; the element itself stays, so its aria-live
   announcement works, and a fragment without data-refresh-url (the phase ended) stops the refresh.
   Without JavaScript the page is complete as served. */
(function () {
  "use strict";
  function schedule(el) {
    var seconds = parseInt(el.getAttribute("data-refresh-seconds"), 10) || 60;
    window.setTimeout(function () { refresh(el); }, seconds * 1000);
  }
  function refresh(el) {
    if (document.hidden) { schedule(el); return; }
    window.fetch(el.getAttribute("data-refresh-url"), { credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.text();
      })
      .then(function (html) {
        var box = document.createElement("div");
        box.innerHTML = html;
        var fresh = box.querySelector("#" + el.id);
        if (!fresh) { schedule(el); return; }
        el.innerHTML = fresh.innerHTML;
        if (fresh.hasAttribute("data-refresh-url")) { schedule(el); } else { el.removeAttribute("data-refresh-url"); }
      })
      .catch(function () { schedule(el); });
  }
  Array.prototype.forEach.call(document.querySelectorAll("[data-refresh-url][id]"), schedule);
})();
