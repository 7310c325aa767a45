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
import { readFile, writeFile, stat, mkdtemp, mkdir, rm, cp } from "node:fs/promises";
import { join, extname, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";

const require = createRequire(import.meta.url);
const axePath = require.resolve("axe-core/axe.min.js");
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
  await page.addScriptTag({ path: axePath });
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
