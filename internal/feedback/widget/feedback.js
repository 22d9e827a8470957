/* liveops feedback widget: enhances the <form data-liveops-feedback> forms
 * liveops gives a service (they work without it). See widget.go. */
(function () {
  "use strict";
  if (!window.fetch || !window.FormData) return;

  function pageURL() { return location.origin + location.pathname; }

  var count = 0;

  // message shows one message for the form, just after it, replacing the
  // form's earlier one (never another form's), and moves the focus to it.
  function message(form, cls, text, role) {
    if (form._liveopsMessage) form._liveopsMessage.remove();
    var p = document.createElement("p");
    p.setAttribute("data-liveops-message", "");
    p.id = "liveops-feedback-message-" + (++count);
    p.className = cls;
    p.setAttribute("role", role);
    p.tabIndex = -1;
    p.textContent = text;
    form.parentNode.insertBefore(p, form.nextSibling);
    form._liveopsMessage = p;
    p.focus();
    return p;
  }

  // clearInvalid takes back what an earlier refusal marked on the fields.
  function clearInvalid(form) {
    var marked = form.querySelectorAll("[data-liveops-invalid]");
    for (var i = 0; i < marked.length; i++) {
      marked[i].removeAttribute("aria-invalid");
      marked[i].removeAttribute("aria-describedby");
      marked[i].removeAttribute("data-liveops-invalid");
    }
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
    if ((form.querySelector("input[name=kind]") || {}).value === "useful") usefulForm(form);

    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var data = {};
      new FormData(form).forEach(function (v, k) { data[k] = v; });
      if (!data.url || data.url.indexOf("THE-PAGE-PATH") >= 0) data.url = pageURL();
      if (data.rating) data.rating = Number(data.rating);
      var button = form.querySelector("button[type=submit], button:not([type])");
      if (button) button.disabled = true;
      clearInvalid(form);
      // A request that hangs must not leave the button dead.
      var controller = window.AbortController ? new AbortController() : null;
      var timer = controller && setTimeout(function () { controller.abort(); }, 15000);
      fetch(form.action.replace(/\/feedback$/, "/api/feedback"), {
        method: "POST",
        signal: controller ? controller.signal : undefined,
        mode: "cors",
        credentials: "omit",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(data)
      }).then(function (res) {
        clearTimeout(timer);
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
            field.setAttribute("aria-describedby", p.id);
            field.setAttribute("aria-invalid", "true");
            field.setAttribute("data-liveops-invalid", "");
          }
        }, function () {
          message(form, "liveops-feedback-error", "Your feedback could not be sent.", "alert");
        });
      }, function (err) {
        clearTimeout(timer);
        if (button) button.disabled = false;
        if (err && err.name === "AbortError") {
          message(form, "liveops-feedback-error", "Your feedback could not be sent in time. Check your connection and send it again.", "alert");
          return;
        }
        // The page may not talk to liveops from script (its Content
        // Security Policy, say): the plain form post still works, and
        // liveops takes it only from the service's own pages.
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
