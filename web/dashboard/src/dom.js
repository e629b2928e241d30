// DOM helpers. Event data (rule names, command lines, anything from an alert) only ever
// becomes text nodes or textContent: never markup, never an attribute that loads something.

export const $ = (id) => document.getElementById(id);

// el("td", {class: "num"}, "text", childNode, …): strings and numbers become text nodes.
export function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key.startsWith("data-")) node.dataset[camel(key.slice(5))] = value;
    else if (key === "title" || key === "type" || key === "hidden") node[key] = value;
    else if (key === "tabindex") node.tabIndex = Number(value);
    else throw new Error(`el: attribute ${key} not allowed`);
  }
  for (const child of children) append(node, child);
  return node;
}

function append(node, child) {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) child.forEach((c) => append(node, c));
  else if (child instanceof Node) node.appendChild(child);
  else node.appendChild(document.createTextNode(String(child)));
}

function camel(s) {
  return s.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

// Sets a text cell only when it changed (keeps selection and avoids layout work).
export function setText(node, text) {
  const s = String(text);
  if (node.textContent !== s) node.textContent = s;
}

export const fmt = (n) => (n === undefined || n === null ? "–" : Number(n).toLocaleString("en"));
