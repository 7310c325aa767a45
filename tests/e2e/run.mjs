// End-to-end checks of the built example site in Debian's Chromium:
//   node run.mjs SITE_DIR FRENCH_SITE_DIR ARTIFACTS_DIR
// SITE_DIR is the organisation build, FRENCH_SITE_DIR a standalone French chapter build.
// Each is served on loopback by a tiny static server; every page type is checked with
// axe-core (WCAG 2.2 A/AA), screenshots are saved, the consent banner is clicked through,
// and the data-processing page must not scroll sideways at 375 px. Live reload is checked
// against the real `chapterhouse serve` (the release binary, or $CHAPTERHOUSE) on a copy of
// tests/fixtures/small: a page open in Chromium must reload by itself after an edit.
import { createServer } from "node:http";
import { spawn } from "node:child_process";
import { readFile, writeFile, stat, mkdtemp, mkdir, rm, cp, readdir } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import { join, extname, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axePath = require.resolve("axe-core/axe.min.js");
const axeSource = await readFile(axePath, "utf8");
const [siteDir, frenchDir, artifacts] = process.argv.slice(2).map((p) => resolve(p));
if (!siteDir || !frenchDir || !artifacts) {
  console.error("usage: node run.mjs SITE_DIR FRENCH_SITE_DIR ARTIFACTS_DIR");
  process.exit(2);
}

const types = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript",
  ".xml": "application/xml", ".ics": "text/calendar", ".json": "application/json",
  ".csv": "text/csv", ".txt": "text/plain", ".svg": "image/svg+xml", ".png": "image/png",
};

function serve(root) {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let file = join(root, path);
    if (!file.startsWith(root)) { res.writeHead(403).end(); return; }
    try {
      if ((await stat(file)).isDirectory()) file = join(file, "index.html");
      const body = await readFile(file);
      res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" }).end(body);
    } catch {
      const body = await readFile(join(root, "404.html")).catch(() => "not found");
      res.writeHead(404, { "content-type": types[".html"] }).end(body);
    }
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

const failures = [];
const fail = (message) => { failures.push(message); console.error(`FAIL ${message}`); };

async function checkPage(page, base, path, name) {
  const response = await page.goto(base + path, { waitUntil: "load" });
  const status = response?.status();
  const expected = name.startsWith("404") ? 404 : 200;
  if (status !== expected) fail(`${name} ${path}: HTTP ${status}, expected ${expected}`);
  // Evaluated through the DevTools protocol: the pages' content security policy (header
  // and meta tag) refuses inline scripts, as it should.
  await page.evaluate(axeSource);
  const results = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] } }),
  );
  for (const v of results.violations) {
    fail(`${name} ${path}: axe ${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(" | ")}`);
  }
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
  console.log(`ok   ${name} ${path} (${results.passes.length} axe rules passed)`);
}

const userData = await mkdtemp(join(tmpdir(), "chapterhouse-e2e-"));
await mkdir(artifacts, { recursive: true });
const english = await serve(siteDir);
const french = await serve(frenchDir);
const en = `http://127.0.0.1:${english.address().port}`;
const fr = `http://127.0.0.1:${french.address().port}`;
const context = await chromium.launchPersistentContext(userData, {
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run"],
});
const page = context.pages()[0] ?? (await context.newPage());
page.setDefaultTimeout(5000);
const externalRequests = [];
page.on("request", (r) => { const u = new URL(r.url()); if (u.hostname !== "127.0.0.1") externalRequests.push(r.url()); });

