// One alert in detail: its event chain (every event of a sequence, in match order) and the
// alerting process's ancestry (docs/alert-format.md: `events`, `ancestry`).
import { $, clear, el } from "./dom.js";

export function showDetail(alert) {
  $("detail-empty").hidden = true;
  $("detail").hidden = false;
  const title = $("detail-title");
  clear(title);
  title.append(
    el("strong", {}, alert.rule?.name || alert.rule?.id || "alert"),
    ` — ${alert.rule?.id || ""}, ${alert.event?.severity_label || ""}, ${alert["@timestamp"] || ""}`,
    alert.alert?.count > 1 ? `, ${alert.alert.count} detections folded` : "",
    alert.alert?.details ? ` — ${alert.alert.details}` : "",
  );
  renderEvents(alert.events || []);
  renderAncestry(alert);
}

function renderEvents(events) {
  const list = $("detail-events");
  clear(list);
  for (const e of events) {
    const category = [].concat(e.event?.category || []).join(",");
    list.appendChild(
      el(
        "li",
        {},
        el("div", { class: "event-head" }, `${e["@timestamp"] || ""} ${category}/${e.event?.action || ""}`),
        el("div", {}, summary(e)),
        el("details", {}, el("summary", {}, "event JSON"), el("pre", {}, JSON.stringify(e, null, 2))),
      ),
    );
  }
}

// The fields that say what happened, by kind of event.
function summary(e) {
  const parts = [];
  const p = e.process || {};
  if (p.name || p.pid !== undefined) parts.push(`${p.name || "?"} (pid ${p.pid ?? "?"})`);
  if (e.user?.name || p.user?.name) parts.push(`user ${e.user?.name || p.user?.name}`);
  if (p.command_line) parts.push(`cmd: ${p.command_line}`);
  if (e.file?.path) parts.push(`file ${e.file.path}`);
  if (e.destination?.ip) parts.push(`to ${e.destination.ip}:${e.destination.port ?? ""}`);
  if (e.dns?.question?.name) parts.push(`dns ${e.dns.question.name}`);
  if (e.url?.full) parts.push(`url ${e.url.full}`);
  return parts.join(" · ");
}

// Oldest ancestor first, down to the alerting process (from the last matched event).
function renderAncestry(alert) {
  const list = $("detail-ancestry");
  clear(list);
  const chain = [...(alert.ancestry || [])].reverse();
  const events = alert.events || [];
  const self = events[events.length - 1]?.process;
  if (chain.length === 0 && !self) {
    list.appendChild(el("li", { class: "muted" }, "not known (no process events seen before the alert)"));
    return;
  }
  chain.forEach((p, depth) => list.appendChild(entry(p, depth, false)));
  if (self) list.appendChild(entry(self, chain.length, true));
}

function entry(p, depth, alerting) {
  const li = el(
    "li",
    { class: alerting ? "alerting" : "" },
    el("span", { class: "indent" }, "  ".repeat(depth) + (depth ? "└ " : "")),
    el("strong", {}, p.name || p.executable || "?"),
    ` pid ${p.pid ?? "?"}`,
    p.command_line ? el("span", { class: "cmd" }, ` ${p.command_line}`) : null,
    alerting ? el("span", { class: "muted" }, "  (alerting process)") : null,
  );
  return li;
}
