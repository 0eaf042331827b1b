// The API reference at /docs: renders the served OpenAPI document (/openapi.json) with a "try it" form for each
// operation, which sends the request from this page with the app's signed-in token.
import { accessToken, displayName } from "./session.js";

const methods = ["get", "post", "put", "patch", "delete"];

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

/** Follows a local `$ref` ("#/components/…"). */
function resolve(document, value) {
  let seen = 0;
  while (value && value.$ref && seen++ < 20) {
    value = value.$ref.replace(/^#\//, "").split("/").reduce((node, key) => node?.[key.replace(/~1/g, "/").replace(/~0/g, "~")], document);
  }
  return value;
}

/** An example body for a request: the document's example, else one built from the schema. */
function exampleOf(document, content) {
  const media = content?.["application/json"];
  if (!media) return undefined;
  if (media.example !== undefined) return media.example;
  const first = media.examples && Object.values(media.examples)[0];
  if (first) return resolve(document, first).value;
  return sample(document, media.schema, 0);
}

function sample(document, schema, depth) {
  schema = resolve(document, schema);
  if (!schema || depth > 6) return null;
  if (schema.example !== undefined) return schema.example;
  if (schema.examples?.length) return schema.examples[0];
  const choice = schema.oneOf || schema.anyOf || schema.allOf;
  if (choice) return sample(document, choice[0], depth + 1);
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  if (type === "object" || schema.properties) {
    const out = {};
    for (const name of schema.required || Object.keys(schema.properties || {})) {
      if (schema.properties?.[name]) out[name] = sample(document, schema.properties[name], depth + 1);
    }
    return out;
  }
  if (type === "array") return [sample(document, schema.items, depth + 1)];
  if (type === "integer" || type === "number") return schema.minimum ?? 1;
  if (type === "boolean") return true;
  if (schema.enum) return schema.enum[0];
  return schema.format === "date-time" ? new Date().toISOString() : "string";
}

function responsesTable(document, responses) {
  const table = element("table", {}, element("tr", {}, element("th", { text: "status" }), element("th", { text: "meaning" })));
  for (const [status, value] of Object.entries(responses || {})) {
    const response = resolve(document, value);
    table.append(element("tr", {}, element("td", { text: status }), element("td", { text: response?.description || "" })));
  }
  return table;
}

function parametersTable(document, parameters) {
  if (!parameters.length) return null;
  const table = element("table", {}, element("tr", {}, element("th", { text: "parameter" }), element("th", { text: "in" }), element("th", { text: "meaning" })));
  for (const parameter of parameters) {
    table.append(element("tr", {},
      element("td", { text: parameter.name + (parameter.required ? " *" : "") }),
      element("td", { text: parameter.in }),
      element("td", { text: parameter.description || "" })));
  }
  return table;
}

/** The "try it" form: path and query parameters, a JSON body, the answer. */
function tryIt(document, path, method, operation, parameters) {
  const form = element("form", { class: "try", "data-testid": "try-form" });
  const inputs = [];
  for (const parameter of parameters.filter((p) => p.in === "path" || p.in === "query")) {
    const input = element("input", { name: parameter.name, "data-in": parameter.in, placeholder: parameter.in === "path" ? "required" : "optional" });
    if (parameter.example !== undefined) input.value = String(parameter.example);
    inputs.push(input);
    form.append(element("label", { text: `${parameter.name} (${parameter.in})` }, input));
  }
  const requestBody = resolve(document, operation.requestBody);
  let body = null;
  if (requestBody) {
    body = element("textarea", { name: "body", "aria-label": "JSON body" });
    const example = exampleOf(document, requestBody.content);
    body.value = example === undefined ? "" : JSON.stringify(example, null, 2);
    form.append(element("label", { text: "JSON body" }), body);
  }
  const key = method === "post" && path.startsWith("/api/") && !path.startsWith("/api/auth/") ? element("input", { name: "idempotency-key", placeholder: "optional" }) : null;
  if (key) form.append(element("label", { text: "Idempotency-Key" }, key));
  const button = element("button", { type: "submit", text: "Send", "data-testid": "try-send" });
  const output = element("output", { "data-testid": "try-output" });
  form.append(button, output);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    let url = path;
    const query = new URLSearchParams();
    for (const input of inputs) {
      if (input.dataset.in === "path") url = url.replace(`{${input.name}}`, encodeURIComponent(input.value));
      else if (input.value) query.set(input.name, input.value);
    }
    if ([...query].length) url += `?${query}`;
    const headers = {};
    const token = accessToken();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (key?.value) headers["Idempotency-Key"] = key.value;
    const init = { method: method.toUpperCase(), headers };
    if (body && body.value.trim()) {
      headers["Content-Type"] = "application/json";
      init.body = body.value;
    }
    output.textContent = "…";
    try {
      const response = await fetch(url, init);
      const text = await response.text();
      let shown = text;
      try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch { /* not JSON: shown as it came */ }
      output.replaceChildren(element("strong", { text: `${response.status} ${response.statusText}` }), element("pre", { text: shown }));
    } catch (error) {
      output.textContent = `The request failed: ${error.message}`;
    }
  });
  return element("details", {}, element("summary", { text: "Try it" }), form);
}

function render(document) {
  const index = window.document.querySelector("[data-testid=docs-index]");
  const container = window.document.getElementById("operations");
  container.replaceChildren();
  const byTag = new Map();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of methods) {
      const operation = item[method];
      if (!operation) continue;
      const tag = operation.tags?.[0] || "other";
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push({ path, method, operation, shared: item.parameters || [] });
    }
  }
  for (const [tag, operations] of byTag) {
    container.append(element("h2", { class: "docs-tag", text: tag }));
    for (const { path, method, operation, shared } of operations) {
      const id = operation.operationId || `${method}-${path}`;
      const parameters = [...shared, ...(operation.parameters || [])].map((p) => resolve(document, p));
      const section = element("section", { class: "operation", id, "data-testid": "operation", "data-operation": `${method.toUpperCase()} ${path}` },
        element("h3", {}, element("span", { class: `method method-${method}`, text: method.toUpperCase() }), path),
        operation.summary ? element("p", { class: "summary", text: operation.summary }) : null,
        operation.description ? element("p", { class: "description", text: operation.description }) : null,
        operation.security?.length === 0 ? element("p", { text: "No token needed." }) : null,
        parametersTable(document, parameters),
        responsesTable(document, operation.responses),
        tryIt(document, path, method, operation, parameters));
      container.append(section);
      index.append(element("a", { href: `#${id}`, text: `${method.toUpperCase()} ${path}` }));
    }
  }
}

async function start() {
  const who = window.document.querySelector("[data-testid=docs-who]");
  who.textContent = displayName() ? `Signed in: ${displayName()}` : "Not signed in (sign in from the app to try protected operations)";
  try {
    const response = await fetch("/openapi.json");
    render(await response.json());
  } catch (error) {
    window.document.getElementById("operations").textContent = `The document could not be read: ${error.message}`;
  }
}

start();
