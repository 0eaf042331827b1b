// An endpoint's signing secret on screen: the secret itself with a Copy button, and how a receiver checks the
// Boxoffice-Signature header with it (HMAC-SHA256 of the timestamp, a dot and the raw body, as Stripe signs).

import { h } from "../format.js";

/** How a receiver verifies a delivery, in a few sentences. */
export function signatureHelp() {
  return h("div", { class: "signature-help", "data-testid": "signature-help" },
    h("p", {}, "Every request carries ", h("code", {}, "Boxoffice-Signature: t=<unix seconds>,v1=<hex>"),
      ": v1 is the HMAC-SHA256, keyed with this secret, of ", h("code", {}, "t"), ", a dot and the raw body (",
      h("code", {}, "t.body"), "). Recompute it over the bytes received, compare in constant time and refuse a ",
      h("code", {}, "t"), " more than 5 minutes away from now."),
    h("p", {}, h("code", {}, "Boxoffice-Notice"), " names the notice (the body's ", h("code", {}, "id"),
      "): a delivery may come more than once, a repeat with the same id, so drop one already handled. ",
      "Answer with any 2xx within the timeout; anything else is tried again, with backoff, and parked when its retry window ends."));
}

/** A secret, with `note` above it (what to do with it), a Copy button, and the signature's help below. */
export function secretBox(secret, { note, testId = "webhook-secret" } = {}) {
  const value = h("code", { class: "secret-value", "data-testid": testId }, secret);
  const said = h("span", { class: "muted", role: "status" });
  const copy = h("button", { type: "button", class: "secondary", "data-testid": `${testId}-copy`, onclick: async () => {
    try {
      await navigator.clipboard.writeText(secret);
      said.textContent = "Copied.";
    } catch {
      // Without the clipboard (a page not served over HTTPS), the secret is selected for Ctrl+C.
      getSelection().selectAllChildren(value);
      said.textContent = "Selected: press Ctrl+C (⌘C) to copy.";
    }
  } }, "Copy");
  return h("div", { class: "secret-box" },
    note ? h("p", { class: "secret-note" }, note) : null,
    h("div", { class: "row secret-line" }, value, copy, said),
    signatureHelp());
}