try {
  // A notice page: the first notice linked from the notices index.
  await page.goto(`${en}/notices/`);
  const notice = await page.evaluate(() => document.querySelector("main a[href*='/notices/'][href$='/']:not([href$='/notices/'])")?.getAttribute("href"));
  const pages = [
    ["home-en", en, "/"], ["chapters-en", en, "/chapters/"], ["chapter-home-en", en, "/chapters/london/"],
    ["chapter-page-en", en, "/chapters/london/study-group/"], ["notices-en", en, "/notices/"],
    ["notice-en", en, notice ?? "/notices/missing-notice/"], ["privacy-en", en, "/privacy/"], ["cookies-en", en, "/cookies/"],
    ["data-processing-en", en, "/data-processing/"], ["ethics-en", en, "/ethics/"], ["oath-en", en, "/oath/"],
    ["404-en", en, "/no/such/page/"],
    ["home-fr", fr, "/"], ["chapter-page-fr", fr, "/groupe-de-travail/"], ["notices-fr", fr, "/notices/"],
    ["notice-fr", fr, "/notices/2026-11-05-conference-fevrier/"],
    ["privacy-fr", fr, "/privacy/"], ["cookies-fr", fr, "/cookies/"], ["data-processing-fr", fr, "/data-processing/"],
    ["ethics-fr", fr, "/ethics/"], ["oath-fr", fr, "/oath/"], ["404-fr", fr, "/pas/de/page/"],
    ["chapters-fr", en, "/chapters/paris/"],
  ];
  if (!notice) fail("notices index links no notice");
  for (const [name, base, path] of pages) {
    await context.clearCookies();
    await page.goto(base + "/").catch(() => {});
    await page.evaluate(() => localStorage.clear()).catch(() => {});
    await checkPage(page, base, path, name);
  }

  // Consent: reject, then analytics never runs; accept, then it does; change on the cookie page.
  await consent().catch((e) => fail(`consent: ${e.message.split("\n")[0]}`));

  // Narrow screens: the data-processing page must not scroll sideways at 375 px.
  for (const base of [en, fr]) {
    await page.setViewportSize({ width: 375, height: 800 });
    await page.goto(`${base}/data-processing/`);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    if (overflow > 0) fail(`data-processing at 375 px scrolls sideways by ${overflow} px (${base})`);
    await page.screenshot({ path: join(artifacts, `data-processing-375-${base === en ? "en" : "fr"}.png`), fullPage: true });
  }
  console.log("ok   data-processing fits 375 px");

  await regulator().catch((e) => fail(`regulator crawl: ${e.message.split("\n")[0]}`));
  await scriptSize().catch((e) => fail(`consent.js size: ${e.message.split("\n")[0]}`));
  await liveReload().catch((e) => fail(`live reload: ${e.message.split("\n")[0]}`));
  if (externalRequests.length) fail(`third-party requests: ${[...new Set(externalRequests)].join(", ")}`);
} finally {
  await context.close();
  english.close();
  french.close();
  await rm(userData, { recursive: true, force: true });
}

async function consent() {
  await page.evaluate(() => localStorage.clear());
  await page.goto(`${en}/`);
  const banner = page.getByRole("region", { name: /cookie/i }).or(page.getByRole("dialog", { name: /cookie/i }));
  if (!(await banner.count())) fail("no consent banner on first visit");
  await page.getByRole("button", { name: /reject/i }).first().click();
  await page.goto(`${en}/about/`);
  if (await page.evaluate(() => Boolean(window.__chapterhouseAnalytics))) fail("analytics ran after Reject");
  if (await banner.isVisible().catch(() => false)) fail("banner shown again after a choice");
  await page.goto(`${en}/cookies/`);
  await page.getByRole("button", { name: /accept/i }).first().click();
  await page.goto(`${en}/membership/`);
  if (!(await page.evaluate(() => Boolean(window.__chapterhouseAnalytics)))) fail("analytics did not run after Accept on the cookie page");
  await page.screenshot({ path: join(artifacts, "consent-accepted.png") });
  await page.goto(`${en}/cookies/`);
  await page.getByRole("button", { name: /reject/i }).first().click();
  await page.goto(`${en}/membership/`);
  if (await page.evaluate(() => Boolean(window.__chapterhouseAnalytics))) fail("analytics ran after changing the choice to Reject");
  console.log("ok   consent: reject, accept, change from the cookie page");
}

// --- The crawl a regulator's inspection tool makes (the EDPS Website Evidence Collector is
// the model): every page of both example sites, in fresh browser profiles, recording each
// request to another host. The machine has no internet, so such requests are answered by a
// stub and counted, never sent.
async function htmlPages(root) {
  const found = [];
  async function walk(dir) {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.name.endsWith(".html") && entry.name !== "404.html") {
        // A redirect page (an alias) navigates at once: it is crawled where it leads.
        if ((await readFile(path, "utf8")).includes('http-equiv="refresh"')) continue;
        found.push(path.slice(root.length).replace(/index\.html$/, ""));
      }
    }
  }
  await walk(root);
  return found.sort();
}

