// The tracking page: checks every five seconds whether events arrive (for
// ten minutes, while the page is in view), and copies the tag. The page
// works without it: "Check again" reloads, and the tag can be selected.
(function () {
  var shown = document.querySelectorAll(".js-only");
  for (var i = 0; i < shown.length; i++) shown[i].hidden = false;

  var status = document.getElementById("tracking-status");
  if (status && window.fetch) {
    var started = Date.now(), last = status.innerHTML.trim();
    var timer = setInterval(function () {
      if (Date.now() - started > 10 * 60 * 1000) { clearInterval(timer); return; }
      if (document.hidden) return;
      fetch(status.getAttribute("data-url"), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : null; })
        .then(function (html) {
          // Replaced only when it says something new, so that a screen
          // reader announces news, not the same words every five seconds.
          if (html !== null && html.trim() !== last) { last = html.trim(); status.innerHTML = html; }
        })
        .catch(function () {});
    }, 5000);
  }

  var buttons = document.querySelectorAll("button[data-copy]");
  for (var j = 0; j < buttons.length; j++) {
    buttons[j].addEventListener("click", function (e) {
      var button = e.currentTarget, source = document.getElementById(button.getAttribute("data-copy"));
      var done = button.parentNode.querySelector(".copy-done");
      if (!source || !navigator.clipboard) return;
      navigator.clipboard.writeText(source.textContent).then(function () {
        if (done) done.textContent = "Copied.";
      }, function () {
        if (done) done.textContent = "Could not copy: select the tag and copy it yourself.";
      });
    });
  }
})();
