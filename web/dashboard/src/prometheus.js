// A small parser for the Prometheus text format of GET /metrics: enough to read the counters
// the dashboard shows (samples with labels; HELP/TYPE lines skipped).

// parse(text) -> Map(name -> [{labels: {k: v}, value: number}])
export function parse(text) {
  const out = new Map();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const sample = { labels: m[2] ? labels(m[2]) : {}, value: Number(m[3]) };
    if (!out.has(m[1])) out.set(m[1], []);
    out.get(m[1]).push(sample);
  }
  return out;
}

// a="x",b="y \"q\"" -> {a: "x", b: "y \"q\""}
function labels(s) {
  const out = {};
  let i = 0;
  while (i < s.length) {
    const eq = s.indexOf("=", i);
    if (eq < 0 || s[eq + 1] !== '"') break;
    const key = s.slice(i, eq).trim();
    let value = "";
    let j = eq + 2;
    for (; j < s.length && s[j] !== '"'; ++j) {
      if (s[j] === "\\" && j + 1 < s.length) {
        ++j;
        value += s[j] === "n" ? "\n" : s[j];
      } else {
        value += s[j];
      }
    }
    out[key] = value;
    i = j + 1;
    if (s[i] === ",") ++i;
  }
  return out;
}

// Sum of a metric's samples grouped by one label: Map(labelValue -> sum).
export function sumBy(metrics, name, label) {
  const out = new Map();
  for (const s of metrics.get(name) || []) {
    const key = s.labels[label] ?? "";
    out.set(key, (out.get(key) || 0) + s.value);
  }
  return out;
}

export function total(metrics, name) {
  return (metrics.get(name) || []).reduce((sum, s) => sum + s.value, 0);
}
