// Browser test of the dashboard (docs/operations.md, "Dashboard"), with Debian's Chromium in
// headless mode driven over the DevTools protocol (chrome-remote-interface, web/dashboard's
// npm packages):
//   - `wasm-sentinel replay -` serves the HTTP endpoint on a free 127.0.0.1 port with a token,
//     fed events on standard input every 150 ms, so alerts keep arriving;
//   - the page loads with no console error, no exception and no failed request;
//   - alerts arrive live; the rule, severity and text filters count what they should;
//   - the token typed into the page and a click on a rule's Disable button stop that rule's
//     alerts while another rule's continue (and the API agrees the rule is disabled);
//   - a sequence alert shows its event chain and process ancestry; event text with markup in
//     it stays text;
//   - the network edge panel says "network edge not attached";
//   - a screenshot goes to ARTIFACTS/dashboard.png.
// Exit 0 pass, 1 fail, 77 skip (no Chromium, no chrome-remote-interface, dashboard not built).
//
// node dashboard_test.mjs BINARY SOURCE_DIR ARTIFACTS_DIR [CHROMIUM]
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { createRequire } from "node:module";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { preamble, round } from "./events.mjs";

const [binary, sourceDir, artifacts, chromium = "/usr/bin/chromium"] = process.argv.slice(2);
const ALPHA = "wsn.test.dashboard_alpha";
const BETA = "wsn.test.dashboard_beta";
const CHAIN = "wsn.test.dashboard_chain";

function skip(why) {
  try {
    cleanup(); // children started before the reason to skip showed
  } catch {
    // nothing started yet
  }
  console.log(`SKIP: ${why}`);
  process.exit(77);
}

if (!binary || !sourceDir || !artifacts) {
  console.error("usage: node dashboard_test.mjs BINARY SOURCE_DIR ARTIFACTS_DIR [CHROMIUM]");
  process.exit(2);
}
if (!fs.existsSync(chromium)) skip(`no Chromium at ${chromium} (apt-get install chromium: scripts/install-deps.sh)`);
let CDP;
try {
  CDP = createRequire(path.join(sourceDir, "web/dashboard/package.json"))("chrome-remote-interface");
} catch {
  skip("chrome-remote-interface is not installed (npm ci in web/dashboard: scripts/install-deps.sh)");
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "wsn-dashboard-"));
const children = [];
let failed = false;

