// Source and sink health from /metrics, /healthz and /readyz: events received, processed,
// dropped and malformed per source, kernel drops, sink failures and queues, and the alert
// stream's own clients and drops.
import { $, clear, el, fmt, setText } from "./dom.js";
import { sumBy, total } from "./prometheus.js";

export function renderHealth(metrics, healthz, readyz) {
  const ready = $("ready-state");
  setText(ready, readyz.ok ? "ready" : `not ready (${readyz.status})`);
  ready.className = readyz.ok ? "pill ok" : "pill warn";

  const received = sumBy(metrics, "wsn_events_received_total", "source");
  const processed = sumBy(metrics, "wsn_events_processed_total", "source");
  const dropped = sumBy(metrics, "wsn_events_dropped_total", "source");
  const malformed = sumBy(metrics, "wsn_events_malformed_total", "source");
  const kernel = sumBy(metrics, "wsn_kernel_drops_total", "source");
  const sources = new Set([...received.keys(), ...processed.keys(), ...dropped.keys()]);
  const body = $("sources").tBodies[0];
  clear(body);
  for (const s of [...sources].sort()) {
    const bad = (dropped.get(s) || 0) + (kernel.get(s) || 0) > 0;
    body.appendChild(
      el(
        "tr",
        { class: bad ? "warn" : "" },
        el("td", {}, s),
        el("td", { class: "num" }, fmt(received.get(s) ?? 0)),
        el("td", { class: "num" }, fmt(processed.get(s) ?? 0)),
        el("td", { class: "num" }, fmt(dropped.get(s) ?? 0)),
        el("td", { class: "num" }, fmt(malformed.get(s) ?? 0)),
        el("td", { class: "num" }, kernel.has(s) ? fmt(kernel.get(s)) : "–"),
      ),
    );
  }
  if (sources.size === 0) body.appendChild(el("tr", {}, el("td", { class: "muted" }, "no source yet")));

  const failures = sumBy(metrics, "wsn_sink_failures_total", "sink");
  const depth = sumBy(metrics, "wsn_sink_queue_depth", "sink");
  const sinks = $("sinks").tBodies[0];
  clear(sinks);
  for (const s of [...new Set([...failures.keys(), ...depth.keys()])].sort()) {
    sinks.appendChild(
      el(
        "tr",
        { class: failures.get(s) ? "warn" : "" },
        el("td", {}, s),
        el("td", { class: "num" }, fmt(failures.get(s) ?? 0)),
        el("td", { class: "num" }, fmt(depth.get(s) ?? 0)),
      ),
    );
  }

  const eventsDropped = total(metrics, "wsn_events_dropped_total") + total(metrics, "wsn_kernel_drops_total");
  setText(
    $("health-summary"),
    `Process ${healthz.ok ? "healthy" : `unhealthy (${healthz.status})`}; ` +
      `${fmt(eventsDropped)} event(s) dropped before detection; ` +
      `${fmt(total(metrics, "wsn_sink_failures_total"))} sink failure(s).`,
  );
  setText(
    $("stream-health"),
    `Alert stream: ${fmt(total(metrics, "wsn_http_stream_clients"))} client(s) connected, ` +
      `${fmt(total(metrics, "wsn_http_stream_clients_dropped_total"))} dropped for falling behind.`,
  );
}
