/* chapterhouse consent. Everything optional is emitted inert (a script as type="text/plain",
   any other element with its URL in data-consent-*) and started here once the visitor agrees
   to its category. The build gives the banner a data-consent-config:
   r revision (a hash of the inventory), c categories, k category -> first-party cookies,
   e expiry in days, l log endpoint, g Google Consent Mode.
   The choice is kept first-party in localStorage: {r, g: granted, id, t: time}. */
(function () {
  "use strict";
  var KEY = "chapterhouse-consent";
  var ATTRS = ["src", "srcset", "href", "action", "formaction", "poster"];
  var doc = document;
  var banner = doc.getElementById("consent-banner");
  var form = doc.getElementById("consent-preferences");
  if (!banner) return;
  var cfg = JSON.parse(banner.getAttribute("data-consent-config"));
  var gpc = navigator.globalPrivacyControl === true;
  var GOOGLE = { analytics: ["analytics_storage"], marketing: ["ad_storage", "ad_user_data", "ad_personalization"],
    functional: ["functionality_storage", "personalization_storage"] };

  function each(selector, fn, root) {
    var list = (root || doc).querySelectorAll(selector);
    for (var i = 0; i < list.length; i++) fn(list[i]);
  }

  function stored() {
    try {
      var c = JSON.parse(localStorage.getItem(KEY));
      var fresh = c && c.r === cfg.r && Array.isArray(c.g) && Date.now() - Date.parse(c.t) < cfg.e * 864e5;
      return fresh ? c : null;
    } catch (e) {
      return null;
    }
  }

  function google(mode, granted) {
    if (!cfg.g) return;
    window.dataLayer = window.dataLayer || [];
    window.gtag = window.gtag || function () { window.dataLayer.push(arguments); };
    var state = { security_storage: "granted" };
    for (var cat in GOOGLE) {
      for (var i = 0; i < GOOGLE[cat].length; i++) state[GOOGLE[cat][i]] = granted.indexOf(cat) < 0 ? "denied" : "granted";
    }
    if (mode === "default") state.wait_for_update = 500;
    window.gtag("consent", mode, state);
  }

  // An embed's frame replaces its placeholder once it loads.
  function show(el) {
    var figure = el.closest("[data-embed]");
    if (!figure) return;
    el.hidden = false;
    figure.querySelector(".embed-placeholder").hidden = true;
  }

  function start(el) {
    if (el.hasAttribute("data-consent-ran")) return;
    el.setAttribute("data-consent-ran", "");
    if (el.tagName === "SCRIPT") {
      var script = doc.createElement("script");
      var src = el.getAttribute("data-consent-src");
      if (src) script.src = src;
      else script.text = el.text;
      el.parentNode.insertBefore(script, el.nextSibling);
      return;
    }
    for (var a = 0; a < ATTRS.length; a++) {
      var value = el.getAttribute("data-consent-" + ATTRS[a]);
      if (value !== null) el.setAttribute(ATTRS[a], value);
    }
    if (el.tagName === "SOURCE" && el.parentNode.load) el.parentNode.load();
    show(el);
  }

  function run(granted) {
    google("update", granted);
    each("[data-consent-category]", function (el) {
      if (granted.indexOf(el.getAttribute("data-consent-category")) >= 0) start(el);
    });
  }

  function tick(granted) {
    each('input[name="category"]', function (box) { box.checked = granted.indexOf(box.value) >= 0; });
  }

  // Deletes a category's declared first-party cookies and storage entries.
  function forget(category) {
    var names = cfg.k[category] || [];
    var host = location.hostname.split(".");
    for (var n = 0; n < names.length; n++) {
      for (var d = 0; d < host.length - 1 || d === 0; d++) {
        var domain = d ? "; domain=." + host.slice(d).join(".") : "";
        doc.cookie = names[n] + "=; max-age=0; path=/" + domain;
        doc.cookie = names[n] + "=; max-age=0" + domain;
      }
      try { localStorage.removeItem(names[n]); sessionStorage.removeItem(names[n]); } catch (e) { /* no storage */ }
    }
  }

  function id() {
    var bytes = new Uint8Array(8);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function decide(granted) {
    var before = stored();
    var choice = { r: cfg.r, g: granted, id: (before && before.id) || id(), t: new Date().toISOString() };
    try { localStorage.setItem(KEY, JSON.stringify(choice)); } catch (e) { /* lasts this page only */ }
    if (cfg.l) {
      fetch(cfg.l, { method: "POST", keepalive: true, headers: { "content-type": "application/json" },
        body: JSON.stringify({ id: choice.id, time: choice.t, revision: cfg.r, granted: granted, gpc: gpc, page: location.pathname }) })
        .catch(function () { /* the choice stands without its record */ });
    }
    var withdrawn = (before ? before.g : []).filter(function (c) { return granted.indexOf(c) < 0; });
    if (withdrawn.length) {
      withdrawn.forEach(forget);
      location.reload();
      return;
    }
    banner.hidden = true;
    tick(granted);
    var status = form && form.querySelector(".consent-status");
    if (status) status.textContent = status.getAttribute("data-saved");
    run(granted);
  }

  function checked(root) {
    var granted = [];
    each('input[name="category"]:checked', function (box) { granted.push(box.value); }, root);
    return granted;
  }

  doc.addEventListener("click", function (event) {
    var target = event.target;
    var button = target.closest("[data-consent]");
    if (button) {
      var what = button.getAttribute("data-consent");
      decide(what === "accept" ? cfg.c.slice() : what === "save" ? checked(banner) : []);
    } else if (target.closest("[data-consent-open]")) {
      var choice = stored();
      tick(choice ? choice.g : []);
      banner.hidden = false;
      banner.focus();
    } else if (target.closest("[data-embed-load]")) {
      var frame = target.closest("[data-embed]").querySelector("iframe");
      start(frame);
      frame.focus();
    }
  });
  if (form) {
    form.hidden = false;
    each(".no-js-note", function (note) { note.hidden = true; });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      decide(checked(form));
    });
  }
  each("[data-consent-open], [data-embed-load]", function (el) { el.hidden = false; });

  var choice = stored();
  var granted = choice ? choice.g : [];
  google("default", []);
  tick(granted);
  if (choice) run(granted);
  else if (gpc) google("update", []);
  else banner.hidden = false;
})();
