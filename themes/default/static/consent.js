/* chapterhouse consent: scripts of non-necessary cookie categories stay blocked
   (type="text/plain") until the visitor agrees. The choice is kept first-party in
   localStorage with the cookie inventory's revision; a higher revision asks again. */
(function () {
  "use strict";
  var KEY = "chapterhouse-consent";
  var banner = document.getElementById("consent-banner");
  var form = document.getElementById("consent-preferences");
  var source = banner || form;
  if (!source) return;
  var revision = Number(source.getAttribute("data-revision"));
  var offered = ((banner && banner.getAttribute("data-categories")) || "").split(" ").filter(Boolean);

  function stored() {
    try {
      var choice = JSON.parse(window.localStorage.getItem(KEY));
      return choice && choice.revision === revision && Array.isArray(choice.granted) ? choice : null;
    } catch (e) {
      return null;
    }
  }

  var ATTRS = ["src", "srcset", "href", "action", "formaction", "poster"];

  // Puts back the URL attributes of every inert element of an accepted category; a script
  // is replaced by a live copy, since a script element runs only when inserted.
  function run(choice) {
    var held = document.querySelectorAll("[data-consent-category]");
    for (var i = 0; i < held.length; i++) {
      var el = held[i];
      if (choice.granted.indexOf(el.getAttribute("data-consent-category")) < 0 || el.hasAttribute("data-consent-ran")) continue;
      el.setAttribute("data-consent-ran", "");
      if (el.tagName === "SCRIPT") {
        var script = document.createElement("script");
        var src = el.getAttribute("data-consent-src") || el.getAttribute("data-src");
        if (src) script.src = src;
        else script.text = el.text;
        el.parentNode.insertBefore(script, el.nextSibling);
        continue;
      }
      for (var a = 0; a < ATTRS.length; a++) {
        var value = el.getAttribute("data-consent-" + ATTRS[a]);
        if (value !== null) el.setAttribute(ATTRS[a], value);
      }
      if (el.tagName === "SOURCE" && el.parentNode.load) el.parentNode.load();
      show(el);
    }
  }

  // An embed's frame replaces its placeholder once it loads.
  function show(el) {
    var figure = el.closest && el.closest("[data-embed]");
    if (!figure) return;
    el.hidden = false;
    var placeholder = figure.querySelector(".embed-placeholder");
    if (placeholder) placeholder.hidden = true;
  }

  var loaders = document.querySelectorAll("[data-embed-load]");
  for (var l = 0; l < loaders.length; l++) {
    loaders[l].hidden = false;
    loaders[l].addEventListener("click", function (event) {
      var frame = event.currentTarget.closest("[data-embed]").querySelector("iframe[data-consent-src]");
      frame.setAttribute("src", frame.getAttribute("data-consent-src"));
      frame.setAttribute("data-consent-ran", "");
      show(frame);
      frame.focus();
    });
  }

  function showForm(choice) {
    if (!form) return;
    form.hidden = false;
    var note = document.querySelector(".no-js-note");
    if (note) note.hidden = true;
    var boxes = form.querySelectorAll('input[name="category"]');
    for (var i = 0; i < boxes.length; i++) boxes[i].checked = !!choice && choice.granted.indexOf(boxes[i].value) >= 0;
  }

  function decide(granted) {
    var choice = { revision: revision, granted: granted, date: new Date().toISOString().slice(0, 10) };
    try {
      window.localStorage.setItem(KEY, JSON.stringify(choice));
    } catch (e) { /* storage refused: the choice lasts for this page only */ }
    if (banner) banner.hidden = true;
    showForm(choice);
    var status = form && form.querySelector(".consent-status");
    if (status) status.textContent = status.getAttribute("data-saved") || "\u2713";
    run(choice);
  }

  function all() {
    if (offered.length) return offered.slice();
    var boxes = form ? form.querySelectorAll('input[name="category"]') : [];
    var keys = [];
    for (var i = 0; i < boxes.length; i++) keys.push(boxes[i].value);
    return keys;
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-consent]") : null;
    if (!button) return;
    decide(button.getAttribute("data-consent") === "accept" ? all() : []);
  });
  if (form) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var granted = [];
      var boxes = form.querySelectorAll('input[name="category"]:checked');
      for (var i = 0; i < boxes.length; i++) granted.push(boxes[i].value);
      decide(granted);
    });
  }

  var choice = stored();
  showForm(choice);
  if (choice) run(choice);
  else if (banner) banner.hidden = false;
})();
