/* liveops feedback widget: https://github.com/liveops/liveops
 *
 * Enhances the feedback forms liveops gives a service to paste into its
 * pages (each a <form data-liveops-feedback> that posts to liveops's
 * /feedback and works without this script):
 *   - fills in the page's address when the form leaves it to the script;
 *   - in "Is this page useful?", shows "How should we improve this page?"
 *     only after "No";
 *   - sends with fetch to /api/feedback and says thank you in place, in a
 *     status message that takes the focus, so the reader stays on the page;
 *   - shows the server's message next to the form when it refuses, and
 *     falls back to posting the form itself when the network fails.
 * It sets no cookies and stores nothing in the browser.
 */
(function () {
  "use strict";
  if (!window.fetch || !window.FormData) return;

  function pageURL() { return location.origin + location.pathname; }

  function message(form, cls, text, role) {
    var old = form.parentNode.querySelector("[data-liveops-message]");
    if (old) old.parentNode.removeChild(old);
    var p = document.createElement("p");
    p.setAttribute("data-liveops-message", "");
    p.className = cls;
    p.setAttribute("role", role);
    p.tabIndex = -1;
    p.textContent = text;
    form.parentNode.insertBefore(p, form.nextSibling);
    p.focus();
    return p;
  }

  function usefulForm(form) {
    var comment = form.querySelector("textarea[name=comment]");
    if (!comment) return;
    var label = comment.id && form.querySelector('label[for="' + comment.id + '"]');
    var parts = [comment, label].filter(Boolean);
    function show() {
      var no = form.querySelector("input[name=useful][value=no]");
      var open = no && no.checked;
      parts.forEach(function (el) { el.hidden = !open; });
    }
    form.addEventListener("change", show);
    show();
  }

  function enhance(form) {
    var url = form.querySelector("input[name=url]");
    if (url && (!url.value || url.value.indexOf("THE-PAGE-PATH") >= 0)) url.value = pageURL();
    if ((form.querySelector("input[name=kind]") || {}).value === "useful") usefulForm(form);

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var data = {};
      new FormData(form).forEach(function (v, k) { data[k] = v; });
      if (data.rating) data.rating = Number(data.rating);
      var button = form.querySelector("button[type=submit], button:not([type])");
      if (button) button.disabled = true;
      fetch(form.action.replace(/\/feedback$/, "/api/feedback"), {
        method: "POST",
        mode: "cors",
        credentials: "omit",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(data)
      }).then(function (res) {
        if (button) button.disabled = false;
        if (res.status === 201) {
          form.hidden = true;
          message(form, "liveops-feedback-thanks", "Thank you for your feedback.", "status");
          return;
        }
        if (res.status === 429) {
          message(form, "liveops-feedback-error", "You have sent a lot of feedback in a short time. Try again in a few minutes.", "alert");
          return;
        }
        return res.json().then(function (body) {
          var field = body && body.field && form.querySelector('[name="' + body.field + '"]');
          var p = message(form, "liveops-feedback-error", (body && body.error) || "Your feedback could not be sent.", "alert");
          if (field) {
            p.id = p.id || "liveops-feedback-error-" + body.field;
            field.setAttribute("aria-describedby", p.id);
            field.setAttribute("aria-invalid", "true");
          }
        }, function () {
          message(form, "liveops-feedback-error", "Your feedback could not be sent.", "alert");
        });
      }, function () {
        // No answer (offline, blocked): the plain form still works.
        form.submit();
      });
    });
  }

  function start() {
    var forms = document.querySelectorAll("form[data-liveops-feedback]");
    for (var i = 0; i < forms.length; i++) enhance(forms[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
