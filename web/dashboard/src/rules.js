// The rules (GET /api/v1/rules) with their counters from /metrics, and enable/disable buttons
// (POST /api/v1/rules/ID/…, with the page's token). Rows are made once per rule and then
// updated in place, so a refresh never swaps a button out from under a click.
import { $, el, fmt, setText } from "./dom.js";
import { setRuleEnabled } from "./api.js";
import { sumBy } from "./prometheus.js";

const rows = new Map(); // rule id -> {tr, cells…, button, rule}
let onChanged = () => {};

export function initRules(refresh) {
  onChanged = refresh;
}

export function renderRules(rules, metrics) {
  const evaluations = sumBy(metrics, "wsn_rule_evaluations_total", "rule");
  const matches = sumBy(metrics, "wsn_rule_matches_total", "rule");
  const alertsByRule = sumBy(metrics, "wsn_alerts_total", "rule");
  const body = $("rules").tBodies[0];
  const seen = new Set();
  for (const r of rules) {
    seen.add(r.id);
    let row = rows.get(r.id);
    if (!row) {
      row = makeRow(r.id);
      rows.set(r.id, row);
      body.appendChild(row.tr);
    }
    row.rule = r;
    setText(row.name, r.name || r.id);
    setText(row.id, r.id);
    setText(row.type, r.type);
    setText(row.severity, r.severity);
    const state = r.failed ? "failed" : r.enabled ? "enabled" : "disabled";
    setText(row.state, state);
    row.state.className = `state state-${state}`;
    setText(row.evaluations, fmt(evaluations.get(r.id) ?? 0));
    setText(row.matches, fmt(matches.get(r.id) ?? 0));
    setText(row.alerts, fmt(alertsByRule.get(r.id) ?? 0));
    setText(row.button, r.enabled ? "Disable" : "Enable");
    row.button.disabled = r.failed;
  }
  for (const [id, row] of rows) {
    if (!seen.has(id)) {
      row.tr.remove();
      rows.delete(id);
    }
  }
  const enabled = rules.filter((r) => r.enabled).length;
  setText($("rule-count"), `(${enabled} enabled of ${rules.length})`);
  fillRuleFilter(rules);
}

function makeRow(id) {
  const row = {
    name: el("div", {}),
    id: el("div", { class: "muted small" }),
    type: el("td", {}),
    severity: el("td", {}),
    state: el("span", {}),
    evaluations: el("td", { class: "num" }),
    matches: el("td", { class: "num" }),
    alerts: el("td", { class: "num" }),
    button: el("button", { type: "button", "data-rule-button": id }),
  };
  row.tr = el(
    "tr",
    { "data-rule-id": id },
    el("td", {}, row.name, row.id),
    row.type,
    row.severity,
    el("td", {}, row.state),
    row.evaluations,
    row.matches,
    row.alerts,
    el("td", {}, row.button),
  );
  row.button.addEventListener("click", async () => {
    const enable = !row.rule.enabled;
    row.button.disabled = true;
    const result = await setRuleEnabled(id, enable);
    const message = $("rules-message");
    message.textContent = result.message;
    message.className = result.ok ? "message ok" : "message error";
    row.button.disabled = false;
    onChanged();
  });
  return row;
}

// The rule filter of the alert list offers every loaded rule (kept selection).
function fillRuleFilter(rules) {
  const select = $("filter-rule");
  const have = new Set([...select.options].map((o) => o.value));
  for (const r of rules) {
    if (have.has(r.id)) continue;
    const option = el("option", {}, r.id);
    option.value = r.id;
    select.appendChild(option);
  }
}
