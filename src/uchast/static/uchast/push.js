// Opt-in to browser notifications (the channels page). Without JavaScript or push support the
// button stays hidden and nothing else changes.
(function () {
  var box = document.getElementById("push-optin");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window)) { return; }
  var button = box.querySelector("button");
  var status = box.querySelector("[role=status]");
  box.hidden = false;
  function key(base64) {
    var padded = (base64 + "===".slice((base64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), function (c) { return c.charCodeAt(0); });
  }
  button.addEventListener("click", function () {
    navigator.serviceWorker.register(box.dataset.worker, { scope: "/" })
      .then(function (registration) {
        return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key(box.dataset.key) });
      })
      .then(function (subscription) {
        return fetch(box.dataset.url, {
          method: "POST", credentials: "same-origin", body: JSON.stringify(subscription),
          headers: { "Content-Type": "application/json", "X-CSRFToken": box.dataset.csrf }
        });
      })
      .then(function (response) { status.textContent = response.ok ? box.dataset.done : box.dataset.failed; })
      .catch(function () { status.textContent = box.dataset.failed; });
  });
})();