function check(ok, what) {
  console.log(`${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failed = true;
  return ok;
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(what, fn, ms = 15000) {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch {
      // not yet
    }
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function startAgent(port, token) {
  const config = path.join(tmp, "config.yml");
  fs.writeFileSync(
    config,
    `version: 1\nhttp:\n  enabled: true\n  listen: 127.0.0.1:${port}\n  token: "${token}"\n`,
  );
  const agent = spawn(binary, ["replay", "-", "-r", path.join(sourceDir, "tests/dashboard/rules"), "-c", config], {
    stdio: ["pipe", "ignore", "pipe"],
  });
  children.push(agent);
  let stderr = "";
  agent.stderr.on("data", (d) => (stderr += d));
  agent.on("exit", (code) => {
    if (code) console.error(`wasm-sentinel exited ${code}: ${stderr}`);
  });
  agent.stdin.on("error", () => {});
  for (const e of preamble()) agent.stdin.write(`${JSON.stringify(e)}\n`);
  let n = 0;
  let paused = false;
  const feeder = setInterval(() => paused || agent.stdin.write(`${round(++n).join("\n")}\n`), 150);
  return {
    stop: () => clearInterval(feeder),
    pause: () => (paused = true),
    resume: () => (paused = false),
  };
}

async function startChromium() {
  const profile = path.join(tmp, "profile");
  const browser = spawn(
    chromium,
    [
      "--headless=new",
      "--no-sandbox", // root in CI containers; the page is our own
      "--disable-gpu",
      "--disable-dev-shm-usage",
      "--no-first-run",
      "--no-default-browser-check",
      "--disable-extensions",
      "--disable-background-networking",
      "--remote-debugging-address=127.0.0.1",
      "--remote-debugging-port=0",
      `--user-data-dir=${profile}`,
      "--window-size=1400,1400",
      "about:blank",
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  children.push(browser);
  let stderr = "";
  browser.stderr.on("data", (d) => (stderr += d));
  const portFile = path.join(profile, "DevToolsActivePort");
  const port = await waitFor(
    "Chromium's DevTools port",
    () => fs.existsSync(portFile) && Number(fs.readFileSync(portFile, "utf8").split("\n")[0]),
    20000,
  ).catch((e) => {
    throw new Error(`${e.message}; chromium said: ${stderr.slice(-2000)}`);
  });
  return { browser, port };
}

async function main() {
  const port = await freePort();
  const token = randomBytes(16).toString("hex");
  const base = `http://127.0.0.1:${port}`;
  const feed = await startAgent(port, token);
  await waitFor("the agent's /readyz", async () => (await fetch(`${base}/readyz`)).ok);

  const page = await fetch(`${base}/dashboard/`);
  if (page.status === 503) skip(`the dashboard is not in this build: ${(await page.text()).trim()}`);
  check(page.ok && (page.headers.get("content-security-policy") || "").includes("script-src 'self'"),
    "GET /dashboard/ serves the page with a Content-Security-Policy");

  const { port: cdpPort } = await startChromium();
  const client = await CDP({ host: "127.0.0.1", port: cdpPort });
  const { Page, Runtime, Log, Network, Input, Emulation } = client;
  const errors = [];
  Runtime.consoleAPICalled(({ type, args }) => {
    if (type === "error" || type === "assert") errors.push(`console.${type}: ${args.map((a) => a.value ?? a.description).join(" ")}`);
  });
  Runtime.exceptionThrown(({ exceptionDetails: d }) => errors.push(`exception: ${d.exception?.description || d.text}`));
  Log.entryAdded(({ entry }) => {
    if (entry.level === "error") errors.push(`log (${entry.source}): ${entry.text} ${entry.url || ""}`);
  });
  Network.loadingFailed(({ errorText, canceled }) => {
    if (!canceled) errors.push(`request failed: ${errorText}`);
  });
  await Promise.all([Page.enable(), Runtime.enable(), Log.enable(), Network.enable()]);
  await Emulation.setDeviceMetricsOverride({ width: 1400, height: 1250, deviceScaleFactor: 1, mobile: false });

  const evaluate = async (expression) => {
    const r = await Runtime.evaluate({ expression, returnByValue: true, awaitPromise: true });
    if (r.exceptionDetails) throw new Error(`${expression}: ${r.exceptionDetails.exception?.description}`);
    return r.result.value;
  };
  // A real mouse click in the middle of the element (as a user's, through hit-testing).
  const click = async (selector) => {
    const box = await evaluate(`(() => { const e = document.querySelector(${JSON.stringify(selector)});
      if (!e) return null; e.scrollIntoView({block: "center"}); const r = e.getBoundingClientRect();
      return {x: r.x + r.width / 2, y: r.y + r.height / 2}; })()`);
    if (!box) throw new Error(`nothing to click at ${selector}`);
    for (const type of ["mouseMoved", "mousePressed", "mouseReleased"]) {
      await Input.dispatchMouseEvent({ type, x: box.x, y: box.y, button: "left", clickCount: 1 });
    }
  };
  // What the alert list's counter says under a filter: "(X of Y)" or "(Y)".
  const filtered = async (rule, severity, text) =>
    evaluate(`(async () => {
      const set = (id, v) => { const e = document.getElementById(id); e.value = v; e.dispatchEvent(new Event("input")); };
      set("filter-rule", ${JSON.stringify(rule)}); set("filter-severity", ${JSON.stringify(severity)});
      set("filter-text", ${JSON.stringify(text)});
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      const m = /\\(([\\d,]+)(?: of ([\\d,]+))?\\)/.exec(document.getElementById("alert-count").textContent);
      const n = (s) => Number((s || "0").replace(/,/g, ""));
      return {shown: n(m && m[1]), total: n(m && (m[2] || m[1])), rows: document.querySelectorAll("#alerts tbody tr").length};
    })()`);
  const countOf = async (rule) => (await filtered(rule, "0", "")).shown;

  await Page.navigate({ url: `${base}/dashboard/` });
  await Page.loadEventFired();

  // The rules are listed (they also fill the rule filter).
  await waitFor("the rules table", () =>
    evaluate(`document.querySelectorAll("#rules tbody tr").length === 3 && document.getElementById("filter-rule").options.length === 4`));
  // Alerts arrive live, from both tool rules and the sequence.
  await waitFor("alerts of both rules in the page", async () => (await countOf(ALPHA)) >= 3 && (await countOf(BETA)) >= 3);
  await waitFor("a sequence alert", async () => (await countOf(CHAIN)) >= 1);
  const a0 = await countOf(ALPHA);
  await sleep(1000);
  check((await countOf(ALPHA)) > a0, `alerts keep arriving (${ALPHA}: ${a0} → more a second later)`);
  check(await evaluate(`document.getElementById("stream-state").textContent === "live"`), "the stream says live");

  // Filters, exactly, with the feed paused (nothing arrives between two counts): severity
  // "high and above" = alpha (high) + chain (critical); the text filter (case-insensitive)
  // finds the beta lines; all = the three rules.
  feed.pause();
  await sleep(800);
  const a = await countOf(ALPHA);
  const b = await countOf(BETA);
  const c = await countOf(CHAIN);
  const all = await filtered("", "0", "");
  const high = await filtered("", "73", "");
  const text = await filtered("", "0", "BETA-TOOL --ROUND");
  const highBeta = await filtered(BETA, "73", "");
  feed.resume();
  check(all.total === a + b + c, `rule filter: ${a} alpha + ${b} beta + ${c} chain = ${all.total} alerts`);
  check(high.shown === a + c, `severity filter: ${high.shown} high or above (alpha + chain = ${a + c})`);
  check(text.shown === b, `text filter: ${text.shown} alerts contain "beta-tool --round" (beta: ${b})`);
  check(highBeta.shown === 0, "rule and severity filters combine (no high beta alert)");
  await filtered("", "0", "");

  // Per-rule counters from /metrics show up in the rules table.
  await waitFor("rule counters", async () =>
    Number((await evaluate(`document.querySelector('tr[data-rule-id="${BETA}"] td:nth-child(7)').textContent`)).replace(/,/g, "")) > 0);
  check(true, "the rules table shows per-rule alert counters");

  // Token in the page (sessionStorage), then the Disable button of alpha.
  await click("#token");
  await Input.insertText({ text: token });
  await click("#token-save");
  check(await evaluate(`sessionStorage.getItem("wsn.token") === ${JSON.stringify(token)} && document.getElementById("token").value === ""`),
    "the token is kept in sessionStorage, not in the field");
  await click(`button[data-rule-button="${ALPHA}"]`);
  await waitFor("alpha disabled in the page", () =>
    evaluate(`document.querySelector('tr[data-rule-id="${ALPHA}"] .state').textContent === "disabled"`));
  check(/disabled/.test(await evaluate(`document.getElementById("rules-message").textContent`)), "the page confirms the rule was disabled");
  const rules = await (await fetch(`${base}/api/v1/rules`)).json();
  check(rules.find((r) => r.id === ALPHA)?.enabled === false && rules.find((r) => r.id === BETA)?.enabled === true,
    "the API agrees: alpha disabled, beta enabled");
  // The agent's own count of alpha alerts stops, and the page has every one of them; beta goes on.
  const alertsOf = async (rule) => {
    const text = await (await fetch(`${base}/metrics`)).text();
    const m = new RegExp(`^wsn_alerts_total\\{rule="${rule.replace(/\./g, "\\.")}",[^}]*\\} (\\d+)$`, "m").exec(text);
    return m ? Number(m[1]) : 0;
  };
  await sleep(1500); // detections of the batch that was being matched when the rules changed
  const a1 = await alertsOf(ALPHA);
  const b1 = await countOf(BETA);
  await sleep(4000);
  const a2 = await alertsOf(ALPHA);
  const b2 = await countOf(BETA);
  const aPage = await countOf(ALPHA);
  check(a2 === a1 && aPage === a2, `no alpha alert after disabling it (agent: ${a1} → ${a2} in 4 s; page: ${aPage})`);
  check(b2 >= b1 + 10, `beta alerts continue (${b1} → ${b2} in 4 s)`);

  // A sequence alert: its event chain and the ancestry of the alerting process.
  await filtered(CHAIN, "0", "");
  await click("#alerts tbody tr");
  const detail = await evaluate(`({
    events: document.querySelectorAll("#detail-events > li").length,
    ancestry: document.getElementById("detail-ancestry").textContent,
    chain: document.getElementById("detail-events").textContent })`);
  check(detail.events === 2, `the event chain lists the sequence's 2 events (got ${detail.events})`);
  check(/sshd/.test(detail.ancestry) && /bash/.test(detail.ancestry) && /alerting process/.test(detail.ancestry),
    "the ancestry shows sshd → bash → the alerting process");
  await filtered(BETA, "0", "");
  await click("#alerts tbody tr");
  check(await evaluate(`document.getElementById("detail-events").textContent.includes("<script>alert(1)</script>")
      && document.scripts.length === 1`), "markup in an event (a command line) is shown as text, never run");

  check(/network edge not attached/.test(await evaluate(`document.getElementById("network-status").textContent`)),
    "the network edge panel says: network edge not attached");
  check(/dashboard/.test(await evaluate(`document.getElementById("sinks").textContent`)) &&
      /stdin/.test(await evaluate(`document.getElementById("sources").textContent`)),
    "source and sink health lists the stdin source and the dashboard stream");
  const metrics = await (await fetch(`${base}/metrics`)).text();
  check(/^wsn_http_stream_clients 1$/m.test(metrics), "/metrics counts the page's alert stream");

  // The screenshot: every alert, the sequence alert's detail open.
  await filtered("", "0", "");
  await click(`#alerts tbody tr[data-rule="${CHAIN}"]`);
  await evaluate("window.scrollTo(0, 0)");
  await sleep(300);
  const shot = await Page.captureScreenshot({ format: "png", captureBeyondViewport: true });
  fs.mkdirSync(artifacts, { recursive: true });
  fs.writeFileSync(path.join(artifacts, "dashboard.png"), Buffer.from(shot.data, "base64"));
  console.log(`screenshot: ${path.join(artifacts, "dashboard.png")}`);

  check(errors.length === 0, `no console error, exception or failed request${errors.length ? `:\n  ${errors.join("\n  ")}` : ""}`);
  feed.stop();
  await client.close();
}

const timer = setTimeout(() => {
  console.error("FAIL: the test took more than 120 s");
  cleanup();
  process.exit(1);
}, 120000);

function cleanup() {
  for (const c of children) {
    if (c.exitCode === null) c.kill("SIGKILL");
  }
  // Chromium's last writes may still land while it dies: retry the removal.
  try {
    fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  } catch (e) {
    console.warn(`could not remove ${tmp}: ${e.message}`);
  }
}

main()
  .catch((e) => {
    console.error(`FAIL: ${e.stack || e}`);
    failed = true;
  })
  .finally(() => {
    clearTimeout(timer);
    cleanup();
    console.log(failed ? "dashboard test: FAILED" : "dashboard test: passed");
    process.exit(failed ? 1 : 0);
  });