async function profile({ gpc = false } = {}) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"],
  });
  const ctx = await browser.newContext();
  const requests = [];
  await ctx.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === "127.0.0.1") return route.continue();
    requests.push(url.href);
    return route.fulfill({ status: 200, contentType: "text/html", body: "<!doctype html><title>stub</title>" });
  });
  if (gpc) await ctx.addInitScript(() => Object.defineProperty(Navigator.prototype, "globalPrivacyControl", { get: () => true }));
  const tab = await ctx.newPage();
  tab.setDefaultTimeout(5000);
  const hosts = () => [...new Set(requests.map((u) => new URL(u).host))].sort();
  return { browser, ctx, tab, requests, hosts, close: () => browser.close() };
}

// Visits every page of both sites; `each` may check something on each page.
// `prepare` runs first on each site (each is its own origin, with its own stored choice).
async function crawl(p, what, each, prepare) {
  const before = p.requests.length;
  let pages = 0;
  for (const [base, dir] of [[en, siteDir], [fr, frenchDir]]) {
    if (prepare) await prepare(base);
    for (const path of await htmlPages(dir)) {
      await p.tab.goto(base + path, { waitUntil: "load" });
      pages++;
      if (each) await each(base + path);
    }
  }
  const extra = p.requests.slice(before);
  if (extra.length) fail(`${what}: ${extra.length} request(s) to other hosts: ${[...new Set(extra)].slice(0, 5).join(", ")}`);
  else console.log(`ok   ${what}: ${pages} pages, no request to another host`);
  return pages;
}

function studyGroup() { return `${en}/chapters/london/study-group/`; }
function bannerShown(tab) { return tab.evaluate(() => !document.getElementById("consent-banner")?.hidden); }
function stored(tab) { return tab.evaluate(() => JSON.parse(localStorage.getItem("chapterhouse-consent"))); }

