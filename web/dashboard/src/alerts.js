// Live alerts: the server-sent event stream (GET /api/v1/alerts/stream), kept in memory
// (newest MAX_KEPT), filtered by rule, severity and text, newest first.
import { $, clear, el, fmt } from "./dom.js";
import { showDetail } from "./alert_detail.js";

const MAX_KEPT = 2000;
const MAX_SHOWN = 300;

const alerts = []; // {seq, json (parsed), raw (lowercased line)}
let selected = null;
let renderQueued = false;
const listeners = [];

export function onAlert(fn) {
  listeners.push(fn);
}

export function alertCounts() {
  const byRule = new Map();
  for (const a of alerts) byRule.set(ruleId(a), (byRule.get(ruleId(a)) || 0) + 1);
  return byRule;
}

const ruleId = (a) => a.json.rule?.id ?? "";

export function startStream() {
  const state = $("stream-state");
  const source = new EventSource("/api/v1/alerts/stream");
  source.addEventListener("open", () => {
    state.textContent = "live";
    state.className = "pill ok";
  });
  source.addEventListener("error", () => {
    // EventSource reconnects by itself (sending Last-Event-ID, so nothing is shown twice).
    state.textContent = source.readyState === EventSource.CLOSED ? "stream closed" : "reconnecting…";
    state.className = "pill warn";
  });
  source.addEventListener("alert", (e) => {
    let json;
    try {
      json = JSON.parse(e.data);
    } catch {
      return; // not an alert line; never expected from the agent
    }
    const a = { seq: Number(e.lastEventId) || alerts.length + 1, json, raw: e.data.toLowerCase() };
    alerts.push(a);
    if (alerts.length > MAX_KEPT) alerts.splice(0, alerts.length - MAX_KEPT);
    listeners.forEach((fn) => fn(a));
    queueRender();
  });
  for (const id of ["filter-rule", "filter-severity", "filter-text"]) {
    $(id).addEventListener("input", queueRender);
  }
}

function queueRender() {
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(() => {
    renderQueued = false;
    render();
  });
}

function matches(a, rule, minSeverity, text) {
  if (rule && ruleId(a) !== rule) return false;
  if ((a.json.event?.severity ?? 0) < minSeverity) return false;
  return !text || a.raw.includes(text);
}

function render() {
  const rule = $("filter-rule").value;
  const minSeverity = Number($("filter-severity").value) || 0;
  const text = $("filter-text").value.trim().toLowerCase();
  const body = $("alerts").tBodies[0];
  clear(body);
  let shown = 0;
  let matching = 0;
  for (let i = alerts.length - 1; i >= 0; --i) {
    const a = alerts[i];
    if (!matches(a, rule, minSeverity, text)) continue;
    ++matching;
    if (shown < MAX_SHOWN) {
      body.appendChild(row(a));
      ++shown;
    }
  }
  $("alerts-empty").hidden = alerts.length > 0;
  $("alert-count").textContent =
    matching === alerts.length ? `(${fmt(alerts.length)})` : `(${fmt(matching)} of ${fmt(alerts.length)})`;
}

function row(a) {
  const j = a.json;
  const last = j.events?.[j.events.length - 1] || {};
  const label = j.event?.severity_label || "";
  const tr = el(
    "tr",
    { class: a === selected ? "selected" : "", tabindex: 0, "data-rule": ruleId(a), "data-seq": String(a.seq) },
    el("td", { class: "num" }, a.seq),
    el("td", {}, j["@timestamp"] || ""),
    el("td", {}, el("span", { class: `sev sev-${/^[a-z]+$/.test(label) ? label : "unknown"}` }, label)),
    el("td", { title: j.rule?.id || "" }, j.message || j.rule?.name || j.rule?.id || ""),
    el("td", {}, j.host?.name || ""),
    el("td", { title: last.process?.command_line || "" }, processLabel(last.process)),
    el("td", { class: "num" }, j.alert?.count ?? 1),
  );
  const open = () => {
    selected = a;
    showDetail(a.json);
    queueRender();
  };
  tr.addEventListener("click", open);
  // Keyboard users reach rows with Tab and open them with Enter or Space.
  tr.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      open();
    }
  });
  return tr;
}

export function processLabel(p) {
  if (!p) return "";
  const name = p.name || p.executable || "";
  return p.pid !== undefined ? `${name} (${p.pid})` : name;
}
