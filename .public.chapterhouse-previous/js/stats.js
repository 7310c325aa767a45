/* Self-hosted visit counter of the example institute. It runs only after the visitor
   accepts analytics cookies (see data/cookies.toml); it sends nothing in this example. */
(function () {
  "use strict";
  window.__chapterhouseAnalytics = true;
  try {
    var id = document.cookie.match(/(?:^|; )iris_visit=([^;]*)/);
    if (!id) document.cookie = "iris_visit=" + Math.random().toString(36).slice(2) + "; max-age=" + 60 * 60 * 24 * 395 + "; path=/; SameSite=Lax";
  } catch (e) { /* cookies disabled */ }
})();