async function regulator() {
  let p = await profile();
  try {
    await crawl(p, "before consent", async (url) => {
      if (!(await bannerShown(p.tab))) fail(`before consent: no banner on ${url}`);
    });
    // Load once: the map loads, nothing is stored, the banner still asks.
    await p.tab.goto(studyGroup());
    await p.tab.getByRole("button", { name: "Load this map once" }).click();
    await p.tab.waitForFunction(() => !document.querySelector("iframe[title^='Stewardship']").hidden);
    await p.tab.waitForTimeout(300);
    if (p.hosts().join() !== "www.openstreetmap.org") fail(`load once: requests went to ${p.hosts().join()}`);
    if (await stored(p.tab)) fail("load once stored a choice");
    if (!(await bannerShown(p.tab))) fail("load once hid the banner");
    console.log("ok   load once: only the map's host is asked, no choice stored");
  } finally { await p.close(); }

  p = await profile({ gpc: true });
  try {
    await crawl(p, "with Global Privacy Control", async (url) => {
      if (await bannerShown(p.tab)) fail(`GPC: the banner nags on ${url}`);
      if (await p.tab.evaluate(() => Boolean(window.__chapterhouseAnalytics))) fail(`GPC: analytics ran on ${url}`);
    });
  } finally { await p.close(); }

  p = await profile();
  try {
    await crawl(p, "after Reject all", async (url) => {
      if (await bannerShown(p.tab)) fail(`after Reject all: banner shown again on ${url}`);
    }, async (base) => {
      await p.tab.goto(`${base}/`);
      await p.tab.getByRole("button", { name: /Reject all|Tout refuser/ }).click();
    });
    const choice = await stored(p.tab);
    if (!choice || choice.g.length || !/^[0-9a-f]{16}$/.test(choice.id) || Number.isNaN(Date.parse(choice.t))) fail(`stored choice lacks id or time: ${JSON.stringify(choice)}`);
  } finally { await p.close(); }

  // Accept one category at a time, through Preferences: only its hosts are asked.
  const expected = { functional: "www.openstreetmap.org", marketing: "www.youtube-nocookie.com", analytics: "" };
  for (const [category, host] of Object.entries(expected)) {
    p = await profile();
    try {
      await p.tab.goto(studyGroup());
      const banner = p.tab.getByRole("region", { name: "Cookie consent" });
      await banner.getByText("Preferences").click();
      await banner.getByRole("checkbox", { name: new RegExp(category, "i") }).check();
      await banner.getByRole("button", { name: "Save my choice" }).click();
      await p.tab.waitForTimeout(500);
      const analytics = await p.tab.evaluate(() => Boolean(window.__chapterhouseAnalytics));
      if (p.hosts().join() !== host) fail(`accept ${category}: requests went to [${p.hosts().join()}], expected [${host}]`);
      else if (analytics !== (category === "analytics")) fail(`accept ${category}: analytics ran = ${analytics}`);
      else console.log(`ok   accept ${category} only: ${host || "no other host"}${category === "analytics" ? ", the counter ran" : ""}`);
    } finally { await p.close(); }
  }

  p = await profile();
  try {
    // Accept all, then withdraw with Cookie settings → Reject all: the cookie is gone.
    await p.tab.goto(studyGroup());
    await p.tab.getByRole("button", { name: "Accept all" }).click();
    await p.tab.waitForTimeout(500);
    if (p.hosts().join() !== "www.openstreetmap.org,www.youtube-nocookie.com") fail(`accept all: requests went to ${p.hosts().join()}`);
    const cookie = async () => (await p.ctx.cookies()).some((c) => c.name === "iris_visit");
    if (!(await cookie())) fail("accept all: the counter set no iris_visit cookie");
    // The settings control, reached and pressed by keyboard.
    let reached = false;
    for (let i = 0; i < 80 && !reached; i++) {
      await p.tab.keyboard.press("Tab");
      reached = await p.tab.evaluate(() => document.activeElement?.hasAttribute("data-consent-open"));
    }
    if (!reached) fail("Tab never reaches the Cookie settings control");
    await p.tab.keyboard.press("Enter");
    if (!(await bannerShown(p.tab))) fail("Enter on Cookie settings did not reopen the banner");
    if (!(await p.tab.evaluate(() => document.activeElement?.id === "consent-banner"))) fail("the reopened banner did not take the focus");
    if (reached) console.log("ok   Cookie settings reached by Tab, Enter reopens the banner with the focus in it");
    await p.tab.screenshot({ path: join(artifacts, "consent-settings-reopened.png") });
    await Promise.all([p.tab.waitForEvent("load"), p.tab.getByRole("button", { name: "Reject all" }).click()]);
    if (await cookie()) fail("withdrawal left the iris_visit cookie");
    else console.log("ok   withdrawal deleted iris_visit and reloaded");
    await crawl(p, "after a withdrawal");
  } finally { await p.close(); }

  p = await profile();
  try {
    // An expired choice, and one given to another inventory, are asked again.
    await p.tab.goto(`${en}/`);
    await p.tab.getByRole("button", { name: "Accept all" }).click();
    const choice = await stored(p.tab);
    for (const [what, edit] of [["an expired choice", { t: new Date(Date.now() - 183 * 864e5).toISOString() }],
      ["a choice for a changed inventory", { r: "0000000000000000" }]]) {
      await p.tab.evaluate((c) => localStorage.setItem("chapterhouse-consent", JSON.stringify(c)), { ...choice, ...edit });
      await p.tab.goto(`${en}/about/`);
      if (!(await bannerShown(p.tab))) fail(`${what} was not asked again`);
      else if (await p.tab.evaluate(() => Boolean(window.__chapterhouseAnalytics))) fail(`${what}: analytics ran`);
      else console.log(`ok   ${what} is asked again`);
    }
    // axe with the banner and both placeholders on screen.
    await p.tab.goto(studyGroup());
    const placeholders = await p.tab.locator(".embed-placeholder:visible").count();
    if (!(await bannerShown(p.tab)) || placeholders !== 2) fail(`study group: banner ${await bannerShown(p.tab)}, ${placeholders} placeholders`);
    await p.tab.evaluate(axeSource);
    const results = await p.tab.evaluate(async () =>
      // eslint-disable-next-line no-undef
      axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"] } }));
    for (const v of results.violations) fail(`banner and placeholders: axe ${v.id}: ${v.help}`);
    if (!results.violations.length) console.log("ok   axe: no violation with the banner and two placeholders on screen");
    await p.tab.screenshot({ path: join(artifacts, "study-group-placeholders.png"), fullPage: true });
  } finally { await p.close(); }
}

// consent.js must stay under 4 KB gzipped, as published and minified.
async function scriptSize() {
  const source = await readFile(join(siteDir, "consent.js"), "utf8");
  const { minify } = await import("terser");
  const min = (await minify(source, { compress: true, mangle: true })).code;
  const sizes = { published: source.length, publishedGzip: gzipSync(source, { level: 9 }).length,
    minified: min.length, minifiedGzip: gzipSync(min, { level: 9 }).length };
  if (sizes.publishedGzip >= 4096 || sizes.minifiedGzip >= 4096) fail(`consent.js over 4 KB gzipped: ${JSON.stringify(sizes)}`);
  else console.log(`ok   consent.js ${sizes.published} B (${sizes.publishedGzip} gzipped), minified ${sizes.minified} B (${sizes.minifiedGzip} gzipped)`);
}

// Starts `chapterhouse serve` on a copy of the small fixture, opens a page, views it 70 more
// times (each view closes the last page's event stream: the slots must come back), then edits
// the page's markdown and waits for the browser to reload and show the new text.
async function liveReload() {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
  const binary = process.env.CHAPTERHOUSE
    ?? join(resolve(repo, process.env.CARGO_TARGET_DIR ?? "target"), "release/chapterhouse");
  const site = await mkdtemp(join(tmpdir(), "chapterhouse-live-"));
  await cp(join(repo, "tests/fixtures/small"), site, { recursive: true });
  const server = spawn(binary, ["serve", "--port", "0", "--root", site, "--output-dir", join(site, "public")],
    { stdio: ["ignore", "pipe", "pipe"] });
  const killServer = () => server.kill("SIGKILL");
  process.once("exit", killServer);
  let stderr = "";
  server.stderr.on("data", (d) => { stderr = (stderr + d).slice(-2000); });
  const live = await context.newPage();
  try {
    const url = await new Promise((ok, no) => {
      let out = "";
      const timer = setTimeout(() => no(new Error(`no "Serving" line in 15 s: ${stderr}`)), 15000);
      server.on("exit", (code) => no(new Error(`serve exited with ${code}: ${stderr}`)));
      server.stdout.on("data", (d) => {
        out += d;
        const m = /Serving (http:\/\/\S+)/.exec(out);
        if (m) { clearTimeout(timer); ok(m[1]); }
      });
    });
    const about = `${url}about/`;
    const deadline = Date.now() + 15000;
    while ((await fetch(about).then((r) => r.status).catch(() => 0)) !== 200) {
      if (Date.now() > deadline) throw new Error("the first build never answered 200");
      await new Promise((r) => setTimeout(r, 100));
    }
    for (let view = 0; view < 70; view++) {
      const response = await live.goto(about, { waitUntil: "load" });
      if (response?.status() !== 200) throw new Error(`page view ${view + 1}: HTTP ${response?.status()}`);
    }
    // The events response must arrive while the page is open (its headers flushed at once).
    const stream = live.waitForResponse((r) => r.url().includes("/__chapterhouse/events"), { timeout: 5000 });
    await live.goto(about, { waitUntil: "load" });
    if ((await stream).status() !== 200) throw new Error(`events: HTTP ${(await stream).status()}`);
    await live.evaluate(() => { window.__beforeEdit = true; });
    const markdown = join(site, "content/about.md");
    const text = await readFile(markdown, "utf8");
    if (!text.includes("Founded in 1990")) throw new Error("the fixture changed: no `Founded in 1990`");
    await writeFile(markdown, text.replace("Founded in 1990", "Founded in 1991, live"));
    await live.waitForFunction(
      () => !window.__beforeEdit && document.body.innerText.includes("Founded in 1991, live"),
      null, { timeout: 15000 },
    );
    await live.screenshot({ path: join(artifacts, "live-reload.png") });
    console.log("ok   live reload: 71 views, then an edit reloads the open page");
  } finally {
    await live.close().catch(() => {});
    killServer();
    process.off("exit", killServer);
    await rm(site, { recursive: true, force: true });
  }
}

if (failures.length) {
  console.error(`\n${failures.length} e2e failure(s); screenshots in ${artifacts}`);
  process.exit(1);
}
console.log(`\nall e2e checks passed; screenshots in ${artifacts}`);
