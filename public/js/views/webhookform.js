// Adding a webhook endpoint: its URL and a box per topic, sent as POST /api/webhooks. Once registered, its signing
// secret is shown prominently with how signatures work; a refusal shows the server's sentence (a URL that is not
// http(s), an address webhooks may not reach, no topic).

import * as api from "../api.js";
import { h } from "../format.js";
import { secretBox } from "./webhooksecret.js";

/** What each topic tells of. */
export const topicHints = {
  "booking.confirmed": "a booking is paid",
  "booking.refunded": "tickets of a booking are refunded",
  "checkin.admitted": "a ticket is let in at the door",
  "event.sold_out": "an event's last place is sold",
  "event.cancelled": "an event is called off",
};

/** The form's card; `onAdded(endpoint)` hears each endpoint registered. */
export function webhookForm(access, onAdded) {
  const url = h("input", { id: "webhook-url", type: "url", maxlength: "2000", autocomplete: "off", class: "wide-input",
    placeholder: "https://example.com/boxoffice/webhooks", "aria-describedby": "webhook-url-hint", "data-testid": "webhook-url" });
  const boxes = api.webhookTopics.map((topic) => h("input", { type: "checkbox", value: topic, "data-testid": "webhook-topic", "data-topic": topic,
    checked: topic === "booking.confirmed" }));
  const add = h("button", { type: "submit", "data-testid": "webhook-add" }, "Add endpoint");
  const message = h("div", { "aria-live": "polite", "data-testid": "webhook-form-message" });
  // The server says what is wrong with a URL or the topics: the form does not second-guess it (novalidate).
  const element = h("form", { class: "card webhook-form", "data-testid": "webhook-form", novalidate: true, onsubmit: (submitted) => {
    submitted.preventDefault();
    send();
  } },
  h("label", { for: "webhook-url" }, "Endpoint URL"), url,
  h("p", { id: "webhook-url-hint", class: "muted hint" },
    "Where Boxoffice POSTs each notice as JSON: an https:// (or http://) URL on the public internet."),
  h("fieldset", { class: "topics" }, h("legend", {}, "Topics"),
    ...boxes.map((box) => h("label", { class: "check" }, box, h("code", {}, box.value), h("span", { class: "muted" }, `— ${topicHints[box.value]}`)))),
  h("div", { class: "row" }, add),
  message);

  async function send() {
    const events = boxes.filter((box) => box.checked).map((box) => box.value);
    add.disabled = true;
    message.replaceChildren();
    try {
      const endpoint = await api.addWebhook({ url: url.value.trim(), events }, access.token());
      url.value = "";
      message.replaceChildren(h("div", { class: "notice ok secret-reveal", "data-testid": "webhook-created", "data-webhook-id": endpoint.id, tabindex: "-1" },
        h("p", { class: "secret-title" }, h("strong", {}, "Endpoint added: "), h("code", {}, endpoint.url)),
        secretBox(endpoint.secret, { note: "Its signing secret is below. Store it now with your receiver (an environment variable, a secrets "
          + "manager): it checks that a request came from Boxoffice. It is shown again only when an organizer asks (Show secret)." })));
      message.firstChild.focus();
      onAdded(endpoint);
    } catch (error) {
      message.replaceChildren(h("p", { class: "notice bad", "data-testid": "webhook-error" }, access.refusal(error)));
    } finally {
      add.disabled = false;
    }
  }

  return {
    element,
    /** Forgets what the last registration said (the organizer's authority changed). */
    clear: () => message.replaceChildren(),
  };
}
