// Refreshes the dashboard's realtime visitor count every 30 seconds. The
// page works without it: the count is then as of when the page loaded.
(function () {
  var el = document.getElementById("realtime-count");
  if (!el || !window.fetch) return;
  function refresh() {
    if (document.hidden) return;
    fetch(el.getAttribute("data-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (d) { if (d && typeof d.visitors === "number" && String(d.visitors) !== el.textContent) el.textContent = d.visitors; })
      .catch(function () {});
  }
  setInterval(refresh, 30000);
  document.addEventListener("visibilitychange", refresh);
})();
