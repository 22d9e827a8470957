// The liveops tracker, readable. This file is documentation only: script.js
// beside it is the one that is served, and it is this code minified by hand
// (no build step). Change both together; script_test.go keeps script.js
// within 1,024 bytes gzipped.
//
// Install, ideally just before </head>:
//
//   <script defer src="https://LIVEOPS/js/script.js" data-domain="example.gov"></script>
//
// Attributes on the tag (presence is what counts for the flags):
//   data-domain  the site's domain as liveops knows it (default: location.hostname)
//   data-api     where events go (default: the script's origin + "/api/event")
//   data-hash    hash routing: a new #fragment is a new page, and URLs keep it
//   data-local   count on localhost, 127.x.x.x, [::1] and file: pages too
//                (ignored otherwise; a test page on 127.0.0.1 needs it)
//
// Custom events, and calls made before the script has loaded, with this
// snippet before any call (tracker.QueueSnippet in Go):
//
//   window.liveops=window.liveops||function(){(window.liveops.q=window.liveops.q||[]).push(arguments)}
//   liveops("Signup", {props: {plan: "pro"}, revenue: {currency: "EUR", amount: 10},
//                      interactive: false, u: "/masked/url", callback: fn})
//
// Opt-out, set by the site: window.liveopsIgnore = true, or the attribute
// data-liveops-ignore on <html>. Both are read at every send, so an opt-out
// button works without a reload. The script keeps nothing in the browser:
// no cookies, no localStorage or sessionStorage, no fingerprinting.
//
// Browsers: ES2015 (Safari 10+, iOS 10+, Chrome 51+, Firefox 54+). Older
// ones fail to parse it and simply send nothing.
((w, d, L, h) => {
  let s = d.currentScript,
    D = s.dataset,
    R = d.documentElement,
    // A URL object: sendBeacon and fetch both take one.
    A = D.api || new URL("/api/event", s.src),
    M = D.domain || L.hostname,
    H = "hash" in D,
    // file: pages have an empty hostname, hence the empty alternative.
    Z = !("local" in D) && /^(localhost|127(\.\d+){3}|\[::1\]|)$/.test(L.hostname),
    q = (w.liveops || {}).q || [], // calls queued by the snippet
    N = Date.now,
    p, // the last page path counted, to count a page once
    U, // URL of the page being engaged with
    S, // deepest scroll so far on it, 0-100
    X, // scroll depth last sent (-1: none yet, so the first engagement goes)
    T, // when the current stretch of visible time began (0: hidden)
    E, // visible time banked before T, ms

    // The URL to report: the #fragment only in hash mode, as it can hold
    // tokens (OAuth) and is not a page otherwise.
    url = () => (H ? L.href : L.href.split("#")[0]),

    // post sends one event unless the site is ignored. Body is Plausible's
    // short-key JSON as a text/plain string: a "simple" request, so no CORS
    // preflight. sendBeacon outlives the page, so clicks are never delayed;
    // fetch with keepalive is the fallback (also when a beacon is refused).
    // JSON.stringify drops undefined keys, so absent options send nothing.
    post = (b, callback) => {
      Z || w.liveopsIgnore === true || "liveopsIgnore" in R.dataset ||
        (b.d = M,
        H && (b.h = 1),
        b = JSON.stringify(b),
        navigator.sendBeacon && navigator.sendBeacon(A, b) ||
          fetch(A, { method: "POST", body: b, keepalive: true }));
      // Called even when ignored, so a site waiting on it carries on.
      callback && callback();
    },

    // The public liveops(name, options) function.
    event = (n, o = {}) =>
      post({ n, u: o.u || url(), r: d.referrer || null,
             p: o.props, $: o.revenue, i: o.interactive }, o.callback),

    // Scroll depth in % of the document; clientHeight (not innerHeight,
    // which counts a horizontal scrollbar) keeps it at most 100.
    scroll = () =>
      S = Math.max(S, Math.round((scrollY + R.clientHeight) / R.scrollHeight * 100)),

    // engagement reports time on page and scroll depth for page U, as
    // Plausible does: when there is something new (deeper scroll, or 3 s
    // more time). Called when the page is hidden and before an SPA page
    // view. The hidden handler passes the banked time in as e.
    engagement = (e = E + (T && N() - T)) => {
      scroll();
      U && (S > X || e >= 3e3) &&
        (X = S, T = E = 0, post({ n: "engagement", u: U, sd: S, e }));
    },

    // A page view, only when the path (and the hash in hash mode) changed:
    // replaceState with a new query string, or a repeated push, is not a
    // new page. (n is a parameter only to save a "let".)
    page = (n) => {
      n = L.pathname + (H ? L.hash : "");
      n != p &&
        (engagement(), p = n, event("pageview"), U = url(), X = -1, S = E = 0, T = N());
    },

    // One delegated listener for left and middle clicks (auxclick; the
    // right button is 2). Outbound: a link to another host (mailto: and
    // tel: links have none, so they never count). Downloads lose their
    // query and fragment, which may hold tokens.
    click = (e, a = e.target.closest("a")) => {
      a && e.button < 2 &&
        (a.host && a.host != L.host
          ? event("Outbound Link: Click", { props: { url: a.href } })
          : /\.(pdf|(doc|xls|ppt)x?|od[tsp]|csv|txt|rtf|zip|rar|7z|gz|exe|dmg|mp[34]|epub)$/i.test(a.pathname) &&
            event("File Download", { props: { url: a.href.split(/[?#]/)[0] } }));
    };

  // Single-page apps: count after the URL has changed.
  for (let k of ["pushState", "replaceState"]) {
    let o = h[k];
    h[k] = (...a) => (o.apply(h, a), page());
  }
  w.addEventListener("popstate", page);
  H && w.addEventListener("hashchange", page);
  d.addEventListener("click", click);
  d.addEventListener("auxclick", click);
  d.addEventListener("scroll", scroll);
  // Hidden: bank the visible time and report. Visible again: restart the clock.
  d.addEventListener("visibilitychange", () =>
    d.hidden ? engagement(E += T && N() - T, T = 0) : T = T || N());
  // A prerendered page is counted when it is shown, not when it is fetched.
  d.prerendering ? d.addEventListener("prerenderingchange", page) : page();
  w.liveops = event;
  q.map((a) => event(...a));
})(window, document, location, history);
