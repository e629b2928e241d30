// WasmSentinel dashboard: live alerts (SSE), alert detail, rules with counters and
// enable/disable, source/sink health and the network edge, all from the agent's own endpoint.
import { $ } from "./dom.js";
import { getJson, getText, token } from "./api.js";
import { startStream } from "./alerts.js";
import { initRules, renderRules } from "./rules.js";
import { renderHealth } from "./health.js";
import { renderNetwork } from "./network.js";
import { parse } from "./prometheus.js";

const REFRESH_MS = 2000;
let refreshing = false;

async function refresh() {
  if (refreshing) return;
  refreshing = true;
  try {
    // One request after the other: the browser then reuses one connection, and the agent's
    // few HTTP workers (each idle keep-alive connection holds one) stay free for others.
    const rules = await getJson("/api/v1/rules");
    const metricsText = await getText("/metrics");
    const healthz = await getText("/healthz");
    const readyz = await getText("/readyz");
    const network = await getJson("/api/v1/network");
    const metrics = parse(metricsText.text);
    renderRules(rules, metrics);
    renderHealth(metrics, healthz, readyz);
    renderNetwork(network);
    $("rules-panel").classList.remove("stale");
  } catch (e) {
    // The agent stopped or restarted: say so and keep trying.
    $("ready-state").textContent = "agent unreachable";
    $("ready-state").className = "pill warn";
    $("rules-panel").classList.add("stale");
    console.warn("dashboard refresh:", e.message);
  } finally {
    refreshing = false;
  }
}

function initToken() {
  const input = $("token");
  const state = $("token-state");
  const show = () => (state.textContent = token.get() ? "token set for this tab" : "no token: read-only");
  $("token-form").addEventListener("submit", (e) => {
    e.preventDefault();
    token.set(input.value.trim());
    input.value = "";
    show();
  });
  $("token-forget").addEventListener("click", () => {
    token.set("");
    show();
  });
  show();
}

function start() {
  initToken();
  initRules(refresh);
  startStream();
  refresh();
  setInterval(refresh, REFRESH_MS);
}

start();
