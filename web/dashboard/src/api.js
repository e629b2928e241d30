// The agent's HTTP API, same origin. Reads need nothing; mutations carry the bearer token the
// operator typed into the page (kept in sessionStorage: gone when the tab closes).

const TOKEN_KEY = "wsn.token";

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY) || "",
  set: (t) => (t ? sessionStorage.setItem(TOKEN_KEY, t) : sessionStorage.removeItem(TOKEN_KEY)),
};

export async function getText(path) {
  const res = await fetch(path, { cache: "no-store" });
  return { ok: res.ok, status: res.status, text: await res.text() };
}

export async function getJson(path) {
  const r = await getText(path);
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}: ${errorText(r.text)}`);
  return JSON.parse(r.text);
}

// POST /api/v1/rules/ID/enable|disable. Resolves to {ok, message}.
export async function setRuleEnabled(id, enabled) {
  const t = token.get();
  if (!t) return { ok: false, message: "Enter the API token (http.token) first: changes need it." };
  const res = await fetch(`/api/v1/rules/${encodeURIComponent(id)}/${enabled ? "enable" : "disable"}`, {
    method: "POST",
    headers: { Authorization: `Bearer ${t}` },
    cache: "no-store",
  });
  const text = await res.text();
  if (res.ok) return { ok: true, message: `${id} ${enabled ? "enabled" : "disabled"}.` };
  if (res.status === 401) return { ok: false, message: "The agent refused the token (401): check http.token." };
  if (res.status === 403) return { ok: false, message: "Changes through the API are off: the agent has no http.token." };
  return { ok: false, message: `${id}: HTTP ${res.status}: ${errorText(text)}` };
}

function errorText(body) {
  try {
    return JSON.parse(body).error || body;
  } catch {
    return body.trim();
  }
}
