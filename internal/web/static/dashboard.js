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

// Reads the chart's figures out: the bucket under the pointer, or the one
// chosen with the arrow keys while the chart has focus, is named in the
// line under the chart (a live region, so screen readers say it too).
// Without it the areas' own titles show on hover, and the table below the
// chart has every figure.
(function () {
  var box = document.querySelector(".chart-box");
  var out = document.getElementById("chart-readout");
  if (!box || !out) return;
  var hits = box.querySelectorAll(".hit");
  if (!hits.length) return;
  out.hidden = false;
  out.textContent = out.getAttribute("data-hint");
  var current = -1;
  function show(i, scroll) {
    if (current >= 0) hits[current].classList.remove("active");
    current = i;
    hits[i].classList.add("active");
    out.textContent = hits[i].getAttribute("data-text");
    if (scroll && hits[i].scrollIntoView) hits[i].scrollIntoView({ block: "nearest", inline: "nearest" });
  }
  for (var i = 0; i < hits.length; i++) {
    hits[i].addEventListener("mouseenter", show.bind(null, i, false));
  }
  box.addEventListener("keydown", function (e) {
    var last = hits.length - 1, i;
    switch (e.key) {
      case "ArrowRight": i = current < 0 ? 0 : Math.min(last, current + 1); break;
      case "ArrowLeft": i = current < 0 ? last : Math.max(0, current - 1); break;
      case "Home": i = 0; break;
      case "End": i = last; break;
      default: return;
    }
    e.preventDefault();
    show(i, true);
  });
})();
