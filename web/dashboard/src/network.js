// The network edge (XDP) panel, from GET /api/v1/network (docs/operations.md, "Dashboard"):
// {"attached":false,"status":"network edge not attached",…} until a network edge exists.
import { $, clear, el, fmt, setText } from "./dom.js";

export function renderNetwork(net) {
  setText($("network-status"), net.attached ? `attached: ${describe(net.interfaces)}` : net.status || "network edge not attached");
  const table = $("network-rules");
  table.hidden = !net.attached;
  const body = table.tBodies[0];
  clear(body);
  for (const r of net.rules || []) {
    body.appendChild(
      el(
        "tr",
        {},
        el("td", {}, r.id ?? ""),
        el("td", {}, r.action ?? ""),
        el("td", {}, r.match ?? ""),
        el("td", { class: "num" }, fmt(r.packets)),
        el("td", { class: "num" }, fmt(r.bytes)),
      ),
    );
  }
  const counters = Object.entries(net.counters || {}).map(([k, v]) => `${k} ${fmt(v)}`);
  setText($("network-counters"), counters.join(" · "));
}

function describe(interfaces) {
  return (interfaces || []).map((i) => `${i.name}${i.mode ? ` (${i.mode})` : ""}`).join(", ") || "no interface";
}
