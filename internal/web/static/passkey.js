// Passkeys. A form marked data-passkey ("register" or "login") runs a
// WebAuthn ceremony with liveops: it fetches the options from its
// data-begin address, asks the browser for the credential, and posts it,
// with the form's fields, to its action; the answer is {"next": address}
// or {"error": message}. Without script, or in a browser without
// passkeys, the forms stay hidden and the page works without them.
(function () {
  "use strict";
  if (!window.PublicKeyCredential || !navigator.credentials) return;

  function toBase64url(buffer) {
    var bytes = new Uint8Array(buffer), s = "";
    for (var i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function fromBase64url(text) {
    var s = atob(text.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((text.length + 3) % 4));
    var bytes = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
    return bytes.buffer;
  }

  function ids(list) {
    (list || []).forEach(function (c) { c.id = fromBase64url(c.id); });
  }

  async function ceremony(form) {
    var status = form.querySelector("[role=status]");
    status.textContent = "";
    var body = new URLSearchParams(new FormData(form));
    var begin = await fetch(form.dataset.begin, { method: "POST", body: body, credentials: "same-origin" });
    var options = await begin.json();
    if (!begin.ok) throw new Error(options.error);
    var pk = options.publicKey, credential;
    pk.challenge = fromBase64url(pk.challenge);
    if (form.dataset.passkey === "register") {
      pk.user.id = fromBase64url(pk.user.id);
      ids(pk.excludeCredentials);
      var made = await navigator.credentials.create({ publicKey: pk });
      credential = {
        id: made.id, rawId: toBase64url(made.rawId), type: made.type,
        response: {
          attestationObject: toBase64url(made.response.attestationObject),
          clientDataJSON: toBase64url(made.response.clientDataJSON),
          transports: made.response.getTransports ? made.response.getTransports() : []
        }
      };
    } else {
      ids(pk.allowCredentials);
      var got = await navigator.credentials.get({ publicKey: pk });
      credential = {
        id: got.id, rawId: toBase64url(got.rawId), type: got.type,
        response: {
          authenticatorData: toBase64url(got.response.authenticatorData),
          clientDataJSON: toBase64url(got.response.clientDataJSON),
          signature: toBase64url(got.response.signature),
          userHandle: got.response.userHandle ? toBase64url(got.response.userHandle) : null
        }
      };
    }
    body.set("credential", JSON.stringify(credential));
    var finish = await fetch(form.action, { method: "POST", body: body, credentials: "same-origin" });
    var result = await finish.json();
    if (!finish.ok) throw new Error(result.error);
    var next = new URL(result.next, location.href);
    if (next.pathname === location.pathname && next.search === location.search) {
      // Only the fragment differs, which would not load the page again.
      location.hash = next.hash;
      location.reload();
    } else {
      location.assign(next.href);
    }
  }

  document.querySelectorAll("form[data-passkey]").forEach(function (form) {
    form.hidden = false;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      ceremony(form).catch(function (err) {
        var status = form.querySelector("[role=status]");
        status.textContent = err && err.name === "NotAllowedError"
          ? "The passkey was not used: it was cancelled, or took too long. Try again."
          : (err && err.message) || "Something went wrong. Try again.";
      });
    });
  });
})();
